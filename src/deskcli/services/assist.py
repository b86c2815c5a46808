"""The five A's on a case: what is recorded, in which order, and what it changes.

Each step is one `assist_step` event, saved in its own transaction the moment
it is entered, so an interrupted session loses nothing and resumes at the
first unfinished step.  The state is always derived from those events.

Handling time: every step carries the seconds spent on it.  The interactive
flow measures them itself (from the moment the step is shown, so the time
between sessions never counts); a script's step counts the time since the
previous step when that was less than SCRIPT_GAP ago, as one conversation.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from deskcli import limits, times
from deskcli.domain import ACTIVE_STATUSES, TRANSITIONS, EventKind
from deskcli.errors import InvalidValue, TransitionNotAllowed
from deskcli.reads import queries
from deskcli.reads.rows import EVENT_COLUMNS, CaseRow, EventRow
from deskcli.reads.source import Source
from deskcli.services import cases, sla_clocks
from deskcli.services.write_path import EventRow as NewEvent
from deskcli.services.write_path import (
    apply_change,
    check_transition,
    load_for_write,
    make_event,
    require_text,
)
from deskcli.shapes import AssistState
from deskcli.tx import Tx
from deskcli.workflow import N_, SKIPPABLE, STEPS, closest, unknown_choice_template
from deskcli.workflow.state import state_from_events

SCRIPT_GAP = timedelta(minutes=30)
# The steps whose text is said to the customer: each one is also a `reply`.
CUSTOMER_FACING = frozenset({"acknowledge", "apologize", "answer"})

if TYPE_CHECKING:
    from deskcli.services.answers import Answers, Then


def new_session_id() -> str:
    return uuid.uuid4().hex[:12]


def assist_state(source: Source, case_id: int) -> AssistState:
    """Raises NotFound."""
    return _state_of(source, queries.get_case(source, case_id).case)


ASSIST_EVENTS = (
    f"SELECT {', '.join(EVENT_COLUMNS)} FROM event"
    " WHERE case_id = :case_id AND kind = :kind ORDER BY id"
)


def _state_of(source: Source, case_: CaseRow) -> AssistState:
    assert case_.id is not None
    params = {"case_id": case_.id, "kind": str(EventKind.ASSIST_STEP)}
    events = [EventRow.of(row) for row in source.rows(ASSIST_EVENTS, params)]
    return state_from_events(case_.id, case_.handling_seconds, events)


def _check_can_record(state: AssistState, status: str, step: str, *, skip: bool) -> None:
    params: dict[str, object] = {"case_id": state.case_id, "step": step, "status": status}
    params["steps"] = ", ".join(STEPS)
    if step not in STEPS:
        close = closest(step, STEPS)
        raise InvalidValue(
            unknown_choice_template("step", close),
            params={"value": step, "close": close, "choices": ", ".join(STEPS)},
        )
    if skip and step not in SKIPPABLE:
        raise InvalidValue(
            N_("the {step} step cannot be skipped; only apologize can"), params=params
        )
    if status not in ACTIVE_STATUSES:
        raise TransitionNotAllowed(
            N_("case {case_id} is {status}; the five A's are for active cases"),
            hint=N_("reopen it first: desk case reopen {case_id} --reason TEXT"),
            params=params,
        )
    record = state.step(step)
    if record.status != "pending":
        params["recorded"] = record.status
        raise TransitionNotAllowed(
            N_("the {step} step of case {case_id} is already recorded ({recorded})"),
            hint=N_("desk assist {case_id} --review shows what was recorded"),
            params=params,
        )
    missing = [s.name for s in state.steps[: STEPS.index(step)] if s.status == "pending"]
    if missing:
        params["missing"] = missing[0]
        if missing[0] in SKIPPABLE:
            message = N_(
                "record the {missing} step of case {case_id} first, or skip it: "
                "--step apologize --skip --reason TEXT"
            )
        else:
            message = N_("record the {missing} step of case {case_id} first")
        raise TransitionNotAllowed(
            message, hint=N_("the steps go in order: {steps}"), params=params
        )


def record_step(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    step: str,
    text: str | None = None,
    skip_reason: str | None = None,
    seconds: float | None = None,
    session_id: str | None = None,
) -> AssistState:
    """Record one step now.  `seconds` comes from the interactive flow's own
    clock; without it the script rule applies (see the module docstring).

    Raises NotFound, InvalidValue, TransitionNotAllowed.
    """
    view = load_for_write(tx, case_id, None)
    case_ = view.case
    state = _state_of(tx, case_)
    skip = skip_reason is not None
    _check_can_record(state, case_.status, step, skip=skip)
    data: dict[str, Any]
    body = ((skip_reason if skip else text) or "").strip()
    if not body:
        if skip:
            message = N_("the reason for skipping the {step} step must not be empty")
        else:
            message = N_("the text of the {step} step must not be empty")
        raise InvalidValue(message, params={"step": step})
    if len(body) > limits.LONG_TEXT:
        raise InvalidValue(
            N_("the text of the {step} step is {length:,} characters long; the limit is {limit:,}"),
            hint=N_("shorten it, or attach the rest elsewhere"),
            params={"step": step, "length": len(body), "limit": limits.LONG_TEXT},
        )
    if skip:
        data = {"status": "skipped", "reason": body}
    else:
        data = {"status": "done", "text": body}
    now = times.now()
    if seconds is None:
        gap = (now - state.last_at) if state.last_at is not None else None
        seconds = gap.total_seconds() if gap is not None and gap <= SCRIPT_GAP else 0
    spent = max(0, round(seconds))
    data.update({"step": step, "seconds": spent, "session": session_id})

    changes: dict[str, Any] = {"handling_seconds": case_.handling_seconds + spent}
    events: list[NewEvent] = []
    # The agent who records a step on an unowned case takes it: the same
    # `assigned` event and status change as `desk case take`.  A case someone
    # else owns stays theirs.
    if case_.assignee is None:
        check_transition("take", case_id, case_.status)
        events.append(cases.assigned_event(case_, agent, "take", agent))
        changes.update(assignee=agent, status=str(TRANSITIONS["take"].target(case_.status)))
    if step in CUSTOMER_FACING and not skip:  # what the customer hears is a reply
        check_transition("reply", case_id, case_.status)
        first = case_.first_response_at is None
        if first:
            changes["first_response_at"] = now
        status = TRANSITIONS["reply"].target(changes.get("status", case_.status))
        changes["status"] = str(status)
        reply = make_event(case_id, agent, EventKind.REPLY, body, {"first": first})
        reply["at"] = now  # the time the clocks stop at
        events.append(reply)
    if step == "analyze":
        changes["root_cause"] = body
    events.append(make_event(case_id, agent, EventKind.ASSIST_STEP, body, data))
    if step in CUSTOMER_FACING and not skip:  # a reply: the reply clocks stop
        status = changes.get("status", case_.status)
        changes["due_at"] = sla_clocks.follow(tx, case_, now, status=status, replied=True)
    return _state_of(tx, apply_change(tx, view, events, **changes).case)


def apply_then(tx: Tx, *, agent: str, case_id: int, then: Then) -> None:
    """Carry out the adjust step's decision through the ordinary case services."""
    if then.action == "resolve":
        cases.resolve(
            tx,
            agent=agent,
            case_id=case_id,
            resolution=require_text(then.resolution, "--resolution"),
            root_cause=then.root_cause,
        )
    elif then.action == "escalate":
        team = require_text(then.to, "--to")
        reason = require_text(then.reason, "--reason")
        cases.escalate(tx, agent=agent, case_id=case_id, team=team, reason=reason)
    elif then.action == "follow-up":
        if (then.in_ is None) == (then.on is None):
            raise InvalidValue(N_("a follow-up needs exactly one of --in and --on"), params={})
        at = (
            times.now() + times.parse_duration(then.in_)
            if then.in_
            else times.parse_when(then.on or "")
        )
        cases.schedule_follow_up(tx, agent=agent, case_id=case_id, at=at)
    elif then.action == "pending":
        cases.set_pending(tx, agent=agent, case_id=case_id, reason=then.reason)


