"""Make user text safe to show on a terminal or in JSON.  Standard library only.

Customer and agent text is data.  Every character of the Unicode categories
Cc (C0, DEL, C1) and Cf (format controls: bidirectional overrides and
isolates, the Arabic letter mark, zero-width characters, tag characters...),
line and paragraph separators, and lone surrogates (undecodable bytes) is
shown as a visible escape (`\\x1b`, `\\u202e`, `\\U000e0041`) instead of being
sent to the terminal.  `clean` keeps newlines and tabs (multi-line notes);
`one_line` escapes them too, for anything that must stay on one line (error
messages, table cells).  In JSON the same characters are written as `\\u`
escapes with four hex digits: still valid JSON, still the same string once parsed.  Rich markup is
a separate concern: the renderer never parses user text as markup.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Cc and Cf of Unicode 14 (Python 3.11), U+2028/U+2029 and the surrogates;
# tests/test_output_safety.py checks this against the running unicodedata.
_CONTROLS = (
    "\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{_CONTROLS}]")
_UNSAFE_LINE = re.compile(f"[\x00-\x1f{_CONTROLS}]")
_UNSAFE_JSON = re.compile(f"[{_CONTROLS}]")  # json.dumps escapes C0 itself


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells characters past U+FFFF
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def clean(text: object) -> str:
    """`text` as a string with every unsafe character made visible."""
    return _UNSAFE.sub(_escape, str(text))


def one_line(text: object) -> str:
    """Like `clean`, and newlines and tabs escaped too: one line, whatever the text."""
    return _UNSAFE_LINE.sub(_escape, str(text))


def json_text(data: Any, *, indent: int | None = None, compact: bool = False) -> str:
    """`data` as JSON, readable UTF-8 but with every control character escaped
    (line and paragraph separators included, so a record stays one line for
    every reader)."""
    separators = (",", ":") if compact else None
    text = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
    return text if text.isascii() else _UNSAFE_JSON.sub(_json_escape, text)
