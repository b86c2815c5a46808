"""Storage: where the database is, how it is opened, and the two
transaction scopes, reading() and writing().  On a SQLite file at the
current schema the everyday commands open the same transactions without
this module (deskcli.reads.source, deskcli.tx), under the same policy.

Policy (one SQLite file shared by a small team):
- WAL journal (set once, when the file is created): readers never block writers.
- A busy timeout (DESK_BUSY_TIMEOUT seconds, default 15): a writer waits for
  another writer instead of failing at once; past the timeout the user gets a
  clear "locked" error with exit 5, never a raw "database is locked".
- `writing()` starts its transaction with BEGIN IMMEDIATE, so a
  read-modify-write takes the write lock before it reads and cannot be
  overtaken halfway (no SQLITE_BUSY on lock upgrade, no lost update).
  Services also check each case's `version` when they write it, which keeps
  the guarantee on PostgreSQL and for callers that pass --if-version.
- `reading()` sees one snapshot: a deferred transaction on SQLite (in WAL
  mode it reads one snapshot from its first read to its end), REPEATABLE READ,
  READ ONLY on PostgreSQL (READ COMMITTED would let an export or `case show`
  mix rows from before and after another writer's commit).
- One command is one scope is one transaction: all or nothing.

Schema: Alembic migrations in `deskcli/migrations`.  Opening a database
compares its revision with SCHEMA_HEAD using one cheap query; Alembic itself is
imported only when the file is new or older than this program.  A revision
this program does not know means the file was written by a newer deskcli and
is refused (exit 5).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import JSON, DateTime, Integer, String, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import InstanceState
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

# Re-exported: the store is where the rest of the program asks for them.
from deskcli.dbpolicy import SCHEMA_HEAD as SCHEMA_HEAD
from deskcli.dbpolicy import busy_timeout as busy_timeout
from deskcli.dbpolicy import lock_timeout_ms, max_id, os_reason, storage_error
from deskcli.dbpolicy import mask_password as mask_password
from deskcli.errors import DeskError, InvalidValue, StorageError
from deskcli.lang import N_
from deskcli.location import database_file
from deskcli.reads.source import sqlite_time
from deskcli.said import Said
from deskcli.tx import Duplicate, SqliteTx, Tx, relax_sync_in_wal


@dataclass
class Database:
    url: str
    path: Path | None  # None for a server database
    engine: Engine
    created: bool = False  # this process created the file
    # Set inside `one_connection()`: every scope then runs on it.
    connection: Connection | None = None


def open_database(
    db_path: str | None = None, db_url: str | None = None, *, shared: bool = False
) -> Database:
    """Open (creating or upgrading as needed) the database the options name.

    DESK_DB_URL (`db_url`) wins over --db / DESK_DB (`db_path`), which wins
    over the default file in the user data directory.  A new file is readable
    by its owner only (0600), or by its group too (0660) when `shared`.
    """
    target: str | URL
    if db_url:
        _refuse_memory(db_url)
    path = database_file(db_path, db_url)
    if db_url:
        url = target = db_url
    else:
        assert path is not None
        if not db_path:
            path.parent.mkdir(parents=True, exist_ok=True)
        # A URL object, not a string: in a string SQLAlchemy reads `?`, `#`
        # and `%xx` as URL syntax and would open another file.
        target = URL.create("sqlite", database=str(path))
        url = "sqlite:///" + quote(os.fsencode(path), safe="/")  # for messages only
    created = _create_file(path, 0o660 if shared else 0o600) if path is not None else False
    if shared and path is not None and not created:
        _share(path)
    with _masked(url):
        try:
            engine = _make_engine(target)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise InvalidValue(
                N_("cannot use database URL {url}: {reason}"),
                params={"url": safe_url(url), "reason": str(exc)},
            ) from None
        db = Database(url=url, path=path, engine=engine, created=created)
        with _translated_errors(db):
            _ensure_schema(db)
    return db


def _refuse_memory(url: str) -> None:
    """An in-memory SQLite database would vanish with the command (and
    `sqlite:///:memory:` would otherwise become a file named ':memory:')."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        return  # reported, masked, when the engine is made
    if not parsed.drivername.startswith("sqlite"):
        return
    name = parsed.database or ""
    memory = str(parsed.query.get("mode", "")) == "memory" or "mode=memory" in name
    if name in ("", ":memory:") or name.startswith("file::memory:") or memory:
        raise InvalidValue(
            N_(
                "DESK_DB_URL {url} names an in-memory database, which would vanish with the command"
            ),
            hint=N_("name a file: sqlite:///PATH, or use --db PATH"),
            params={"url": repr(url)},
        )


