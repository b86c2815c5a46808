from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk

Dj = Callable[..., Any]


def test_demo_fills_a_database_and_shows_the_board(desk: Desk, dj: Callable[..., Any]) -> None:
    result = desk("demo")
    assert result.exit_code == 0, result.output
    assert "Demo database with 123 cases" in result.stdout
    assert "Active cases:" in result.stdout
    every = dj("case", "list", "--all", "--limit", "0")
    assert len(every) == 123
    # The live two weeks (ids 1-42, the board's cases), then the closed
    # history of the weeks before them.
    live, history = every_by_id(every)[:42], every_by_id(every)[42:]
    statuses = {c["status"] for c in live}
    assert {"new", "open", "escalated", "resolved", "closed"} <= statuses
    assert {c["status"] for c in history} == {"closed"}
    assert max(c["created_at"] for c in history) < min(c["created_at"] for c in live)
    assert len({c["customer_crn"] for c in every}) >= 5
    assert len({c["channel"] for c in every}) >= 4
    assert any(c["tier"] > 1 for c in every)
    again = desk("demo")
    assert "already filled" in again.stdout
    assert len(dj("case", "list", "--all", "--limit", "0")) == 123


def every_by_id(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(cases, key=lambda c: c["id"])


@pytest.mark.sqlite_only
def test_demo_without_db_uses_its_own_file(desk: Desk, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.delenv("DESK_DB")
    result = desk("demo")
    assert result.exit_code == 0, result.output
    demo_file = tmp_path / "xdg" / "desk" / "demo.db"
    assert demo_file.exists()
    assert not (tmp_path / "xdg" / "desk" / "desk.db").exists()
    assert desk("demo", "--fresh").exit_code == 0


def test_board_json(dj: Callable[..., Any], new_case: Callable[..., int]) -> None:
    urgent = new_case("down", "--priority", "urgent")
    normal = new_case("slow")
    board = dj("board")
    assert board["counts"] == {"new": 2, "open": 0, "pending": 0, "escalated": 0}
    assert [c["id"] for c in board["cases"]["new"]] == [urgent, normal]
    assert board["follow_ups_due"] == 0


def test_demo_resolutions_fit_their_cases(desk: Desk, dj: Callable[..., Any]) -> None:
    from deskcli.services.demo import FIXES, PROBLEMS

    assert desk("demo").exit_code == 0
    ended = dj("case", "list", "--status", "resolved", "--status", "closed")
    assert len(ended) >= 5
    categories = {subject: category for subject, _, category, _, _ in PROBLEMS}
    assert set(FIXES) == set(categories)  # every subject has its own fixes
    for case in ended:
        fixes = FIXES[case["subject"]]
        assert case["category"] == categories[case["subject"]]
        assert (case["resolution"], case["root_cause"]) in fixes, case


@pytest.mark.sqlite_only
def test_demo_says_where_its_file_is_and_how_to_run_desk(
    desk: Desk, tmp_path: Path, monkeypatch: Any
) -> None:
    import os
    import sys

    monkeypatch.delenv("DESK_DB")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # desk is not on PATH, as after make demo
    result = desk("demo")
    demo_file = tmp_path / "xdg" / "desk" / "demo.db"
    bin_dir = os.path.relpath(Path(sys.executable).parent)
    assert f"Demo database with 123 cases: {demo_file}" in result.stdout
    assert f"Try: DESK_DB={demo_file} {bin_dir}/desk case list" in result.stdout
    assert f". {bin_dir}/activate" in result.stdout


def test_demo_has_a_knowledge_base_used_on_resolved_cases(desk: Desk, dj: Dj) -> None:
    assert desk("demo").exit_code == 0
    every = dj("kb", "list", "--status", "draft", "--status", "published", "--status", "archived")
    assert len(every) == 12
    statuses = [a["status"] for a in every]
    assert (statuses.count("published"), statuses.count("draft"), statuses.count("archived")) == (
        9, 2, 1,
    )  # fmt: skip
    assert {"billing", "network", "account", "hardware"} <= {a["category"] for a in every}
    assert all(len(a["body"].split(". ")) >= 2 and a["tags"] for a in every)
    # Accents fold: the Spanish article is found without them, and by a prefix.
    spanish = dj("kb", "search", "facturacion")
    assert [a["title"] for a in spanish] == ["Facturación: cargos de roaming en países incluidos"]
    assert spanish[0]["id"] in [a["id"] for a in dj("kb", "search", "fact")]
    # It was written as a draft and published later: two revisions.
    history = dj("kb", "show", str(spanish[0]["id"]), "--history")["history"]
    assert [r["changes"].get("status") for r in history] == [
        {"from": None, "to": "draft"},
        {"from": "draft", "to": "published"},
    ]
    # Uses: published articles on resolved or closed cases, each with its kb_used event.
    used = [a for a in every if a["uses"]]
    assert sum(a["uses"] for a in used) >= 5 and {a["status"] for a in used} == {"published"}
    ended = dj("case", "list", "--status", "resolved", "--status", "closed", "--limit", "0")
    kinds = {c["id"]: [e["kind"] for e in dj("case", "show", str(c["id"]))["events"]]
             for c in ended}  # fmt: skip
    assert sum("kb_used" in k for k in kinds.values()) == sum(a["uses"] for a in used)
    assert all(k.index("kb_used") < k.index("resolved") for k in kinds.values() if "kb_used" in k)


def test_demo_has_customer_messages_ratings_and_remedies(desk: Desk, dj: Dj) -> None:
    assert desk("demo").exit_code == 0
    every = dj("case", "list", "--all", "--limit", "0")
    written = [c for c in every if c["last_inbound_at"]]
    assert len(written) >= 4
    assert any(c["status"] == "open" for c in written) and any(
        c["status"] in ("resolved", "closed") for c in written
    )
    ratings = dj("feedback", "list", "--since", "60d")
    assert len(ratings) >= 8
    assert all(r["csat"] and 1 <= r["csat"] <= 5 for r in ratings)
    unhappy = [r for r in ratings if r["csat"] <= 2]
    assert len(unhappy) >= 3
    assert any(r["nps_class"] == "detractor" for r in ratings)
    assert any(r["nps_class"] == "promoter" for r in ratings)
    rated = {r["case_id"] for r in ratings}
    assert {c["id"] for c in every if c["csat"] is not None} == rated
    remedies = [
        remedy
        for crn in {c["customer_crn"] for c in every}
        for remedy in dj("customer", "show", crn)["remedies"]
    ]
    credits = [r for r in remedies if r["kind"] == "credit" and r["amount"]]
    assert credits and all(r["currency"] and len(r["currency"]) == 3 for r in credits)
    # Every unhappy customer got a goodwill credit on that case.
    assert {r["case_id"] for r in unhappy} <= {r["case_id"] for r in credits}
    # Some resolved cases are still waiting for their follow-up call.
    assert dj("feedback", "due") != []


@pytest.mark.sqlite_only
def test_demo_is_the_same_every_time(desk: Desk, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("DESK_NOW", "2026-06-01T12:00:00+00:00")
    exports = []
    for name in ("one.db", "two.db"):
        monkeypatch.setenv("DESK_DB", str(tmp_path / name))
        made = desk("demo")
        assert made.exit_code == 0 and "Demo database with 123 cases" in made.stdout
        result = desk("export")
        assert result.exit_code == 0
        exports.append(result.stdout_bytes)
    assert exports[0] == exports[1] and b'"type":"article"' in exports[0]


# -- service levels ------------------------------------------------------------

# Times the demo may be made at (Madrid's offsets): before the office opens on
# a Monday, a Monday morning, a Friday night, a Sunday afternoon, a holiday
# (Tuesday 8 December), the night the clocks go forward, and a Monday after the
# new year's holidays (the demo's two weeks span two years).
DEMO_NOWS = [
    "2026-06-01T07:30:00+02:00",
    "2026-06-01T10:15:00+02:00",
    "2026-06-05T23:00:00+02:00",
    "2026-06-07T16:00:00+02:00",
    "2026-12-08T12:00:00+01:00",
    "2026-03-29T03:30:00+02:00",
    "2027-01-04T09:30:00+01:00",
]


def _levels(desk: Desk, dj: Dj, now: str) -> tuple[set[int], set[int], set[int]]:
    """Make the demo at `now`; its breached, at-risk (due within the hour) and
    in-time active cases, as `desk sla breaches` and `desk case list` say."""
    result = desk("demo", env={"DESK_NOW": now})
    assert result.exit_code == 0, result.output
    breached = dj("sla", "breaches", env={"DESK_NOW": now})
    soon = dj("sla", "breaches", "--at-risk", "1h", env={"DESK_NOW": now})
    assert all(b["overdue_seconds"] > 0 for b in breached)
    assert soon[: len(breached)] == breached  # most overdue first, then the ones due soon
    assert all(-3600 <= b["overdue_seconds"] <= 0 for b in soon[len(breached) :])
    late = {b["case_id"] for b in breached}
    at_risk = {b["case_id"] for b in soon} - late
    active = dj("case", "list", "--limit", "0", env={"DESK_NOW": now})
    at = datetime.fromisoformat(now)
    in_time = {
        c["id"]
        for c in active
        if c["due_at"] and datetime.fromisoformat(c["due_at"]) > at + timedelta(hours=1)
    }
    running = {c["id"] for c in active if c["due_at"]}
    assert running == late | at_risk | in_time
    return late, at_risk, in_time


def test_demo_sets_calendars_and_policies_before_its_cases(desk: Desk, dj: Dj) -> None:
    assert desk("demo", env={"DESK_NOW": DEMO_NOWS[0]}).exit_code == 0
    calendars = {c["name"]: c for c in dj("sla", "calendar", "list")}
    assert set(calendars) == {"always", "office", "weekend-support"}
    office = calendars["office"]
    assert office["tz"] == "Europe/Madrid"
    assert office["hours"] == [{"days": "mon-fri", "from": "09:00", "to": "18:00"}]
    assert {"2026-12-25", "2027-01-01"} <= set(office["holidays"])
    saturday = {"days": "sat", "from": "10:00", "to": "14:00"}
    assert saturday in calendars["weekend-support"]["hours"]
    policies = {p["priority"]: p for p in dj("sla", "policy", "list")}
    assert policies["urgent"]["calendar"] == "always"
    assert policies["urgent"]["first_response_seconds"] == 3600
    assert policies["high"]["calendar"] == "weekend-support"
    assert {policies[p]["calendar"] for p in ("normal", "low")} == {"office"}
    assert policies["high"]["first_response_seconds"] < policies["normal"]["first_response_seconds"]
    # Every case's clocks were timed on its priority's policy from its opening.
    for case in dj("case", "list", "--all", "--limit", "0"):
        policy = policies[case["priority"]]
        first = case["sla"]["first_response"]
        assert first["target_seconds"] == policy["first_response_seconds"], case["id"]
        assert first["started_at"] == case["created_at"]


@pytest.mark.parametrize("now", DEMO_NOWS)
def test_demo_has_a_few_breaches_some_at_risk_and_the_rest_in_time(
    desk: Desk, dj: Dj, now: str
) -> None:
    late, at_risk, in_time = _levels(desk, dj, now)
    assert 3 <= len(late) <= 6, late
    assert at_risk, "nothing due within the hour"
    assert len(in_time) >= 6 and len(in_time) > len(late), (late, at_risk, in_time)
    env = {"DESK_NOW": now}
    shown = desk("sla", "breaches", "--at-risk", "1h", env=env)
    assert shown.exit_code == 0 and "breached" in shown.stdout and "at risk" in shown.stdout
    assert desk("sla", "check", env=env).exit_code == 6
    # desk next --peek shows the most urgent case nobody owns, and leaves it so.
    peeked = dj("next", "--peek", env=env)
    assert peeked["assignee"] is None and peeked["status"] in ("new", "open", "escalated")
    assert peeked["due_at"] is not None
    assert dj("case", "show", str(peeked["id"]), env=env)["assignee"] is None
    unowned = dj("case", "list", "--unassigned", "--limit", "0", env=env)
    assert peeked["due_at"] == min(c["due_at"] for c in unowned if c["due_at"])


@pytest.mark.sqlite_only
def test_demo_service_levels_hold_at_any_hour_of_the_week(
    desk: Desk, dj: Dj, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every 5 hours through a week (each hour of the day on some weekday):
    # the breached cases stay a few, and a case is always at risk.  A demo
    # file per hour, so SQLite only (the test above runs on both backends).
    start = datetime.fromisoformat("2026-06-08T00:00:00+02:00")
    for step in range(7 * 24 // 5 + 1):
        now = (start + timedelta(hours=5 * step)).isoformat()
        monkeypatch.setenv("DESK_DB", str(tmp_path / f"demo{step}.db"))
        late, at_risk, in_time = _levels(desk, dj, now)
        assert 3 <= len(late) <= 6 and at_risk and len(in_time) >= 6, (now, late, at_risk)
