"""Values out of range, bytes that are not UTF-8, and over-long searches: each
is exit 2 with one line saying what is accepted, never exit 1 (issue 8)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DESK, Desk, subprocess_env

MAX_ID = 2**63 - 1


def _refused(result: Any, *words: str) -> str:
    """Exit 2, one `desk: error:` line (plus at most a hint), no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith("desk: error: "), result.stderr
    assert len(lines) <= 2, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    return result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("case", "show", "99999999999999999999"),
        ("case", "show", str(MAX_ID + 1)),
        ("case", "close", "9223372036854775808"),
        ("case", "note", "1", "x", "--if-version", "99999999999999999999"),
        ("case", "list", "--limit", "99999999999999999999"),
        ("follow-ups", "--limit", "99999999999999999999"),
        ("customer", "list", "--limit", "99999999999999999999"),
        ("customer", "show", "C-1", "--limit", "99999999999999999999"),
        ("assist", "99999999999999999999"),
    ],
)
def test_huge_numbers_are_refused_naming_the_range(desk: Desk, new_case: Any, args: Any) -> None:
    new_case()
    _refused(desk(*args), str(MAX_ID))


@pytest.mark.parametrize("case_id", [MAX_ID, 2**31, 2**32 + 1])
def test_an_id_beyond_any_column_is_just_not_found(desk: Desk, new_case: Any, case_id: int) -> None:
    """On PostgreSQL the id column is 32 bits: a larger id is no case, not exit 5."""
    new_case()
    for args in (("case", "show"), ("case", "note"), ("assist",)):
        result = desk(*args, str(case_id), *(["x"] if args[-1] == "note" else []))
        assert result.exit_code == 3, result.output
    result = desk("case", "close", "1", str(case_id), "-r", "done")
    assert result.exit_code == 3 and f"no case {case_id}" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("case", "list", "--older-than", "1000000d"),
        ("case", "list", "--older-than", "99999999d"),
        ("case", "close", "--older-than", "99999999d", "--dry-run"),
        ("case", "follow-up", "1", "--in", "99999999w"),
        ("case", "resolve", "1", "-r", "done", "--follow-up", "99999999w"),
        ("assist", "1", "--step", "acknowledge", "--text", "hi"),  # a valid first step
    ],
)
def test_durations_past_100_years_are_refused(desk: Desk, new_case: Any, args: Any) -> None:
    new_case()
    if args[0] == "assist":
        assert desk(*args).exit_code == 0
        for step in ("apologize", "answer", "analyze"):
            assert desk("assist", "1", "--step", step, "--text", "x").exit_code == 0
        args = ("assist", "1", "--step", "adjust", "--text", "x", "--then", "follow-up")
        args += ("--in", "99999999w")
    _refused(desk(*args), "100 years")


def test_a_century_is_still_a_duration(desk: Desk, new_case: Any) -> None:
    new_case()
    assert desk("case", "list", "--older-than", "36500d").exit_code == 0
    assert desk("case", "follow-up", "1", "--in", "5214w").exit_code == 0


@pytest.mark.parametrize(
    "when",
    ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00+01:00", "0001-01-01", "9999-12-31"],
)
def test_dates_out_of_range_are_refused(desk: Desk, new_case: Any, when: str) -> None:
    new_case()
    _refused(desk("case", "follow-up", "1", "--on", when), "1900", "9000")
    assert desk("case", "show", "1").exit_code == 0  # nothing half written


@pytest.mark.parametrize(
    ("args", "label"),
    [
        (("case", "note", "1", "caf\udce9"), "the note"),
        (("case", "reply", "1", "caf\udce9"), "the reply"),
        (("customer", "add", "--crn", "C-\udcff", "--name", "X"), "--crn"),
        (("customer", "add", "--crn", "C-2", "--name", "X\udcff"), "--name"),
        (("case", "list", "--search", "\udcff"), "--search"),
        (("customer", "list", "--search", "\udcff"), "--search"),
        (("case", "list", "--customer", "\udcff"), "--customer"),
        (("case", "open", "-c", "C-1", "--subject", "a\ud800b"), "U+D800"),
        (("case", "escalate", "1", "--to", "t\udc80", "--reason", "r"), "--to"),
        (("--as", "b\udcff", "case", "take", "1"), "--as"),
        (("case", "note", "1", "a\x00b"), "NUL"),
    ],
)
def test_text_that_is_not_utf8_is_refused(
    desk: Desk, new_case: Any, sql: Any, args: Any, label: str
) -> None:
    new_case()
    _refused(desk(*args), label)
    assert sql("SELECT count(*) FROM event")[0][0] == 1  # only the case's "opened"


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("case", "note", "1", "-"), b"caf\xe9"),
        (("case", "open", "-c", "C-1", "--subject", "s", "--body", "-"), b"\xff"),
        (("case", "close", "--from-stdin"), b"1\n\xff\n"),
        (("assist", "1", "--answers", "-"), b'{"acknowledge": "caf\xe9"}'),
    ],
)
def test_stdin_that_is_not_utf8_is_refused(
    desk: Desk, new_case: Any, args: Any, stdin: Any
) -> None:
    new_case()
    _refused(desk(*args, input=stdin), "not UTF-8")


@pytest.mark.parametrize("token", ["²", "١", "0", "-1", "9223372036854775808", "1" * 5000, "1e3"])
def test_ids_on_stdin_are_ascii_numbers_in_range(desk: Desk, new_case: Any, token: str) -> None:
    new_case()
    _refused(desk("case", "close", "--from-stdin", input=f"{token}\n"), "is not a case id")


