"""Issue 10, items 7 and 8: correcting a case (edit, unassign), tags, and bare
`desk case` as the agent's desk, through the real command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk


def kinds(dj: Callable[..., Any], case: int) -> list[str]:
    return [e["kind"] for e in dj("case", "show", str(case))["events"]]


# -- edit ------------------------------------------------------------------------


def test_edit_records_one_event_with_old_and_new_values(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    dj("customer", "add", "--crn", "C-2", "--name", "Bea")
    case = new_case("Charged twise")
    edited = dj(
        "case", "edit", str(case), "--subject", "Charged twice", "--priority", "high",
        "--category", "billing", "--channel", "email", "--customer", "C-2",
        "--description", "two charges in March", "--if-version", "1",
    )  # fmt: skip
    assert edited["subject"] == "Charged twice" and edited["priority"] == "high"
    assert edited["customer_crn"] == "C-2" and edited["category"] == "billing"
    assert edited["version"] == 2
    event = dj("case", "show", str(case))["events"][-1]
    assert event["kind"] == "edited"
    assert event["data"] == {
        "subject": {"from": "Charged twise", "to": "Charged twice"},
        "description": {"from": "", "to": "two charges in March"},
        "priority": {"from": "normal", "to": "high"},
        "channel": {"from": "phone", "to": "email"},
        "category": {"from": None, "to": "billing"},
        "customer": {"from": "C-1", "to": "C-2"},
    }


def test_edit_that_changes_nothing_says_so_and_adds_no_event(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = new_case("Same")
    result = desk("case", "edit", str(case), "--subject", "Same", "--priority", "normal")
    assert result.exit_code == 0
    assert "nothing changed" in result.stderr
    assert kinds(dj, case) == ["opened"]
    assert dj("case", "show", str(case))["version"] == 1


def test_edit_refusals(desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]) -> None:
    case = new_case()
    assert desk("case", "edit", str(case)).exit_code == 2  # nothing to change
    stale = desk("case", "edit", str(case), "--subject", "x", "--if-version", "7")
    assert stale.exit_code == 4
    assert desk("case", "edit", str(case), "--subject", "a\nb").exit_code == 2
    assert desk("case", "edit", str(case), "--customer", "NOPE").exit_code == 3
    dj("case", "close", str(case), "--resolution", "done")
    closed = desk("case", "edit", str(case), "--subject", "x")
    assert closed.exit_code == 4 and "reopen it first" in closed.stderr
    assert kinds(dj, case)[-1] == "closed"


# -- unassign --------------------------------------------------------------------


def test_unassign_leaves_the_case_to_nobody(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = new_case("x", "--assign", "bob")
    left = dj("case", "unassign", str(case))
    assert left["assignee"] is None and left["status"] == "open"
    event = dj("case", "show", str(case))["events"][-1]
    assert event["kind"] == "assigned" and event["data"]["from"] == "bob"
    assert event["data"]["to"] is None
    assert "bob -> nobody" in desk("case", "show", str(case)).stdout
    again = desk("case", "unassign", str(case))
    assert again.exit_code == 0 and "has no owner; nothing changed" in again.stderr
    assert kinds(dj, case) == ["opened", "assigned", "assigned"]


# -- tags ------------------------------------------------------------------------


def test_tags_are_case_insensitive_kept_as_first_typed_and_sorted(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = new_case()
    tagged = dj("case", "tag", str(case), "VIP", "refund", "vip")
    assert tagged["tags"] == ["refund", "VIP"]
    again = desk("case", "tag", str(case), "Vip")
    assert again.exit_code == 0 and "nothing changed" in again.stderr
    assert dj("case", "show", str(case))["tags"] == ["refund", "VIP"]
    events = dj("case", "show", str(case))["events"]
    assert [e["kind"] for e in events] == ["opened", "tagged"]
    assert events[-1]["data"] == {"tags": ["VIP", "refund"]}
    untagged = dj("case", "untag", str(case), "vIp", "missing")
    assert untagged["tags"] == ["refund"]
    assert dj("case", "show", str(case))["events"][-1]["data"] == {"tags": ["VIP"]}
    none = desk("case", "untag", str(case), "missing")
    assert none.exit_code == 0 and "nothing changed" in none.stderr
    assert "Tags" in desk("case", "show", str(case)).stdout
    assert desk("case", "tag", str(case), "two words").exit_code == 2
    assert desk("case", "tag", str(case), "x" * 101).exit_code == 2
    assert desk("case", "tag", "999", "a").exit_code == 3


def test_tag_filter_on_list_and_close_needs_every_tag(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    both, one, none = new_case("a"), new_case("b"), new_case("c")
    dj("case", "tag", str(both), "Outage", "vip")
    dj("case", "tag", str(one), "outage")
    assert [c["id"] for c in dj("case", "list", "--tag", "OUTAGE")] == [one, both]
    assert [c["id"] for c in dj("case", "list", "--tag", "outage", "--tag", "VIP")] == [both]
    assert dj("case", "list", "--tag", "nope") == []
    assert none not in [c["id"] for c in dj("case", "list", "--tag", "outage")]
    summary = dj("case", "close", "--tag", "vip", "--resolution", "fixed", "--dry-run")
    assert summary["closed"] == [both]
    closed = dj("case", "close", "--tag", "outage", "--tag", "vip", "--resolution", "fixed")
    assert closed["closed"] == [both]
    assert dj("case", "show", str(one))["status"] == "new"


def test_tags_in_every_case_json(dj: Callable[..., Any], new_case: Callable[..., int]) -> None:
    case = new_case()
    assert dj("case", "show", str(case))["tags"] == []
    dj("case", "tag", str(case), "b", "A")
    assert dj("case", "list")[0]["tags"] == ["A", "b"]
    assert dj("board")["cases"]["new"][0]["tags"] == ["A", "b"]


@pytest.mark.sqlite_only
def test_tags_complete_from_the_file(
    db_path: Path, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    from tests.test_completion import complete

    dj("case", "tag", str(new_case()), "Refund", "vip")
    found, probe = complete(db_path, "desk case list --tag re")
    assert found == ["refund"] and "SQLALCHEMY=False" in probe
    assert complete(db_path, "desk case list --tag R")[0] == ["Refund"]
    assert complete(db_path, "desk case tag 1 V")[0] == ["Vip"]


# -- item 8: bare `desk case` is the agent's desk ------------------------------------


def test_bare_desk_case_shows_my_active_cases_first(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    mine_old = new_case("mine old", "--assign", "alice")
    other = new_case("theirs", "--assign", "bob")
    unowned = new_case("nobody's")
    mine_new = new_case("mine new", "--me")
    rows = [line.split()[0] for line in desk("case").stdout.splitlines()[1:]]
    assert rows == [str(mine_new), str(mine_old), str(unowned), str(other)]
    # `desk case list` keeps its plain newest-first order.
    assert [c["id"] for c in dj("case", "list")] == [mine_new, unowned, other, mine_old]
