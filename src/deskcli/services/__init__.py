"""The domain: plain functions over a transaction (`deskcli.tx.Tx`) and
the acting agent.

They validate input and transitions and raise `deskcli.errors` exceptions;
they never print and never commit (the caller's `writing()` scope does).
"""
