"""Looking after the database file: health report and online backup."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from sqlalchemy import text

from deskcli import store
from deskcli.errors import Conflict, InvalidValue, StorageError
from deskcli.lang import N_
from deskcli.location import readonly_uri
from deskcli.reads import queries
from deskcli.safefile import cleanup_on_termination, discard, is_database_file, private_temp
from deskcli.said import Said
from deskcli.shapes import DoctorReport as Report

DAMAGED_SHOWN = 20  # damaged values named per table; the scan stops there


def doctor(db: store.Database) -> Report:
    """Check the database: schema, journal, integrity, permissions, filesystem."""
    with store.reading(db) as session:
        counts = queries.count_by_status(store.SessionSource(session))
        schema = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    report = Report(
        database=str(db.path) if db.path else store.safe_url(db.url),
        schema=schema,
        program_schema=store.SCHEMA_HEAD,
        counts=dict(sorted(counts.items())),
    )
    if db.path is None:
        return report
    path = db.path
    info = path.stat()
    report.size_bytes = info.st_size + sum(
        side.stat().st_size for side in _side_files(path) if side.exists()
    )
    report.mode = oct(stat.S_IMODE(info.st_mode))
    with store.reading(db) as session:
        report.journal_mode = str(session.execute(text("PRAGMA journal_mode")).scalar())
        rows = session.execute(text("PRAGMA integrity_check")).scalars().all()
        # PostgreSQL enforces column types itself; SQLite stores anything.
        damaged = store.find_damaged(session.connection(), limit=DAMAGED_SHOWN)
    report.integrity = "ok" if rows == ["ok"] else "; ".join(str(r) for r in rows[:5])
    if report.integrity != "ok":
        report.problems.append(Said(N_("integrity check failed: {found}"), found=report.integrity))
    for value in damaged:
        report.problems.append(
            Said(N_("damaged value in {where}: desk cannot read this row"), where=value.describe())
        )
    if info.st_mode & stat.S_IWOTH:
        report.warnings.append(
            Said(
                N_(
                    "{path} is writable by every user on this machine; chmod 600 it (or 660 "
                    "for a team group: desk init --shared)"
                ),
                path=path,
            )
        )
    report.filesystem = store.filesystem_type(path)
    if report.filesystem in store.NETWORK_FILESYSTEMS:
        report.warnings.append(
            Said(
                N_(
                    "{path} is on a network filesystem ({filesystem}): SQLite's locks and WAL "
                    "are not safe there; keep the file on a local disk, or move the team to "
                    "PostgreSQL (DESK_DB_URL)"
                ),
                path=path,
                filesystem=report.filesystem,
            )
        )
    elif report.journal_mode != "wal":
        report.warnings.append(
            Said(
                N_("journal mode is {mode}, not wal: readers will wait for writers"),
                mode=report.journal_mode,
            )
        )
    return report


def _cannot_write(destination: Path, exc: OSError) -> StorageError:
    return StorageError(
        N_("cannot write {file}: {reason}"), params={"file": destination, "reason": exc.strerror}
    )


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def backup(
    db: store.Database,
    destination: Path,
    *,
    overwrite: bool = False,
) -> int:
    """Copy the database to `destination` with SQLite's online backup API: a
    consistent snapshot even while others write.  Returns the size in bytes.

    Raises InvalidValue (not a SQLite file database, bad destination),
    Conflict (destination exists), StorageError.
    """
    if db.path is None:
        raise InvalidValue(
            N_("desk backup copies SQLite files; back up a server database with its own tools"),
            hint=N_("for PostgreSQL: pg_dump"),
        )
    destination = destination.expanduser()
    if is_database_file(destination, db.path):
        raise InvalidValue(
            N_(
                "{file} is the database or one of its side files; the backup must go to "
                "another file"
            ),
            params={"file": destination},
            hint=N_("writing there would damage the database for everyone using it"),
        )
    if destination.is_dir():
        raise InvalidValue(
            N_("{file} is a directory; name the backup file"), params={"file": destination}
        )
    if not destination.parent.is_dir():
        raise InvalidValue(N_("directory {dir} does not exist"), params={"dir": destination.parent})
    if os.path.lexists(destination) and not overwrite:
        raise Conflict(
            N_("{file} already exists"),
            params={"file": destination},
            hint=N_("pass --force to replace it"),
        )
    with cleanup_on_termination():
        try:
            fd, partial = private_temp(destination)
        except OSError as exc:
            raise _cannot_write(destination, exc) from None
        os.close(fd)
        try:
            source = sqlite3.connect(readonly_uri(db.path), uri=True, timeout=store.busy_timeout())
            target = sqlite3.connect(partial)
            try:
                # One step: it reads one consistent snapshot (in WAL mode writers go
                # on meanwhile); stepping would restart on every concurrent write.
                source.backup(target, pages=-1)
                check = target.execute("PRAGMA quick_check").fetchone()
            finally:
                target.close()
                source.close()
            if check != ("ok",):
                raise StorageError(
                    N_("the backup failed its check: {check}"), params={"check": check}
                )
            size = partial.stat().st_size
            # The backup appears whole or not at all; a symlink at the final
            # name is replaced, not written through.
            os.replace(partial, destination)
        except sqlite3.Error as exc:
            raise StorageError(N_("backup failed: {reason}"), params={"reason": exc}) from None
        except OSError as exc:
            raise _cannot_write(destination, exc) from None
        finally:
            discard(partial)
    return size
