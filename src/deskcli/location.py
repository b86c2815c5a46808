"""Where the database is: the one place that knows, cheap to import (no
SQLAlchemy), so Tab completion can find the file the same way commands do.

A path is a file name, never URL syntax: `#`, `?` and `%xx` in it mean those
characters.  Only DESK_DB_URL is a URL (SQLAlchemy's: `%xx` escapes there).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote

APP_NAME = "desk"


def default_path() -> Path:
    """desk.db in the user data directory (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "desk.db"


def sqlite_file(url: str) -> Path | None:
    """The file a plain `sqlite:///PATH` URL names; None for anything else.

    Decoded as SQLAlchemy decodes it (the query string dropped, then %xx
    unescaped), so this names the file the store opens.
    """
    prefix = "sqlite:///"
    rest = url[len(prefix) :] if url.startswith(prefix) else ""
    path = unquote(rest.split("?", 1)[0])
    if not path or path.startswith("file:"):
        return None
    return Path(path)


def database_file(db_path: str | None, db_url: str | None) -> Path | None:
    """The SQLite file the options name: DESK_DB_URL's (None when it names no
    plain file), else --db / DESK_DB, else the default file."""
    if db_url:
        return sqlite_file(db_url)
    return Path(db_path).expanduser() if db_path else default_path()


def sqlite_uri(path: Path, mode: str = "rw") -> str:
    """A SQLite `file:` URI that opens exactly `path` (an existing file: `rw`
    never creates one; `ro` opens it read-only).

    The path is made absolute (a leading `//` is not an authority) and every
    byte that URI syntax could take for something else is %-escaped.
    """
    absolute = os.fsencode(os.path.abspath(path))
    return "file://" + quote(absolute, safe="/") + f"?mode={mode}"


def readonly_uri(path: Path) -> str:
    """A SQLite `file:` URI that opens exactly `path`, read-only."""
    return sqlite_uri(path, "ro")
