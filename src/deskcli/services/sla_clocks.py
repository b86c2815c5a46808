"""The service-level clocks of a case (issue 13), kept by the write path.

Three clocks, each a row of `case_clock` (the migration 0009 docstring says
what every column means), with the targets of the policy of the case's
priority, counted in that policy's calendar:

- first_response: starts when the case is opened; stops at the first reply
  (a five A's step said to the customer records one).  Never paused.
- next_reply: starts at a customer message that arrives after the first
  reply while none is running (a new cycle each time); stops at the next
  reply.  Never paused.
- resolution: starts when the case is opened; paused while the case is
  pending; stops at resolve; a reopen starts it again from where it stopped
  (its used time still counts; a breach stays).

A case that is resolved stops every clock still running: a finished case has
nothing left to answer (and would otherwise sit in `desk sla breaches`).
Every change stores the due times it moves and the case's `due_at` (the
earliest running one): nothing is recomputed on a read.  Standard library
only, like every service on the write path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deskcli import times
from deskcli.domain import ACTIVE_STATUSES, TRANSITIONS, EventKind, Status
from deskcli.folding import name_key
from deskcli.reads.rows import CLOCK_COLUMNS, CaseRow, CaseView, ClockRow, EventRow, to_time
from deskcli.reads.source import Source, in_list
from deskcli.services.sla_config import CLOCKS, get_calendar, get_policy
from deskcli.sla.calendar import Calendar

FIRST_RESPONSE, NEXT_REPLY, RESOLUTION = CLOCKS
_ACTIVE = frozenset(str(s) for s in ACTIVE_STATUSES)
_FINISHED = frozenset({str(Status.RESOLVED), str(Status.CLOSED)})
_PENDING = str(Status.PENDING)

_SELECTED = ", ".join(CLOCK_COLUMNS)
CLOCKS_OF_CASE = f"SELECT {_SELECTED} FROM case_clock WHERE case_id = :case_id ORDER BY name, cycle"
CLOCKS_OF_CASES = f"SELECT {_SELECTED} FROM case_clock WHERE "
_STORED = [name for name in CLOCK_COLUMNS if name != "id"]
INSERT_CLOCK = (
    f"INSERT INTO case_clock ({', '.join(_STORED)})"
    f" VALUES ({', '.join(':' + name for name in _STORED)})"
)
UPDATE_CLOCK = (
    "UPDATE case_clock SET target_seconds = :target_seconds, calendar = :calendar,"
    " segment_started_at = :segment_started_at, used_seconds = :used_seconds,"
    " due_at = :due_at, stopped_at = :stopped_at, paused = :paused, breached = :breached"
    " WHERE id = :id"
)
# Running clocks due before :until, earliest first: a range of the partial
# index ix_case_clock_running_due (paused clocks have no due time).  CROSS
# JOIN keeps SQLite on that walk with a --team filter too (instead of every
# case the team ever had); on PostgreSQL it is a plain join.
RUNNING_DUE = (
    "SELECT k.case_id, k.name, k.due_at, c.priority, c.assignee, c.team"
    ' FROM case_clock k CROSS JOIN "case" c'
    " WHERE c.id = k.case_id AND k.stopped_at IS NULL AND k.due_at <= :until"
)
RUNNING_DUE_ORDER = " ORDER BY k.due_at, k.id"
OF_TEAM = " AND c.team_key = :team_key"


class Calendars:
    """The calendars one command needs, each read once."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.found: dict[str, Calendar] = {}

    def __call__(self, name: str) -> Calendar:
        if name not in self.found:
            self.found[name] = get_calendar(self.source, name)
        return self.found[name]


# -- one clock's moves --------------------------------------------------------


def _run(clock: ClockRow, calendar: Calendar, at: datetime) -> None:
    """Start a run of `clock` at `at`: due when its target is used up."""
    clock.segment_started_at, clock.paused, clock.stopped_at = at, False, None
    clock.due_at = calendar.add(at, clock.target_seconds - clock.used_seconds)


