"""Files a command writes for a person (an export, the report's CSV files
and HTML page): whole or not at all, owner-only, never through a symlink
(deskcli.safefile), and CSV cells a spreadsheet will not run as formulas.
Standard library only, so `desk report --csv` or `--html` needs no database
stack.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from deskcli.errors import InvalidValue, StorageError
from deskcli.lang import N_
from deskcli.safefile import cleanup_on_termination, discard, is_database_file, private_temp


def neutralize(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection):
    a cell starting with =, +, -, @, tab or carriage return gets a leading '."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def check_out_file(path: Path, database: Path | None = None, option: str = "--out") -> None:
    """Raise InvalidValue unless `path` can be written as a file (`option` names it).

    `database`, the desk's own file, is never replaced by what a command writes.
    """
    try:
        if database is not None and is_database_file(path, database):
            raise InvalidValue(
                N_("{path} is the desk's own database"),
                params={"path": path, "option": option},
                hint=N_("choose another {option}"),
            )
        if path.is_dir():
            raise InvalidValue(
                N_("{path} is a directory"),
                params={"path": path, "option": option},
                hint=N_("give a file name for {option}"),
            )
        if not path.parent.is_dir():
            raise InvalidValue(
                N_("cannot write {path}: directory {parent} does not exist"),
                params={"path": path, "parent": path.parent},
            )
    except OSError as exc:  # a name too long for the filesystem, a loop of symlinks
        raise InvalidValue(
            N_("cannot write {path}: {reason}"),
            params={"path": path, "reason": exc.strerror or exc},
        ) from None


def prepare_out_dir(
    path: Path, hint: str = N_("--format csv writes one file per record type into --out DIR")
) -> None:
    """Create a directory of CSV files (owner only) if needed; InvalidValue if it
    cannot be.  `hint` is a catalog message (N_), translated when shown."""
    try:
        if path.exists() and not path.is_dir():
            raise InvalidValue(N_("{path} is not a directory"), params={"path": path}, hint=hint)
        if not path.parent.is_dir():
            raise InvalidValue(
                N_("cannot create {path}: directory {parent} does not exist"),
                params={"path": path, "parent": path.parent},
            )
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:  # no permission, a name too long for the filesystem
        raise InvalidValue(
            N_("cannot create {path}: {reason}"),
            params={"path": path, "reason": exc.strerror or exc},
        ) from None


def open_temp(fd: int) -> IO[bytes]:
    """The writer for a temporary export file (a seam for tests of a full disk)."""
    return open(fd, "wb")  # noqa: SIM115 - closed by replacing


@contextmanager
def replacing(targets: Sequence[Path]) -> Iterator[list[IO[bytes]]]:
    """New files that replace `targets` only when the block succeeds, so a
    failed export never leaves a half-written file (or one of three) behind.

    Each is written to a private temporary file beside its target (see
    deskcli.safefile: 0600, O_EXCL, an unpredictable name), synced, then
    renamed over the target, which replaces a symlink there rather than
    writing through it.  Any failure, Ctrl-C or SIGTERM removes the temporary
    files; a write error (a full disk) is a StorageError (exit 5).
    """
    temps: list[tuple[Path, IO[bytes]]] = []
    where = targets[0] if len(targets) == 1 else targets[0].parent
    try:
        with cleanup_on_termination():
            for target in targets:
                try:
                    fd, temp = private_temp(target)
                except OSError as exc:  # no such directory, no permission
                    raise InvalidValue(
                        N_("cannot write {path}: {reason}"),
                        params={"path": target, "reason": exc.strerror},
                    ) from None
                temps.append((temp, open_temp(fd)))
            yield [f for _, f in temps]
            for _, f in temps:
                f.flush()
                os.fsync(f.fileno())  # on disk before it replaces the old file
                f.close()
            for (temp, _), target in zip(temps, targets, strict=True):
                os.replace(temp, target)
    except OSError as exc:
        raise StorageError(
            N_("cannot write {path}: {reason}"),
            params={"path": where, "reason": exc.strerror or exc},
        ) from None
    finally:
        for temp, f in temps:
            with suppress(OSError):
                f.close()  # a full disk fails the flush again; the file goes anyway
            discard(temp)


class TextSink:
    """What csv.writer needs (a `write(str)`), encoding UTF-8 into a byte stream."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(text.encode())
