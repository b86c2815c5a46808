"""The case lifecycle through the real command line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.conftest import Desk

JSON_FIELDS = {
    "id",
    "status",
    "priority",
    "channel",
    "category",
    "subject",
    "description",
    "customer_crn",
    "customer_name",
    "assignee",
    "team",
    "tier",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "resolution",
    "root_cause",
    "follow_up_at",
    "reopen_count",
    "handling_seconds",
    "last_inbound_at",  # issue 12
    "csat",
    "nps",
    "version",
    "tags",  # issue 10
    "due_at",  # issue 13: the earliest running service-level due time
    "sla",  # issue 13: the case's clocks
}


def kinds(dj: Callable[..., Any], case_id: int) -> list[str]:
    return [e["kind"] for e in dj("case", "show", str(case_id))["events"]]


def test_full_lifecycle_records_every_step(dj: Callable[..., Any], customer: str) -> None:
    opened = dj(
        "case",
        "open",
        "--customer",
        customer,
        "--subject",
        "Internet drops",
        "--body",
        "Every evening",
        "--channel",
        "chat",
        "--priority",
        "high",
        "--category",
        "network",
    )
    assert set(opened) == JSON_FIELDS
    assert opened["status"] == "new" and opened["tier"] == 1 and opened["version"] == 1
    assert opened["customer_crn"] == customer and opened["created_at"].endswith("+00:00")
    case = str(opened["id"])

    taken = dj("case", "take", case)
    assert taken["assignee"] == "alice" and taken["status"] == "open"

    replied = dj("case", "reply", case, "Sorry about that, checking now")
    first_response = replied["first_response_at"]
    assert first_response is not None
    assert dj("case", "reply", case, "Still checking")["first_response_at"] == first_response

    assert dj("case", "pending", case, "--reason", "waiting for logs")["status"] == "pending"
    assert dj("case", "resume", case)["status"] == "open"
    escalated = dj("case", "escalate", case, "--to", "network-ops", "--reason", "line fault")
    assert escalated["status"] == "escalated" and escalated["tier"] == 2
    assert escalated["team"] == "network-ops" and escalated["assignee"] is None
    dj("case", "take", case, "--as", "bob")
    resolved = dj(
        "case",
        "resolve",
        case,
        "--resolution",
        "Replaced the line card",
        "--root-cause",
        "faulty card",
        "--follow-up",
        "3d",
    )
    assert resolved["status"] == "resolved" and resolved["root_cause"] == "faulty card"
    assert resolved["resolved_at"] and resolved["follow_up_at"]
    closed = dj("case", "close", case)
    assert closed == {
        "closed": [int(case)],
        "resolved": [],
        "already_closed": [],
        "count": 1,
        "dry_run": False,
    }
    reopened = dj("case", "reopen", case, "--reason", "drops again")
    assert reopened["status"] == "open" and reopened["reopen_count"] == 1
    assert reopened["closed_at"] is None and reopened["resolved_at"] is None
    assert reopened["first_response_at"] == first_response

    shown = dj("case", "show", case)
    assert [e["kind"] for e in shown["events"]] == [
        "opened",
        "assigned",
        "reply",
        "reply",
        "status",
        "status",
        "escalated",
        "assigned",
        "resolved",
        "follow_up",
        "closed",
        "reopened",
    ]
    assert {e["agent"] for e in shown["events"]} == {"alice", "bob"}
    assert all(e["at"].endswith("+00:00") for e in shown["events"])
    assert shown["version"] == 11  # one version per command that changed it


def test_take_refuses_a_case_owned_by_someone_else(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("case", "take", case, "--as", "bob")
    refused = desk("case", "take", case)
    assert refused.exit_code == 4
    assert refused.stderr.splitlines()[0] == f"desk: error: case {case} is owned by bob"
    assert "--steal" in refused.stderr
    assert dj("case", "show", case)["assignee"] == "bob"
    assert dj("case", "take", case, "--steal")["assignee"] == "alice"


def test_agent_comes_from_option_env_or_login(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("case", "note", case, "from env")
    dj("--as", "carol", "case", "note", case, "from option")
    events = dj("case", "show", case)["events"]
    assert [e["agent"] for e in events[-2:]] == ["alice", "carol"]


def test_close_unresolved_case_is_refused_with_advice(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("case", "take", case)
    result = desk("case", "close", case)
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == (
        f"desk: error: case {case} is open; resolve it first, or pass --resolution to resolve "
        "and close in one step"
    )
    assert dj("case", "show", case)["status"] == "open"
    closed = dj("case", "close", case, "--resolution", "Fixed on the call")
    assert closed["closed"] == [int(case)] and closed["resolved"] == [int(case)]
    shown = dj("case", "show", case)
    assert shown["status"] == "closed" and shown["resolution"] == "Fixed on the call"
    assert [e["kind"] for e in shown["events"]][-2:] == ["resolved", "closed"]


def test_refused_transitions_exit_4_and_change_nothing(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    resume = desk("case", "resume", case)
    assert resume.exit_code == 4 and "only pending or escalated cases" in resume.stderr
    reopen = desk("case", "reopen", case, "--reason", "x")
    assert reopen.exit_code == 4 and "only resolved or closed" in reopen.stderr
    dj("case", "close", case, "--resolution", "done")
    for args in (
        ("reply", case, "hi"),
        ("take", case),
        ("escalate", case, "--to", "t", "--reason", "r"),
        ("pending", case),
        ("resolve", case, "--resolution", "again"),
    ):
        result = desk("case", *args)
        assert result.exit_code == 4, args
        assert f"case {case} is closed" in result.stderr
        assert "reopen" in result.stderr
    assert dj("case", "show", case)["version"] == 2  # open, then resolve+close in one write


def test_notes_are_allowed_on_closed_cases(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("case", "close", case, "--resolution", "done")
    dj("case", "note", case, "customer called to say thanks")
    assert kinds(dj, int(case))[-1] == "note"


def test_stale_version_is_refused_naming_who_changed_it(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    seen = dj("case", "show", case)["version"]
    dj("--as", "bob", "case", "note", case, "bob was here")
    result = desk("case", "reply", case, "hello", "--if-version", str(seen))
    assert result.exit_code == 4
    assert "changed by bob (note" in result.stderr
    assert kinds(dj, int(case)) == ["opened", "note"]
    assert dj("case", "reply", case, "hello", "--if-version", str(seen + 1))["version"] == seen + 2


def test_open_with_me_assigns_and_body_from_stdin(dj: Callable[..., Any], customer: str) -> None:
    opened = dj(
        "case",
        "open",
        "-c",
        customer,
        "--subject",
        "S",
        "--body",
        "-",
        "--me",
        input="line one\nline two\n",
    )
    assert opened["description"] == "line one\nline two"
    assert opened["assignee"] == "alice" and opened["status"] == "open"


def test_follow_ups(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int], sql: Callable[..., Any]
) -> None:
    soon, later, none = new_case("a"), new_case("b"), new_case("c")
    dj("case", "follow-up", str(later), "--in", "3d")
    # A past date is refused now (issue 10): make the follow-up due by moving it back.
    dj("case", "follow-up", str(soon), "--in", "1h")
    sql('UPDATE "case" SET follow_up_at = :at WHERE id = :id', at=datetime(2000, 1, 1), id=soon)
    assert [c["id"] for c in dj("follow-ups")] == [soon, later]
    assert [c["id"] for c in dj("follow-ups", "--due")] == [soon]
    done = dj("case", "follow-up", str(soon), "--done", "--note", "refund arrived")
    assert done["follow_up_at"] is None
    assert [c["id"] for c in dj("follow-ups")] == [later]
    assert none not in [c["id"] for c in dj("follow-ups")]
    bad = desk("case", "follow-up", str(soon), "--in", "soon")
    assert bad.exit_code == 2 and "invalid duration 'soon'" in bad.stderr
    both = desk("case", "follow-up", str(soon), "--in", "3d", "--done")
    assert both.exit_code == 2


def test_show_includes_timeline_and_customer_history(
    desk: Desk, new_case: Callable[..., int], dj: Callable[..., Any]
) -> None:
    old = new_case("Old problem")
    dj("case", "close", str(old), "--resolution", "Reset the router")
    case = new_case("New problem")
    shown = dj("case", "show", str(case))
    assert [h["id"] for h in shown["customer_history"]] == [old]
    assert shown["customer_history"][0]["resolution"] == "Reset the router"
    text = desk("case", "show", str(case)).stdout
    assert (
        "Timeline" in text
        and "opened" in text
        and "Old problem" in text
        and "Reset the router" in text
    )


def test_unknown_case_is_exit_3(desk: Desk, customer: str) -> None:
    for args in (("show", "99"), ("take", "99"), ("note", "99", "x"), ("close", "99")):
        result = desk("case", *args)
        assert result.exit_code == 3, args
        assert result.stderr.startswith("desk: error: no case 99")