def safe_url(url: str) -> str:
    """A database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return mask_password(make_url(url).render_as_string(hide_password=True), url)
    except (SQLAlchemyError, ValueError):
        return mask_password(url, url)


@contextmanager
def _masked(url: str) -> Iterator[None]:
    """No error leaves with the URL's password in it, whatever raised it."""
    try:
        yield
    except DeskError as exc:
        exc.message = mask_password(exc.message, url)
        exc.hint = mask_password(exc.hint, url) if exc.hint else exc.hint
        if exc.params:  # the message is made again from them in the user's language
            exc.params = {
                key: mask_password(value, url) if isinstance(value, str) else value
                for key, value in exc.params.items()
            }
        raise
    except Exception as exc:
        text_ = str(exc)
        masked = mask_password(text_, url)
        if masked != text_:  # rather exit 5 than print the password in a crash report
            raise StorageError(
                N_("cannot open the database: {reason}"), params={"reason": masked}
            ) from None
        raise


def _create_file(path: Path, mode: int) -> bool:
    """Validate the path and create an empty file with exactly `mode`.

    The file is created with O_EXCL|O_NOFOLLOW, so a dangling symlink never
    lets SQLite create its target with the umask's mode: the target is
    created here, privately.  Anything but a regular file (directory, device,
    FIFO) is refused before SQLite opens it and puts a -journal beside it.
    """
    if path.is_dir():
        raise InvalidValue(N_("{path} is a directory, not a database file"), params={"path": path})
    created = False
    if not os.path.lexists(path):
        created = _create_new(path, mode)
    elif path.is_symlink() and not path.exists():
        # A dangling link: create the file it points to, as a new file.
        created = _create_new(Path(os.path.realpath(path)), mode)
    try:
        info = path.stat()
    except OSError as exc:
        raise InvalidValue(
            N_("cannot use {path}: {reason}"), params={"path": path, "reason": os_reason(exc)}
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidValue(
            N_("{path} is not a regular file, so it cannot be a database"),
            hint=N_("pass the path of a database file (or of a new one) with --db"),
            params={"path": path},
        )
    return created


def _create_new(path: Path, mode: int) -> bool:
    """Create `path` (False if it appeared meanwhile); never through a link."""
    if not path.parent.is_dir():
        raise InvalidValue(
            N_("cannot create {path}: directory {directory} does not exist"),
            hint=N_("create the directory first, or pass another --db"),
            params={"path": path, "directory": path.parent},
        )
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StorageError(
            N_("cannot create {path}: {reason}"), params={"path": path, "reason": os_reason(exc)}
        ) from None
    try:
        os.fchmod(fd, mode)  # exactly this mode, whatever the umask
    finally:
        os.close(fd)
    return True


def _share(path: Path) -> None:
    """Let the file's group read and write it (and SQLite's side files)."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            os.chmod(file, 0o660)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StorageError(
                N_("cannot share {path}: {reason}"), params={"path": file, "reason": os_reason(exc)}
            ) from None


NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.rclone",
        "fuse.s3fs",
        "davfs",
        "ncpfs",
    }
)


def filesystem_type(path: Path) -> str | None:
    """The type of the filesystem holding `path` (Linux /proc/mounts), if known."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve().parent)
    best, kind = "", None
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, kind = mount_point, fields[2]
    return kind


def on_network_filesystem(path: Path) -> bool:
    return filesystem_type(path) in NETWORK_FILESYSTEMS


def _make_engine(url: str | URL) -> Engine:
    if not str(url).startswith("sqlite"):
        engine = create_engine(url)
        if engine.dialect.name == "postgresql":

            @event.listens_for(engine, "connect")
            def _on_pg_connect(dbapi_connection: Any, _record: Any) -> None:
                # The server's counterpart of SQLite's busy timeout: a writer
                # waits this long for another's row lock, then gets exit 5.
                cursor = dbapi_connection.cursor()
                cursor.execute(f"SET lock_timeout = '{lock_timeout_ms()}ms'")
                cursor.close()
                dbapi_connection.commit()

            @event.listens_for(engine, "begin")
            def _on_pg_begin(connection: Connection) -> None:
                if connection.get_execution_options().get("desk_read", False):
                    # One snapshot for the whole read scope.
                    connection.exec_driver_sql(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                    )

        return engine
    engine = create_engine(url, connect_args={"timeout": busy_timeout()})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let the "begin" listener below issue BEGIN itself.  The busy timeout
        # comes from connect_args (sqlite3's `timeout`).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        relax_sync_in_wal(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("desk_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


DESK_TABLES = ("customer", "case", "event")


def _ensure_schema(db: Database) -> None:
    with db.engine.connect() as connection:
        revision = _revision(connection)
        orphans = _desk_tables(connection) if revision is None else []
        connection.rollback()
    if revision == SCHEMA_HEAD:
        return
    if orphans:
        # Migrating would fail on "table ... already exists"; say what is wrong.
        raise StorageError(
            N_(
                "{where} holds desk tables ({tables}) but no schema version "
                "(its alembic_version table is missing): it is damaged or was not made by desk"
            ),
            hint=N_("restore it from a backup, or pass another --db"),
            params={"where": _where(db), "tables": ", ".join(orphans)},
        )
    _upgrade(db, revision)


def _desk_tables(connection: Connection) -> list[str]:
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        )
        names = set(rows.scalars())
    else:
        names = set(inspect(connection).get_table_names())
    return [name for name in DESK_TABLES if name in names]


