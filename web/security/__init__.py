"""Accounts and access: password hashing, sign-in sessions, rate limits, who may see what."""
