"""`desk board --live`: the case board as a full-screen terminal app that
keeps itself current while others work on the same database.

This module is standard library only: `desk board` imports it only with
`--live`, and Textual (an optional extra) is imported only at a terminal.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from deskcli.errors import InvalidValue

if TYPE_CHECKING:
    from deskcli.cli._context import AppContext

from deskcli.lang import N_

INSTALL_HINT = N_("install it with: .venv/bin/pip install -e '.[live]' (or: pip install textual)")


def at_terminal() -> bool:
    """Whether stdin, stdout and stderr are all terminals (a closed stream is
    not one); Textual draws on stderr, so `2>file` would draw into the file."""
    streams = (sys.stdin, sys.stdout, sys.stderr)
    return all(stream is not None and stream.isatty() for stream in streams)


def start(st: AppContext) -> bool:
    """Run the live board until the user quits.  False without a terminal:
    the caller then prints the ordinary board, so a script or a pipe never
    hangs on a screen nobody sees."""
    if not at_terminal():
        return False
    try:
        import textual  # noqa: F401  (only to say how to get it when missing)
    except ImportError:
        raise InvalidValue(
            N_("desk board --live needs Textual, which is not installed"), hint=INSTALL_HINT
        ) from None
    from deskcli.live.app import LiveBoard

    LiveBoard(st).run()
    return True