def _revision(connection: Connection) -> str | None:
    if connection.dialect.name == "sqlite":
        # One query instead of SQLAlchemy's inspector, which costs an import.
        found = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        ).first()
        if found is None:
            return None
    elif not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(db: Database, revision: str | None) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "deskcli:migrations")
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if revision is not None and revision not in known:
        raise StorageError(
            N_("the database schema ({revision}) is newer than this desk program knows"),
            hint=N_("upgrade deskcli (pip install -U deskcli) to use this database"),
            params={"revision": revision},
        )
    # WAL needs shared memory between the processes: only on local disks.
    if db.path is not None and revision is None and not on_network_filesystem(db.path):
        _set_wal(db)
    with db.engine.connect().execution_options(desk_write=True) as connection:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                # Two first runs at once: one migrates, the other waits, then
                # finds the schema current (Alembic re-reads the revision).
                connection.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def _set_wal(db: Database) -> None:
    """Switch a new file to WAL; it stays in the file for every later opener."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        relax_sync_in_wal(cursor)  # this pooled connection was opened before WAL
        cursor.close()
    finally:
        raw.close()


@contextmanager
def one_connection(db: Database) -> Iterator[None]:
    """Every scope opened inside runs on one connection, each still its own
    transaction (`desk batch` without --atomic: one commit a line, without a
    pool checkout, check-in and reset for each)."""
    with _translated_errors(db), db.engine.connect() as connection:
        db.connection = connection
        try:
            yield
        finally:
            db.connection = None


def _bind(db: Database, *, write: bool) -> Engine | Connection:
    """What a scope's session runs on: the kept connection, if any, else the
    engine's pool; with the option the "begin" listeners read."""
    if db.connection is not None:
        # Connection.execution_options() changes the connection itself: set
        # both, so a read after a write does not begin as a write.
        return db.connection.execution_options(desk_write=write, desk_read=not write)
    if write:
        return db.engine.execution_options(desk_write=True)
    return db.engine.execution_options(desk_read=True)


@contextmanager
def reading(db: Database) -> Iterator[Session]:
    """A read transaction: one snapshot (see the module's docstring)."""
    # Closing (not rolling back) ends the transaction without expiring the
    # loaded objects, so callers can render them after the scope.
    bind = _bind(db, write=False)
    with _translated_errors(db), Session(bind, expire_on_commit=False) as session:
        yield session


