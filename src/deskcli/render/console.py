"""The console: where output goes and how user text is made safe.

- JSON goes to stdout and nothing else does in --json mode.
- Human output uses one Rich console with markup, highlighting and emoji off;
  every piece of user text is wrapped in `Text` after `sanitize.clean`, so a
  subject like "[bold]x[/]" or one holding escape sequences prints literally.
- Notes, warnings and progress go to stderr.  Rich turns colour and progress
  off by itself without a terminal, and honours NO_COLOR.

Rich is imported inside the functions that draw, so --json and --ids output
(what scripts run thousands of times) never pays for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from deskcli import sanitize, times
from deskcli.domain import shown_priority, shown_status
from deskcli.lang import _, n_
from deskcli.sanitize import clean, json_text

T = TypeVar("T")

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

STATUS_STYLE = {
    "new": "bold cyan",
    "open": "green",
    "pending": "yellow",
    "escalated": "bold magenta",
    "resolved": "blue",
    "closed": "dim",
}
PRIORITY_STYLE = {"urgent": "bold red", "high": "red", "normal": "", "low": "dim"}

_out: Console | None = None
_err: Console | None = None


# Without a terminal and without COLUMNS, output is as wide as its content
# (up to this), so `desk case list | grep` sees whole cells; Rich would say 80.
PIPE_WIDTH = 10_000


def _piped_without_columns() -> bool:
    return not os.environ.get("COLUMNS") and not (sys.stdout.isatty())


def out() -> Console:
    global _out
    if _out is None:
        if _piped_without_columns():
            _out = _fitting_console()(markup=False, highlight=False, emoji=False, width=PIPE_WIDTH)
        else:
            _out = _desk_console()(markup=False, highlight=False, emoji=False)
    return _out


def _desk_console() -> type[Console]:
    """Rich's console, except that a reader going away (`desk case list |
    head`) raises BrokenPipeError like any other write, for the command line
    to report in one place (Rich would exit 1 by itself)."""
    from rich.console import Console

    class DeskConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

        def print(self, *objects: Any, **kwargs: Any) -> None:
            for item in objects:
                _size_tables(item, kwargs.get("width") or self.width)
            super().print(*objects, **kwargs)

    return DeskConsole


def _size_tables(renderable: Any, available: int) -> None:
    """Give the columns of the tables in `renderable` their widths, when every
    cell is text and the table fits as it is: the widths Rich would measure
    (the longest line of each column, within its limits), found in a fraction
    of the time Rich's measuring takes (a board's four tables cost a third of
    its run).  A table that does not fit is left to Rich to fold."""
    from rich.cells import cell_len
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if isinstance(renderable, Group):
        for item in renderable.renderables:
            _size_tables(item, available)
        return
    if not isinstance(renderable, Table) or renderable.expand:
        return
    widths = []
    for column in renderable.columns:
        if column.width is not None or column.ratio:
            return
        longest = 0
        for cell in (column.header, *column._cells):
            if isinstance(cell, Text):
                cell = cell.plain
            elif not isinstance(cell, str):
                return
            for line in cell.split("\n"):
                longest = max(longest, cell_len(line))
        if column.min_width is not None:
            longest = max(longest, column.min_width)
        if column.max_width is not None:
            longest = min(longest, column.max_width)
        widths.append(longest)
    # Padding and, for a boxed table, its rules: at most 3 columns a column.
    if sum(widths) + 3 * (len(widths) + 1) > available:
        return
    for column, width in zip(renderable.columns, widths, strict=True):
        column.width = width


def _fitting_console() -> type[Console]:
    """A console that prints each renderable at its natural width (at most its
    own width), so a wide console pads nothing and expanding panels do not
    stretch to 10,000 columns."""
    from rich.measure import Measurement

    class FittingConsole(_desk_console()):  # type: ignore[misc]
        def print(self, *objects: Any, **kwargs: Any) -> None:
            if objects and kwargs.get("width") is None and not kwargs.get("soft_wrap"):
                for item in objects:
                    _size_tables(item, self.width)
                natural = max(Measurement.get(self, self.options, item).maximum for item in objects)
                kwargs["width"] = max(1, min(natural, self.width))
            super().print(*objects, **kwargs)

    return FittingConsole


def capped(width: int) -> int | None:
    """A column's maximum width on a terminal; none without one (piped output
    never cuts a cell short)."""
    return width if out().is_terminal else None


def err() -> Console:
    global _err
    if _err is None:
        _err = _desk_console()(stderr=True, markup=False, highlight=False, emoji=False)
    return _err


def show(renderable: RenderableType) -> None:
    """Print what a builder made, on stdout."""
    out().print(renderable)


def show_rows(
    rows: Sequence[T], build: Callable[[Sequence[T]], RenderableType], empty: str
) -> bool:
    """Print what `build` makes of `rows`, or say `empty` when there are none.
    Returns whether there were rows."""
    if not rows:
        say(_(empty))
        return False
    out().print(build(rows))
    return True


def user(value: object, style: str = "") -> Text:
    """User-supplied text, safe: never markup, never raw control characters."""
    from rich.text import Text

    return Text("" if value is None else clean(value), style=style)


def one_line(value: object) -> Text:
    """User text on one line (newlines shown as \\n), cut to the column's width
    with an ellipsis, never wrapped."""
    from rich.text import Text

    text = Text("" if value is None else sanitize.one_line(value))
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


# Indented for people; `desk batch` reads each command's JSON back and asks
# for it compact (json's C encoder: indenting takes its slower Python one).
_json_indent: int | None = 2


def emit_json(data: Any) -> None:
    sys.stdout.write(json_text(data, indent=_json_indent) + "\n")


@contextmanager
def compact_json() -> Iterator[None]:
    """JSON output on one line while the block runs."""
    global _json_indent
    previous, _json_indent = _json_indent, None
    try:
        yield
    finally:
        _json_indent = previous


def emit_ids(ids: Sequence[int | None]) -> None:
    sys.stdout.write("".join(f"{i}\n" for i in ids))


def say(message: str) -> None:
    """A confirmation for people, on stdout, on one line however long."""
    out().print(user(message), soft_wrap=True)


def note(message: str) -> None:
    err().print(user(_("desk: note: {message}").format(message=message)), soft_wrap=True)


def hint(message: str) -> None:
    """A quiet line for people (not user text: our own words)."""
    from rich.text import Text

    out().print(Text(message, style="dim"))


def status_text(status: str) -> Text:
    from rich.text import Text

    return Text(shown_status(status), style=STATUS_STYLE.get(status, ""))


def priority_text(priority: str) -> Text:
    from rich.text import Text

    return Text(shown_priority(priority), style=PRIORITY_STYLE.get(priority, ""))


def fields(rows: Sequence[tuple[str, Text | str]]) -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def when(value: Any) -> Text:
    from rich.text import Text

    if value is None:
        return Text("-", style="dim")
    return Text(f"{times.local(value)} ({times.ago(value)})")


def plural(n: int, one: str, many: str) -> str:
    """'1 case', '2 cases', in the reader's language: `one` and `many` are
    catalog words (marked N_ where they are written), chosen by lang.n_."""
    return f"{n} {n_(one, many, n)}"


def id_list(ids: Sequence[int], limit: int = 20) -> str:
    shown = ", ".join(map(str, ids[:limit]))
    if len(ids) <= limit:
        return shown
    return shown + " " + _("... (+{count} more)").format(count=len(ids) - limit)


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long jobs on a terminal; None otherwise.
    `label`: an English message marked with N_, shown in the user's language."""
    if total < 2000 or not err().is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err(), transient=True) as bar:
        task = bar.add_task(_(label), total=total)
        yield lambda done, _total: bar.update(task, completed=done)
