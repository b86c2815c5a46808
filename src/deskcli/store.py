"""Storage: where the database is, how it is opened, and the only two
transaction scopes the rest of the program uses.

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
- `reading()` is a plain deferred transaction.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session

from deskcli.errors import DeskError, InvalidValue, StorageError
from deskcli.location import default_path, sqlite_file

SCHEMA_HEAD = "0003"  # the newest migration in deskcli/migrations/versions


def busy_timeout() -> float:
    raw = os.environ.get("DESK_BUSY_TIMEOUT", "15")
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise InvalidValue(f"DESK_BUSY_TIMEOUT must be a number of seconds, not {raw!r}") from None


@dataclass
class Database:
    url: str
    path: Path | None  # None for a server database
    engine: Engine
    created: bool = False  # this process created the file


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
        url = target = db_url
        path = sqlite_file(url)
    else:
        path = Path(db_path).expanduser() if db_path else default_path()
        if not db_path:
            path.parent.mkdir(parents=True, exist_ok=True)
        # A URL object, not a string: in a string SQLAlchemy reads `?`, `#`
        # and `%xx` as URL syntax and would open another file.
        target = URL.create("sqlite", database=str(path))
        url = "sqlite:///" + quote(os.fsencode(path), safe="/")  # for messages only
    created = _create_file(path, 0o660 if shared else 0o600) if path is not None else False
    if shared and path is not None and not created:
        _share(path)
    try:
        engine = _make_engine(target)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise InvalidValue(f"cannot use database URL {db_url!r}: {exc}") from None
    db = Database(url=url, path=path, engine=engine, created=created)
    with _translated_errors(db):
        _ensure_schema(db)
    return db


def safe_url(url: str) -> str:
    """A database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _create_file(path: Path, mode: int) -> bool:
    """Validate the path and create an empty file with exactly `mode`.

    The file is created with O_EXCL|O_NOFOLLOW, so a dangling symlink never
    lets SQLite create its target with the umask's mode: the target is
    created here, privately.  Anything but a regular file (directory, device,
    FIFO) is refused before SQLite opens it and puts a -journal beside it.
    """
    if path.is_dir():
        raise InvalidValue(f"{path} is a directory, not a database file")
    created = False
    if not os.path.lexists(path):
        created = _create_new(path, mode)
    elif path.is_symlink() and not path.exists():
        # A dangling link: create the file it points to, as a new file.
        created = _create_new(Path(os.path.realpath(path)), mode)
    try:
        info = path.stat()
    except OSError as exc:
        raise InvalidValue(f"cannot use {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidValue(
            f"{path} is not a regular file, so it cannot be a database",
            hint="pass the path of a database file (or of a new one) with --db",
        )
    return created


def _create_new(path: Path, mode: int) -> bool:
    """Create `path` (False if it appeared meanwhile); never through a link."""
    if not path.parent.is_dir():
        raise InvalidValue(
            f"cannot create {path}: directory {path.parent} does not exist",
            hint="create the directory first, or pass another --db",
        )
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StorageError(f"cannot create {path}: {exc.strerror}") from None
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
            raise StorageError(f"cannot share {file}: {exc.strerror}") from None


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
                cursor.execute(f"SET lock_timeout = '{int(busy_timeout() * 1000)}ms'")
                cursor.close()
                dbapi_connection.commit()

        return engine
    engine = create_engine(url, connect_args={"timeout": busy_timeout()})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let the "begin" listener below issue BEGIN itself.  The busy timeout
        # comes from connect_args (sqlite3's `timeout`).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("desk_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _ensure_schema(db: Database) -> None:
    with db.engine.connect() as connection:
        revision = _revision(connection)
        connection.rollback()
    if revision == SCHEMA_HEAD:
        return
    _upgrade(db, revision)


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
            f"the database schema ({revision}) is newer than this desk program knows",
            hint="upgrade deskcli (pip install -U deskcli) to use this database",
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
        cursor.close()
    finally:
        raw.close()


@contextmanager
def reading(db: Database) -> Iterator[Session]:
    """A read transaction."""
    # Closing (not rolling back) ends the transaction without expiring the
    # loaded objects, so callers can render them after the scope.
    with _translated_errors(db), Session(db.engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def writing(db: Database) -> Iterator[Session]:
    """A write transaction (BEGIN IMMEDIATE on SQLite): commits when the block
    ends normally, rolls back on any exception, Ctrl-C included."""
    bind = db.engine.execution_options(desk_write=True)
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
        raise _storage_error(db, str(exc.orig)) from exc
    except SQLAlchemyError as exc:
        raise StorageError(f"database error: {exc}") from exc


def _storage_error(db: Database, message: str) -> DeskError:
    where = str(db.path) if db.path is not None else safe_url(db.url)
    lowered = message.lower()
    if "could not connect" in lowered or "connection refused" in lowered:
        return StorageError(
            f"cannot connect to {where}", hint="check DESK_DB_URL and that the server is running"
        )
    if "deadlock" in lowered:
        return StorageError(
            "two writers got in each other's way; nothing was changed", hint="try again"
        )
    if "locked" in lowered or "lock timeout" in lowered or "could not obtain lock" in lowered:
        return StorageError(
            f"{where} is locked: another writer held it for more than {busy_timeout():g} s",
            hint="try again, or raise DESK_BUSY_TIMEOUT",
        )
    if "readonly" in lowered or "read-only" in lowered:
        return StorageError(f"{where} is read-only", hint="check the file's permissions")
    if "not a database" in lowered or "malformed" in lowered:
        return StorageError(
            f"{where} is not a desk database or is damaged ({message})",
            hint="restore it from a backup, or pass another --db",
        )
    if "unable to open" in lowered:
        return StorageError(f"cannot open {where}", hint="check the path and its permissions")
    if "no such table" in lowered or "no such column" in lowered:
        return StorageError(f"{where} has a damaged schema ({message})")
    return StorageError(f"database error on {where}: {message}")