class SessionSource:
    """The read path's queries (deskcli.reads) run in a session of this store:
    on PostgreSQL, inside a write, and in `desk batch`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.max_id = max_id(self.dialect)

    def rows(self, sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        return self.session.execute(text(sql), dict(params)).all()

    def time(self, value: datetime) -> Any:
        if self.dialect == "sqlite":
            return sqlite_time(value)
        return value.astimezone(UTC).replace(tzinfo=None)  # stored as naive UTC


class SessionTx(SessionSource):
    """The write path's statements (deskcli.tx) run in a session of this
    store, on a server; row locks are taken with SELECT ... FOR UPDATE."""

    lock_rows = " FOR UPDATE OF c"  # the queries that lock name the case table c

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._json = _json_adapter(self.session.get_bind().dialect.driver)

    def _bound(self, params: Mapping[str, Any]) -> dict[str, Any]:
        bound = {}
        for name, value in params.items():
            if isinstance(value, datetime):
                value = self.time(value)
            elif isinstance(value, dict | list):
                value = self._json(value)
            bound[name] = value
        return bound

    def rows(self, sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        return super().rows(sql, self._bound(params))

    def execute(self, sql: str, params: Mapping[str, Any]) -> int:
        try:
            result = self.session.execute(text(sql), self._bound(params))
        except IntegrityError as exc:
            raise Duplicate(str(exc.orig)) from None
        return int(getattr(result, "rowcount", 0))

    def execute_many(self, sql: str, rows: Iterable[Mapping[str, Any]]) -> None:
        bound = [self._bound(row) for row in rows]
        if bound:
            self.session.execute(text(sql), bound)

    def insert(self, sql: str, params: Mapping[str, Any]) -> int:
        try:
            return int(self.session.execute(text(sql), self._bound(params)).scalar_one())
        except IntegrityError as exc:
            raise Duplicate(str(exc.orig)) from None


def _json_adapter(driver: str) -> Any:
    """How a dict is bound to a JSON column: psycopg's own adapter (a text
    parameter would not convert to json in an INSERT ... SELECT)."""
    if driver == "psycopg":
        from psycopg.types.json import Json

        return Json
    import json

    return json.dumps


def tx_of(session: Session) -> Tx:
    """The write path's view of a store session's transaction: on SQLite, its
    `sqlite3` connection itself (the same transaction, without SQLAlchemy's
    per-statement cost); elsewhere the session."""
    connection = session.connection()  # begins the transaction (BEGIN IMMEDIATE)
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        assert raw is not None  # a checked-out connection has its driver's
        return SqliteTx(raw, _session_where(connection))
    return SessionTx(session)


def _session_where(connection: Connection) -> str:
    database = connection.engine.url.database
    return database or "the database"


@contextmanager
def writing(db: Database) -> Iterator[Session]:
    """A write transaction (BEGIN IMMEDIATE on SQLite): commits when the block
    ends normally, rolls back on any exception, Ctrl-C included."""
    bind = _bind(db, write=True)
    with _translated_errors(db), Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def _translated_errors(db: Database) -> Iterator[None]:
    """Turn driver errors into one-line storage errors (exit 5)."""
    try:
        yield
    except DeskError:
        raise
    except DBAPIError as exc:
        raise _storage_error(db, mask_password(str(exc.orig), db.url)) from exc
    except SQLAlchemyError as exc:
        raise StorageError(
            N_("database error: {reason}"), params={"reason": mask_password(str(exc), db.url)}
        ) from exc
    except (ValueError, TypeError) as exc:
        # SQLite keeps whatever was written into a column: a value that fails
        # to convert (a date that is not one, broken JSON) lands here.
        damaged = first_damaged(db)
        if damaged is None:
            raise  # not the data's fault: a bug, reported as one
        raise damaged.error() from exc


def _where(db: Database) -> str:
    return str(db.path) if db.path is not None else safe_url(db.url)


def _storage_error(db: Database, raw: str) -> DeskError:
    return storage_error(_where(db), raw)


# -- damaged values -----------------------------------------------------------
# SQLite stores any value in any column (a text `version`, a BLOB subject, a
# date that is not one); PostgreSQL enforces the types itself.


@dataclass(frozen=True)
class DamagedValue:
    table: str
    column: str
    row_id: int | None

    def describe(self) -> Said:
        """Where the value is ("case 7, column subject"): English for JSON,
        the reader's language when shown (Said)."""
        if self.row_id is None:
            return Said(N_("table {table}, column {column}"), table=self.table, column=self.column)
        return Said(
            N_("{table} {row_id}, column {column}"),
            table=self.table,
            row_id=self.row_id,
            column=self.column,
        )

    def error(self) -> StorageError:
        return StorageError(
            N_("the database holds a damaged value in {where}: run desk doctor"),
            hint=N_("restore the database from a backup, or correct the value"),
            params={"where": self.describe().shown()},
        )


def _base_type(kind: Any) -> Any:
    """The SQL type under a TypeDecorator (UTCDateTime, SQLModel's AutoString)."""
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