def _end_run(clock: ClockRow, calendar: Calendar, at: datetime) -> None:
    """End the current run at `at`: its business time counts, a passed due
    time is a breach for good."""
    if clock.segment_started_at is not None:
        clock.used_seconds += calendar.between(clock.segment_started_at, at)
    if clock.due_at is not None and at > clock.due_at:
        clock.breached = True
    clock.segment_started_at = None


def _stop(clock: ClockRow, calendar: Calendar, at: datetime) -> None:
    """Stopped: it keeps the due time it had (none if it was paused)."""
    _end_run(clock, calendar, at)
    clock.stopped_at, clock.paused = at, False


def _pause(clock: ClockRow, calendar: Calendar, at: datetime) -> None:
    """Paused: no run, no due time; `used_seconds` says what is left."""
    _end_run(clock, calendar, at)
    clock.paused, clock.due_at = True, None


def running(clock: ClockRow) -> bool:
    return clock.stopped_at is None and not clock.paused


def earliest_due(clocks: Iterable[ClockRow]) -> datetime | None:
    """The case's `due_at`: the earliest due time of its running clocks."""
    due = [c.due_at for c in clocks if running(c) and c.due_at is not None]
    return min(due) if due else None


def _new_clock(
    case_id: int, name: str, cycle: int, target: int, calendar: str, at: datetime
) -> ClockRow:
    return ClockRow(
        id=None, case_id=case_id, name=name, cycle=cycle, target_seconds=target,
        calendar=calendar, started_at=at, segment_started_at=None, used_seconds=0.0,
        due_at=None, stopped_at=None, paused=False, breached=False,
    )  # fmt: skip


def _row(clock: ClockRow) -> dict[str, Any]:
    return {name: getattr(clock, name) for name in CLOCK_COLUMNS}


# -- the write path's hooks ---------------------------------------------------


def opening_clocks(source: Source, priority: str, at: datetime) -> list[ClockRow]:
    """The clocks of a case opened at `at` with `priority` (first response and
    resolution, running); their case id is set by `insert_clocks`."""
    policy = get_policy(source, priority)
    calendar = get_calendar(source, policy.calendar)
    clocks = []
    for name in (FIRST_RESPONSE, RESOLUTION):
        clock = _new_clock(0, name, 0, policy.target(name), policy.calendar, at)
        _run(clock, calendar, at)
        clocks.append(clock)
    return clocks


def insert_clocks(tx: Any, case_id: int, clocks: Sequence[ClockRow]) -> None:
    rows = []
    for clock in clocks:
        clock.case_id = case_id
        rows.append({name: value for name, value in _row(clock).items() if name != "id"})
    tx.execute_many(INSERT_CLOCK, rows)


def clocks_of(source: Source, case_id: int) -> list[ClockRow]:
    return [ClockRow.of(r) for r in source.rows(CLOCKS_OF_CASE, {"case_id": case_id})]


