"""How the live board learns that someone changed the database, cheaply,
on one connection kept open: a marker that changes with every commit.

- A SQLite file: `PRAGMA data_version`, which changes when another
  connection (another process, or this app's own writes, which use their
  own connection) commits to the file.
- PostgreSQL: the current snapshot (`pg_current_snapshot()`: the oldest
  running transaction, the next id and the ids in progress), which moves on
  every commit, with the newest event id beside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from deskcli.dbpolicy import storage_error
from deskcli.lang import _
from deskcli.location import readonly_uri

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from deskcli.cli._context import AppContext


class Marker(Protocol):
    def __call__(self) -> Hashable: ...

    def close(self) -> None: ...


class SqliteMarker:
    def __init__(self, path: Path) -> None:
        self.where = str(path)
        try:
            # Autocommit (no transaction held open): each PRAGMA sees the file now.
            self.connection = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None)
        except sqlite3.Error as exc:
            raise storage_error(self.where, str(exc)) from None

    def __call__(self) -> Hashable:
        try:
            return int(self.connection.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            raise storage_error(self.where, str(exc)) from None

    def close(self) -> None:
        self.connection.close()


# On servers other than PostgreSQL (none is supported today, but the store
# takes any URL): the newest event, case change and customer.
_GENERIC = (
    'SELECT (SELECT max(id) FROM event), (SELECT max(updated_at) FROM "case"),'
    " (SELECT max(id) FROM customer)"
)
_POSTGRES = "SELECT pg_current_snapshot()::text, (SELECT max(id) FROM event)"


class ServerMarker:
    def __init__(self, st: AppContext) -> None:
        from sqlalchemy import text

        engine = st.database().engine
        self.sql = text(_POSTGRES if engine.dialect.name == "postgresql" else _GENERIC)
        self.connection: Connection = engine.connect()

    def __call__(self) -> Hashable:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            row = self.connection.execute(self.sql).one()
            return tuple(str(value) for value in row)
        except SQLAlchemyError as exc:
            raise storage_error(_("the database"), str(exc).splitlines()[0]) from None
        finally:
            # End the read transaction: the next poll takes a new snapshot.
            self.connection.rollback()

    def close(self) -> None:
        self.connection.close()


def marker_for(st: AppContext) -> Marker:
    """The marker of the database `st` names (read it once before: a new or
    older file has then been created or migrated by the store)."""
    from deskcli.location import database_file

    path = None if st.session is not None else database_file(st.db_path, st.db_url)
    if path is not None and path.is_file():
        return SqliteMarker(path)
    return ServerMarker(st)
