"""Service-level settings through the real command line: `desk sla calendar`
and `desk sla policy`, their refusals, and running clocks that follow a
changed calendar or policy (clock rows inserted here with SQL), on both
backends."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deskcli.reads.rows import to_time
from tests.conftest import Desk
from tests.test_completion import complete

Json = Callable[..., Any]
Sql = Callable[..., list[Any]]

DEFAULT_POLICIES = [
    {"priority": "urgent", "first_response_seconds": 3600, "next_reply_seconds": 3600,
     "resolution_seconds": 14400, "calendar": "always"},
    {"priority": "high", "first_response_seconds": 14400, "next_reply_seconds": 14400,
     "resolution_seconds": 86400, "calendar": "always"},
    {"priority": "normal", "first_response_seconds": 28800, "next_reply_seconds": 28800,
     "resolution_seconds": 259200, "calendar": "always"},
    {"priority": "low", "first_response_seconds": 86400, "next_reply_seconds": 86400,
     "resolution_seconds": 432000, "calendar": "always"},
]  # fmt: skip
ALWAYS = {
    "name": "always",
    "tz": "UTC",
    "hours": [{"days": "mon-sun", "from": "00:00", "to": "24:00"}],
    "holidays": [],
}


# -- calendars ------------------------------------------------------------------


def test_a_calendar_is_set_shown_and_listed(dj: Json, desk: Desk) -> None:
    result = desk("sla", "calendar", "set", "madrid", "--tz", "Europe/Madrid",
                  "--hours", "mon-fri 09:00-18:00", "--hours", "SAT 10:00-14:00",
                  "--holiday", "2026-12-25", "--holiday", "2026-01-06")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Added calendar madrid (Europe/Madrid: mon-fri 09:00-18:00")
    madrid = {
        "name": "madrid",
        "tz": "Europe/Madrid",
        "hours": [
            {"days": "mon-fri", "from": "09:00", "to": "18:00"},
            {"days": "sat", "from": "10:00", "to": "14:00"},
        ],
        "holidays": ["2026-01-06", "2026-12-25"],
    }
    assert dj("sla", "calendar", "show", "madrid") == madrid
    assert dj("sla", "calendar", "list") == [ALWAYS, madrid]
    shown = desk("sla", "calendar", "show", "madrid")
    assert "mon-fri 09:00-18:00" in shown.stdout and "2026-01-06, 2026-12-25" in shown.stdout
    # Set again: replaced whole (hours that end a day at 24:00, days as lists).
    hours = ["--hours", "mon,wed,fri 18:00-24:00", "--hours", "sat,sun 00:00-06:00"]
    replaced = dj("sla", "calendar", "set", "madrid", "--tz", "UTC", *hours)
    assert (
        replaced
        == dj("sla", "calendar", "show", "madrid")
        == {
            "name": "madrid",
            "tz": "UTC",
            "hours": [
                {"days": "mon,wed,fri", "from": "18:00", "to": "24:00"},
                {"days": "sat,sun", "from": "00:00", "to": "06:00"},
            ],
            "holidays": [],
        }
    )
    listed = desk("sla", "calendar", "list")
    assert listed.exit_code == 0 and "always" in listed.stdout and "madrid" in listed.stdout


def test_always_is_built_in_and_cannot_be_changed(desk: Desk, dj: Json) -> None:
    assert dj("sla", "calendar", "show", "always") == ALWAYS
    result = desk("sla", "calendar", "set", "always", "--tz", "UTC", "--hours", "mon 09:00-10:00")
    assert result.exit_code == 4
    assert "the calendar always is built in" in result.stderr
    assert dj("sla", "calendar", "show", "always") == ALWAYS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tz", "Mars/Olympus", "--hours", "mon-fri 09:00-18:00"],
         "unknown time zone 'Mars/Olympus'"),
        (["--tz", "x" * 500, "--hours", "mon-fri 09:00-18:00"], "unknown time zone"),
        (["--tz", "UTC", "--hours", "mon-fri 18:00-09:00"],
         "the end must be later than the start"),
        (["--tz", "UTC", "--hours", "mon-fri 09:00-18:00", "--hours", "fri 17:00-20:00"],
         "overlap on fri"),
        (["--tz", "UTC", "--hours", "mon-fri 9-18"], "invalid hours"),
        (["--tz", "UTC", "--hours", "mon-fri 09:00-18:00", "--holiday", "2026-02-30"],
         "invalid holiday '2026-02-30'"),
        (["--tz", "UTC", "--hours", "mon-fri 09:00-18:00", "--holiday", "christmas"],
         "invalid holiday 'christmas'"),
        (["--tz", "UTC"], "a calendar needs its opening hours"),
    ],
)  # fmt: skip
def test_bad_calendars_are_refused_and_nothing_is_written(
    desk: Desk, dj: Json, args: list[str], message: str
) -> None:
    result = desk("sla", "calendar", "set", "office", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("hint: ")  # what is accepted
    assert [c["name"] for c in dj("sla", "calendar", "list")] == ["always"]


def test_bad_calendar_names_and_unknown_calendars(desk: Desk) -> None:
    hours = ["--hours", "mon 09:00-10:00"]
    result = desk("sla", "calendar", "set", "two words", "--tz", "UTC", *hours)
    assert result.exit_code == 2 and "a name is one word" in result.stderr
    missing = desk("sla", "calendar", "show", "nowhere")
    assert missing.exit_code == 3 and "no calendar named nowhere" in missing.stderr


# -- policies -------------------------------------------------------------------


def test_every_priority_has_a_policy_from_the_start(dj: Json, desk: Desk) -> None:
    from deskcli.services.sla_config import DEFAULT_POLICIES as KNOWN

    assert dj("sla", "policy", "list") == DEFAULT_POLICIES
    # What an import may replace is what the migration seeds.
    assert [(p["priority"], (p["first_response_seconds"], p["next_reply_seconds"],
             p["resolution_seconds"], p["calendar"])) for p in DEFAULT_POLICIES] == list(
        KNOWN.items()
    )  # fmt: skip
    table = desk("sla", "policy", "list").stdout
    assert table.splitlines()[1].split() == ["urgent", "1h", "1h", "4h", "always"]


def test_a_policy_changes_what_is_given_and_keeps_the_rest(dj: Json, desk: Desk) -> None:
    dj("sla", "calendar", "set", "office", "--tz", "UTC", "--hours", "mon-fri 09:00-18:00")
    changed = dj("sla", "policy", "set", "high", "--first-response", "2h", "--calendar", "office")
    expected = {"priority": "high", "first_response_seconds": 7200, "next_reply_seconds": 14400,
                "resolution_seconds": 86400, "calendar": "office"}  # fmt: skip
    assert changed == expected
    dj("sla", "policy", "set", "high", "--resolution", "2d", "--next-reply", "90m")
    expected |= {"resolution_seconds": 172800, "next_reply_seconds": 5400}
    assert dj("sla", "policy", "list")[1] == expected
    said = desk("sla", "policy", "set", "low", "--resolution", "2w")
    assert said.exit_code == 0
    assert said.stdout.startswith("Policy of low: first response 1d, next reply 1d, resolution 2w")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--first-response", "0m"], 2, "a target must be above zero"),
        (["--resolution", "-1h"], 2, "invalid --resolution '-1h'"),
        (["--next-reply", "soon"], 2, "invalid --next-reply 'soon'"),
        (["--resolution", "3651d"], 2, "--resolution '3651d' is too long"),
        (["--resolution", "1000000d"], 2, "invalid --resolution"),
        ([], 2, "nothing to change"),
        (["--calendar", "nowhere"], 3, "no calendar named nowhere"),
        (["--first-response", "1h", "--calendar", "nowhere"], 3, "no calendar named nowhere"),
    ],
)
def test_bad_policies_are_refused_and_nothing_is_written(
    desk: Desk, dj: Json, args: list[str], code: int, message: str
) -> None:
    result = desk("sla", "policy", "set", "urgent", *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert dj("sla", "policy", "list") == DEFAULT_POLICIES


def test_an_unknown_priority_is_refused(desk: Desk) -> None:
    result = desk("sla", "policy", "set", "asap", "--first-response", "1h")
    assert result.exit_code == 2 and "asap" in result.stderr


# -- running clocks follow the settings -------------------------------------------

FRIDAY = "2026-03-06T17:30:00+00:00"  # after the week's last business hour but 30 min


def at(when: str) -> dict[str, str]:
    return {"DESK_NOW": when}


def stored(value: str | None) -> str | None:
    """A time as the database holds it (naive UTC)."""
    if value is None:
        return None
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def add_clock(
    sql: Sql,
    case_id: int,
    name: str,
    *,
    target: int,
    started: str,
    calendar: str = "always",
    cycle: int = 0,
    segment: str | None = None,
    used: float = 0.0,
    due: str | None = None,
    stopped: str | None = None,
    paused: bool = False,
    breached: bool = False,
) -> None:
    sql(
        "INSERT INTO case_clock (case_id, name, cycle, target_seconds, calendar, started_at,"
        " segment_started_at, used_seconds, due_at, stopped_at, paused, breached)"
        " VALUES (:case_id, :name, :cycle, :target, :calendar, :started, :segment, :used,"
        " :due, :stopped, :paused, :breached)",
        case_id=case_id, name=name, cycle=cycle, target=target, calendar=calendar,
        started=stored(started), segment=stored(segment), used=used, due=stored(due),
        stopped=stored(stopped), paused=paused, breached=breached,
    )  # fmt: skip


def clocks(sql: Sql, case_id: int) -> dict[str, tuple[Any, ...]]:
    """name/cycle -> (target, calendar, due_at ISO, paused, breached)."""
    rows = sql(
        "SELECT name, cycle, target_seconds, calendar, due_at, paused, breached FROM case_clock"
        " WHERE case_id = :case_id",
        case_id=case_id,
    )
    return {
        f"{name}/{cycle}": (target, calendar, _iso(due), bool(paused), bool(breached))
        for name, cycle, target, calendar, due, paused, breached in rows
    }


def case_due(sql: Sql, case_id: int) -> str | None:
    return _iso(sql('SELECT due_at FROM "case" WHERE id = :id', id=case_id)[0][0])


def _iso(value: Any) -> str | None:
    found = to_time(value)
    return found.isoformat() if found is not None else None


def opened(dj: Json, sql: Sql, priority: str, when: str = FRIDAY) -> int:
    """A case of `priority`, without any clock (this test sets them)."""
    case_id = int(dj("case", "open", "-c", "C-1", "--subject", "Down", "--priority", priority,
                     env=at(when))["id"])  # fmt: skip
    sql("DELETE FROM case_clock WHERE case_id = :id", id=case_id)
    return case_id


@pytest.fixture
def office(dj: Json, customer: str) -> str:
    dj("sla", "calendar", "set", "office", "--tz", "UTC", "--hours", "mon-fri 09:00-18:00")
    return "office"


def test_a_policy_change_re_times_the_running_clocks_of_its_priority(
    dj: Json, sql: Sql, office: str
) -> None:
    high = opened(dj, sql, "high")
    # Running since Friday 17:30 on `always`: due an hour later.
    add_clock(sql, high, "first_response", target=3600, started=FRIDAY, segment=FRIDAY,
              due="2026-03-06T18:30:00+00:00")  # fmt: skip
    # Pending: paused, 30 minutes used, no due time.
    add_clock(sql, high, "resolution", target=86400, started=FRIDAY, used=1800, paused=True)
    # Stopped (answered) past due: its verdict stays.
    add_clock(sql, high, "next_reply", target=3600, started="2026-03-02T09:00:00+00:00",
              due="2026-03-02T10:00:00+00:00", stopped="2026-03-02T11:00:00+00:00",
              breached=True)  # fmt: skip
    # Another priority's clock is left alone.
    low = opened(dj, sql, "low")
    add_clock(sql, low, "first_response", target=86400, started=FRIDAY, segment=FRIDAY,
              due="2026-03-07T17:30:00+00:00")  # fmt: skip
    sql('UPDATE "case" SET due_at = :due WHERE id = :id', due=stored("2026-03-07T17:30:00+00:00"),
        id=low)  # fmt: skip

    said = dj("sla", "policy", "set", "high", "--first-response", "1h", "--resolution", "2d",
              "--calendar", office)  # fmt: skip
    assert said["calendar"] == "office"
    # Opened Friday 17:30 on mon-fri 09:00-18:00 with 1h: 30 minutes on Friday,
    # the rest on Monday: due Monday 09:30.
    assert clocks(sql, high) == {
        "first_response/0": (3600, "office", "2026-03-09T09:30:00+00:00", False, False),
        "resolution/0": (172800, "office", None, True, False),
        "next_reply/0": (3600, "always", "2026-03-02T10:00:00+00:00", False, True),
    }
    assert case_due(sql, high) == "2026-03-09T09:30:00+00:00"
    assert clocks(sql, low)["first_response/0"][:3] == (86400, "always",
                                                        "2026-03-07T17:30:00+00:00")  # fmt: skip
    assert case_due(sql, low) == "2026-03-07T17:30:00+00:00"


def test_a_calendar_change_re_times_the_running_clocks_on_it(
    desk: Desk, dj: Json, sql: Sql, office: str
) -> None:
    case_id = opened(dj, sql, "urgent")
    # 30 business minutes used before a pause; running again since Monday 09:00.
    add_clock(sql, case_id, "resolution", target=3600, calendar=office, started=FRIDAY,
              segment="2026-03-09T09:00:00+00:00", used=1800,
              due="2026-03-09T09:30:00+00:00")  # fmt: skip
    add_clock(sql, case_id, "first_response", target=3600, calendar=office, started=FRIDAY,
              segment=FRIDAY, due="2026-03-09T09:30:00+00:00")  # fmt: skip
    other = opened(dj, sql, "urgent")
    add_clock(sql, other, "first_response", target=3600, started=FRIDAY, segment=FRIDAY,
              due="2026-03-06T18:30:00+00:00")  # fmt: skip
    sql('UPDATE "case" SET due_at = :due WHERE id = :id', due=stored("2026-03-06T18:30:00+00:00"),
        id=other)  # fmt: skip

    # Monday becomes a holiday: both move to Tuesday.
    result = desk("sla", "calendar", "set", office, "--tz", "UTC",
                  "--hours", "mon-fri 09:00-18:00", "--holiday", "2026-03-09")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "2 running clocks re-timed" in result.stdout
    assert clocks(sql, case_id) == {
        "resolution/0": (3600, office, "2026-03-10T09:30:00+00:00", False, False),
        "first_response/0": (3600, office, "2026-03-10T09:30:00+00:00", False, False),
    }
    assert case_due(sql, case_id) == "2026-03-10T09:30:00+00:00"
    # Hours in Madrid across the DST night of 29 March: Friday 27th 17:30
    # local (16:30 UTC, +01:00) plus one business hour is Monday 09:30 local
    # (07:30 UTC, +02:00), not 08:30 UTC.
    dst = opened(dj, sql, "normal", when="2026-03-27T16:30:00+00:00")
    add_clock(sql, dst, "first_response", target=3600, calendar=office,
              started="2026-03-27T16:30:00+00:00", segment="2026-03-27T16:30:00+00:00",
              due="2026-03-30T08:30:00+00:00")  # fmt: skip
    dj("sla", "calendar", "set", office, "--tz", "Europe/Madrid", "--hours", "mon-fri 09:00-18:00")
    assert clocks(sql, dst)["first_response/0"][2] == "2026-03-30T07:30:00+00:00"
    assert case_due(sql, dst) == "2026-03-30T07:30:00+00:00"
    # The clock on `always` was not touched.
    assert clocks(sql, other)["first_response/0"][2] == "2026-03-06T18:30:00+00:00"
    assert case_due(sql, other) == "2026-03-06T18:30:00+00:00"


def test_a_case_with_nothing_running_has_no_due_time(dj: Json, sql: Sql, office: str) -> None:
    case_id = opened(dj, sql, "normal")
    add_clock(sql, case_id, "resolution", target=3600, calendar=office, started=FRIDAY, used=600,
              paused=True)  # fmt: skip
    sql('UPDATE "case" SET due_at = :due WHERE id = :id', due=stored(FRIDAY), id=case_id)
    dj("sla", "policy", "set", "normal", "--resolution", "4h")
    assert clocks(sql, case_id)["resolution/0"][:3] == (14400, "always", None)
    assert case_due(sql, case_id) is None  # only paused clocks: nothing is due


def test_re_timing_crosses_chunks(
    dj: Json, sql: Sql, office: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskcli.services import sla_config

    monkeypatch.setattr(sla_config, "CHUNK", 2)  # the command runs in this process
    ids = [opened(dj, sql, "high") for _ in range(5)]
    for case_id in ids:
        add_clock(sql, case_id, "first_response", target=3600, started=FRIDAY, segment=FRIDAY,
                  due="2026-03-06T18:30:00+00:00")  # fmt: skip
    dj("sla", "policy", "set", "high", "--calendar", office)
    assert [case_due(sql, i) for i in ids] == ["2026-03-09T12:30:00+00:00"] * 5  # 4h on office


# -- completion -------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_calendar_names_complete(db_path: Path, dj: Json) -> None:
    for name in ("madrid", "manila", "lima"):
        dj("sla", "calendar", "set", name, "--tz", "UTC", "--hours", "mon-fri 09:00-18:00")
    names, err = complete(db_path, "desk sla calendar show ma")
    assert names == ["madrid", "manila"] and err.endswith("SQLALCHEMY=False")
    assert complete(db_path, "desk sla policy set high --calendar ")[0] == [
        "always", "lima", "madrid", "manila"
    ]  # fmt: skip


def test_set_json_is_the_show_json(dj: Json) -> None:
    out = dj("sla", "calendar", "set", "x", "--tz", "UTC", "--hours", "mon 09:00-10:00")
    assert json.dumps(out) == json.dumps(dj("sla", "calendar", "show", "x"))


# -- export and import ------------------------------------------------------------


def write_lines(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def calendar_line(name: str = "madrid", **more: Any) -> dict[str, Any]:
    return {
        "type": "calendar",
        "name": name,
        "tz": "Europe/Madrid",
        "hours": [{"days": [0, 1, 2, 3, 4], "from": "09:00", "to": "18:00"}],
        "holidays": ["2026-12-25"],
    } | more


def policy_line(priority: str = "high", **more: Any) -> dict[str, Any]:
    return {
        "type": "policy",
        "priority": priority,
        "first_response_seconds": 7200,
        "next_reply_seconds": 7200,
        "resolution_seconds": 86400,
        "calendar": "madrid",
    } | more


def clock_line(clock_id: int, case_id: int = 1, **more: Any) -> dict[str, Any]:
    return {
        "type": "clock",
        "id": clock_id,
        "case_id": case_id,
        "name": "first_response",
        "cycle": 0,
        "target_seconds": 3600,
        "calendar": "madrid",
        "started_at": "2026-03-06T17:30:00+00:00",
        "segment_started_at": "2026-03-06T17:30:00+00:00",
        "used_seconds": 0,
        "due_at": "2026-03-06T18:30:00+00:00",  # not what madrid gives: kept as it is
        "stopped_at": None,
        "paused": False,
        "breached": False,
    } | more


CUSTOMER = {"type": "customer", "crn": "C-9", "name": "Ana", "email": None, "phone": None,
            "created_at": "2026-03-06T17:00:00+00:00"}  # fmt: skip
CASE = {
    "type": "case", "id": 1, "customer_crn": "C-9", "subject": "Down", "description": "",
    "channel": "email", "category": None, "priority": "high", "status": "new",
    "assignee": None, "team": None, "tier": 1, "created_at": "2026-03-06T17:30:00+00:00",
    "updated_at": "2026-03-06T17:30:00+00:00", "first_response_at": None,
    "resolved_at": None, "closed_at": None, "resolution": None, "root_cause": None,
    "follow_up_at": None, "reopen_count": 0, "handling_seconds": 0,
    "due_at": "2026-03-06T18:30:00+00:00", "version": 1,
}  # fmt: skip


def test_an_import_sets_default_policies_and_keeps_clocks_as_they_are(
    desk: Desk, dj: Json, sql: Sql, tmp_path: Path
) -> None:
    dump = write_lines(tmp_path / "a.jsonl",
                       [calendar_line(), policy_line(), CUSTOMER, CASE, clock_line(1)])  # fmt: skip
    summary = dj("import", str(dump))
    assert (summary["calendars"], summary["policies"], summary["clocks"]) == (1, 1, 1)
    assert dj("sla", "calendar", "show", "madrid")["hours"] == [
        {"days": "mon-fri", "from": "09:00", "to": "18:00"}
    ]
    assert dj("sla", "policy", "list")[1]["calendar"] == "madrid"
    # Nothing recomputed: the due times are the file's.
    assert clocks(sql, 1)["first_response/0"][2] == "2026-03-06T18:30:00+00:00"
    assert case_due(sql, 1) == "2026-03-06T18:30:00+00:00"
    again = dj("import", str(dump))
    assert (again["policies"], again["clocks"], again["skipped"]) == (0, 0, 5)


def test_an_import_never_overrides_a_chosen_setting(desk: Desk, dj: Json, tmp_path: Path) -> None:
    dj("sla", "calendar", "set", "madrid", "--tz", "UTC", "--hours", "mon-fri 08:00-16:00")
    result = desk("import", str(write_lines(tmp_path / "a.jsonl", [calendar_line()])))
    assert result.exit_code == 4
    assert "line 1: calendar madrid differs from the one in the database (tz, hours, holidays)" in (
        result.stderr
    )
    dj("sla", "policy", "set", "high", "--resolution", "3d")  # chosen here: not a default
    lines = [policy_line(calendar="always"), CUSTOMER]
    result = desk("import", str(write_lines(tmp_path / "b.jsonl", lines)))
    assert result.exit_code == 4
    assert "line 1: policy of high differs from the one in the database" in result.stderr
    assert dj("sla", "policy", "list")[1]["resolution_seconds"] == 3 * 86400
    assert dj("customer", "list") == []  # nothing was imported
    always = calendar_line("always", tz="UTC")
    result = desk("import", str(write_lines(tmp_path / "c.jsonl", [always])))
    assert result.exit_code == 4 and "calendar always differs" in result.stderr


def test_a_clock_run_the_database_holds_under_another_id_is_refused(
    desk: Desk, dj: Json, tmp_path: Path
) -> None:
    dj("import", str(write_lines(tmp_path / "a.jsonl",
                                 [calendar_line(), CUSTOMER, CASE, clock_line(1)])))  # fmt: skip
    result = desk("import", str(write_lines(tmp_path / "b.jsonl", [clock_line(2)])))
    assert result.exit_code == 4
    assert "line 1: clock 2 is run 0 of the first_response clock of case 1, which the database" \
        " holds as clock 1" in result.stderr  # fmt: skip


def test_bad_service_level_lines_are_reported_and_nothing_is_imported(
    desk: Desk, dj: Json, tmp_path: Path
) -> None:
    lines = [
        calendar_line(),  # 1
        calendar_line("mars", tz="Mars/Olympus"),  # 2
        calendar_line("late", hours=[{"days": [0], "from": "18:00", "to": "09:00"}]),  # 3
        calendar_line("twice", hours=[{"days": [0, 1], "from": "09:00", "to": "18:00"},
                                      {"days": [1], "from": "17:00", "to": "19:00"}]),  # 4
        calendar_line("xmas", holidays=["christmas"]),  # 5
        calendar_line("madrid"),  # 6: again
        policy_line(first_response_seconds=0),  # 7
        policy_line("low", calendar="nowhere"),  # 8
        CUSTOMER,  # 9
        CASE,  # 10
        clock_line(1, paused=True),  # 11: paused with a segment and a due time
        clock_line(2, case_id=99),  # 12: no such case
        clock_line(3),  # 13
        clock_line(4),  # 14: the same run as 13
        clock_line(5, name="wait_time", cycle=1),  # 15
    ]  # fmt: skip
    result = desk("import", str(write_lines(tmp_path / "bad.jsonl", lines)))
    assert result.exit_code == 2, result.output
    stderr = result.stderr
    for expected in (
        "line 2: calendar.tz: Value error, unknown time zone 'Mars/Olympus'",
        "line 3: calendar.hours: Value error, hours 'mon 18:00-09:00': the end must be later",
        "line 4: calendar.hours: Value error, the hours 'mon,tue 09:00-18:00' and"
        " 'tue 17:00-19:00' overlap on tue",
        "line 5: calendar.holidays: Value error, holiday 'christmas' is not a date",
        "line 6: calendar madrid again (first on line 1)",
        "line 7: policy.first_response_seconds: Input should be greater than or equal to 1",
        "line 8: policy of low: calendar nowhere is neither on an earlier line nor in the database",
        "line 11: clock: Value error, a paused clock has no segment_started_at and no due_at",
        "line 12: clock 2: case 99 is neither on an earlier line nor in the database",
        "line 14: clock 4: first_response clock 0 of case 1 again (first on line 13)",
        "line 15: clock.name: Input should be 'first_response', 'next_reply' or 'resolution'",
        "11 invalid lines; nothing was imported",
    ):
        assert expected in stderr, expected
    assert dj("sla", "calendar", "list") == [ALWAYS]
    assert dj("customer", "list") == []


# -- damaged settings ---------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_damaged_calendar_is_exit_5_and_doctor_names_it(
    db_path: Path, desk: Desk, dj: Json
) -> None:
    import sqlite3

    dj("sla", "calendar", "set", "office", "--tz", "UTC", "--hours", "mon-fri 09:00-18:00")
    healthy = desk("doctor", "--json")  # calendars hold lists, and have no id column
    assert healthy.exit_code == 0, healthy.output
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE sla_calendar SET hours = '{bad' WHERE name = 'office'")
    for args in (("sla", "calendar", "show", "office"), ("sla", "calendar", "list", "--json")):
        result = desk(*args)
        assert result.exit_code == 5, result.output
        assert "damaged value in sla_calendar office, column hours" in result.stderr
    doctor = desk("doctor", "--json")
    assert doctor.exit_code == 5
    assert any(
        "sla_calendar office, column hours" in p for p in json.loads(doctor.stdout)["problems"]
    )
