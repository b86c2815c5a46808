"""Service-level clocks on cases (issue 13), through the command line with
DESK_NOW walking real schedules, on both backends: the office calendar
(mon-fri 09:00-18:00, Europe/Madrid) is written with SQL here."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Desk

Json = Callable[..., Any]
Sql = Callable[..., list[Any]]

OFFICE_HOURS = '[{"days": [0, 1, 2, 3, 4], "from": "09:00", "to": "18:00"}]'


def madrid(text: str) -> dict[str, str]:
    """DESK_NOW at a local time in Madrid ("2026-03-06 17:30"); the offset of
    that date (CET +01:00 until 29 March 2026, CEST +02:00 after)."""
    offset = "+02:00" if text >= "2026-03-29 03:00" and text < "2026-10-25" else "+01:00"
    return {"DESK_NOW": text.replace(" ", "T") + ":00" + offset}


def utc(text: str) -> str:
    return text.replace(" ", "T") + ":00+00:00"


@pytest.fixture
def office(sql: Sql) -> Callable[..., None]:
    """Puts priority `high` on the office calendar with the given targets."""

    def make(
        first: int = 3600, resolution: int = 4 * 3600, holidays: str = "[]", next_reply: int = 3600
    ) -> None:
        sql(
            "INSERT INTO sla_calendar (name, tz, hours, holidays, updated_at) VALUES"
            f" ('office', 'Europe/Madrid', '{OFFICE_HOURS}', '{holidays}', '2026-01-01')"
        )
        sql(
            "UPDATE sla_policy SET calendar = 'office', first_response_seconds = :first,"
            " resolution_seconds = :resolution, next_reply_seconds = :next_reply"
            " WHERE priority = 'high'",
            first=first,
            resolution=resolution,
            next_reply=next_reply,
        )

    return make


@pytest.fixture
def opened(dj: Json, customer: str) -> Callable[..., dict[str, Any]]:
    def open_at(when: str, priority: str = "high") -> dict[str, Any]:
        return dict(
            dj("case", "open", "-c", customer, "--subject", "Router down",
               "--priority", priority, env=madrid(when))
        )  # fmt: skip

    return open_at


def test_a_friday_evening_case_is_due_monday_morning(
    office: Callable[..., None], opened: Callable[..., dict[str, Any]]
) -> None:
    office()
    case = opened("2026-03-06 17:30")  # a Friday
    first = case["sla"]["first_response"]
    assert first["due_at"] == utc("2026-03-09 08:30")  # Monday 09:30 in Madrid
    assert first["target_seconds"] == 3600 and first["started_at"] == utc("2026-03-06 16:30")
    assert not first["paused"] and not first["breached"] and first["stopped_at"] is None
    assert case["sla"]["next_reply"] is None
    # 30 minutes on Friday, 3 h 30 on Monday.
    assert case["sla"]["resolution"]["due_at"] == utc("2026-03-09 11:30")
    assert case["due_at"] == first["due_at"]


def test_a_holiday_on_that_monday_moves_it_to_tuesday(
    office: Callable[..., None], opened: Callable[..., dict[str, Any]]
) -> None:
    office(holidays='["2026-03-09"]')
    case = opened("2026-03-06 17:30")
    assert case["sla"]["first_response"]["due_at"] == utc("2026-03-10 08:30")
    assert case["due_at"] == utc("2026-03-10 08:30")


def test_a_dst_night_does_not_shift_a_due_time(
    office: Callable[..., None], opened: Callable[..., dict[str, Any]]
) -> None:
    office()
    # Clocks go forward in Madrid in the night of Sunday 29 March 2026.
    case = opened("2026-03-27 17:30")
    assert case["sla"]["first_response"]["due_at"] == utc("2026-03-30 07:30")  # 09:30 CEST


def test_pending_over_a_weekend_loses_no_business_time(
    dj: Json, office: Callable[..., None], opened: Callable[..., dict[str, Any]]
) -> None:
    office(resolution=4 * 3600)
    case_id = str(opened("2026-03-06 17:00")["id"])
    paused = dj("case", "pending", case_id, env=madrid("2026-03-06 17:30"))["sla"]["resolution"]
    assert paused["paused"] and paused["due_at"] is None
    assert paused["business_seconds_used"] == 1800
    # The customer answers on Monday at 10:00: 3 h 30 left, due 13:30.
    case = dj("case", "inbound", case_id, "found it", env=madrid("2026-03-09 10:00"))
    resolution = case["sla"]["resolution"]
    assert case["status"] == "open" and not resolution["paused"]
    assert resolution["due_at"] == utc("2026-03-09 12:30")
    assert resolution["business_seconds_used"] == 1800
    # Pending again, resumed by hand: still no time lost.
    dj("case", "pending", case_id, env=madrid("2026-03-09 11:00"))
    case = dj("case", "resume", case_id, env=madrid("2026-03-10 09:00"))
    assert case["sla"]["resolution"]["due_at"] == utc("2026-03-10 10:30")  # 11:30 local
    assert case["sla"]["resolution"]["business_seconds_used"] == 1800 + 3600


def test_a_reopen_keeps_the_time_used_and_a_breach_stays(
    dj: Json, office: Callable[..., None], opened: Callable[..., dict[str, Any]]
) -> None:
    office(resolution=4 * 3600)
    case_id = str(opened("2026-03-09 09:00")["id"])
    resolved = dj("case", "resolve", case_id, "-r", "reset", env=madrid("2026-03-09 11:00"))
    resolution = resolved["sla"]["resolution"]
    assert resolution["stopped_at"] == utc("2026-03-09 10:00") and not resolution["breached"]
    assert resolution["business_seconds_used"] == 7200 and resolved["due_at"] is None
    case = dj("case", "reopen", case_id, "--reason", "again", env=madrid("2026-03-11 09:00"))
    resolution = case["sla"]["resolution"]
    assert resolution["stopped_at"] is None and resolution["due_at"] == utc("2026-03-11 10:00")
    assert case["due_at"] == resolution["due_at"]
    # Past due when resolved the second time: breached, and it stays so after a reopen.
    dj("case", "resolve", case_id, "-r", "reset", env=madrid("2026-03-11 12:00"))
    case = dj("case", "reopen", case_id, "--reason", "no", env=madrid("2026-03-12 09:00"))
    resolution = case["sla"]["resolution"]
    assert resolution["breached"] and resolution["due_at"] == utc("2026-03-12 08:00")
    assert resolution["business_seconds_used"] == 4 * 3600 + 3600


def test_the_first_reply_stops_first_response_and_a_five_as_step_counts(
    dj: Json, office: Callable[..., None], opened: Callable[..., dict[str, Any]]
) -> None:
    office()
    one = str(opened("2026-03-09 09:00")["id"])
    case = dj("case", "reply", one, "on it", env=madrid("2026-03-09 09:40"))
    first = case["sla"]["first_response"]
    assert first["stopped_at"] == utc("2026-03-09 08:40") and not first["breached"]
    assert first["business_seconds_used"] == 2400
    assert first["due_at"] == utc("2026-03-09 09:00")  # a stopped clock keeps its due time
    assert case["due_at"] == case["sla"]["resolution"]["due_at"]
    two = str(opened("2026-03-09 09:00")["id"])
    dj("assist", two, "--step", "acknowledge", "--text", "I hear you",
       env=madrid("2026-03-09 10:30"))  # fmt: skip
    first = dj("case", "show", two)["sla"]["first_response"]
    assert first["stopped_at"] == utc("2026-03-09 09:30") and first["breached"]


def test_next_reply_runs_from_a_customer_message_to_the_next_reply(
    dj: Json, office: Callable[..., None], opened: Callable[..., dict[str, Any]]
) -> None:
    office(next_reply=2 * 3600)
    case_id = str(opened("2026-03-09 09:00")["id"])
    before = dj("case", "inbound", case_id, "hello?", env=madrid("2026-03-09 09:10"))
    assert before["sla"]["next_reply"] is None  # no reply yet: first response runs
    dj("case", "reply", case_id, "hi", env=madrid("2026-03-09 09:20"))
    case = dj("case", "inbound", case_id, "still broken", env=madrid("2026-03-09 17:00"))
    running = case["sla"]["next_reply"]
    assert running["started_at"] == utc("2026-03-09 16:00")
    assert running["due_at"] == utc("2026-03-10 09:00")  # 1 h Monday, 1 h Tuesday
    assert case["due_at"] == case["sla"]["resolution"]["due_at"] == utc("2026-03-09 12:00")
    # A second message while one runs starts nothing.
    again = dj("case", "inbound", case_id, "hello?", env=madrid("2026-03-10 09:00"))
    kept = again["sla"]["next_reply"]
    assert (kept["started_at"], kept["due_at"]) == (running["started_at"], running["due_at"])
    replied = dj("case", "reply", case_id, "fixed", env=madrid("2026-03-10 09:30"))
    assert replied["sla"]["next_reply"]["stopped_at"] == utc("2026-03-10 08:30")
    assert not replied["sla"]["next_reply"]["breached"]
    third = dj("case", "inbound", case_id, "thanks", env=madrid("2026-03-10 10:00"))
    assert third["sla"]["next_reply"]["started_at"] == utc("2026-03-10 09:00")
    explained = dj("sla", "explain", case_id)
    assert explained["clocks"]["next_reply"]["segments"][0]["from"] == utc("2026-03-10 09:00")


def test_a_priority_change_takes_the_new_targets_from_the_clock_start(
    dj: Json, office: Callable[..., None], opened: Callable[..., dict[str, Any]]
) -> None:
    office(first=3 * 3600)
    case = opened("2026-03-09 09:00", priority="normal")  # 8 h on `always`
    assert case["sla"]["first_response"]["due_at"] == utc("2026-03-09 16:00")
    case_id = str(case["id"])
    edited = dj("case", "edit", case_id, "--priority", "high", env=madrid("2026-03-09 10:00"))
    first = edited["sla"]["first_response"]
    assert first["target_seconds"] == 3 * 3600
    assert first["due_at"] == utc("2026-03-09 11:00")  # 09:00 + 3 h, not 10:00 + 3 h
    assert edited["due_at"] == utc("2026-03-09 11:00")
    explained = dj("sla", "explain", case_id)["clocks"]["first_response"]
    assert explained["calendar"] == "office" and explained["target_seconds"] == 3 * 3600


def test_bulk_close_with_a_resolution_stops_the_clocks(
    dj: Json, desk: Desk, opened: Callable[..., dict[str, Any]]
) -> None:
    ids = [str(opened("2026-03-09 09:00", priority="urgent")["id"]) for _ in range(3)]
    dj("case", "pending", ids[0], env=madrid("2026-03-09 09:30"))
    result = desk("case", "close", *ids, "--resolution", "fixed", env=madrid("2026-03-09 12:00"))
    assert result.exit_code == 0, result.output
    for case_id in ids:
        case = dj("case", "show", case_id, env=madrid("2026-03-09 13:00"))
        assert case["due_at"] is None
        for name in ("first_response", "resolution"):
            clock = case["sla"][name]
            assert clock["stopped_at"] == utc("2026-03-09 11:00"), (case_id, name)
            assert not clock["paused"]
    shown = dj("case", "show", ids[1])["sla"]
    assert shown["first_response"]["breached"] and not shown["resolution"]["breached"]
    assert shown["resolution"]["business_seconds_used"] == 3 * 3600
    assert dj("case", "show", ids[0])["sla"]["resolution"]["business_seconds_used"] == 1800
    assert dj("sla", "breaches", env=madrid("2026-03-20 09:00")) == []


def test_breaches_check_and_at_risk(
    dj: Json, desk: Desk, opened: Callable[..., dict[str, Any]]
) -> None:
    late = opened("2026-03-09 09:00", priority="urgent")["id"]  # first response due 09:00 UTC
    soon = opened("2026-03-09 10:30", priority="urgent")["id"]  # due 10:30 UTC
    later = opened("2026-03-09 10:30", priority="normal")["id"]  # due 17:30 UTC
    dj("case", "escalate", str(soon), "--to", "billing", "--reason", "refund",
       env=madrid("2026-03-09 10:40"))  # fmt: skip
    now = madrid("2026-03-09 11:00")  # 10:00 UTC
    found = dj("sla", "breaches", env=now)
    assert found == [
        {"case_id": late, "clock": "first_response", "due_at": utc("2026-03-09 09:00"),
         "overdue_seconds": 3600, "priority": "urgent", "assignee": None, "team": None},
    ]  # fmt: skip
    risky = dj("sla", "breaches", "--at-risk", "1h", env=now)
    assert [(b["case_id"], b["clock"], b["overdue_seconds"]) for b in risky] == [
        (late, "first_response", 3600),
        (soon, "first_response", -1800),
    ]
    assert risky[1]["team"] == "billing"
    assert [b["case_id"] for b in dj("sla", "breaches", "--at-risk", "1h", "--team", "BILLING",
                                     env=now)] == [soon]  # fmt: skip
    checked = desk("sla", "check", "--json", env=now)
    assert checked.exit_code == 6 and json.loads(checked.stdout) == found
    human = desk("sla", "check", env=now)
    assert human.exit_code == 6 and f"{late}" in human.stdout and "breached 1h ago" in human.stdout
    calm = desk("sla", "check", env=madrid("2026-03-09 09:30"))
    assert calm.exit_code == 0 and "No clock is past due" in calm.stdout
    assert desk("sla", "check", "--team", "billing", env=now).exit_code == 0
    bad = desk("sla", "breaches", "--at-risk", "soon")
    assert bad.exit_code == 2 and "desk: error:" in bad.stderr
    assert later  # listed by neither: due later than the window


def test_views_show_the_clocks_and_sort_by_due(
    dj: Json, desk: Desk, opened: Callable[..., dict[str, Any]]
) -> None:
    normal = opened("2026-03-09 09:00", priority="normal")["id"]  # due 16:00 UTC
    urgent = opened("2026-03-09 09:30", priority="urgent")["id"]  # due 09:30 UTC
    done = opened("2026-03-09 09:00", priority="low")["id"]
    dj("case", "resolve", str(done), "-r", "ok", env=madrid("2026-03-09 09:10"))
    now = madrid("2026-03-09 10:50")  # 09:50 UTC
    listed = dj("case", "list", "--all", "--sort", "due", env=now)
    assert [c["id"] for c in listed] == [urgent, normal, done]
    assert listed[0]["due_at"] == utc("2026-03-09 09:30")
    assert listed[0]["sla"]["first_response"]["breached"]
    ids = desk("case", "list", "--sort", "due", "--ids", "--limit", "1", env=now)
    assert ids.stdout.split() == [str(urgent)]
    table = desk("case", "list", "--sort", "due", env=now).stdout
    assert "Due" in table and "breached 20m ago" in table and "in 6h 10m" in table
    assert table.index(f" {urgent} ") < table.index(f" {normal} ")
    board = desk("board", env=now).stdout
    assert "breached 20m ago" in board
    risky = desk("case", "list", env=madrid("2026-03-09 16:30")).stdout  # 15:30 UTC
    assert "at risk: in 30m" in risky
    shown = desk("case", "show", str(urgent), env=now).stdout
    assert "SLA first response" in shown and "breached 20m ago" in shown
    assert "SLA resolution" in shown and "due in 2h 40m" in shown
    dj("case", "pending", str(normal), env=now)
    shown = desk("case", "show", str(normal), env=now).stdout
    assert "paused, 2d 22h of business time left" in shown
    assert "met" in desk("case", "show", str(done), env=now).stdout
    board_json = dj("board", env=now)
    assert board_json["cases"]["new"][0]["sla"]["first_response"]["due_at"]


def test_explain_tells_each_segment(
    dj: Json, desk: Desk, office: Callable[..., None], opened: Callable[..., dict[str, Any]]
) -> None:
    office(resolution=8 * 3600)
    case_id = str(opened("2026-03-06 17:00")["id"])
    dj("case", "pending", case_id, env=madrid("2026-03-06 17:30"))
    dj("case", "resume", case_id, env=madrid("2026-03-09 09:00"))
    now = madrid("2026-03-09 10:00")
    explained = dj("sla", "explain", case_id, env=now)
    assert explained["case_id"] == int(case_id)
    resolution = explained["clocks"]["resolution"]
    assert set(resolution) == {"target_seconds", "calendar", "due_at", "breached", "segments"}
    assert resolution["segments"] == [
        {"from": utc("2026-03-06 16:00"), "to": utc("2026-03-06 16:30"),
         "state": "running", "business_seconds": 1800},
        {"from": utc("2026-03-06 16:30"), "to": utc("2026-03-09 08:00"),
         "state": "paused", "business_seconds": 0},
        {"from": utc("2026-03-09 08:00"), "to": None, "state": "running",
         "business_seconds": 3600},
    ]  # fmt: skip
    assert resolution["due_at"] == utc("2026-03-09 15:30")  # 09:00 + 7 h 30 = 16:30 local
    assert set(explained["clocks"]) == {"first_response", "resolution"}
    text = desk("sla", "explain", case_id, env=now)
    assert text.exit_code == 0
    assert "paused" in text.stdout and "7h 30m of business time" in text.stdout
    assert desk("sla", "explain", "999").exit_code == 3
