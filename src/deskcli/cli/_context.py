"""What every command needs to know, on `ctx.obj`.  Opens nothing eagerly:
the database is opened on first use, so `--help` never touches it."""

from __future__ import annotations

import getpass
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from deskcli.errors import DeskError, InvalidValue
from deskcli.lang import N_, _

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskcli.cli import _typer_private as click
    from deskcli.reads.source import Source, SqliteSource
    from deskcli.store import Database
    from deskcli.tx import Tx

T = TypeVar("T")


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

    def read(self, query: Callable[[Source], T]) -> T:
        """Run a read of deskcli.reads the fastest way there is: a SQLite file at
        the current schema through sqlite3, without the database stack;
        anything else (a server, a file to create or migrate, a batch's
        session) through the store, with the same SQL."""
        if self.session is None and self._db is None:
            fast = self._sqlite_source()
            if fast is not None:
                from deskcli.reads.rows import DamagedRow

                try:
                    return query(fast)
                except DamagedRow:
                    pass  # read again through the store, which names the damaged value
                finally:
                    fast.close()
        from deskcli.store import tx_of

        with self.store_reading() as session:
            return query(tx_of(session))

    def _sqlite_source(self) -> SqliteSource | None:
        from deskcli.reads.source import open_sqlite

        path = self._file()
        return open_sqlite(path) if path is not None else None

    def database_file(self) -> Path | None:
        """The SQLite file this desk is (None on a server), not opened."""
        return self._file()

    def _file(self) -> Path | None:
        from deskcli.location import database_file

        return database_file(self.db_path, self.db_url)

    @contextmanager
    def writing(self) -> Iterator[Tx]:
        """One write transaction of the write path (deskcli.tx): a SQLite file
        at the current schema through sqlite3, without the database stack;
        anything else through the store.  Commits when the block ends
        normally, rolls back on any exception."""
        if self.session is None and self._db is None:
            from deskcli.tx import open_write_file

            path = self._file()
            fast = open_write_file(path) if path is not None else None
            if fast is not None:
                try:
                    yield fast.tx
                except DeskError:
                    fast.rollback()
                    raise
                except (ValueError, TypeError):
                    # A stored value of the wrong kind (SQLite keeps whatever
                    # was written; reads.rows.DamagedRow): name it, as the store does.
                    fast.rollback()
                    self._name_damage()
                    raise
                except BaseException:
                    fast.rollback()
                    raise
                fast.commit()
                return
        from deskcli.store import tx_of

        with self.store_writing() as session:
            yield tx_of(session)

    def _name_damage(self) -> None:
        """Raise the store's error naming the damaged value a write ran into."""
        from deskcli import store

        damaged = store.first_damaged(self.database())
        if damaged is not None:
            raise damaged.error()

    def store_reading(self) -> AbstractContextManager[Session]:
        """A store session to read with (export, and what the read path cannot do)."""
        return self._scope("reading")

    def store_writing(self) -> AbstractContextManager[Session]:
        """A store session to write with (import, and the write path on servers)."""
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
    """The command's context; every command asks for it before it touches the
    database, so this is also where its text arguments are checked."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext(db_url=os.environ.get("DESK_DB_URL") or None)
    check_arguments(ctx)
    return root.obj


# Paths may be any bytes the file system allows; everything else is stored as text.
_PATH_PARAMETERS = {"db"}


def check_arguments(ctx: typer.Context) -> None:
    """Refuse (exit 2) an argument that cannot be stored as text: bytes that
    are not UTF-8 reach sys.argv as lone surrogates (surrogateescape), and NUL
    cannot be stored by PostgreSQL.  Checked here so that no command gets as far
    as the database with one."""
    current: click.Context | None = ctx
    while current is not None:
        for param in current.command.params:
            if param.name is None or param.name in _PATH_PARAMETERS:
                continue
            value = current.params.get(param.name)
            values = value if isinstance(value, list | tuple) else (value,)
            for item in values:
                if isinstance(item, str):
                    check_text(item, _label(param))
        current = current.parent
    obj = ctx.find_root().obj
    if isinstance(obj, AppContext):
        check_text(obj.agent, "--as")  # also from DESK_AGENT or the login name


def _label(param: object) -> str:
    opts = getattr(param, "opts", None)
    if getattr(param, "param_type_name", "") == "option" and opts:
        return str(max(opts, key=len))
    return str(getattr(param, "metavar", None) or getattr(param, "name", "argument")).upper()


def check_text(value: str, what: str) -> str:
    """`value` unless it holds what cannot be stored as text (see check_arguments).
    `what` names the text: an option (--body) or an N_ word ("the note")."""
    for position, char in enumerate(value, start=1):
        code = ord(char)
        params: dict[str, object] = {"what": _(what), "position": position}
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, escaped by Python
            params["byte"] = f"0x{code - 0xDC00:02x}"
            raise InvalidValue(
                N_("{what} is not UTF-8 text (byte {byte} at character {position})"),
                hint=N_("give text in UTF-8"),
                params=params,
            )
        if 0xD800 <= code <= 0xDFFF:
            params["code"] = f"U+{code:04X}"
            raise InvalidValue(
                N_("{what} holds a lone surrogate {code} at character {position}"),
                hint=N_("give text in UTF-8"),
                params=params,
            )
        if code == 0:
            raise InvalidValue(
                N_("{what} holds a NUL character at character {position}"), params=params
            )
    return value


def stdin_is_terminal() -> bool:
    """Whether stdin is a terminal; a closed stdin (`<&-`, some service
    managers: Python then sets sys.stdin to None) is not one."""
    return sys.stdin is not None and sys.stdin.isatty()


def require_stdin(what: str) -> None:
    """Refuse (exit 2) to read `what` from a closed stdin, as from an empty one."""
    if sys.stdin is None:
        raise InvalidValue(
            N_("{what} needs text on stdin, but stdin is closed"),
            hint=N_("give the text on the command line, or redirect stdin from a file"),
            params={"what": _(what)},
        )


def read_stdin(what: str) -> str:
    """All of stdin as text; exit 2 naming the first byte that is not UTF-8."""
    require_stdin(what)
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a replaced text stream (tests, batch): already decoded
        return check_text(sys.stdin.read(), _(N_("{what} (stdin)")).format(what=_(what)))
    data = raw.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidValue(
            N_("stdin ({what}) is not UTF-8 text (byte {byte} at offset {offset})"),
            hint=N_("give text in UTF-8"),
            params={"what": _(what), "byte": f"0x{data[exc.start]:02x}", "offset": exc.start},
        ) from None
    return check_text(text, _(N_("{what} (stdin)")).format(what=_(what)))


def read_text(value: str | None, what: str) -> str:
    """A text option or argument; '-' reads it from stdin."""
    if value is None:
        raise InvalidValue(N_("{what} is required"), params={"what": _(what)})
    if value == "-":
        value = read_stdin(what)
    check_text(value, what)
    if not value.strip():
        raise InvalidValue(N_("{what} must not be empty"), params={"what": _(what)})
    return value.strip()


# Case ids are ASCII digits (str.isdigit would take '²', which int() refuses).
_CASE_ID = re.compile(r"[0-9]{1,19}", re.ASCII)


def ids_from_stdin() -> list[int]:
    """Case ids, one a line; blank lines and '#' comments are skipped."""
    from deskcli.cli._options import MAX_ID

    ids: list[int] = []
    for number, line in enumerate(read_stdin(N_("the case ids")).splitlines(), start=1):
        token = line.split("#", 1)[0].strip()
        if not token:
            continue
        if not _CASE_ID.fullmatch(token) or not 1 <= int(token) <= MAX_ID:
            raise InvalidValue(
                N_("line {number} of stdin: {token} is not a case id"),
                hint=N_("case ids are whole numbers from 1 to {max_id}, one a line"),
                params={"number": number, "token": repr(token), "max_id": MAX_ID},
            )
        ids.append(int(token))
    return ids
