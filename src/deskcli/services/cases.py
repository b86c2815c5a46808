"""The lifecycle verbs of a case: open, take, assign, note, reply, pending,
resume, escalate, resolve, reopen and follow-up.

Each one loads the case for writing, checks its verb against
`domain.TRANSITIONS` and makes its change through `write_path.apply_change`
(version check and bump, one event per thing that happened).  Reads live in
`case_queries`, bulk close in `bulk_close`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from deskcli import limits, times
from deskcli.domain import TRANSITIONS, Channel, EventKind, Priority, Status
from deskcli.errors import Conflict, InvalidValue, TransitionNotAllowed
from deskcli.folding import name_key
from deskcli.lang import N_
from deskcli.reads import queries
from deskcli.reads.rows import CASE_COLUMNS, CaseRow, CaseView
from deskcli.services import kb, sla_clocks
from deskcli.services.bulk_close import close_cases
from deskcli.services.write_path import (
    EventRow,
    append_events,
    apply_change,
    case_search_text,
    load_for_write,
    make_event,
    optional_text,
    require_text,
)
from deskcli.tx import Tx

# close_cases stays importable from here for the callers that predate the
# split (tests close through `cases.close_cases`); new code imports bulk_close.
__all__ = [
    "add_note",
    "add_reply",
    "assign",
    "close_cases",
    "escalate",
    "open_case",
    "reopen",
    "resolve",
    "resume",
    "schedule_follow_up",
    "set_pending",
    "take",
]


def open_case(
    tx: Tx,
    *,
    agent: str,
    customer_crn: str,
    subject: str,
    description: str = "",
    channel: Channel = Channel.PHONE,
    priority: Priority = Priority.NORMAL,
    category: str | None = None,
    assignee: str | None = None,
) -> CaseView:
    """Raises NotFound (no such customer), InvalidValue."""
    customer = queries.get_customer(tx, customer_crn)
    assert customer.id is not None
    now = times.now()
    if assignee:
        assignee = spelled_agent(tx, assignee)
    subject = require_text(subject, N_("the subject"), limits.SUBJECT, one_line=True)
    description = optional_text(description, N_("the description"))
    # The clocks start with the case, on the policy of its priority.
    clocks = sla_clocks.opening_clocks(tx, str(Priority(priority)), now)
    values: dict[str, Any] = {
        "customer_id": customer.id,
        "subject": subject,
        "description": description,
        "channel": str(Channel(channel)),
        "category": optional_text(category, N_("the category"), limits.LABEL, one_line=True)
        or None,
        "priority": str(Priority(priority)),
        "status": str(Status.OPEN if assignee else Status.NEW),
        "assignee": (
            require_text(assignee, N_("the assignee"), limits.LABEL, one_line=True)
            if assignee
            else None
        ),
        "team": None,
        "tier": 1,
        "created_at": now,
        "updated_at": now,
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "resolution": None,
        "root_cause": None,
        "follow_up_at": None,
        "reopen_count": 0,
        "handling_seconds": 0,
        "last_inbound_at": None,
        "csat": None,
        "nps": None,
        "version": 1,
        "due_at": sla_clocks.earliest_due(clocks),
    }
    stored = {
        **values,
        "assignee_key": name_key(values["assignee"]),
        "search_text": case_search_text((subject, description), ()),
    }
    case_id = tx.insert(INSERT_CASE, stored)
    sla_clocks.insert_clocks(tx, case_id, clocks)
    case_ = CaseRow(id=case_id, **values)  # a new case has no tags
    opened = {"channel": case_.channel, "priority": case_.priority, "customer": customer.crn}
    events = [make_event(case_id, agent, EventKind.OPENED, case_.subject, opened)]
    if case_.assignee:
        assigned = {"from": None, "to": case_.assignee}
        events.append(make_event(case_id, agent, EventKind.ASSIGNED, case_.assignee, assigned))
    for event in events:
        event["at"] = now  # the clocks started when the case was opened
    append_events(tx, events)
    return CaseView(case_, customer)


_INSERTED = [name for name in CASE_COLUMNS if name != "id"] + ["assignee_key", "search_text"]
INSERT_CASE = (
    f'INSERT INTO "case" ({", ".join(_INSERTED)})'
    f" VALUES ({', '.join(':' + name for name in _INSERTED)}) RETURNING id"
)


def spelled_agent(tx: Tx, name: str) -> str:
    """An agent name as the desk first stored it, when it differs only by case
    from the one given (names match case-insensitively; ix_case_assignee_key_status)."""
    found = tx.rows(SPELLED_AGENT, {"key": name_key(name)})
    return found[0][0] if found else name


def spelled_team(tx: Tx, name: str) -> str:
    """A team name as the desk first stored it (see spelled_agent; ix_case_team_key)."""
    found = tx.rows(SPELLED_TEAM, {"key": name_key(name)})
    return found[0][0] if found else name


SPELLED_AGENT = 'SELECT assignee FROM "case" WHERE assignee_key = :key LIMIT 1'
SPELLED_TEAM = 'SELECT team FROM "case" WHERE team_key = :key LIMIT 1'


def same_name(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and name_key(a) == name_key(b)


def assigned_event(case_: CaseRow, agent: str, verb: str, to: str | None) -> EventRow:
    """The `assigned` event of take, assign and unassign (and of a five A's
    step that takes an unowned case): from whom, to whom, the status after `verb`."""
    status = TRANSITIONS[verb].target(case_.status)
    data = {"from": case_.assignee, "to": to, "status": str(status)}
    return make_event(case_.id or 0, agent, EventKind.ASSIGNED, to or "", data)


def _assign(tx: Tx, view: CaseView, agent: str, to: str) -> CaseView:
    event = assigned_event(view.case, agent, "assign", to)
    return apply_change(tx, view, [event], verb="assign", assignee=to)


def take(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    steal: bool = False,
    if_version: int | None = None,
) -> CaseView:
    """Assign the case to the acting agent.  Raises Conflict when another agent owns it."""
    view = load_for_write(tx, case_id, if_version, verb="take")
    case_ = view.case
    if same_name(case_.assignee, agent):
        return view
    if case_.assignee and not steal:
        raise TransitionNotAllowed(
            N_("case {case_id} is owned by {agent}"),
            hint=N_("pass --steal to take it anyway, or ask {agent}"),
            params={"case_id": case_id, "agent": case_.assignee},
        )
    return _assign(tx, view, agent, spelled_agent(tx, agent))


def assign(tx: Tx, *, agent: str, case_id: int, to: str, if_version: int | None = None) -> CaseView:
    """Give the case to agent `to` (a new case becomes open)."""
    view = load_for_write(tx, case_id, if_version, verb="assign")
    to = require_text(to, N_("the assignee"), limits.LABEL, one_line=True)
    if same_name(view.case.assignee, to):
        return view
    return _assign(tx, view, agent, spelled_agent(tx, to))


def add_note(
    tx: Tx, *, agent: str, case_id: int, text: str, if_version: int | None = None
) -> CaseView:
    """An internal note; allowed in every status (it is part of the audit trail)."""
    view = load_for_write(tx, case_id, if_version, verb="note")
    return apply_change(
        tx, view, [make_event(case_id, agent, EventKind.NOTE, require_text(text, N_("the note")))]
    )


def add_reply(
    tx: Tx, *, agent: str, case_id: int, text: str, if_version: int | None = None
) -> CaseView:
    """What was said to the customer.  The first reply sets first_response_at."""
    view = load_for_write(tx, case_id, if_version, verb="reply")
    case_ = view.case
    body = require_text(text, N_("the reply"))
    changes: dict[str, Any] = {}
    if case_.first_response_at is None:
        changes["first_response_at"] = times.now()
    event = make_event(
        case_id, agent, EventKind.REPLY, body, {"first": "first_response_at" in changes}
    )
    changes["due_at"] = sla_clocks.follow_verb(tx, view, "reply", event["at"], replied=True)
    return apply_change(tx, view, [event], verb="reply", **changes)


def _status_event(case_: CaseRow, agent: str, verb: str, body: str = "") -> EventRow:
    """The `status` event of pending and resume: from where to where."""
    to = TRANSITIONS[verb].target(case_.status)
    return make_event(
        case_.id or 0, agent, EventKind.STATUS, body, {"from": case_.status, "to": str(to)}
    )


def set_pending(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    reason: str | None = None,
    if_version: int | None = None,
) -> CaseView:
    """Waiting on the customer (the SLA clock pauses)."""
    view = load_for_write(tx, case_id, if_version, verb="pending")
    case_ = view.case
    event = _status_event(case_, agent, "pending", optional_text(reason, N_("the reason")))
    due = sla_clocks.follow_verb(tx, view, "pending", event["at"])
    return apply_change(tx, view, [event], verb="pending", due_at=due)


def resume(tx: Tx, *, agent: str, case_id: int, if_version: int | None = None) -> CaseView:
    """Pending or escalated back to open."""
    view = load_for_write(tx, case_id, if_version, verb="resume")
    case_ = view.case
    event = _status_event(case_, agent, "resume")
    due = sla_clocks.follow_verb(tx, view, "resume", event["at"])
    return apply_change(tx, view, [event], verb="resume", due_at=due)


def escalate(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    team: str,
    reason: str,
    if_version: int | None = None,
) -> CaseView:
    """Hand the case to another team one tier up; it leaves its current owner."""
    view = load_for_write(tx, case_id, if_version, verb="escalate")
    case_ = view.case
    team = require_text(team, N_("the team"), limits.LABEL, one_line=True)
    reason = require_text(reason, N_("the reason"))
    team = spelled_team(tx, team)
    event = make_event(
        case_id,
        agent,
        EventKind.ESCALATED,
        reason,
        {
            "from_team": case_.team,
            "to": team,
            "tier": case_.tier + 1,
            "from_assignee": case_.assignee,
        },
    )
    return apply_change(
        tx,
        view,
        [event],
        verb="escalate",
        team=team,
        tier=case_.tier + 1,
        assignee=None,
        # Escalating a pending case works it again: its resolution clock resumes.
        due_at=sla_clocks.follow_verb(tx, view, "escalate", event["at"]),
    )


def resolve(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    resolution: str,
    root_cause: str | None = None,
    follow_up_in: timedelta | None = None,
    if_version: int | None = None,
    article_id: int | None = None,
) -> CaseView:
    """Resolve the case; with `article_id`, the article that solved it is
    recorded as used (services.kb.record_use) in the same change."""
    view = load_for_write(tx, case_id, if_version, verb="resolve")
    case_ = view.case
    now = times.now()
    changes: dict[str, Any] = {
        "resolved_at": now,
        "resolution": require_text(resolution, N_("the resolution")),
    }
    if root_cause is not None:
        changes["root_cause"] = require_text(root_cause, N_("the root cause"))
    events = [
        make_event(
            case_id,
            agent,
            EventKind.RESOLVED,
            changes["resolution"],
            {"root_cause": changes.get("root_cause"), "from": case_.status},
        )
    ]
    if follow_up_in is not None:
        changes["follow_up_at"] = now + follow_up_in
        events.append(_follow_up_event(case_id, agent, changes["follow_up_at"]))
    if article_id is not None:
        used = kb.use_event(tx, view, agent, article_id)
        if used is not None:  # else it was already used on this case
            events.append(used)
    changes["due_at"] = sla_clocks.follow_verb(tx, view, "resolve", events[0]["at"])
    return apply_change(tx, view, events, verb="resolve", **changes)


def _follow_up_event(case_id: int, agent: str, at: datetime | None, body: str = "") -> EventRow:
    return make_event(case_id, agent, EventKind.FOLLOW_UP, body, {"at": times.iso(at)})


def reopen(
    tx: Tx, *, agent: str, case_id: int, reason: str, if_version: int | None = None
) -> CaseView:
    view = load_for_write(tx, case_id, if_version, verb="reopen")
    case_ = view.case
    event = make_event(
        case_id,
        agent,
        EventKind.REOPENED,
        require_text(reason, N_("the reason")),
        {"from": case_.status},
    )
    return apply_change(
        tx,
        view,
        [event],
        verb="reopen",
        resolved_at=None,
        closed_at=None,
        resolution=None,
        reopen_count=case_.reopen_count + 1,
        due_at=sla_clocks.follow_verb(tx, view, "reopen", event["at"]),
    )


def schedule_follow_up(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    at: datetime | None,
    note: str | None = None,
    if_version: int | None = None,
) -> CaseView:
    """Set (or with at=None, mark done and clear) the case's follow-up.

    Raises InvalidValue for a time in the past, Conflict for --done when no
    follow-up is scheduled (nothing to mark done: no event)."""
    now = times.now()
    if at is not None and at <= now:
        raise InvalidValue(
            N_("the follow-up time {when} is in the past"),
            hint=N_("give a later date (--on YYYY-MM-DD) or a duration from now (--in 3d)"),
            params={"when": times.local(at)},
        )
    body = optional_text(note, N_("the follow-up note")) or ("done" if at is None else "")
    view = load_for_write(tx, case_id, if_version)
    if at is None and view.case.follow_up_at is None:
        raise Conflict(
            N_("no follow-up is scheduled on case {case_id}"),
            hint=N_("schedule one with desk case follow-up {case_id} --in 3d"),
            params={"case_id": case_id},
        )
    data = {"at": times.iso(at), "done": at is None}
    event = make_event(case_id, agent, EventKind.FOLLOW_UP, body, data)
    return apply_change(tx, view, [event], follow_up_at=at)


def unassign(
    tx: Tx, *, agent: str, case_id: int, if_version: int | None = None
) -> tuple[CaseView, bool]:
    """Leave the case to nobody (an `assigned` event to nobody); its status
    stays.  Returns (case, changed): a case nobody owns is left as it is."""
    view = load_for_write(tx, case_id, if_version, verb="unassign")
    case_ = view.case
    if case_.assignee is None:
        return view, False
    event = assigned_event(case_, agent, "unassign", None)
    return apply_change(tx, view, [event], verb="unassign", assignee=None), True


def edit_case(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    subject: str | None = None,
    description: str | None = None,
    priority: Priority | None = None,
    category: str | None = None,
    channel: Channel | None = None,
    customer_crn: str | None = None,
    if_version: int | None = None,
) -> tuple[CaseView, dict[str, dict[str, Any]]]:
    """Correct what the case says.  One `edited` event whose data maps each
    changed field to {"from": old, "to": new}; returns the case and those
    changes (empty: nothing changed, no event).  An empty --category clears it."""
    wanted: dict[str, Any] = {}
    if subject is not None:
        wanted["subject"] = require_text(subject, N_("the subject"), limits.SUBJECT, one_line=True)
    if description is not None:
        wanted["description"] = optional_text(description, N_("the description"))
    if priority is not None:
        wanted["priority"] = str(Priority(priority))
    if channel is not None:
        wanted["channel"] = str(Channel(channel))
    if category is not None:
        wanted["category"] = (
            optional_text(category, N_("the category"), limits.LABEL, one_line=True) or None
        )
    if not wanted and customer_crn is None:
        raise InvalidValue(
            N_("say what to change"),
            hint=N_("--subject, --description, --priority, --category, --channel or --customer"),
        )
    view = load_for_write(tx, case_id, if_version, verb="edit")
    case_ = view.case
    changes = {
        name: {"from": getattr(case_, name), "to": value}
        for name, value in wanted.items()
        if getattr(case_, name) != value
    }
    values = {name: change["to"] for name, change in changes.items()}
    customer = view.customer
    if customer_crn is not None:
        customer = queries.get_customer(tx, customer_crn)
        if customer.id != case_.customer_id:
            changes["customer"] = {"from": view.customer.crn, "to": customer.crn}
            values["customer_id"] = customer.id
    if not changes:
        return view, {}
    summary = ", ".join(changes)
    event = make_event(case_id, agent, EventKind.EDITED, summary, changes)
    if "priority" in values:
        # The running clocks switch to the new policy's targets.
        values["due_at"] = sla_clocks.follow(tx, case_, event["at"], priority=values["priority"])
    changed = apply_change(tx, view, [event], verb="edit", **values)
    return CaseView(changed.case, customer), changes
