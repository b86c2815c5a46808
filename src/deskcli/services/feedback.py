"""What the customer says and thinks, and what we give back: customer
messages (`inbound`), ratings of a resolution (`feedback`, CSAT and NPS) and
remedies (a refund, a goodwill credit).

Each is a case verb on the one write path (`load_for_write`, `apply_change`,
one event each).  Ratings and remedies are also rows of their own tables
(`feedback`, `remedy`), so the follow-up list, the ratings of an agent and
a customer's remedies are index lookups; the event holds the same values.
Standard library only, like every service on the write path.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from deskcli import limits, times
from deskcli.domain import TRANSITIONS, Channel, EventKind, RemedyKind
from deskcli.errors import Conflict, InvalidValue, unknown_choice
from deskcli.folding import name_key
from deskcli.lang import N_
from deskcli.reads.rows import CaseView, to_time
from deskcli.reads.source import in_list
from deskcli.services import sla_clocks
from deskcli.services.cases import schedule_follow_up
from deskcli.services.write_path import (
    apply_change,
    load_for_write,
    make_event,
    optional_text,
    require_text,
)
from deskcli.shapes import AMOUNT_DECIMALS
from deskcli.tx import Tx

CSAT_RANGE = (1, 5)
NPS_RANGE = (0, 10)

# An amount is exact: at most AMOUNT_DECIMALS places, stored as an integer of
# 10**-AMOUNT_DECIMALS units, below MAX_AMOUNT so that SQL sums of many of them
# stay far inside 64 bits.
MAX_AMOUNT = 10**9
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)
_CURRENCY = re.compile(r"[A-Za-z]{3}", re.ASCII)


def add_inbound(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    text: str,
    channel: Channel | str | None = None,
    if_version: int | None = None,
) -> CaseView:
    """What the customer said or wrote.  A pending case goes back to open (the
    customer answered); every other status stays (see TRANSITIONS["inbound"])."""
    body = require_text(text, N_("the message"))
    view = load_for_write(tx, case_id, if_version, verb="inbound")
    case_ = view.case
    to = TRANSITIONS["inbound"].target(case_.status)
    data = {
        "channel": str(Channel(channel)) if channel else case_.channel,
        "from": case_.status,
        "to": str(to),
    }
    event = make_event(case_id, agent, EventKind.INBOUND, body, data)
    # A pending case resumes its resolution clock; after the first reply a
    # message starts a next-reply clock (see services.sla_clocks).
    due = sla_clocks.follow_verb(tx, view, "inbound", event["at"], inbound=True)
    return apply_change(tx, view, [event], verb="inbound", last_inbound_at=event["at"], due_at=due)


def check_score(value: int | None, what: str, low: int, high: int) -> int | None:
    """A rating within its scale (exit 2 outside it); None stays None."""
    if value is not None and not low <= value <= high:
        raise InvalidValue(
            N_("{what} must be a whole number from {low} to {high}, not {value}"),
            params={"what": what, "low": low, "high": high, "value": value},
        )
    return value


FEEDBACK_OF_RESOLUTION = (
    "SELECT id, csat, nps, at FROM feedback"
    " WHERE case_id = :case_id AND resolution_no = :resolution_no"
)
LAST_RESOLVER = (
    "SELECT agent FROM event WHERE case_id = :case_id AND kind = 'resolved'"
    " ORDER BY id DESC LIMIT 1"
)
_FEEDBACK_VALUES = (
    "case_id",
    "customer_id",
    "resolution_no",
    "resolved_at",
    "at",
    "agent",
    "credited_agent",
    "credited_agent_key",
    "credited_team",
    "csat",
    "nps",
    "comment",
)
INSERT_FEEDBACK = (
    f"INSERT INTO feedback ({', '.join(_FEEDBACK_VALUES)})"
    f" VALUES ({', '.join(':' + name for name in _FEEDBACK_VALUES)})"
)
# A replaced rating keeps its row (and its place in the resolution): the
# values and who recorded them change; the events keep both.
REPLACE_FEEDBACK = (
    "UPDATE feedback SET at = :at, agent = :agent, csat = :csat, nps = :nps,"
    " comment = :comment WHERE id = :id"
)


def rate(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    csat: int,
    nps: int | None = None,
    comment: str | None = None,
    replace: bool = False,
    if_version: int | None = None,
) -> CaseView:
    """The customer's rating of the case's current resolution (event
    `feedback`).  One per resolution: a second is a Conflict unless `replace`;
    after a reopen and a new resolution a new one may be given.

    The credit goes to the case's assignee and team (or, when nobody owned
    it, to whoever resolved it).  While a case is resolved or closed neither
    can change (assigning and escalating need an active case), so they are
    the ones that resolved it; they are copied into the row, so a
    reassignment after a reopen leaves this rating where it is."""
    checked = check_score(csat, "--csat", *CSAT_RANGE)
    assert checked is not None
    nps = check_score(nps, "--nps", *NPS_RANGE)
    text = optional_text(comment, N_("the comment"))
    view = load_for_write(tx, case_id, if_version, verb="feedback")
    case_ = view.case
    found = tx.rows(
        FEEDBACK_OF_RESOLUTION, {"case_id": case_id, "resolution_no": case_.reopen_count}
    )
    if found and not replace:
        _, old_csat, old_nps, at = found[0]
        params = {"case_id": case_id, "csat": old_csat, "nps": old_nps,
                  "ago": times.ago(to_time(at))}  # fmt: skip
        raise Conflict(
            N_("case {case_id} was already rated for this resolution (CSAT {csat}, {ago})")
            if old_nps is None
            else N_(
                "case {case_id} was already rated for this resolution (CSAT {csat}, NPS {nps},"
                " {ago})"
            ),
            hint=N_("pass --replace to replace that rating"),
            params=params,
        )
    credited = case_.assignee
    if credited is None:
        resolver = tx.rows(LAST_RESOLVER, {"case_id": case_id})
        credited = resolver[0][0] if resolver else None
    now = times.now()
    row: dict[str, Any] = {
        "case_id": case_id,
        "customer_id": case_.customer_id,
        "resolution_no": case_.reopen_count,
        "resolved_at": case_.resolved_at,
        "at": now,
        "agent": agent,
        "credited_agent": credited,
        "credited_agent_key": name_key(credited),
        "credited_team": case_.team,
        "csat": checked,
        "nps": nps,
        "comment": text,
    }
    if found:
        tx.execute(REPLACE_FEEDBACK, {**row, "id": found[0][0]})
    else:
        tx.execute(INSERT_FEEDBACK, row)
    data = {
        "csat": checked,
        "nps": nps,
        "resolution_no": case_.reopen_count,
        "credited_agent": credited,
        "credited_team": case_.team,
        "replaced": bool(found),
    }
    event = make_event(case_id, agent, EventKind.FEEDBACK, text, data)
    return apply_change(tx, view, [event], verb="feedback", csat=checked, nps=nps)


def follow_up_done(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    note: str | None = None,
    csat: int | None = None,
    nps: int | None = None,
    comment: str | None = None,
    if_version: int | None = None,
) -> CaseView:
    """The follow-up call made, and (with `csat`) the rating it collected:
    both or neither, in the caller's one transaction."""
    if csat is None and (nps is not None or comment is not None):
        raise InvalidValue(N_("--nps and --comment need --csat (the rating they belong to)"))
    check_score(csat, "--csat", *CSAT_RANGE)
    check_score(nps, "--nps", *NPS_RANGE)
    view = schedule_follow_up(
        tx, agent=agent, case_id=case_id, at=None, note=note, if_version=if_version
    )
    if csat is None:
        return view
    return rate(tx, agent=agent, case_id=case_id, csat=csat, nps=nps, comment=comment)


