"""`desk case list` filters and the bulk close contract for scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import Desk


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [int(r["id"]) for r in rows]


def test_default_list_is_active_cases_newest_first(
    dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    a, b, c = new_case("a"), new_case("b"), new_case("c")
    dj("case", "close", str(b), "--resolution", "done")
    assert ids(dj("case", "list")) == [c, a]
    assert ids(dj("case", "list", "--all")) == [c, b, a]
    assert ids(dj("case", "list", "--status", "closed")) == [b]
    assert ids(dj("case", "list", "--all", "--sort", "oldest")) == [a, b, c]


def test_filters(dj: Callable[..., Any], new_case: Callable[..., int]) -> None:
    dj("customer", "add", "--crn", "C-2", "--name", "Bob")
    urgent = new_case(
        "Office down", "--priority", "urgent", "--channel", "email", "--category", "Network"
    )
    mine = new_case("Invoice wrong", "--me", "--category", "billing")
    other = int(
        dj("case", "open", "-c", "C-2", "--subject", "Refund 100% late", "--assign", "bob")["id"]
    )
    dj("case", "escalate", str(urgent), "--to", "noc", "--reason", "outage")

    assert ids(dj("case", "list", "--priority", "urgent")) == [urgent]
    assert ids(dj("case", "list", "--mine")) == [mine]
    assert ids(dj("case", "list", "--assignee", "bob")) == [other]
    assert ids(dj("case", "list", "--unassigned")) == [urgent]
    assert ids(dj("case", "list", "--customer", "C-2")) == [other]
    assert ids(dj("case", "list", "--category", "network")) == [urgent]
    assert ids(dj("case", "list", "--channel", "email")) == [urgent]
    assert ids(dj("case", "list", "--team", "NOC")) == [urgent]
    assert ids(dj("case", "list", "--status", "escalated", "--status", "open")) == [
        other,
        mine,
        urgent,
    ]
    assert ids(dj("case", "list", "--search", "invoice")) == [mine]
    assert ids(dj("case", "list", "--search", "100%")) == [other]  # LIKE wildcards are literal
    assert ids(dj("case", "list", "--search", "_")) == []
    assert ids(dj("case", "list", "--older-than", "1d")) == []
    assert ids(dj("case", "list", "--sort", "priority"))[0] == urgent
    assert ids(dj("case", "list", "--sort", "id")) == [urgent, mine, other]


def test_limit_has_no_hidden_cap(desk: Desk, dj: Callable[..., Any], customer: str) -> None:
    lines = "".join(f"{i}\n" for i in range(60))
    for i in range(60):
        dj("case", "open", "-c", customer, "--subject", f"case {lines and i}")
    assert len(dj("case", "list")) == 60  # JSON: everything unless --limit
    assert len(dj("case", "list", "--limit", "7")) == 7
    ids_out = desk("case", "list", "--ids")
    assert ids_out.stdout.split() == [str(i) for i in range(60, 0, -1)]
    table = desk("case", "list")
    assert table.stdout.count("case ") == 50  # a table shows 50 by default ...
    assert "showing the first 50 cases; there are more" in table.stderr  # ... and says so
    assert desk("case", "list", "--limit", "0").stdout.count("case ") == 60


def test_json_and_ids_together_is_usage_error(desk: Desk) -> None:
    result = desk("case", "list", "--json", "--ids")
    assert result.exit_code == 2


def test_close_by_ids_from_stdin_and_filters(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    cases = [new_case(f"c{i}") for i in range(6)]
    for case in cases:
        dj("case", "resolve", str(case), "--resolution", "fixed")
    assert dj("case", "close", str(cases[0]), str(cases[1]))["closed"] == cases[:2]
    piped = dj("case", "close", "--from-stdin", input=f"{cases[2]}\n\n# comment\n{cases[3]}\n")
    assert piped["closed"] == cases[2:4]
    dry = dj("case", "close", "--status", "resolved", "--dry-run")
    assert dry == {
        "closed": cases[4:],
        "resolved": [],
        "already_closed": [],
        "count": 2,
        "dry_run": True,
    }
    assert ids(dj("case", "list", "--status", "resolved")) == cases[:3:-1]
    done = dj("case", "close", "--status", "resolved")
    assert done["closed"] == cases[4:]
    assert ids(dj("case", "list", "--status", "closed", "--sort", "id")) == cases


def test_closing_closed_cases_again_is_safe(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    a, b = new_case(), new_case()
    dj("case", "close", str(a), str(b), "--resolution", "ok")
    again = desk("case", "close", str(a), str(b))
    assert again.exit_code == 0
    assert "already closed" in again.stderr
    summary = dj("case", "close", str(a))
    assert summary["already_closed"] == [a] and summary["closed"] == []
    assert [e["kind"] for e in dj("case", "show", str(a))["events"]].count("closed") == 1


def test_bulk_close_is_all_or_nothing(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    resolved, active = new_case("r"), new_case("a")
    dj("case", "resolve", str(resolved), "--resolution", "fixed")
    refused = desk("case", "close", str(resolved), str(active))
    assert refused.exit_code == 4
    assert f"case {active} is new; resolve it first" in refused.stderr
    missing = desk("case", "close", str(resolved), "999")
    assert missing.exit_code == 3 and "no case 999" in missing.stderr
    assert dj("case", "show", str(resolved))["status"] == "resolved"  # nothing was closed
    bad_stdin = desk("case", "close", "--from-stdin", input=f"{resolved}\nabc\n")
    assert (
        bad_stdin.exit_code == 2 and "line 2 of stdin: 'abc' is not a case id" in bad_stdin.stderr
    )
    assert dj("case", "show", str(resolved))["status"] == "resolved"
    both = dj(
        "case",
        "close",
        str(resolved),
        str(active),
        "--resolution",
        "bulk fix",
        "--root-cause",
        "bug",
    )
    assert both["closed"] == [resolved, active] and both["resolved"] == [active]
    shown = dj("case", "show", str(active))
    assert shown["resolution"] == "bulk fix" and shown["root_cause"] == "bug"
    assert shown["resolved_at"] == shown["closed_at"]


def test_close_needs_a_selection(desk: Desk, new_case: Callable[..., int]) -> None:
    new_case()
    result = desk("case", "close")
    assert result.exit_code == 2 and "say which cases to close" in result.stderr
    mixed = desk("case", "close", "1", "--status", "resolved")
    assert mixed.exit_code == 2 and "not both" in mixed.stderr


def test_close_by_filter_with_many_cases_in_one_transaction(
    dj: Callable[..., Any], customer: str, database: Any
) -> None:
    # Enough cases to cross the 500-id select chunks and the 1000-row write batches.
    from deskcli import store
    from deskcli.services import cases

    db = database
    with store.writing(db) as session:
        tx = store.tx_of(session)
        for i in range(1200):
            view = cases.open_case(tx, agent="seed", customer_crn=customer, subject=f"s{i}")
            cases.resolve(tx, agent="seed", case_id=view.case.id or 0, resolution="r")
    summary = dj("case", "close", "--status", "resolved")
    assert summary["count"] == 1200
    assert dj("case", "list", "--status", "resolved") == []
    events = dj("case", "show", "1200")["events"]
    assert [e["kind"] for e in events] == ["opened", "resolved", "closed"]
