"""Where the read path's SQL runs: a SQLite file through `sqlite3`, or (see
`store.SessionSource`) any database through the engine writes use.
Standard library only."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from deskcli.dbpolicy import SCHEMA_HEAD, busy_timeout, max_id, storage_error
from deskcli.location import sqlite_uri

Params = Mapping[str, Any]


class Source(Protocol):
    """Runs one of the read path's queries and returns its rows as tuples."""

    max_id: int  # the largest value an id column holds
    # "sqlite" or "postgresql": the one read that differs, full-text search, asks.
    dialect: str

    def rows(self, sql: str, params: Params) -> Sequence[Sequence[Any]]: ...

    def time(self, value: datetime) -> Any:
        """`value` as this database compares stored times."""
        ...


class SqliteSource:
    """A SQLite file read with the standard library, in one read transaction."""

    max_id = max_id("sqlite")
    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection, where: str) -> None:
        self.connection = connection
        self.where = where

    def rows(self, sql: str, params: Params) -> Sequence[Sequence[Any]]:
        try:
            return self.connection.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise storage_error(self.where, str(exc)) from None

    def time(self, value: datetime) -> str:
        return sqlite_time(value)

    def close(self) -> None:
        self.connection.close()  # ends the read transaction


def sqlite_time(value: datetime) -> str:
    """A time as SQLite holds the store's times: naive UTC text with microseconds,
    so that comparisons are like with like."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def open_desk_file(
    path: Path, prepare: Callable[[sqlite3.Connection], None], begin: str
) -> sqlite3.Connection | None:
    """A `sqlite3` connection to the desk file at `path`, set up by `prepare`,
    inside the transaction `begin` starts, with the store's busy timeout and
    no implicit transactions.  None when the file cannot be used this way as
    it is (missing, not a regular file, no desk schema or another revision):
    the caller then opens it through the store, which creates, migrates or
    refuses it with the right message."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
    except OSError:
        return None
    where = str(path)
    try:
        connection = sqlite3.connect(
            sqlite_uri(path), uri=True, timeout=busy_timeout(), isolation_level=None
        )
    except sqlite3.Error as exc:
        raise storage_error(where, str(exc)) from None
    try:
        prepare(connection)
        connection.execute(begin)
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        connection.close()
        if "no such table" in str(exc):
            return None  # a new file, or not a desk file: the store decides
        raise storage_error(where, str(exc)) from None
    if revision is None or revision[0] != SCHEMA_HEAD:
        connection.close()
        return None
    return connection


def _read_only(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA query_only = ON")


def open_sqlite(path: Path) -> SqliteSource | None:
    """A read source on the desk file at `path` (see open_desk_file), in one
    snapshot for every query of the command (WAL: writers go on)."""
    connection = open_desk_file(path, _read_only, "BEGIN")
    return SqliteSource(connection, str(path)) if connection is not None else None


def in_list(column: str, name: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    """`column IN (:name0, :name1, ...)`, binding each value into `params`:
    the only SQL composed at run time is parameter names made from positions."""
    names = [f"{name}{i}" for i in range(len(values))]
    params.update(zip(names, values, strict=True))
    return f"{column} IN ({', '.join(':' + n for n in names)})"
