"""Service-level settings: the calendars and the policy of each priority.

Reads take a `Source` (the read path), writes a `Tx`.  A calendar is stored
as its time zone, its hours (JSON [{"days": [0..6], "from": "HH:MM",
"to": "HH:MM"}]) and its holidays (JSON ["YYYY-MM-DD"]); `sla.calendar`
does the business-time arithmetic.  Standard library only.

A change of a calendar or a policy applies to the clocks still running
(`recompute_running`, in the same transaction): their due times follow the
new hours or targets; stopped clocks keep their verdict.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from deskcli import limits, times
from deskcli.domain import PRIORITY_RANK, Priority
from deskcli.errors import Conflict, InvalidValue, NotFound, StorageError, unknown_choice
from deskcli.lang import N_
from deskcli.reads.rows import to_time
from deskcli.reads.source import Source, in_list
from deskcli.sla.calendar import (
    ALWAYS,
    Calendar,
    Hours,
    check_no_overlap,
    hhmm,
    parse_holiday,
    parse_hours,
    time_of_day,
    zone,
)
from deskcli.tx import Tx

CALENDAR_BY_NAME = "SELECT name, tz, hours, holidays FROM sla_calendar WHERE name = :name"
POLICY_BY_PRIORITY = (
    "SELECT priority, first_response_seconds, next_reply_seconds, resolution_seconds, calendar"
    " FROM sla_policy WHERE priority = :priority"
)

CLOCKS = ("first_response", "next_reply", "resolution")
# The policies every desk starts with (migration 0009 seeds them): first
# response, next reply, resolution, calendar.  An import may replace a policy
# still at its default (services/importer.py).
DEFAULT_POLICIES = {
    "urgent": (3600, 3600, 4 * 3600, ALWAYS),
    "high": (4 * 3600, 4 * 3600, 86400, ALWAYS),
    "normal": (8 * 3600, 8 * 3600, 3 * 86400, ALWAYS),
    "low": (86400, 86400, 5 * 86400, ALWAYS),
}


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
            N_("no calendar named {name}"),
            hint=N_("desk sla calendar list shows the calendars"),
            params={"name": name},
        )
    return calendar_of(*found[0])


def calendar_of(name: str, tz: str, hours: Any, holidays: Any) -> Calendar:
    """A stored calendar row as a Calendar (SQLite keeps JSON as text); a
    value that is not one (SQLite keeps whatever was written) is exit 5."""
    column = "hours"
    try:
        hours = json.loads(hours) if isinstance(hours, str) else hours
        ranges = tuple(
            Hours(tuple(h["days"]), time_of_day(h["from"]), time_of_day(h["to"])) for h in hours
        )
        column = "holidays"
        holidays = json.loads(holidays) if isinstance(holidays, str) else holidays
        return Calendar(name, tz, ranges, frozenset(date.fromisoformat(d) for d in holidays))
    except (ValueError, TypeError, KeyError):
        raise StorageError(
            N_(
                "the database holds a damaged value in sla_calendar {name}, column {column}:"
                " run desk doctor"
            ),
            hint=N_("restore the database from a backup, or set the calendar again"),
            params={"name": name, "column": column},
        ) from None


def hours_json(calendar: Calendar) -> list[dict[str, Any]]:
    """A calendar's hours as stored (days as numbers; `shapes.calendar_record`
    prints them as text, "mon-fri")."""
    return [
        {"days": list(h.days), "from": hhmm(h.start), "to": hhmm(h.end)} for h in calendar.hours
    ]


def get_policy(source: Source, priority: str) -> Policy:
    """The policy of `priority` (every priority has one from the start)."""
    found = source.rows(POLICY_BY_PRIORITY, {"priority": str(priority)})
    if not found:
        raise NotFound(
            N_("no service-level policy for priority {priority}"), params={"priority": priority}
        )
    priority_, first, next_reply, resolution, calendar = found[0]
    return Policy(str(priority_), int(first), int(next_reply), int(resolution), str(calendar))


# -- listing -------------------------------------------------------------------

CALENDARS = "SELECT name, tz, hours, holidays FROM sla_calendar ORDER BY name"
POLICIES = (
    "SELECT priority, first_response_seconds, next_reply_seconds, resolution_seconds, calendar"
    " FROM sla_policy"
)


def list_calendars(source: Source) -> list[Calendar]:
    """Every calendar, by name (`always` among them)."""
    return [calendar_of(*row) for row in source.rows(CALENDARS, {})]


def list_policies(source: Source) -> list[Policy]:
    """The policy of each priority, most urgent first."""
    found = [
        Policy(str(p), int(first), int(next_reply), int(resolution), str(calendar))
        for p, first, next_reply, resolution, calendar in source.rows(POLICIES, {})
    ]
    rank = {str(p): r for p, r in PRIORITY_RANK.items()}
    return sorted(found, key=lambda policy: -rank.get(policy.priority, -1))


# -- changing them ---------------------------------------------------------------

# A target fits PostgreSQL's 32-bit INTEGER column with room to spare; no
# service level is counted in decades.
MAX_TARGET = timedelta(days=3650)
# IANA zone names are short; a longer text is no zone (and never reaches zoneinfo).
ZONE_LIMIT = 64
TARGET_FLAGS = ("--first-response", "--next-reply", "--resolution")


def calendar_name(text: str) -> str:
    """A calendar's name as stored: one word, within the label limit."""
    name = limits.check_text(text.strip(), N_("a calendar name"), limits.LABEL, one_line=True)
    if not name or any(ch.isspace() for ch in name):
        raise InvalidValue(
            N_("invalid calendar name {text!r}: a name is one word"),
            hint=N_("e.g. madrid, support-us"),
            params={"text": text},
        )
    return name


