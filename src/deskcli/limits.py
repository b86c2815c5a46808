"""Size limits of every free-text field, checked in one place.  Standard
library only, so the services, the import validator and the CLI share them.

Long texts (a description, note, reply, resolution, root cause, reason,
follow-up note, a five A's step) take up to 1 MiB of characters: a pasted
100 KB email fits with room to spare, a runaway paste does not.  Names and
other one-line values are short.  A subject is one line of at most 200
characters, because every table shows it in one row.
"""

from __future__ import annotations

import unicodedata

from deskcli.errors import InvalidValue
from deskcli.lang import N_, _

LONG_TEXT = 1024 * 1024  # characters: descriptions, notes, replies, reasons, resolutions
SUBJECT = 200
NAME = 200  # a customer's name
EMAIL = 254  # the longest address SMTP allows
PHONE = 50
LABEL = 100  # a CRN, agent, team, category or tag


def control_character(text: str, *, allow_newlines: bool) -> str | None:
    """The first control character in `text` (Unicode category Cc), if any."""
    for ch in text:
        if unicodedata.category(ch) == "Cc" and not (allow_newlines and ch in "\n\r\t"):
            return ch
    return None


def check_text(value: str, what: str, limit: int, *, one_line: bool = False) -> str:
    """`value` if it fits `limit` characters (and, with one_line, holds no
    control character such as a newline); else InvalidValue (exit 2) naming
    the limit."""
    if len(value) > limit:
        # `what` is an N_ word ("the subject"): translated here, with the message.
        params: dict[str, object] = {"what": _(what), "length": len(value), "limit": limit}
        raise InvalidValue(
            N_("{what} is {length:,} characters long; the limit is {limit:,}"),
            hint=N_("shorten it") if one_line else N_("shorten it, or attach the rest elsewhere"),
            params=params,
        )
    if one_line and (ch := control_character(value, allow_newlines=False)) is not None:
        raise InvalidValue(
            N_("{what} must be one line without control characters (found {char})"),
            hint=N_("put further lines in the description (--body)"),
            params={"what": _(what), "char": repr(ch)},
        )
    return value