def follow(
    tx: Any,
    case_: CaseRow,
    at: datetime,
    *,
    status: str | None = None,
    replied: bool = False,
    inbound: bool = False,
    priority: str | None = None,
) -> datetime | None:
    """Move the clocks of `case_` (as it was before the change) for what the
    change does at `at`: the case's new `status`, a reply said to the
    customer, a customer message, a new `priority`.  Writes the clocks it
    moved; returns the case's new `due_at` for the change to store."""
    assert case_.id is not None
    before, after = case_.status, status or case_.status
    clocks = clocks_of(tx, case_.id)
    if not clocks:
        # A case older than service levels and not given clocks keeps none.
        return case_.due_at
    calendars = Calendars(tx)
    old = {c.id: _row(c) for c in clocks}
    if priority is not None and priority != case_.priority:
        # The new targets, counted from each clock's start (its used time and
        # the start of its current run stay).
        policy = get_policy(tx, priority)
        for clock in clocks:
            if clock.stopped_at is None:
                clock.target_seconds, clock.calendar = policy.target(clock.name), policy.calendar
                if not clock.paused and clock.segment_started_at is not None:
                    calendar = calendars(clock.calendar)
                    left = clock.target_seconds - clock.used_seconds
                    clock.due_at = calendar.add(clock.segment_started_at, left)
    if replied:
        for clock in clocks:
            if clock.name in (FIRST_RESPONSE, NEXT_REPLY) and clock.stopped_at is None:
                _stop(clock, calendars(clock.calendar), at)
    if before in _ACTIVE and after in _FINISHED:
        for clock in clocks:
            if clock.stopped_at is None:
                _stop(clock, calendars(clock.calendar), at)
    resolution = next((c for c in clocks if c.name == RESOLUTION), None)
    if resolution is not None:
        calendar = calendars(resolution.calendar)
        if before in _FINISHED and after in _ACTIVE and resolution.stopped_at is not None:
            # Reopened: on from where it stopped, with the policy of now.
            policy = get_policy(tx, priority or case_.priority)
            resolution.target_seconds = policy.target(RESOLUTION)
            resolution.calendar = policy.calendar
            _run(resolution, calendars(policy.calendar), at)
        elif after == _PENDING and before != _PENDING and running(resolution):
            _pause(resolution, calendar, at)
        elif before == _PENDING and after in _ACTIVE and after != _PENDING and resolution.paused:
            _run(resolution, calendar, at)
    new: list[ClockRow] = []
    if inbound and after in _ACTIVE and case_.first_response_at is not None:
        replies = [c for c in clocks if c.name == NEXT_REPLY]
        if not any(c.stopped_at is None for c in replies):
            policy = get_policy(tx, priority or case_.priority)
            cycle = max((c.cycle for c in replies), default=0) + 1
            clock = _new_clock(
                case_.id, NEXT_REPLY, cycle, policy.target(NEXT_REPLY), policy.calendar, at
            )
            _run(clock, calendars(policy.calendar), at)
            new.append(clock)
    changed = [_row(c) for c in clocks if _row(c) != old[c.id]]
    if changed:
        tx.execute_many(UPDATE_CLOCK, changed)
    if new:
        insert_clocks(tx, case_.id, new)
    return earliest_due([*clocks, *new])


def follow_verb(tx: Any, view: CaseView, verb: str, at: datetime, **flags: Any) -> datetime | None:
    """`follow` for a change made by `verb` of domain.TRANSITIONS."""
    status = str(TRANSITIONS[verb].target(view.case.status))
    return follow(tx, view.case, at, status=status, **flags)


def stop_many(tx: Any, case_ids: Sequence[int], at: datetime) -> None:
    """Stop every clock still running or paused of these cases (bulk close
    with --resolution): one SELECT and one batch of UPDATEs a chunk."""
    calendars = Calendars(tx)
    for start in range(0, len(case_ids), 500):
        params: dict[str, Any] = {}
        sql = CLOCKS_OF_CASES + in_list("case_id", "c", list(case_ids[start : start + 500]), params)
        clocks = [ClockRow.of(r) for r in tx.rows(sql + " AND stopped_at IS NULL", params)]
        for clock in clocks:
            _stop(clock, calendars(clock.calendar), at)
        if clocks:
            tx.execute_many(UPDATE_CLOCK, [_row(c) for c in clocks])


# -- reads ---------------------------------------------------------------------


def attach(source: Source, views: Iterable[tuple[Any, Any]]) -> None:
    """Fill in the clocks of the cases in `views` (cases with their
    customers; one query per 500 cases), as stored: a read computes nothing,
    so the same case reads the same in a batch and alone."""
    cases: dict[int | None, CaseRow] = {v[0].id: v[0] for v in views}
    for case_ in cases.values():
        case_.clocks = []
    ids = [i for i in cases if i is not None]
    for start in range(0, len(ids), 500):
        params: dict[str, Any] = {}
        sql = CLOCKS_OF_CASES + in_list("case_id", "c", ids[start : start + 500], params)
        for row in source.rows(sql, params):
            clock = ClockRow.of(row)
            clocks = cases[clock.case_id].clocks
            assert clocks is not None
            clocks.append(clock)


def used_now(clock: ClockRow, calendars: Calendars, now: datetime) -> float:
    """Business seconds used, the current run up to `now` included."""
    if clock.segment_started_at is None or not running(clock):
        return clock.used_seconds
    return clock.used_seconds + calendars(clock.calendar).between(clock.segment_started_at, now)


