"""Issue 10, output a person reads: the board shows what it counts, follow-ups
say when the next one is, piped tables keep whole cells, times and counts read
well, the timeline speaks in words, help shows meanings, customers sort as
people expect."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from deskcli import times
from tests.conftest import DESK, Desk, subprocess_env

# -- 1: the board ------------------------------------------------------------


def test_board_shows_every_case_or_says_how_many_more(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    for i in range(12):
        new_case(f"Case number {i}", "--me")  # open: assigned
    board = dj("board")
    assert board["counts"]["open"] == 12
    shown = len(board["cases"]["open"])
    assert shown + board["more"]["open"] == 12
    assert board["more"]["new"] == 0
    out = desk("board").stdout
    assert "Open (12)" in out
    more = 12 - shown
    if more:
        assert f"... and {more} more (desk case list --status open)" in out
    rows = [line for line in out.splitlines() if "Case number" in line]
    assert len(rows) == shown


# -- 6: follow-ups -----------------------------------------------------------


def test_follow_ups_due_says_none_is_due_and_when_the_next_is(
    desk: Desk, new_case: Callable[..., int]
) -> None:
    case = new_case()
    assert desk("case", "follow-up", str(case), "--in", "3d").exit_code == 0
    result = desk("follow-ups", "--due")
    assert result.exit_code == 0
    assert "No follow-ups scheduled" not in result.stdout
    assert "No follow-up is due" in result.stdout
    assert f"next: case {case}" in result.stdout
    assert "in 3 d" in result.stdout


def test_follow_ups_empty_still_says_none_scheduled(
    desk: Desk, new_case: Callable[..., int]
) -> None:
    new_case()
    assert "No follow-ups scheduled." in desk("follow-ups", "--due").stdout


# -- 12: piped tables ---------------------------------------------------------


def test_piped_tables_keep_whole_cells_without_columns(
    db_path: Path, new_case: Callable[..., int]
) -> None:
    subject = "Service down for the whole building since the storm last night, " * 3
    case = new_case(subject.strip())
    env = subprocess_env(db_path)
    del env["COLUMNS"]
    out = subprocess.run(
        [*DESK, "case", "list"], env=env, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in out.splitlines() if line.strip().startswith(str(case)))
    assert subject.strip() in line
    assert "…" not in out
    # COLUMNS, when set, is still the width.
    env["COLUMNS"] = "60"
    narrow = subprocess.run(
        [*DESK, "case", "list"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert max(len(line) for line in narrow.splitlines()) <= 60


# -- 13: times and counts ------------------------------------------------------


def test_relative_times_round_to_the_nearest_unit(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    three, one = new_case("three"), new_case("one")
    desk("case", "follow-up", str(three), "--in", "3d")
    desk("case", "follow-up", str(one), "--in", "1d")
    out = desk("follow-ups").stdout
    row = {int(m.group(2)): m.group(1) for m in re.finditer(r"(in \d+ \w+)\s+(\d+)", out)}
    assert row == {three: "in 3 d", one: "in 1 d"}


def test_one_style_for_ages_and_durations() -> None:
    now = times.now()
    assert times.ago(now - timedelta(days=5, hours=1), now) == "5 d ago"
    assert times.age(now - timedelta(days=5, hours=1), now) == "5 d"
    assert times.age(now - timedelta(minutes=12), now) == "12 min"
    assert times.ago(now + timedelta(hours=23, minutes=59, seconds=50), now) == "in 1 d"
    assert times.ago(now - timedelta(hours=13), now) == "13 h ago"
    assert times.duration(38) == "38 s"
    assert times.duration(12 * 60 + 10) == "12 min"
    assert times.duration(3600 + 5 * 60) == "1 h 05 min"


def test_case_list_age_column_uses_the_same_style(
    desk: Desk, new_case: Callable[..., int], sql: Callable[..., Any]
) -> None:
    case = new_case()
    sql(
        'UPDATE "case" SET created_at = :at WHERE id = :id',
        at=(times.now() - timedelta(days=5, hours=2)).replace(tzinfo=None),
        id=case,
    )
    line = next(
        line for line in desk("case", "list").stdout.splitlines() if "Charged twice" in line
    )
    assert "  5 d  " in line  # the Age column; the Due column follows it


def test_counts_use_real_plurals(desk: Desk, new_case: Callable[..., int]) -> None:
    a, b, c = new_case("a"), new_case("b"), new_case("c")
    one = desk("case", "close", str(a), "--resolution", "done")
    assert "Closed 1 case (1 resolved in the same step): " in one.stdout
    two = desk("case", "close", str(b), str(c), "--resolution", "done", "--dry-run")
    assert "Would close 2 cases: " in two.stdout
    reopened = desk("case", "reopen", str(a), "--reason", "not fixed")
    assert "reopened 1 time)" in reopened.stdout
    assert "(s)" not in one.stdout + two.stdout + reopened.stdout
    assert re.search(r"Reopened\s+1 time\b", desk("case", "show", str(a)).stdout)


def test_handling_time_reads_as_a_duration(
    desk: Desk, new_case: Callable[..., int], sql: Callable[..., Any]
) -> None:
    case = new_case()
    sql('UPDATE "case" SET handling_seconds = 38 WHERE id = :id', id=case)
    assert re.search(r"Handling time\s+38 s\b", desk("case", "show", str(case)).stdout)


# -- 14: the timeline ------------------------------------------------------------


def _timeline(out: str) -> list[str]:
    """The timeline's rows: the lines after its title that start with a date."""
    lines = out.split("Timeline", 1)[1].splitlines()
    return [line for line in lines if re.match(r"\d{4}-\d\d-\d\d ", line)]


