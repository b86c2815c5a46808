"""Clocks replayed from a case's events (deskcli.sla.replay) under the
desk's policies as they are: `desk sla what-if` compares such replays, and an
import from an export older than the clocks gives its cases the clocks their
events say they have (the same rules the write path and migration 0009
follow).  Standard library only.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from deskcli import times
from deskcli.domain import Priority
from deskcli.reads.rows import to_time
from deskcli.reads.source import Source, in_list
from deskcli.services.sla_clocks import INSERT_CLOCK
from deskcli.services.sla_config import get_calendar, get_policy
from deskcli.sla.calendar import Calendar
from deskcli.sla.replay import CLOCK_EVENT_KINDS, Event, Terms, replay

CHUNK = 500  # cases whose events are read at a time
EVENTS_OF_CASES = (
    "SELECT case_id, kind, at, data FROM event WHERE {cases} AND {kinds} ORDER BY case_id, id"
)
PRIORITIES_OF_CASES = 'SELECT id, priority FROM "case" WHERE {cases} ORDER BY id'
SET_DUE = 'UPDATE "case" SET due_at = :due_at WHERE id = :id'


def current_terms(source: Source) -> dict[str, Terms]:
    """Every priority's policy as it is, with its calendar."""
    calendars: dict[str, Calendar] = {}
    found = {}
    for priority in Priority:
        policy = get_policy(source, priority)
        if policy.calendar not in calendars:
            calendars[policy.calendar] = get_calendar(source, policy.calendar)
        found[str(priority)] = Terms(
            policy.first_response_seconds,
            policy.next_reply_seconds,
            policy.resolution_seconds,
            calendars[policy.calendar],
        )
    return found


def timelines(source: Source, case_ids: list[int]) -> dict[int, list[Event]]:
    """The events that move clocks, per case, in order."""
    params: dict[str, Any] = {}
    sql = EVENTS_OF_CASES.format(
        cases=in_list("case_id", "c", case_ids, params),
        kinds=in_list("kind", "k", list(CLOCK_EVENT_KINDS), params),
    )
    found: dict[int, list[Event]] = defaultdict(list)
    for case_id, kind, at, data in source.rows(sql, params):
        when = to_time(at)
        assert when is not None  # event.at is NOT NULL
        found[int(case_id)].append(Event(str(kind), when, _data(data)))
    return found


def _data(value: Any) -> dict[str, Any] | None:
    import json

    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except ValueError:
            return None  # unreadable data moves no clock
    return value if isinstance(value, dict) else None


def give_clocks(tx: Any, case_ids: list[int]) -> int:
    """Store the replayed clocks and due time of cases that have none; returns
    how many cases got clocks (a case of a priority the desk does not know
    has no policy, so none)."""
    if not case_ids:
        return 0
    terms = current_terms(tx)
    now = times.now()
    given = 0
    for first in range(0, len(case_ids), CHUNK):
        chunk = case_ids[first : first + CHUNK]
        params: dict[str, Any] = {}
        cases = tx.rows(PRIORITIES_OF_CASES.format(cases=in_list("id", "c", chunk, params)), params)
        events = timelines(tx, chunk)
        clocks: list[dict[str, Any]] = []
        dues: list[dict[str, Any]] = []
        for case_id, priority in cases:
            if str(priority) not in terms:
                continue
            replayed = replay(events[int(case_id)], terms, now, priority=str(priority))
            clocks += [run.row() | {"case_id": int(case_id)} for run in replayed.runs]
            if replayed.due_at is not None:
                dues.append({"id": int(case_id), "due_at": replayed.due_at})
            given += bool(replayed.runs)
        if clocks:
            tx.execute_many(INSERT_CLOCK, clocks)
        if dues:
            tx.execute_many(SET_DUE, dues)
    return given
