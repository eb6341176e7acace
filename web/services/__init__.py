"""Application services: the web app's side of personas, scorecards, calls and analytics."""
