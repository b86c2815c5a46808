"""Issue 10, items 9 to 11: input that is refused or contained, through the
real command line: text limits, follow-up dates, and choice errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from deskcli import limits
from tests.conftest import Desk

# -- item 9: one-line subjects, size limits, shortened show ------------------


@pytest.mark.parametrize("subject", ["Line one\nline two", "tab\there", "bell\x07"])
def test_a_subject_with_a_control_character_is_refused(
    desk: Desk, customer: str, subject: str, sql: Callable[..., Any]
) -> None:
    result = desk("case", "open", "--customer", customer, "--subject", subject)
    assert result.exit_code == 2
    assert "the subject must be one line" in result.stderr
    assert sql('SELECT count(*) FROM "case"')[0][0] == 0


def test_a_subject_longer_than_200_characters_is_refused(desk: Desk, customer: str) -> None:
    ok = desk("case", "open", "--customer", customer, "--subject", "x" * 200)
    assert ok.exit_code == 0, ok.stderr
    long = desk("case", "open", "--customer", customer, "--subject", "x" * 201)
    assert long.exit_code == 2
    assert "the subject is 201 characters long; the limit is 200" in long.stderr
    huge = desk("case", "open", "--customer", customer, "--subject", "x" * (limits.LONG_TEXT + 1))
    assert huge.exit_code == 2 and "the limit is 200" in huge.stderr, huge.stderr


def test_a_pasted_100_kb_email_fits_but_more_than_1_mib_is_refused(
    desk: Desk, new_case: Callable[..., int], dj: Callable[..., Any]
) -> None:
    case = new_case()
    email = "Dear desk,\n" + "the refund has not arrived. " * 3700  # about 100 KB
    assert len(email) > 100_000
    dj("case", "note", str(case), "-", input=email)
    huge = "y" * (limits.LONG_TEXT + 1)
    for args in (
        ("case", "note", str(case), "-"),
        ("case", "reply", str(case), "-"),
        ("case", "resolve", str(case), "--resolution", "-"),
    ):
        result = desk(*args, input=huge)
        assert result.exit_code == 2, args
        assert f"the limit is {limits.LONG_TEXT:,}" in result.stderr
    shown = dj("case", "show", str(case))
    assert [e["kind"] for e in shown["events"]] == ["opened", "note"]


def test_long_reasons_descriptions_and_customer_fields_are_refused(
    desk: Desk, customer: str, new_case: Callable[..., int]
) -> None:
    case = new_case()
    huge = "z" * (limits.LONG_TEXT + 1)
    cases = [
        ("case", "open", "--customer", customer, "--subject", "s", "--body", huge),
        ("case", "escalate", str(case), "--to", "billing", "--reason", huge),
        ("case", "pending", str(case), "--reason", huge),
        ("case", "escalate", str(case), "--to", "t" * 101, "--reason", "r"),
        ("customer", "add", "--crn", "C-2", "--name", "n" * 201),
        ("customer", "add", "--crn", "C-2", "--name", "Bea", "--phone", "1" * 51),
        ("customer", "add", "--crn", "C-2", "--name", "Bea", "--email", "a@" + "b" * 253),
        ("customer", "edit", customer, "--name", "n" * 201),
    ]
    for args in cases:
        result = desk(*args)
        assert result.exit_code == 2, (args[:3], result.stderr)
        assert "the limit is" in result.stderr or "one line" in result.stderr, result.stderr


def test_batch_gets_the_limits_too(desk: Desk, customer: str) -> None:
    line = json.dumps(f"case open --customer {customer} --subject {'x' * 201}")
    result = desk("batch", input=json.loads(line) + "\n")
    assert result.exit_code == 2
    assert "the limit is 200" in result.stdout


def test_import_refuses_an_over_limit_line(
    desk: Desk, tmp_path: Any, new_case: Callable[..., int], sql: Callable[..., Any]
) -> None:
    new_case()
    export = desk("export").stdout.splitlines()
    records = [json.loads(line) for line in export]
    case = next(r for r in records if r["type"] == "case")
    case.update(id=99, subject="a\nb")
    other = dict(case, id=98, subject="s" * 201)
    event = next(r for r in records if r["type"] == "event")
    big_note = dict(event, id=99, case_id=1, kind="note", body="n" * (limits.LONG_TEXT + 1))
    path = tmp_path / "in.jsonl"
    lines = [json.dumps(r) for r in (case, other, big_note)]
    path.write_text("\n".join(lines) + "\n")
    result = desk("import", str(path))
    assert result.exit_code == 2
    assert "line 1: case.subject" in result.stderr and "one line" in result.stderr
    assert "line 2: case.subject" in result.stderr and "the limit is 200" in result.stderr
    assert "line 3: event.body" in result.stderr
    assert sql('SELECT count(*) FROM "case"')[0][0] == 1


def test_case_show_shortens_long_texts_and_full_prints_them(
    desk: Desk, new_case: Callable[..., int], dj: Callable[..., Any]
) -> None:
    case = new_case("Long", "--body", "desc " * 2000)
    dj("case", "note", str(case), "-", input="note " * 10_000)
    shown = desk("case", "show", str(case)).stdout
    assert shown.count("desc") < 500 and shown.count("note") < 500
    words = " ".join(shown.replace("│", " ").split())  # the marker may wrap in its panel
    assert f"... [7,999 more characters; desk case show {case} --full]" in words
    assert f"... [47,999 more characters; desk case show {case} --full]" in words
    full = desk("case", "show", str(case), "--full").stdout
    assert "more characters" not in full
    assert full.count("desc") == 2000 and full.count("note") >= 10_000


# -- item 10: follow-up dates ------------------------------------------------


def test_a_follow_up_in_the_past_is_refused(
    desk: Desk, new_case: Callable[..., int], dj: Callable[..., Any]
) -> None:
    case = new_case()
    result = desk("case", "follow-up", str(case), "--on", "2020-01-01")
    assert result.exit_code == 2
    assert "in the past" in result.stderr and "hint:" in result.stderr
    shown = dj("case", "show", str(case))
    assert shown["follow_up_at"] is None and len(shown["events"]) == 1


def test_follow_up_done_without_one_scheduled_is_a_conflict(
    desk: Desk, new_case: Callable[..., int], dj: Callable[..., Any]
) -> None:
    case = new_case()
    result = desk("case", "follow-up", str(case), "--done")
    assert result.exit_code == 4
    assert f"no follow-up is scheduled on case {case}" in result.stderr
    assert [e["kind"] for e in dj("case", "show", str(case))["events"]] == ["opened"]
    dj("case", "follow-up", str(case), "--in", "2d")
    dj("case", "follow-up", str(case), "--done")
    again = desk("case", "follow-up", str(case), "--done")
    assert again.exit_code == 4
    kinds = [e["kind"] for e in dj("case", "show", str(case))["events"]]
    assert kinds == ["opened", "follow_up", "follow_up"]


# -- item 11: choice errors ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("case", "list", "--status", "opne"),
            "desk: error: unknown status 'opne' (did you mean 'open'?); use one of: "
            "new, open, pending, escalated, resolved, closed",
        ),
        (
            ("case", "list", "-p", "hgih"),
            "desk: error: unknown priority 'hgih' (did you mean 'high'?); use one of: "
            "low, normal, high, urgent",
        ),
        (
            ("case", "open", "--customer", "C-1", "--subject", "s", "--channel", "emial"),
            "desk: error: unknown channel 'emial' (did you mean 'email'?); use one of: "
            "phone, email, chat, social, in_person, web",
        ),
        (
            ("case", "list", "--sort", "newset"),
            "desk: error: unknown sort 'newset' (did you mean 'newest'?); use one of: "
            "newest, oldest, id, priority, updated, follow-up, due",
        ),
        (
            ("export", "--format", "xml"),
            "desk: error: unknown format 'xml'; use one of: jsonl, csv",
        ),
        (
            ("case", "close", "--status", "resolvd"),
            "desk: error: unknown status 'resolvd' (did you mean 'resolved'?); use one of: "
            "new, open, pending, escalated, resolved, closed",
        ),
    ],
)
def test_bad_choice_values_say_what_is_accepted(
    desk: Desk, args: tuple[str, ...], expected: str
) -> None:
    result = desk(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == expected
    assert "Invalid value" not in result.stderr and "Value error" not in result.stderr


# -- found by the fuzz test: a file name too long for the filesystem -----------


def test_an_export_path_too_long_for_the_filesystem_is_exit_2(desk: Desk, tmp_path: Any) -> None:
    name = str(tmp_path / ("a" * 5000))
    for args in (("export", "--out", name), ("export", "--format", "csv", "--out", name)):
        result = desk(*args)
        assert result.exit_code == 2, (args[:2], result.stderr[-200:])
        assert "unexpected" not in result.stderr


def test_an_over_limit_five_as_step_is_refused_in_the_flows_language(
    desk: Desk, new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    huge = "w" * (limits.LONG_TEXT + 1)
    result = desk("--lang", "es", "assist", case, "--step", "acknowledge", "--text", huge)
    assert result.exit_code == 2
    assert f"el límite es {limits.LONG_TEXT:,}" in result.stderr
