"""What every command needs to know, on `ctx.obj`.  Opens nothing eagerly:
the database is opened on first use, so `--help` never touches it."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import typer

from deskcli.errors import InvalidValue

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskcli.store import Database


def default_agent() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "agent"


@dataclass
class AppContext:
    db_path: str | None = None
    db_url: str | None = None
    agent: str = field(default_factory=default_agent)
    lang: str = "en"
    shared: bool = False  # create the file group-writable (desk init --shared)
    _db: Database | None = None
    # Set by `desk batch --atomic` on the context it hands to each command:
    # they all run in this one session, so the whole batch is one transaction
    # (the batch commits or rolls it back at its end).
    session: Session | None = None

    def database(self) -> Database:
        if self._db is None:
            from deskcli.store import open_database

            self._db = open_database(self.db_path, self.db_url, shared=self.shared)
        return self._db

    def for_line(self, *, agent: str | None, lang: str | None) -> AppContext:
        """This context for one command of a batch: the batch's database and
        session, and its agent and language unless the line gives its own."""
        return replace(self, agent=agent or self.agent, lang=lang or self.lang, _db=self.database())

    def reading(self) -> AbstractContextManager[Session]:
        return self._scope("reading")

    def writing(self) -> AbstractContextManager[Session]:
        return self._scope("writing")

    @contextmanager
    def _scope(self, kind: str) -> Iterator[Session]:
        """store.reading or store.writing, or the batch's session when it has one."""
        from deskcli import store

        if self.session is not None:
            yield self.session
            return
        with getattr(store, kind)(self.database()) as session:
            yield session


def state(ctx: typer.Context) -> AppContext:
    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext(db_url=os.environ.get("DESK_DB_URL") or None)
    return root.obj


def read_text(value: str | None, what: str) -> str:
    """A text option or argument; '-' reads it from stdin."""
    if value is None:
        raise InvalidValue(f"{what} is required")
    if value == "-":
        value = sys.stdin.read()
    if not value.strip():
        raise InvalidValue(f"{what} must not be empty")
    return value.strip()


def ids_from_stdin() -> list[int]:
    """Case ids, one a line; blank lines and '#' comments are skipped."""
    ids: list[int] = []
    for number, line in enumerate(sys.stdin, start=1):
        token = line.split("#", 1)[0].strip()
        if not token:
            continue
        if not token.isdigit() or int(token) < 1:
            raise InvalidValue(f"line {number} of stdin: {token!r} is not a case id")
        ids.append(int(token))
    return ids
