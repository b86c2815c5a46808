"""`desk sla what-if`: how a priority's cases would have fared under other
targets.  The cases of that priority opened in the period are replayed from
their events (deskcli.sla.replay) twice, under the policies as they are and
with the change, and their clock runs counted as met or breached.  Reads
only: nothing is written.  Standard library only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from deskcli import times
from deskcli.domain import Priority
from deskcli.errors import InvalidValue
from deskcli.lang import N_
from deskcli.reads.source import Source
from deskcli.services.sla_config import get_calendar
from deskcli.services.sla_replay import current_terms, timelines
from deskcli.sla.replay import CLOCKS, Terms, replay
from deskcli.sla.whatif import ClockTally, WhatIf

CASES_OF_PERIOD = (
    'SELECT c.id, c.priority FROM "case" c'
    " WHERE c.created_at >= :since AND c.priority = :priority ORDER BY c.id"
)
CHUNK = 500  # cases whose events are read at a time


def target_seconds(text: str, option: str) -> int:
    """A target duration (`30m`, `4h`, `3d`, `2w`); exit 2 unless above zero."""
    seconds = int(times.parse_duration(text).total_seconds())
    if seconds <= 0:
        raise InvalidValue(
            N_("{option} {text!r} is no time at all"),
            hint=N_("give a target longer than zero: 30m, 4h, 3d or 2w"),
            params={"option": option, "text": text.strip()},
        )
    return seconds


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
            N_("say what to change"), hint=N_("give --first-response, --resolution or --calendar")
        )
    now = times.now()
    before = current_terms(source)
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
        found_events = timelines(source, [int(case_id) for case_id, _ in chunk])
        for case_id, case_priority in chunk:
            events = found_events[int(case_id)]
            was = replay(events, before, now, priority=str(case_priority)).runs
            would = replay(events, after, now, priority=str(case_priority)).runs
            for clock in CLOCKS:
                ran = [run for run in was if run.name == clock]
                tallies[clock].cases += bool(ran)
                tallies[clock].before.count(ran, now)
                tallies[clock].after.count([run for run in would if run.name == clock], now)
    return WhatIf(str(priority), start, len(found), _described(mine), _described(changed), tallies)
