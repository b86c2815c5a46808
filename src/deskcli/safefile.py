"""Files that appear whole or not at all, and that nobody else can redirect.

A new file is first written to a private temporary file in the target's
directory (`mkstemp`: O_EXCL, mode 0600, an unpredictable name, so no one can
plant a symlink or a file there in advance), then renamed over the target.  A
rename replaces a symlink at the target instead of writing through it, so the
result is always a regular file.  On any failure, Ctrl-C or SIGTERM, the
temporary file and SQLite's side files beside it are removed.

Standard library only.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")  # SQLite's files beside a database


def side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SIDE_SUFFIXES]


def private_temp(target: Path) -> tuple[int, Path]:
    """Create a new, empty, owner-only file beside `target`; its fd and path."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    return fd, Path(name)


def discard(path: Path) -> None:
    """Remove a temporary file and any SQLite side files beside it."""
    for file in (path, *side_files(path)):
        with suppress(OSError):
            file.unlink(missing_ok=True)


def is_database_file(path: Path, database: Path) -> bool:
    """Whether `path` is `database` or one of its side files, through symlinks
    and hard links: writing there would corrupt the database."""
    target = os.path.realpath(path)
    for base in {Path(os.path.abspath(database)), Path(os.path.realpath(database))}:
        for own in (base, *side_files(base)):
            if target == os.path.realpath(own):
                return True
            with suppress(OSError):
                if os.path.samefile(path, own):
                    return True
    return False


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def cleanup_on_termination() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP stop it as Ctrl-C does (with
    KeyboardInterrupt), so its `finally` clauses remove temporary files
    instead of the process dying with them on disk."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return
    previous: dict[int, object] = {}
    for signum in (int(signal.SIGTERM), int(signal.SIGHUP)):
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:
            continue  # nohup and friends: keep ignoring it
        previous[signum] = current
        signal.signal(signum, _terminate)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
