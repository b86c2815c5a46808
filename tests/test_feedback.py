"""Customer messages, ratings and remedies (issue 12) through the real
command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.conftest import Desk

Json = Callable[..., Any]
DAY0 = "2026-03-02T09:00:00+00:00"


def at(day: int, hour: int = 9) -> dict[str, str]:
    """The environment of a command run `day` days after DAY0, at `hour`."""
    when = datetime.fromisoformat(DAY0) + timedelta(days=day, hours=hour - 9)
    return {"DESK_NOW": when.isoformat()}


def resolved_case(
    dj: Json, new_case: Callable[..., int], *, day: int = 0, who: str = "alice", crn: str = "C-1"
) -> int:
    """A case of `crn` opened on `day` for `who`, resolved an hour later."""
    opened = dj("case", "open", "-c", crn, "--subject", "Charged twice", "--assign", who,
                env=at(day, 8))  # fmt: skip
    dj("case", "resolve", str(opened["id"]), "-r", "Refunded", env=at(day))
    return int(opened["id"])


def kinds(dj: Json, case_id: int) -> list[str]:
    return [e["kind"] for e in dj("case", "show", str(case_id))["events"]]


# -- customer messages ---------------------------------------------------------


def test_inbound_on_a_pending_case_opens_it(dj: Json, new_case: Callable[..., int]) -> None:
    case_id = new_case()
    dj("case", "pending", str(case_id), "--reason", "waiting for the bank statement")
    case = dj("case", "inbound", str(case_id), "Here is the statement", "--channel", "email")
    assert case["status"] == "open"
    assert case["last_inbound_at"] is not None
    event = dj("case", "show", str(case_id))["events"][-1]
    assert event["kind"] == "inbound" and event["body"] == "Here is the statement"
    assert event["data"] == {"channel": "email", "from": "pending", "to": "open"}


def test_inbound_leaves_other_statuses_and_defaults_to_the_case_channel(
    dj: Json, new_case: Callable[..., int]
) -> None:
    case_id = new_case("No signal", "--channel", "chat")
    assert dj("case", "inbound", str(case_id), "hello?")["status"] == "new"
    event = dj("case", "show", str(case_id))["events"][-1]
    assert event["data"]["channel"] == "chat"
    dj("case", "resolve", str(case_id), "-r", "reset the router")
    assert dj("case", "inbound", str(case_id), "thanks")["status"] == "resolved"
    dj("case", "close", str(case_id))
    assert dj("case", "inbound", str(case_id), "one more thing")["status"] == "closed"


def test_a_message_after_the_resolution_is_shown_first(
    desk: Desk, dj: Json, new_case: Callable[..., int]
) -> None:
    case_id = new_case()
    dj("case", "inbound", str(case_id), "before", env=at(0))
    dj("case", "resolve", str(case_id), "-r", "Refunded", env=at(0, 10))
    quiet = desk("case", "show", str(case_id), env=at(0, 11))
    assert "wrote after" not in quiet.stdout
    dj("case", "inbound", str(case_id), "The [bold]refund[/bold] never came", env=at(1))
    shown = desk("case", "show", str(case_id), env=at(1, 1)).stdout
    banner = shown.index("The customer wrote after this case was resolved")
    assert banner < shown.index("Timeline")
    assert "The [bold]refund[/bold] never came" in shown  # literal, not markup
    assert f"desk case reopen {case_id}" in shown


def test_inbound_text_is_searched(dj: Json, new_case: Callable[..., int]) -> None:
    case_id = new_case()
    other = new_case("Something else")
    dj("case", "inbound", str(case_id), "La facturación está mal", "--channel", "email")
    assert [c["id"] for c in dj("case", "list", "--search", "FACTURACION")] == [case_id]
    assert other not in [c["id"] for c in dj("case", "list", "--all", "--search", "facturacion")]


def test_inbound_from_stdin_and_refusals(
    desk: Desk, dj: Json, new_case: Callable[..., int]
) -> None:
    case_id = new_case()
    case = dj("case", "inbound", str(case_id), "-", input="from a pasted email\n")
    assert dj("case", "show", str(case_id))["events"][-1]["body"] == "from a pasted email"
    assert case["version"] == 2
    empty = desk("case", "inbound", str(case_id), "  ")
    assert empty.exit_code == 2 and "must not be empty" in empty.stderr
    assert desk("case", "inbound", "999", "hello").exit_code == 3
    assert desk("case", "inbound", str(case_id), "x", "--channel", "fax").exit_code == 2
    stale = desk("case", "inbound", str(case_id), "x", "--if-version", "1")
    assert stale.exit_code == 4


# -- ratings -------------------------------------------------------------------


def test_a_rating_is_one_per_resolution(desk: Desk, dj: Json, new_case: Callable[..., int]) -> None:
    case_id = resolved_case(dj, new_case)
    case = dj("case", "feedback", str(case_id), "--csat", "4", "--nps", "9", "--comment", "quick")
    assert (case["csat"], case["nps"]) == (4, 9)
    again = desk("case", "feedback", str(case_id), "--csat", "5")
    assert again.exit_code == 4
    assert "already rated" in again.stderr and "--replace" in again.stderr
    replaced = dj("case", "feedback", str(case_id), "--csat", "5", "--replace")
    assert (replaced["csat"], replaced["nps"]) == (5, None)
    ratings = dj("feedback", "list")
    assert [(r["case_id"], r["csat"], r["nps"]) for r in ratings] == [(case_id, 5, None)]
    assert kinds(dj, case_id)[-2:] == ["feedback", "feedback"]
    assert dj("case", "show", str(case_id))["events"][-1]["data"]["replaced"] is True


def test_a_rating_needs_a_resolved_or_closed_case(
    desk: Desk, dj: Json, new_case: Callable[..., int]
) -> None:
    case_id = new_case()
    refused = desk("case", "feedback", str(case_id), "--csat", "3")
    assert refused.exit_code == 4 and "resolve it first" in refused.stderr
    dj("case", "close", str(case_id), "--resolution", "fixed")
    assert dj("case", "feedback", str(case_id), "--csat", "3")["csat"] == 3


@pytest.mark.parametrize(
    "scores",
    [
        ("--csat", "0"),
        ("--csat", "6"),
        ("--csat", "x"),
        ("--csat", "3", "--nps", "11"),
        ("--csat", "3", "--nps", "-1"),
        ("--nps", "5"),
    ],  # fmt: skip
)
def test_a_score_out_of_range_is_exit_2(
    desk: Desk, dj: Json, new_case: Callable[..., int], scores: tuple[str, ...]
) -> None:
    case_id = resolved_case(dj, new_case)
    result = desk("case", "feedback", str(case_id), *scores)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("desk: error:")
    assert dj("feedback", "list") == []


def test_the_credit_stays_with_who_resolved_it(dj: Json, new_case: Callable[..., int]) -> None:
    case_id = new_case("Charged twice", "--assign", "alice")
    dj("case", "escalate", str(case_id), "--to", "billing", "--reason", "refund")
    dj("case", "assign", str(case_id), "--to", "bea")
    dj("case", "resolve", str(case_id), "-r", "Refunded")
    dj("case", "feedback", str(case_id), "--csat", "2", "--nps", "3")
    # A reopen, a reassignment and a new resolution: a new rating, for carl.
    dj("case", "reopen", str(case_id), "--reason", "charged again")
    dj("case", "assign", str(case_id), "--to", "carl")
    dj("case", "resolve", str(case_id), "-r", "Refunded again")
    case = dj("case", "feedback", str(case_id), "--csat", "5", "--nps", "10")
    assert (case["csat"], case["nps"]) == (5, 10)
    credits = {(r["credited_agent"], r["credited_team"], r["csat"]) for r in dj("feedback", "list")}
    assert credits == {("bea", "billing", 2), ("carl", "billing", 5)}
    bea = dj("feedback", "list", "--agent", "BEA")
    assert [(r["case_id"], r["resolution_no"], r["nps_class"]) for r in bea] == [
        (case_id, 0, "detractor")
    ]


def test_an_unowned_case_credits_who_resolved_it(dj: Json, new_case: Callable[..., int]) -> None:
    case_id = new_case()
    dj("case", "resolve", str(case_id), "-r", "answered on the phone", "--as", "dan")
    dj("case", "feedback", str(case_id), "--csat", "5")
    assert dj("feedback", "list", "--agent", "dan")[0]["credited_agent"] == "dan"


def test_follow_up_done_records_the_call_and_its_rating(
    desk: Desk, dj: Json, new_case: Callable[..., int]
) -> None:
    case_id = new_case("Charged twice", "--me")
    dj("case", "resolve", str(case_id), "-r", "Refunded", "--follow-up", "3d")
    case = dj("case", "follow-up", str(case_id), "--done", "--csat", "4", "--nps", "8",
              "--comment", "-", input="fine now\n")  # fmt: skip
    assert case["follow_up_at"] is None and (case["csat"], case["nps"]) == (4, 8)
    assert kinds(dj, case_id)[-2:] == ["follow_up", "feedback"]
    assert dj("feedback", "list")[0]["comment"] == "fine now"
    # Both or neither: no follow-up scheduled any more, so no rating either.
    other = new_case("Slow line", "--me")
    dj("case", "resolve", str(other), "-r", "Fixed")
    refused = desk("case", "follow-up", str(other), "--done", "--csat", "5")
    assert refused.exit_code == 4
    assert dj("case", "show", str(other))["csat"] is None and len(dj("feedback", "list")) == 1


def test_follow_up_rating_on_an_active_case_changes_nothing(
    desk: Desk, dj: Json, new_case: Callable[..., int]
) -> None:
    case_id = new_case()
    dj("case", "follow-up", str(case_id), "--in", "1d")
    refused = desk("case", "follow-up", str(case_id), "--done", "--csat", "5")
    assert refused.exit_code == 4
    case = dj("case", "show", str(case_id))
    assert case["follow_up_at"] is not None and kinds(dj, case_id)[-1] == "follow_up"
    assert desk("case", "follow-up", str(case_id), "--in", "2d", "--csat", "5").exit_code == 2
    assert desk("case", "follow-up", str(case_id), "--done", "--nps", "5").exit_code == 2


# -- the follow-up call list ------------------------------------------------------


def test_feedback_due_lists_who_to_call_oldest_first(
    desk: Desk, dj: Json, new_case: Callable[..., int], customer: str
) -> None:
    dj("customer", "add", "--crn", "C-2", "--name", "Bo", "--phone", "555-0100")
    first = resolved_case(dj, new_case, day=0)
    bo = resolved_case(dj, new_case, day=1, crn="C-2")
    fresh = resolved_case(dj, new_case, day=3)
    # Resolved more than a day ago; the newest is not due yet.
    due = [c["id"] for c in dj("feedback", "due", env=at(3, 12))]
    assert due == [first, bo]
    assert desk("feedback", "due", "--ids", env=at(3, 12)).stdout == f"{first}\n{bo}\n"
    table = desk("feedback", "due", env=at(3, 12)).stdout
    assert "555-0100" in table and table.index(f" {first} ") < table.index(f" {bo} ")
    # Ana rates one case: her other cases are left alone for 30 days.
    dj("case", "feedback", str(first), "--csat", "5", env=at(4))
    assert [c["id"] for c in dj("feedback", "due", env=at(5))] == [bo]
    assert dj("feedback", "due", env=at(35)) == []  # resolved over 30 days ago
    wider = dj("feedback", "due", "--resolved-within", "60d", env=at(35))
    assert [c["id"] for c in wider] == [bo, fresh]
    window = dj("feedback", "due", "--not-asked-within", "1d", env=at(5, 10))
    assert [c["id"] for c in window] == [bo, fresh]
    # A reopened and again resolved case is due again: a new resolution.
    dj("case", "reopen", str(first), "--reason", "not fixed", env=at(36))
    dj("case", "resolve", str(first), "-r", "Fixed now", env=at(36))
    due = dj("feedback", "due", "--resolved-within", "60d", env=at(38))
    assert [c["id"] for c in due] == [bo, fresh, first]
    assert desk("feedback", "due", "--not-asked-within", "soon").exit_code == 2
    assert desk("feedback", "due", "--resolved-within", "-1d").exit_code == 2


def test_feedback_list_since_and_agent(desk: Desk, dj: Json, new_case: Callable[..., int]) -> None:
    old = resolved_case(dj, new_case, who="alice")
    dj("case", "feedback", str(old), "--csat", "1", "--comment", "rude", env=at(0))
    recent = resolved_case(dj, new_case, day=40, who="bea")
    dj("case", "feedback", str(recent), "--csat", "5", env=at(40))
    assert [r["case_id"] for r in dj("feedback", "list", env=at(41))] == [recent]
    both = dj("feedback", "list", "--since", "60d", env=at(41))
    assert [r["case_id"] for r in both] == [recent, old]
    assert dj("feedback", "list", "--since", "60d", "--agent", "nobody", env=at(41)) == []
    table = desk("feedback", "list", "--since", "60d", env=at(41)).stdout
    assert "rude" in table and "1/5" in table
    assert desk("feedback", "list", "--since", "forever").exit_code == 2


# -- remedies --------------------------------------------------------------------


def test_remedies_are_exact_and_shown_on_the_customer(
    desk: Desk, dj: Json, new_case: Callable[..., int], customer: str, sql: Callable[..., Any]
) -> None:
    case_id = new_case()
    for _ in range(3):
        dj("case", "remedy", str(case_id), "--kind", "credit", "--amount", "0.1",
           "--currency", "eur", "--note", "goodwill")  # fmt: skip
    dj("case", "remedy", str(case_id), "--kind", "refund", "--amount", "12.50",
       "--currency", "EUR", "--note", "the second charge")  # fmt: skip
    dj("case", "remedy", str(case_id), "--kind", "replacement", "--note", "new router")
    event = dj("case", "show", str(case_id))["events"][-2]
    assert event["kind"] == "remedy" and event["body"] == "the second charge"
    assert event["data"] == {"kind": "refund", "amount": "12.50", "currency": "EUR"}
    shown = dj("customer", "show", customer)
    assert [r["kind"] for r in shown["remedies"]] == ["replacement", "refund"] + ["credit"] * 3
    assert shown["remedies"][1]["amount"] == "12.50" and shown["remedies"][1]["currency"] == "EUR"
    assert shown["remedy_totals"] == [
        {"kind": "credit", "currency": "EUR", "amount": "0.30", "count": 3},
        {"kind": "refund", "currency": "EUR", "amount": "12.50", "count": 1},
        {"kind": "replacement", "currency": None, "amount": None, "count": 1},
    ]
    # SQL totals them exactly, on both backends.
    assert sql("SELECT sum(amount_units) FROM remedy WHERE kind = 'credit'")[0][0] == 3000
    human = desk("customer", "show", customer).stdout
    assert "0.30 EUR" in human and "new router" in human and "Remedies" in human
    timeline = desk("case", "show", str(case_id)).stdout
    assert "refund 12.50 EUR: the second charge" in timeline


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--amount", "12.50"), "go together"),
        (("--currency", "EUR"), "go together"),
        (("--amount", "12,50", "--currency", "EUR"), "decimal number"),
        (("--amount", "1e3", "--currency", "EUR"), "decimal number"),
        (("--amount", "-5", "--currency", "EUR"), "decimal number"),
        (("--amount", "NaN", "--currency", "EUR"), "decimal number"),
        (("--amount", "0", "--currency", "EUR"), "more than 0"),
        (("--amount", "1.23456", "--currency", "EUR"), "decimal places"),
        (("--amount", "1000000000", "--currency", "EUR"), "less than"),
        (("--amount", "5", "--currency", "EURO"), "three-letter"),
        (("--amount", "5", "--currency", "€"), "three-letter"),
    ],
)
def test_bad_amounts_are_exit_2(
    desk: Desk, dj: Json, new_case: Callable[..., int], args: tuple[str, ...], said: str
) -> None:
    case_id = new_case()
    result = desk("case", "remedy", str(case_id), "--kind", "credit", "--note", "x", *args)
    assert result.exit_code == 2 and said in result.stderr, result.stderr
    assert "remedy" not in kinds(dj, case_id)


def test_a_remedy_needs_a_kind_and_a_note(desk: Desk, new_case: Callable[..., int]) -> None:
    case_id = str(new_case())
    unknown = desk("case", "remedy", case_id, "--kind", "refnd", "--note", "x")
    assert unknown.exit_code == 2 and "did you mean 'refund'" in unknown.stderr
    assert desk("case", "remedy", case_id, "--kind", "refund").exit_code == 2
    assert desk("case", "remedy", case_id, "--kind", "refund", "--note", " ").exit_code == 2
    assert desk("case", "remedy", "999", "--kind", "refund", "--note", "x").exit_code == 3


# -- the customer's ratings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("nps", "kind"),
    [
        ("10", "promoter"),
        ("9", "promoter"),
        ("8", "passive"),
        ("7", "passive"),
        ("6", "detractor"),
        ("0", "detractor"),
    ],  # fmt: skip
)
def test_customer_show_has_ratings_and_the_last_nps_class(
    desk: Desk, dj: Json, new_case: Callable[..., int], customer: str, nps: str, kind: str
) -> None:
    for n, csat in enumerate(("5", "4", "4")):
        case_id = resolved_case(dj, new_case, day=n)
        extra = ("--nps", "10") if n == 0 else ("--nps", nps) if n == 1 else ()
        dj("case", "feedback", str(case_id), "--csat", csat, *extra, env=at(n))
    ratings = dj("customer", "show", customer)["ratings"]
    assert ratings["count"] == 3 and ratings["csat_average"] == 4.33
    assert ratings["last_nps"] == int(nps) and ratings["last_nps_class"] == kind
    human = desk("customer", "show", customer).stdout
    assert "4.33/5 over 3 ratings" in human and f"{nps}/10, {kind}" in human


def test_a_customer_without_ratings_or_remedies(desk: Desk, dj: Json, customer: str) -> None:
    shown = dj("customer", "show", customer)
    assert shown["ratings"] == {"count": 0, "csat_average": None, "last_nps": None,
                                "last_nps_class": None, "last_nps_at": None}  # fmt: skip
    assert shown["remedies"] == [] and shown["remedy_totals"] == []
    human = desk("customer", "show", customer).stdout
    assert "CSAT" not in human and "Remedies" not in human


# -- export and import ------------------------------------------------------------------


def test_ratings_and_remedies_survive_export_and_import(
    desk: Desk, dj: Json, new_case: Callable[..., int], customer: str, second_db: dict[str, str]
) -> None:
    case_id = resolved_case(dj, new_case)
    dj("case", "inbound", str(case_id), "thanks")
    dj("case", "feedback", str(case_id), "--csat", "2", "--nps", "6")
    dj("case", "feedback", str(case_id), "--csat", "3", "--nps", "7", "--replace")
    dj("case", "remedy", str(case_id), "--kind", "credit", "--amount", "7.5",
       "--currency", "USD", "--note", "sorry")  # fmt: skip
    before = dj("customer", "show", customer)
    listed = dj("feedback", "list")
    exported = desk("export").stdout
    case_line = next(json.loads(line) for line in exported.splitlines() if '"case"' in line)
    assert (case_line["csat"], case_line["nps"]) == (3, 7) and case_line["last_inbound_at"]
    assert desk("import", "-", input=exported, env=second_db).exit_code == 0
    assert dj("customer", "show", customer, env=second_db) == before
    assert dj("feedback", "list", env=second_db) == listed
    assert desk("export", env=second_db).stdout == exported