def check_then(then: Then | None, step: str | None) -> None:
    if then is not None and then.action != "leave" and step != "adjust":
        raise InvalidValue(N_("--then goes with the adjust step (--step adjust)"), params={})


def record_answers(
    tx: Tx, *, agent: str, case_id: int, answers: Answers, session_id: str | None = None
) -> AssistState:
    """Record every answered step not yet done, in order, then the adjust action.
    The caller's transaction makes it all or nothing."""
    from deskcli.services.answers import Skip

    state = assist_state(tx, case_id)
    adjusted_now = False
    for step in STEPS:
        value = getattr(answers, step)
        if value is None or state.step(step).status != "pending":
            continue  # steps already done are left as they are
        adjusted_now = adjusted_now or step == "adjust"
        if isinstance(value, Skip):
            state = record_step(
                tx,
                agent=agent,
                case_id=case_id,
                step=step,
                skip_reason=value.skip,
                session_id=session_id,
            )
        else:
            state = record_step(
                tx, agent=agent, case_id=case_id, step=step, text=value, session_id=session_id
            )
    if answers.then is not None and answers.then.action != "leave":
        if state.step("adjust").status == "pending":
            raise TransitionNotAllowed(
                N_('"then" needs the adjust step in the same answers'), params={}
            )
        if adjusted_now:  # a retried file must not act twice
            apply_then(tx, agent=agent, case_id=case_id, then=answers.then)
    return assist_state(tx, case_id)
