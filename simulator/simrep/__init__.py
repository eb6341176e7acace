"""The simulated rep: scripted lines spoken into the call protocol in real time."""
