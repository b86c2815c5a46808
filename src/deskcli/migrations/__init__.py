"""Alembic migrations of the desk schema (run by `deskcli.store`)."""
