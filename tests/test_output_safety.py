"""Output that cannot be spoofed: one line per error, controls escaped everywhere."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

from deskcli import sanitize
from tests.conftest import Desk

# Characters that reorder, hide or forge text on a terminal.
SNEAKY = ["\u061c", "\U000e0041", "\U000e007f", "\x9b", "\u202e", "\u2066", "\x1b", "\xad"]


def test_an_echoed_value_cannot_forge_a_second_error_line(desk: Desk) -> None:
    result = desk("case", "list", "--customer", "NOPE\ndesk: error: fake")
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("desk: error:")]
    assert len(errors) == 1 and "NOPE\\ndesk: error: fake" in errors[0]
    assert len(result.stderr.splitlines()) <= 2  # the error and at most one hint


def test_human_output_escapes_every_format_and_control_character(
    desk: Desk, dj: Callable[..., Any], sql: Callable[..., Any]
) -> None:
    name = "Ana" + "".join(SNEAKY)
    dj("customer", "add", "--crn", "C-1", "--name", name)
    case = dj("case", "open", "-c", "C-1", "--subject", "Sub")["id"]
    # Subjects with control characters are refused since issue 10; one written
    # before (or by another tool) must still be shown safely.
    sql('UPDATE "case" SET subject = :s', s="Sub" + "".join(SNEAKY))
    for args in (("customer", "show", "C-1"), ("case", "show", str(case)), ("case", "list")):
        shown = desk(*args).stdout
        assert not [c for c in SNEAKY if c in shown], args
    shown = desk("customer", "show", "C-1").stdout
    assert "\\u061c" in shown and "\\U000e0041" in shown and "\\x9b" in shown


def test_json_writes_controls_as_escapes_and_keeps_the_string(
    desk: Desk, dj: Callable[..., Any], sql: Callable[..., Any]
) -> None:
    dj("customer", "add", "--crn", "C-1", "--name", "Ana")
    subject = "x" + "".join(SNEAKY) + "😀"
    case = dj("case", "open", "-c", "C-1", "--subject", "x")["id"]
    sql('UPDATE "case" SET subject = :s', s=subject)  # stored before subjects were checked
    raw = desk("case", "show", str(case), "--json").stdout
    assert not [c for c in SNEAKY if c in raw]
    assert "\\u202e" in raw and "\\udb40\\udc41" in raw and "😀" in raw
    assert json.loads(raw)["subject"] == subject
    batch = desk("batch", input=f"case show {case}\n").stdout
    assert not [c for c in SNEAKY if c in batch]
    assert json.loads(batch)["result"]["subject"] == subject


def test_the_escaped_set_covers_every_cc_and_cf_character() -> None:
    missing = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf")
        and sanitize.one_line(chr(code)) == chr(code)
    ]
    assert missing == [], "update sanitize._CONTROLS for this Python's Unicode version"
    assert sanitize.clean("a\nb\tc") == "a\nb\tc"
    assert sanitize.one_line("a\nb\tc") == "a\\nb\\tc"


def test_export_writes_controls_as_escapes(desk: Desk, dj: Callable[..., Any]) -> None:
    dj("customer", "add", "--crn", "C-1", "--name", "Ana" + "".join(SNEAKY))
    raw = desk("export").stdout
    assert not [c for c in SNEAKY if c in raw]
    assert json.loads(raw.splitlines()[0])["name"] == "Ana" + "".join(SNEAKY)


def test_a_server_hint_becomes_the_one_hint_line(tmp_path: Any) -> None:
    from deskcli import store

    db = store.Database(url="postgresql://u@h/x", path=None, engine=None)  # type: ignore[arg-type]
    raw = 'column "x" does not exist\nLINE 1: SELECT x\nHINT:  Perhaps you meant "y".\n'
    error = store._storage_error(db, raw)
    assert "\n" not in error.message and error.message.endswith('column "x" does not exist')
    assert error.hint == 'Perhaps you meant "y".'
