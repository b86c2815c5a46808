"""`desk sla what-if`: how a priority's cases would have fared under other
targets.  The cases of that priority opened in the period are replayed from
their events (deskcli.sla.replay) twice, under the policies as they are and
with the change, and their clock runs counted as met or breached.  Reads
only: nothing is written.  Standard library only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from typing import Any

from deskcli import times
from deskcli.domain import Priority
from deskcli.errors import InvalidValue
from deskcli.reads.rows import to_time
from deskcli.reads.source import Source, in_list
from deskcli.services.sla_config import get_calendar, get_policy
from deskcli.sla.calendar import Calendar
from deskcli.sla.replay import CLOCK_EVENT_KINDS, CLOCKS, Event, Terms, replay
from deskcli.sla.whatif import ClockTally, WhatIf

CASES_OF_PERIOD = (
    'SELECT c.id, c.priority FROM "case" c'
    " WHERE c.created_at >= :since AND c.priority = :priority ORDER BY c.id"
)
EVENTS_OF_CASES = (
    "SELECT case_id, kind, at, data FROM event WHERE {cases} AND {kinds} ORDER BY case_id, id"
)
CHUNK = 500  # cases whose events are read at a time


def target_seconds(text: str, option: str) -> int:
    """A target duration (`30m`, `4h`, `3d`, `2w`); exit 2 unless above zero."""
    seconds = int(times.parse_duration(text).total_seconds())
    if seconds <= 0:
        raise InvalidValue(
            f"{option} {text.strip()!r} is no time at all",
            hint="give a target longer than zero: 30m, 4h, 3d or 2w",
        )
    return seconds


def _terms(source: Source) -> dict[str, Terms]:
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


def _described(terms: Terms) -> dict[str, Any]:
    return {f"{clock}_seconds": terms.target(clock) for clock in CLOCKS} | {
        "calendar": terms.calendar.name
    }


def what_if(
    source: Source,
    *,
    priority: Priority,
    since: timedelta,
    first_response: int | None = None,
    resolution: int | None = None,
    calendar: str | None = None,
) -> WhatIf:
    """Raises InvalidValue (nothing to change), NotFound (no such calendar)."""
    if first_response is None and resolution is None and calendar is None:
        raise InvalidValue(
            "say what to change", hint="give --first-response, --resolution or --calendar"
        )
    now = times.now()
    before = _terms(source)
    mine = before[str(priority)]
    changed = replace(
        mine,
        first_response_seconds=first_response or mine.first_response_seconds,
        resolution_seconds=resolution or mine.resolution_seconds,
        calendar=get_calendar(source, calendar) if calendar is not None else mine.calendar,
    )
    after = {**before, str(priority): changed}
    start = now - since
    found = source.rows(CASES_OF_PERIOD, {"since": source.time(start), "priority": str(priority)})
    tallies = {clock: ClockTally() for clock in CLOCKS}
    for first in range(0, len(found), CHUNK):
        chunk = found[first : first + CHUNK]
        timelines = _timelines(source, [int(case_id) for case_id, _ in chunk])
        for case_id, case_priority in chunk:
            events = timelines[int(case_id)]
            was = replay(events, before, now, priority=str(case_priority)).runs
            would = replay(events, after, now, priority=str(case_priority)).runs
            for clock in CLOCKS:
                ran = [run for run in was if run.name == clock]
                tallies[clock].cases += bool(ran)
                tallies[clock].before.count(ran, now)
                tallies[clock].after.count([run for run in would if run.name == clock], now)
    return WhatIf(str(priority), start, len(found), _described(mine), _described(changed), tallies)


def _timelines(source: Source, case_ids: list[int]) -> dict[int, list[Event]]:
    params: dict[str, Any] = {}
    sql = EVENTS_OF_CASES.format(
        cases=in_list("case_id", "c", case_ids, params),
        kinds=in_list("kind", "k", list(CLOCK_EVENT_KINDS), params),
    )
    timelines: dict[int, list[Event]] = defaultdict(list)
    for case_id, kind, at, data in source.rows(sql, params):
        when = to_time(at)
        assert when is not None  # event.at is NOT NULL
        timelines[int(case_id)].append(Event(str(kind), when, _data(data)))
    return timelines


def _data(value: Any) -> dict[str, Any] | None:
    import json

    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except ValueError:
            return None  # unreadable data moves no clock
    return value if isinstance(value, dict) else None