# -- remedies -------------------------------------------------------------------


def parse_amount(text: str) -> tuple[str, int]:
    """An amount as typed ("12.50") as its decimal text and its integer of
    10**-AMOUNT_DECIMALS units (125000); never through a float."""
    value = text.strip()
    if not _AMOUNT.fullmatch(value):
        raise InvalidValue(
            N_("--amount must be a positive decimal number like 12.50, not {text!r}"),
            hint=N_(
                "digits with a point for decimals; no sign, comma, exponent or currency symbol"
            ),
            params={"text": text},
        )
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise InvalidValue(N_("--amount {text!r} is not a number"), params={"text": text}) from None
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite decimal
    if -exponent > AMOUNT_DECIMALS:
        raise InvalidValue(
            N_("--amount takes at most {places} decimal places, not {value}"),
            params={"places": AMOUNT_DECIMALS, "value": value},
        )
    if not 0 < amount < MAX_AMOUNT:
        raise InvalidValue(
            N_("--amount must be more than 0 and less than {limit:,}"), params={"limit": MAX_AMOUNT}
        )
    units = int(amount.scaleb(AMOUNT_DECIMALS))
    return str(amount), units


def parse_currency(text: str) -> str:
    value = text.strip()
    if not _CURRENCY.fullmatch(value):
        raise InvalidValue(
            N_("--currency must be a three-letter code like EUR or USD, not {text!r}"),
            params={"text": text},
        )
    return value.upper()


def remedy_kind(value: str) -> RemedyKind:
    try:
        return RemedyKind(value.strip().lower())
    except ValueError:
        raise InvalidValue(unknown_choice(N_("remedy kind"), value, list(RemedyKind))) from None


INSERT_REMEDY = (
    "INSERT INTO remedy (case_id, customer_id, at, agent, kind, amount, amount_units,"
    " currency, note) VALUES (:case_id, :customer_id, :at, :agent, :kind, :amount,"
    " :amount_units, :currency, :note)"
)


