"""The domain: plain functions over a Session and the acting agent.

They validate input and transitions and raise `deskcli.errors` exceptions;
they never print and never commit (the caller's `store.writing()` scope does).
"""
