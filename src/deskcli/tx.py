"""Where the write path's SQL runs: one write transaction, as a `Tx`.

On a SQLite file the transaction is a `sqlite3` connection in BEGIN IMMEDIATE
(`SqliteTx`), opened here without the database stack, or taken from a
store session's connection (a file being created or migrated, `desk batch`);
on PostgreSQL it is a store session (`store.SessionTx`).  Services write
through this protocol only, with the SQL texts of `services.write_path`.
Standard library only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from deskcli.dbpolicy import max_id, storage_error
from deskcli.errors import Conflict
from deskcli.reads.source import Params, open_desk_file, sqlite_time


class Duplicate(Conflict):
    """A statement broke a unique constraint (two writers added the same key).
    Services that can say which key catch it; uncaught it is still exit 4."""


class Tx(Protocol):
    """One write transaction: the read path's `rows` (a `reads.source.Source`)
    plus statements that change rows.  Parameters are bound, never formatted
    into the text; datetimes and dicts are converted for the database here."""

    max_id: int
    dialect: str
    # What makes a SELECT lock the rows of the cases it reads (the queries
    # that lock name the case table c): " FOR UPDATE OF c" on servers; nothing
    # on SQLite, whose BEGIN IMMEDIATE already holds the whole file.
    lock_rows: str

    def rows(self, sql: str, params: Params) -> Sequence[Sequence[Any]]: ...

    def time(self, value: datetime) -> Any: ...

    def execute(self, sql: str, params: Params) -> int:
        """Run one statement; the number of rows it changed."""
        ...

    def execute_many(self, sql: str, rows: Iterable[Params]) -> None: ...

    def insert(self, sql: str, params: Params) -> int:
        """Run an INSERT ... RETURNING id; the new row's id."""
        ...


class SqliteTx:
    """A write transaction on a SQLite file, through `sqlite3`; the
    connection's transaction is begun and ended by whoever made it."""

    max_id = max_id("sqlite")
    dialect = "sqlite"
    lock_rows = ""

    def __init__(self, connection: sqlite3.Connection, where: str) -> None:
        self.connection = connection
        self.where = where

    def time(self, value: datetime) -> str:
        return sqlite_time(value)

    def _bound(self, params: Params) -> dict[str, Any]:
        return {name: _sqlite_value(value) for name, value in params.items()}

    def rows(self, sql: str, params: Params) -> Sequence[Sequence[Any]]:
        try:
            return self.connection.execute(sql, self._bound(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def execute(self, sql: str, params: Params) -> int:
        try:
            return self.connection.execute(sql, self._bound(params)).rowcount
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        try:
            self.connection.executemany(sql, (self._bound(row) for row in rows))
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def insert(self, sql: str, params: Params) -> int:
        found = self.rows(sql, params)
        return int(found[0][0])

    def _error(self, exc: sqlite3.DatabaseError) -> Exception:
        if isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc):
            return Duplicate(str(exc))
        return storage_error(self.where, str(exc))


def _sqlite_value(value: Any) -> Any:
    """A value as the store keeps it in SQLite: times as naive UTC text, JSON as text."""
    if isinstance(value, datetime):
        return sqlite_time(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


class WriteFile:
    """A SQLite desk file opened for one write transaction (BEGIN IMMEDIATE)."""

    def __init__(self, connection: sqlite3.Connection, where: str) -> None:
        self.tx = SqliteTx(connection, where)

    def commit(self) -> None:
        try:
            self.tx.connection.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise storage_error(self.tx.where, str(exc)) from None
        finally:
            self.tx.connection.close()

    def rollback(self) -> None:
        try:
            if self.tx.connection.in_transaction:
                self.tx.connection.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            pass  # closing the connection rolls back what is left
        finally:
            self.tx.connection.close()


def open_write_file(path: Path) -> WriteFile | None:
    """A write transaction on the desk file at `path` (None: see
    reads.source.open_desk_file).  BEGIN IMMEDIATE takes the write lock before
    the first read: a read-modify-write cannot be overtaken halfway."""
    connection = open_desk_file(path, _for_writing, "BEGIN IMMEDIATE")
    return WriteFile(connection, str(path)) if connection is not None else None


def _for_writing(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA foreign_keys = ON")
    relax_sync_in_wal(connection)


def relax_sync_in_wal(connection: Any) -> None:
    """synchronous = NORMAL on a WAL file (SQLite's default is FULL): a commit
    then appends to the WAL without waiting for the disk, which is what makes
    a commit cheap (one `desk batch` line committing on its own).  In WAL mode
    NORMAL is still consistent and durable across a crash of the program (a
    kill -9 loses nothing committed); only a power cut or an OS crash may undo
    the last commits, never corrupt the file.  A file in another journal mode
    (WAL is off on network filesystems) keeps FULL, where NORMAL is not safe."""
    if connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        connection.execute("PRAGMA synchronous = NORMAL")