def check_zone(text: str) -> str:
    """`--tz` as stored; exit 2 for a zone this machine does not know."""
    name = text.strip()
    if len(name) > ZONE_LIMIT:
        raise InvalidValue(
            N_("unknown time zone ({length:,} characters long)"),
            hint=N_("give an IANA name such as Europe/Madrid, America/New_York or UTC"),
            params={"length": len(name)},
        )
    zone(name)
    return name


def set_calendar(
    tx: Tx, name: str, *, tz: str, hours: Sequence[str], holidays: Sequence[str] = ()
) -> tuple[Calendar, bool, int]:
    """`desk sla calendar set`: create calendar `name` or replace it whole.
    Returns it, whether it is new, and how many running clocks it re-timed.
    `always` is built in (exit 4); bad hours, zones or dates are exit 2."""
    name = calendar_name(name)
    if name == ALWAYS:
        raise Conflict(
            N_("the calendar {name} is built in (24x7, UTC) and cannot be changed"),
            hint=N_("give your calendar a name of its own"),
            params={"name": ALWAYS},
        )
    zone_name = check_zone(tz)
    if not hours:
        raise InvalidValue(
            N_("a calendar needs its opening hours"),
            hint=N_('give --hours "mon-fri 09:00-18:00" (repeat --hours for more ranges)'),
        )
    parsed = tuple(parse_hours(spec) for spec in hours)
    check_no_overlap(parsed)
    days = frozenset(parse_holiday(text) for text in holidays)
    calendar = Calendar(name, zone_name, parsed, days)
    params = {
        "name": name,
        "tz": zone_name,
        "hours": hours_json(calendar),
        "holidays": [d.isoformat() for d in sorted(days)],
        "at": times.now(),
    }
    new = not tx.rows(CALENDAR_BY_NAME, {"name": name})
    if new:
        tx.execute(
            "INSERT INTO sla_calendar (name, tz, hours, holidays, updated_at)"
            " VALUES (:name, :tz, :hours, :holidays, :at)",
            params,
        )
        return calendar, True, 0  # no clock can use a calendar that did not exist
    tx.execute(
        "UPDATE sla_calendar SET tz = :tz, hours = :hours, holidays = :holidays,"
        " updated_at = :at WHERE name = :name",
        params,
    )
    return calendar, False, recompute_running(tx, calendar=name)


def target_seconds(text: str, flag: str) -> int:
    """A policy target (`--resolution 2d`) in seconds; exit 2 unless it is a
    duration above zero, up to MAX_TARGET."""
    hint = N_("give a duration above zero: 30m, 4h, 3d or 2w (up to 3650d)")
    try:
        value = times.parse_duration(text)
    except InvalidValue:
        raise InvalidValue(
            N_("invalid {flag} {text!r}"), hint=hint, params={"flag": flag, "text": text}
        ) from None
    params: dict[str, object] = {"flag": flag, "text": text.strip()}
    if value <= timedelta(0):
        raise InvalidValue(
            N_("{flag} {text!r} is no time: a target must be above zero"), hint=hint, params=params
        )
    if value > MAX_TARGET:
        raise InvalidValue(N_("{flag} {text!r} is too long"), hint=hint, params=params)
    return int(value.total_seconds())