def test_an_answers_file_that_is_not_utf8_is_refused(
    desk: Desk, new_case: Any, tmp_path: Path
) -> None:
    new_case()
    answers = tmp_path / "answers.json"
    answers.write_bytes(b'{"acknowledge": "caf\xe9"}')
    _refused(desk("assist", "1", "--answers", str(answers)), "not UTF-8")


@pytest.mark.parametrize("command", [("case", "list"), ("customer", "list"), ("case", "close")])
def test_a_search_longer_than_the_limit_is_refused(desk: Desk, new_case: Any, command: Any) -> None:
    new_case()
    _refused(desk(*command, "--search", "a" * 50_000), "1,000")
    assert desk(*command[:2], "--search", "a" * 1000, "--json").exit_code == 0


def test_bytes_in_a_real_argv_are_refused(db_path: Path) -> None:
    """The real thing: bytes that are not UTF-8 in argv of a `desk` process."""
    env = subprocess_env(db_path)
    run: Any = lambda *args: subprocess.run(  # noqa: E731
        [*DESK, *args], env=env, capture_output=True, timeout=60
    )
    assert run("customer", "add", "--crn", "C-1", "--name", "Ana").returncode == 0
    assert run("case", "open", "-c", "C-1", "--subject", "s").returncode == 0
    for args in (
        ["case", "note", "1", b"caf\xe9"],
        ["customer", "add", "--crn", b"C-\xff", "--name", "X"],
        ["case", "list", "--search", b"\xff"],
    ):
        result = run(*args)
        assert result.returncode == 2, result.stderr
        assert b"not UTF-8" in result.stderr and b"Traceback" not in result.stderr
    result = subprocess.run(
        [*DESK, "case", "close", "--from-stdin"],
        env=env,
        input="²\n".encode(),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 2 and b"is not a case id" in result.stderr


# -- import: values the commands could not handle later (issue 8, item 10) ---


def _import(desk: Desk, tmp_path: Path, *records: dict[str, Any]) -> Any:
    from tests.test_transfer import write_lines

    return desk("import", str(write_lines(tmp_path / "in.jsonl", list(records))))


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("version", 2**63 - 1, "case.version"),
        ("version", 2**31, "case.version"),
        ("version", 0, "case.version"),
        ("tier", 2**63 - 1, "case.tier"),
        ("reopen_count", 2**63 - 1, "case.reopen_count"),
        ("handling_seconds", 2**62, "case.handling_seconds"),
        ("id", 2**31, "case.id"),
        ("created_at", "0001-01-01T00:00:00+00:00", "year 1 is out of range"),
        ("updated_at", "9999-12-31T23:59:59-12:00", "year 9999 is out of range"),
        ("follow_up_at", "9999-12-31T23:59:59+00:00", "case.follow_up_at"),
        ("subject", "nul\u0000here", "NUL"),
    ],
)
def test_import_refuses_values_commands_cannot_handle(
    desk: Desk, tmp_path: Path, field: str, value: Any, words: str
) -> None:
    from tests.test_transfer import case_line, customer_line

    case = {**case_line(1, "C-1"), field: value}
    result = _import(desk, tmp_path, customer_line("C-1"), case)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "line 2" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert desk("case", "show", "1").exit_code == 3  # nothing imported


@pytest.mark.parametrize(
    ("field", "value"),
    [("at", "0001-01-01T00:30:00+01:00"), ("data", {"x": ["a\u0000"]}), ("case_id", 2**40)],
)
def test_import_refuses_bad_event_values(
    desk: Desk, tmp_path: Path, field: str, value: Any
) -> None:
    from tests.test_transfer import case_line, customer_line, event_line

    event = {**event_line(1, 1), field: value}
    result = _import(desk, tmp_path, customer_line("C-1"), case_line(1, "C-1"), event)
    assert result.exit_code == 2 and "line 3" in result.stderr, result.output


@pytest.fixture
def restore_tz() -> Any:
    saved = os.environ.get("TZ")
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_imported_values_at_the_bounds_work_in_every_command(
    desk: Desk, tmp_path: Path, restore_tz: None
) -> None:
    """The largest accepted values still let the commands count up and show them,
    in a time zone far from UTC."""
    from tests.test_transfer import case_line, customer_line

    case = {
        **case_line(2**31 - 1, "C-1"),
        "version": 10**9,
        "tier": 10**9,
        "reopen_count": 10**9,
        "handling_seconds": 10**9,
        "status": "resolved",
        "created_at": "1900-01-01T00:00:00+00:00",
        "resolved_at": "9000-12-31T23:59:59+00:00",
    }
    assert _import(desk, tmp_path, customer_line("C-1"), case).exit_code == 0
    case_id = str(2**31 - 1)
    for tz in ("Pacific/Kiritimati", "Etc/GMT+12"):
        os.environ["TZ"] = tz
        time.tzset()  # local time is what `case show` prints
        assert desk("case", "show", case_id).exit_code == 0
        assert desk("case", "list", "--all").exit_code == 0
    reopened = desk("case", "reopen", case_id, "--reason", "again", "--json")
    assert reopened.exit_code == 0, reopened.output
    assert '"version": 1000000001' in reopened.stdout
    assert desk("case", "escalate", case_id, "--to", "t2", "--reason", "r").exit_code == 0
