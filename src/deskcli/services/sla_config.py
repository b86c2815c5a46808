"""Service-level settings: the calendars and the policy of each priority.

Reads take a `Source` (the read path), writes a `Tx`.  A calendar is stored
as its time zone, its hours (JSON [{"days": [0..6], "from": "HH:MM",
"to": "HH:MM"}]) and its holidays (JSON ["YYYY-MM-DD"]); `sla.calendar`
does the business-time arithmetic.  Standard library only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from deskcli.errors import NotFound
from deskcli.reads.source import Source
from deskcli.sla.calendar import Calendar, Hours

CALENDAR_BY_NAME = "SELECT name, tz, hours, holidays FROM sla_calendar WHERE name = :name"
POLICY_BY_PRIORITY = (
    "SELECT priority, first_response_seconds, next_reply_seconds, resolution_seconds, calendar"
    " FROM sla_policy WHERE priority = :priority"
)

CLOCKS = ("first_response", "next_reply", "resolution")


@dataclass(frozen=True)
class Policy:
    priority: str
    first_response_seconds: int
    next_reply_seconds: int
    resolution_seconds: int
    calendar: str

    def target(self, clock: str) -> int:
        """The target of clock `clock` (one of CLOCKS), in business seconds."""
        return int(getattr(self, f"{clock}_seconds"))


def get_calendar(source: Source, name: str) -> Calendar:
    """Raises NotFound."""
    found = source.rows(CALENDAR_BY_NAME, {"name": name})
    if not found:
        raise NotFound(
            f"no calendar named {name}", hint="desk sla calendar list shows the calendars"
        )
    return calendar_of(*found[0])


def calendar_of(name: str, tz: str, hours: Any, holidays: Any) -> Calendar:
    """A stored calendar row as a Calendar (SQLite keeps JSON as text)."""
    hours = json.loads(hours) if isinstance(hours, str) else hours
    holidays = json.loads(holidays) if isinstance(holidays, str) else holidays
    return Calendar(
        name,
        tz,
        tuple(Hours(tuple(h["days"]), _clock_time(h["from"]), _clock_time(h["to"])) for h in hours),
        frozenset(date.fromisoformat(d) for d in holidays),
    )


def hours_json(calendar: Calendar) -> list[dict[str, Any]]:
    """A calendar's hours as stored (and as `desk sla calendar show --json` prints them)."""
    return [
        {"days": list(h.days), "from": _hhmm(h.start), "to": _hhmm(h.end)} for h in calendar.hours
    ]


def get_policy(source: Source, priority: str) -> Policy:
    """The policy of `priority` (every priority has one from the start)."""
    found = source.rows(POLICY_BY_PRIORITY, {"priority": str(priority)})
    if not found:
        raise NotFound(f"no service-level policy for priority {priority}")
    priority_, first, next_reply, resolution, calendar = found[0]
    return Policy(str(priority_), int(first), int(next_reply), int(resolution), str(calendar))


def _clock_time(text: str) -> time:
    return time.max if text == "24:00" else time.fromisoformat(text)


def _hhmm(at: time) -> str:
    return "24:00" if at == time.max else at.strftime("%H:%M")