def set_policy(
    tx: Tx,
    priority: str,
    *,
    first_response: str | None = None,
    next_reply: str | None = None,
    resolution: str | None = None,
    calendar: str | None = None,
) -> tuple[Policy, int]:
    """`desk sla policy set`: change what is given of a priority's policy
    (at least one thing); running clocks of that priority's cases take the new
    targets and calendar at once.  Returns the policy and the clocks re-timed."""
    given = (first_response, next_reply, resolution)
    if all(value is None for value in (*given, calendar)):
        raise InvalidValue(
            N_("nothing to change"),
            hint=N_("give --first-response, --next-reply, --resolution or --calendar"),
        )
    seconds = [
        None if text is None else target_seconds(text, flag)
        for text, flag in zip(given, TARGET_FLAGS, strict=True)
    ]
    if str(priority) not in {p.value for p in Priority}:
        raise InvalidValue(unknown_choice("priority", str(priority), [p.value for p in Priority]))
    priority = str(priority)
    current = get_policy(tx, priority)
    if calendar is not None:
        calendar = get_calendar(tx, calendar_name(calendar)).name  # exit 3 when unknown
    first, following, resolve = (
        old if new is None else new
        for new, old in zip(
            seconds,
            (
                current.first_response_seconds,
                current.next_reply_seconds,
                current.resolution_seconds,
            ),
            strict=True,
        )  # fmt: skip
    )
    policy = Policy(priority, first, following, resolve, calendar or current.calendar)
    tx.execute(
        "UPDATE sla_policy SET first_response_seconds = :first, next_reply_seconds = :next,"
        " resolution_seconds = :resolution, calendar = :calendar, updated_at = :at"
        " WHERE priority = :priority",
        {
            "first": policy.first_response_seconds,
            "next": policy.next_reply_seconds,
            "resolution": policy.resolution_seconds,
            "calendar": policy.calendar,
            "at": times.now(),
            "priority": priority,
        },
    )
    return policy, recompute_running(tx, priority=priority)


# -- running clocks follow the settings -------------------------------------------

CHUNK = 500  # clocks read and written at a time; cases per IN list
_RUNNING = (
    "SELECT k.id, k.case_id, k.name, k.paused, k.segment_started_at, k.used_seconds,"
    " k.target_seconds, k.calendar"
    ' FROM case_clock k JOIN "case" c ON c.id = k.case_id'
    " WHERE k.stopped_at IS NULL AND k.id > :after{where} ORDER BY k.id LIMIT :chunk"
)
_RETIME = (
    "UPDATE case_clock SET target_seconds = :target, calendar = :calendar, due_at = :due"
    " WHERE id = :id"
)


def recompute_running(tx: Tx, *, priority: str | None = None, calendar: str | None = None) -> int:
    """Re-time the clocks that have not stopped, of cases of `priority` and/or
    on `calendar`: with a priority, each takes its policy's target and
    calendar (a paused one too, so that it resumes under them); every running
    (unpaused) one gets due_at = calendar.add(segment_started_at, target -
    used_seconds); then each touched case's due_at is its earliest running
    due time again.  Stopped clocks keep their due time and verdict; a
    breached flag already stored stays.  Returns the number of clocks re-timed."""
    where, params = "", {}
    if priority is not None:
        where += " AND c.priority = :priority"
        params["priority"] = str(priority)
    if calendar is not None:
        where += " AND k.calendar = :calendar"
        params["calendar"] = calendar
    policy = get_policy(tx, str(priority)) if priority is not None else None
    calendars: dict[str, Calendar] = {}
    cases: set[int] = set()
    after, count = 0, 0
    sql = _RUNNING.format(where=where)
    while rows := tx.rows(sql, {**params, "after": after, "chunk": CHUNK}):
        changes = []
        for clock_id, case_id, name, paused, started, used, target, on in rows:
            if policy is not None:
                target, on = policy.target(str(name)), policy.calendar
            if str(on) not in calendars:
                calendars[str(on)] = get_calendar(tx, str(on))
            segment = to_time(started)
            due = None
            if not paused and segment is not None:
                due = calendars[str(on)].add(segment, int(target) - float(used))
            cases.add(int(case_id))
            changes.append({"id": clock_id, "target": int(target), "calendar": on, "due": due})
        tx.execute_many(_RETIME, changes)
        count += len(changes)
        after = int(rows[-1][0])
    refresh_case_due(tx, cases)
    return count


def refresh_case_due(tx: Tx, case_ids: Iterable[int]) -> None:
    """Each case's due_at: the earliest due time of its running clocks (NULL: none)."""
    ids = sorted(case_ids)
    for start in range(0, len(ids), CHUNK):
        params: dict[str, Any] = {}
        chosen = in_list('"case".id', "c", ids[start : start + CHUNK], params)
        tx.execute(
            'UPDATE "case" SET due_at = (SELECT min(k.due_at) FROM case_clock k'
            ' WHERE k.case_id = "case".id AND k.stopped_at IS NULL AND NOT k.paused)'
            f" WHERE {chosen}",
            params,
        )
