"""Where the database is: the one place that knows, cheap to import (no
SQLAlchemy), so Tab completion can find the file the same way commands do."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "desk"


def default_path() -> Path:
    """desk.db in the user data directory (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "desk.db"


def sqlite_file(url: str) -> Path | None:
    """The file a plain `sqlite:///PATH` URL names; None for anything else."""
    prefix = "sqlite:///"
    rest = url[len(prefix) :] if url.startswith(prefix) else ""
    if not rest or rest.startswith("file:"):
        return None
    return Path(rest.split("?", 1)[0])