@dataclass
class Breach:
    """A running clock past its due time (or, at risk, due soon)."""

    case_id: int
    clock: str
    due_at: datetime
    overdue_seconds: int  # negative: not due yet (at risk)
    priority: str
    assignee: str | None
    team: str | None

    @property
    def breached(self) -> bool:
        return self.overdue_seconds > 0


def breaches(
    source: Source, *, at_risk_seconds: float = 0, team: str | None = None
) -> list[Breach]:
    """Running clocks past due, and those due within `at_risk_seconds`; most
    overdue first."""
    now = times.now()
    params: dict[str, Any] = {"until": source.time(now + timedelta(seconds=at_risk_seconds))}
    sql = RUNNING_DUE
    if team:
        sql += OF_TEAM
        params["team_key"] = name_key(team)
    found = []
    for case_id, clock, due, priority, assignee, team_ in source.rows(
        sql + RUNNING_DUE_ORDER, params
    ):
        due_at = to_time(due)
        assert due_at is not None
        overdue = round((now - due_at).total_seconds())
        if overdue <= 0 and at_risk_seconds <= 0:
            continue  # due exactly now: not past it
        found.append(Breach(int(case_id), clock, due_at, overdue, priority, assignee, team_))
    return found


@dataclass
class Segment:
    start: datetime
    end: datetime | None  # None: still going
    state: str  # running | paused
    business_seconds: float


@dataclass
class ClockStory:
    clock: ClockRow
    calendar: Calendar
    segments: list[Segment]


@dataclass
class Explanation:
    """`desk sla explain`: each clock with its segments, and the priority
    changes on the way."""

    view: CaseView
    stories: dict[str, ClockStory]
    priority_changes: list[EventRow]


def explain(source: Source, case_id: int) -> Explanation:
    """The clocks of a case and the story of each, from its events.  Raises NotFound."""
    from deskcli.reads import queries

    view = queries.get_case(source, case_id)
    events = [EventRow.of(r) for r in source.rows(queries.EVENTS_OF_CASE, {"case_id": case_id})]
    clocks = clocks_of(source, case_id)
    calendars = Calendars(source)
    now = times.now()
    latest: dict[str, ClockRow] = {}
    for clock in clocks:
        if clock.name not in latest or clock.cycle > latest[clock.name].cycle:
            latest[clock.name] = clock
    stories = {}
    for name in CLOCKS:
        if name not in latest:
            continue
        clock = latest[name]
        clock.used_now = used_now(clock, calendars, now)
        calendar = calendars(clock.calendar)
        stories[name] = ClockStory(clock, calendar, _segments(clock, calendar, events, now))
    changes = [e for e in events if e.kind == EventKind.EDITED and "priority" in (e.data or {})]
    return Explanation(view, stories, changes)


def _segments(
    clock: ClockRow, calendar: Calendar, events: Sequence[EventRow], now: datetime
) -> list[Segment]:
    """The runs and pauses of `clock`, from the case's events."""
    spans: list[tuple[datetime, datetime | None, str]] = []
    if clock.name != RESOLUTION:
        spans.append((clock.started_at, clock.stopped_at, "running"))
    else:
        state, since = "running", clock.started_at
        for e in events:
            if e.at < clock.started_at:
                continue
            data = e.data or {}
            moved_to, moved_from = data.get("to"), data.get("from")
            if state != "stopped" and e.kind == EventKind.RESOLVED:
                spans.append((since, e.at, state))
                state = "stopped"
            elif state == "stopped" and e.kind == EventKind.REOPENED:
                state, since = "running", e.at
            elif state == "running" and e.kind == EventKind.STATUS and moved_to == _PENDING:
                spans.append((since, e.at, state))
                state, since = "paused", e.at
            elif (
                state == "paused"
                and e.kind in (EventKind.STATUS, EventKind.INBOUND)
                and moved_from == _PENDING
                and moved_to != _PENDING
            ):
                spans.append((since, e.at, state))
                state, since = "running", e.at
        if state != "stopped":
            spans.append((since, None, state))
    return [
        Segment(
            start,
            end,
            state,
            calendar.between(start, end or now) if state == "running" else 0.0,
        )  # fmt: skip
        for start, end, state in spans
    ]
