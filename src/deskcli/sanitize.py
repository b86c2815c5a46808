"""Make user text safe to show on a terminal.  Standard library only.

Customer and agent text is data: control characters (ESC and the rest of C0
and C1, DEL) and the Unicode controls that reorder or hide text are shown as
visible escapes (`\\x1b`, `\\u202e`) instead of being sent to the terminal.
Newlines and tabs are kept.  Rich markup is a separate concern: the renderer
never parses user text as markup (see render.py).
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: object) -> str:
    """`text` as a string with every unsafe character made visible."""
    return _UNSAFE.sub(_escape, str(text))
