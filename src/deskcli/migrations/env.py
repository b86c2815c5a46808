"""Alembic environment: always runs on the connection `deskcli.store` hands in,
inside its write transaction, so a migration is all or nothing."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