def test_timeline_uses_words_and_details_on_every_row(
    desk: Desk, new_case: Callable[..., int]
) -> None:
    case = new_case()
    desk("case", "pending", str(case), "--reason", "waiting for the bank")
    desk("case", "follow-up", str(case), "--in", "3d")
    desk("assist", str(case), "--step", "acknowledge", "--text", "I hear you")
    desk("case", "close", str(case), "--resolution", "Refunded")
    rows = [row for row in _timeline(desk("case", "show", str(case)).stdout) if row.strip()]
    text = "\n".join(rows)
    assert "follow_up" not in text and "assist_step" not in text
    assert "follow-up" in text
    assert "five A's step" in text
    assert re.search(r"closed\s+closed by alice", text)
    assert "resolved: Refunded" in text
    assert re.search(r"status\b", text) is None  # the change, not the kind
    assert "pending" in text
    for row in rows:  # when, agent, event, and a detail
        assert len(re.split(r"\s{2,}", row.strip())) >= 4, row


# -- 15: help shows meanings ------------------------------------------------------

HELP_COMMANDS = [
    ["case", "show"],
    ["case", "note"],
    ["case", "close"],
    ["case", "list"],
    ["case", "resolve"],
    ["case", "follow-up"],
    ["follow-ups"],
    ["customer", "list"],
    ["customer", "show"],
    ["assist"],
    ["import"],
    ["backup"],
]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=" ".join)
def test_help_shows_meanings_not_types(desk: Desk, command: list[str]) -> None:
    out = desk(*command, "--help").stdout
    assert not re.search(r"\{[A-Z]+\}", out), out
    assert not re.search(r"<(int|str|list|float)", out), out
    assert "x<=" not in out and "x>=" not in out, out
    assert "--in IN" not in out and "--follow-up IN" not in out, out
    if "--limit" in out:
        assert "-n, --limit N " in out, out


def test_help_metavars(desk: Desk) -> None:
    assert "desk case note [OPTIONS] ID TEXT" in desk("case", "note", "--help").stdout
    assert "desk case close [OPTIONS] [ID]..." in desk("case", "close", "--help").stdout
    assert "--in DURATION" in desk("case", "follow-up", "--help").stdout
    assert "--follow-up DURATION" in desk("case", "resolve", "--help").stdout


def test_top_level_help_does_not_cut_descriptions(desk: Desk) -> None:
    out = desk("--help").stdout
    commands = out.split("Commands:", 1)[1]
    assert "..." not in commands
    assert "acknowledge, apologize, answer" in commands


# -- 16: customers sort as people expect; the list note --------------------------


def test_customers_sort_ignoring_case_and_accents(dj: Callable[..., Any], desk: Desk) -> None:
    for crn, name in [("C-1", "Omar"), ("C-2", "Ana"), ("C-3", "ana perez"), ("C-4", "Ángel")]:
        dj("customer", "add", "--crn", crn, "--name", name)
    assert [c["name"] for c in dj("customer", "list")] == ["Ana", "ana perez", "Ángel", "Omar"]
    assert [c["name"] for c in dj("customer", "list", "--limit", "2")] == ["Ana", "ana perez"]
    lines = [line.split()[1] for line in desk("customer", "list").stdout.splitlines()[1:]]
    assert lines == ["Ana", "ana", "Ángel", "Omar"]


def test_explicit_limit_prints_no_there_are_more_note(
    desk: Desk, new_case: Callable[..., int]
) -> None:
    for i in range(5):
        new_case(f"case {i}")
    result = desk("case", "list", "--limit", "3")
    assert result.exit_code == 0
    assert len([line for line in result.stdout.splitlines() if "case " in line]) == 3
    assert "there are more" not in result.stderr


def test_default_limit_still_says_there_are_more(desk: Desk, dj: Callable[..., Any]) -> None:
    dj("customer", "add", "--crn", "C-1", "--name", "Ana")
    commands = "".join(f"case open --customer C-1 --subject s{i}\n" for i in range(51))
    assert desk("batch", "--atomic", input=commands).exit_code == 0
    assert "there are more" in desk("case", "list").stderr