# JSON columns that hold a list (migration 0009); every other one holds an object.
_JSON_LISTS = {("sla_calendar", "hours"), ("sla_calendar", "holidays")}


def _valid_sql(column: Any) -> str | None:
    """A SQLite condition true when `column` holds a value of its declared type."""
    name = f'"{column.name}"'
    kind = _base_type(column.type)
    if isinstance(kind, JSON):
        shape = "array" if (column.table.name, column.name) in _JSON_LISTS else "object"
        return (
            f"typeof({name}) = 'text' AND json_valid({name}) "
            f"AND json_type({name}) IN ('{shape}', 'null')"
        )
    if isinstance(kind, DateTime):
        # What SQLAlchemy writes ("2024-05-01 10:00:00.000000"); SQLite's
        # datetime() alone would also accept 'now' or a day number.
        return (
            f"typeof({name}) = 'text' AND datetime({name}) IS NOT NULL AND "
            f"{name} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"
        )
    if isinstance(kind, Integer):
        return f"typeof({name}) = 'integer'"
    if isinstance(kind, String):
        return f"typeof({name}) = 'text'"
    return None


def _damage_query(table: Any) -> tuple[str, list[str]] | None:
    checks = []
    for column in table.columns:
        valid = None if column.primary_key else _valid_sql(column)
        if valid is not None:
            checks.append((column.name, f'("{column.name}" IS NOT NULL AND NOT ({valid}))'))
    if not checks:
        return None
    which = " ".join(f"WHEN {bad} THEN '{name}'" for name, bad in checks)
    where = " OR ".join(bad for _name, bad in checks)
    # The row is named by its id, or by its key where it has no id (sla_calendar: name).
    key = "id" if "id" in table.columns else next(iter(table.primary_key.columns)).name
    query = (
        f'SELECT "{key}", CASE {which} END FROM "{table.name}" WHERE {where}'
        f' ORDER BY "{key}" LIMIT :n'
    )
    return query, [name for name, _bad in checks]


def find_damaged(connection: Connection, limit: int = 20) -> list[DamagedValue]:
    """Up to `limit` rows per table holding a value of the wrong type (SQLite
    only: one pass over each table; [] on other backends)."""
    if connection.dialect.name != "sqlite":
        return []
    import deskcli.models  # noqa: F401 - registers the tables in the metadata

    found: list[DamagedValue] = []
    for table in SQLModel.metadata.sorted_tables:
        built = _damage_query(table)
        if built is None:
            continue
        for row_id, column in connection.execute(text(built[0]), {"n": limit}):
            found.append(DamagedValue(table.name, str(column), row_id))
    return found


def first_damaged(db: Database) -> DamagedValue | None:
    if db.engine.dialect.name != "sqlite":
        return None
    try:
        with db.engine.connect() as connection:
            found = find_damaged(connection, limit=1)
            connection.rollback()
    except SQLAlchemyError:
        return None
    return found[0] if found else None


# Python types each mapped column must load as, per class (built on first use).
_Expected = list[tuple[str, str, tuple[type, ...]]]  # (attribute, column, types)
_EXPECTED: dict[type, _Expected] = {}


def _expected_types(cls: type, state: InstanceState[Any]) -> _Expected:
    if cls not in _EXPECTED:
        wanted: _Expected = []
        for attr in state.mapper.column_attrs:
            column = attr.columns[0]
            kind = _base_type(column.type)
            types: tuple[type, ...] | None = None
            if isinstance(kind, JSON):
                types = (dict,)
            elif isinstance(kind, Integer):
                types = (int,)
            elif isinstance(kind, String):
                types = (str,)
            if types is not None:
                wanted.append((attr.key, column.name, types))
        _EXPECTED[cls] = wanted
    return _EXPECTED[cls]


@event.listens_for(SQLModel, "load", propagate=True)
def _check_loaded(target: Any, _context: Any) -> None:
    """A loaded row whose values have the wrong Python type is damaged: stop
    here, naming it, rather than crash later wherever the value is used."""
    state: InstanceState[Any] = inspect(target)
    values = target.__dict__
    for key, column, types in _expected_types(type(target), state):
        value = values.get(key)
        if value is not None and (not isinstance(value, types) or isinstance(value, bool)):
            table = state.mapper.persist_selectable
            name = getattr(table, "name", type(target).__name__.lower())
            raise DamagedValue(name, column, values.get("id")).error()