def add_remedy(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    kind: RemedyKind | str,
    note: str,
    amount: str | None = None,
    currency: str | None = None,
    if_version: int | None = None,
) -> CaseView:
    """What was given to make amends (event `remedy`), in any status."""
    chosen = remedy_kind(str(kind))
    if (amount is None) != (currency is None):
        raise InvalidValue(
            N_("--amount and --currency go together"), hint=N_("e.g. --amount 12.50 --currency EUR")
        )
    decimal_text, units = parse_amount(amount) if amount is not None else (None, None)
    code = parse_currency(currency) if currency is not None else None
    text = require_text(note, N_("the note"), limits.LONG_TEXT)
    view = load_for_write(tx, case_id, if_version, verb="remedy")
    event = make_event(
        case_id,
        agent,
        EventKind.REMEDY,
        text,
        {"kind": str(chosen), "amount": decimal_text, "currency": code},
    )
    tx.execute(
        INSERT_REMEDY,
        {
            "case_id": case_id,
            "customer_id": view.case.customer_id,
            "at": event["at"],
            "agent": agent,
            "kind": str(chosen),
            "amount": decimal_text,
            "amount_units": units,
            "currency": code,
            "note": text,
        },
    )
    return apply_change(tx, view, [event], verb="remedy")


# -- import ----------------------------------------------------------------------

PROJECTED_KINDS = (str(EventKind.FEEDBACK), str(EventKind.REMEDY))
_EVENTS_TO_PROJECT = (
    "SELECT e.id, e.case_id, e.at, e.agent, e.kind, e.body, e.data, c.customer_id,"
    ' c.reopen_count, c.resolved_at FROM event e JOIN "case" c ON c.id = e.case_id WHERE '
)


def project_events(tx: Tx, event_ids: list[int]) -> None:
    """Rebuild the `feedback` and `remedy` rows of imported `feedback` and
    `remedy` events (an export carries the events, which hold every value),
    in event order, so a replaced rating ends as it was replaced.  An event
    whose data is not a valid rating or remedy adds no row."""
    ids = sorted(event_ids)
    for start in range(0, len(ids), 500):
        params: dict[str, Any] = {}
        sql = _EVENTS_TO_PROJECT + in_list("e.id", "e", ids[start : start + 500], params)
        for row in tx.rows(sql + " ORDER BY e.id", params):
            event_id, case_id, at, agent, kind, body, data, customer_id, reopens, resolved = row
            data = json.loads(data) if isinstance(data, str | bytes) else data
            if not isinstance(data, dict):
                continue
            at = to_time(at)
            if kind == EventKind.FEEDBACK:
                _project_rating(tx, case_id, customer_id, at, agent, body, data, reopens, resolved)
            else:
                _project_remedy(tx, case_id, customer_id, at, agent, body, data)


def _project_rating(
    tx: Tx,
    case_id: int,
    customer_id: int,
    at: Any,
    agent: str,
    body: str,
    data: dict[str, Any],
    reopens: int,
    resolved: Any,
) -> None:
    csat, nps, number = data.get("csat"), data.get("nps"), data.get("resolution_no")
    try:
        check_score(csat, "csat", *CSAT_RANGE)
        check_score(nps, "nps", *NPS_RANGE)
    except (InvalidValue, TypeError):
        return
    if not isinstance(csat, int) or not isinstance(number, int):
        return
    credited = data.get("credited_agent")
    row = {
        "case_id": case_id,
        "customer_id": customer_id,
        "resolution_no": number,
        # The case knows when its current resolution was made, not earlier ones.
        "resolved_at": to_time(resolved) if number == reopens else None,
        "at": at,
        "agent": agent,
        "credited_agent": credited if isinstance(credited, str) else None,
        "credited_agent_key": name_key(credited) if isinstance(credited, str) else None,
        "credited_team": data.get("credited_team")
        if isinstance(data.get("credited_team"), str)
        else None,
        "csat": csat,
        "nps": nps if isinstance(nps, int) else None,
        "comment": body,
    }
    found = tx.rows(FEEDBACK_OF_RESOLUTION, {"case_id": case_id, "resolution_no": number})
    if found:
        tx.execute(REPLACE_FEEDBACK, {**row, "id": found[0][0]})
    else:
        tx.execute(INSERT_FEEDBACK, row)


def _project_remedy(
    tx: Tx, case_id: int, customer_id: int, at: Any, agent: str, body: str, data: dict[str, Any]
) -> None:
    amount, currency = data.get("amount"), data.get("currency")
    try:
        kind = remedy_kind(str(data.get("kind")))
        decimal_text, units = parse_amount(amount) if isinstance(amount, str) else (None, None)
        code = parse_currency(currency) if isinstance(currency, str) else None
    except InvalidValue:
        return
    if (decimal_text is None) != (code is None):
        return
    tx.execute(
        INSERT_REMEDY,
        {"case_id": case_id, "customer_id": customer_id, "at": at, "agent": agent,
         "kind": str(kind), "amount": decimal_text, "amount_units": units,
         "currency": code, "note": body},
    )  # fmt: skip
