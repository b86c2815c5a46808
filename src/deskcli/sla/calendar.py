"""Business time: a team's opening hours in its time zone, less its holidays.

A `Calendar` answers the two questions service levels ask:

- `add(start, seconds)`: when `seconds` of business time after `start` is;
- `between(start, end)`: how much business time lies between two instants.

Hours are local to the calendar's time zone; every instant in and out is an
aware datetime, compared in UTC.  Each opening interval is turned into UTC
for its own day (zoneinfo), so a DST night moves no due time by an hour: an
interval is as long as the wall clock says (a 09:00-18:00 day stays 9 hours;
only hours that span the change itself are shorter or longer).  Standard
library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskcli.errors import InvalidValue
from deskcli.lang import N_

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS = "always"  # the built-in calendar: every hour of every day, UTC
# How far `add` looks ahead for open time: past this, no due time exists.
HORIZON_DAYS = 366 * 101


@dataclass(frozen=True)
class Hours:
    """Open from `start` to `end` (local wall-clock times, `end` after
    `start`; 24:00 is written as time.max) on each of `days` (0 is Monday)."""

    days: tuple[int, ...]
    start: time
    end: time

    def spec(self) -> str:
        """As typed: "mon-fri 09:00-18:00"."""
        return f"{days_text(self.days)} {hhmm(self.start)}-{hhmm(self.end)}"

    def seconds(self) -> int:
        return _second_of_day(self.end) - _second_of_day(self.start)


@dataclass(frozen=True)
class Calendar:
    name: str
    tz: str
    hours: tuple[Hours, ...]
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.tz)

    @property
    def always(self) -> bool:
        """Open every second of every day: business time is wall-clock time."""
        full_week = all(
            any(h.start == time.min and h.end == time.max and day in h.days for h in self.hours)
            for day in range(7)
        )
        return full_week and not self.holidays

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals of local `day`, in UTC, in order."""
        if day in self.holidays:
            return []
        weekday = day.weekday()
        found = []
        for hours in self.hours:
            if weekday in hours.days:
                start = _instant(day, hours.start, self.zone)
                end = _instant(day, hours.end, self.zone)
                if end > start:
                    found.append((start, end))
        return sorted(found)

    def _open_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals from `start` on (the first one cut at `start`)."""
        start = start.astimezone(UTC)
        day = start.astimezone(self.zone).date() - timedelta(days=1)  # an interval may cross
        for _ in range(HORIZON_DAYS):
            for low, high in self.intervals(day):
                if high > start:
                    yield max(low, start), high
            day += timedelta(days=1)

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant `seconds` of business time after `start`.  Zero is
        `start` itself, even outside the hours."""
        if seconds <= 0:
            return start.astimezone(UTC)
        if self.always:
            return start.astimezone(UTC) + timedelta(seconds=seconds)
        left = timedelta(seconds=seconds)
        for low, high in self._open_from(start):
            if high - low >= left:
                return low + left
            left -= high - low
        raise InvalidValue(
            N_("calendar {name} has no business time within 100 years of {start}"),
            params={"name": self.name, "start": f"{start:%Y-%m-%d}"},
        )

    def between(self, start: datetime, end: datetime) -> float:
        """Business seconds from `start` to `end` (0 when `end` is not later)."""
        if end <= start:
            return 0.0
        if self.always:
            return (end - start).total_seconds()
        total = timedelta()
        for low, high in self._open_from(start):
            if low >= end:
                break
            total += min(high, end) - low
        return total.total_seconds()


def always_calendar() -> Calendar:
    return Calendar(ALWAYS, "UTC", (Hours(tuple(range(7)), time.min, time.max),))


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`; exit 2 for one this machine does not know."""
    try:
        if not name or name != name.strip() or ".." in name or name.startswith("/"):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValue(
            N_("unknown time zone {name!r}"),
            hint=N_("give an IANA name such as Europe/Madrid, America/New_York or UTC"),
            params={"name": name},
        ) from None


def _instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Local `day` at `at` (time.max: the next midnight) as a UTC instant."""
    if at == time.max:
        local = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    else:
        local = datetime.combine(day, at, tzinfo=tz)
    return local.astimezone(UTC)


def _second_of_day(at: time) -> int:
    return 86400 if at == time.max else at.hour * 3600 + at.minute * 60


def hhmm(at: time) -> str:
    """A time of day as stored and shown: "09:00", and "24:00" for a day's end."""
    return "24:00" if at == time.max else at.strftime("%H:%M")


def time_of_day(text: str) -> time:
    """What `hhmm` wrote, back ("24:00" is the end of the day)."""
    return time.max if text == "24:00" else time.fromisoformat(text)


def days_text(days: Sequence[int]) -> str:
    """0..6 as "mon-fri", "sat", "mon,wed,fri" (runs of three or more joined)."""
    parts: list[str] = []
    run: list[int] = []
    for day in sorted(days):
        if run and day != run[-1] + 1:
            parts.append(_run_text(run))
            run = []
        run.append(day)
    if run:
        parts.append(_run_text(run))
    return ",".join(parts)


def _run_text(run: list[int]) -> str:
    if len(run) >= 3:
        return f"{DAYS[run[0]]}-{DAYS[run[-1]]}"
    return ",".join(DAYS[d] for d in run)


HOURS_HINT = N_('give DAYS HH:MM-HH:MM, such as "mon-fri 09:00-18:00" or "sat,sun 10:00-14:00"')
_HOURS = re.compile(r"\s*([a-z,\-]+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")


def parse_hours(spec: str) -> Hours:
    """`--hours "mon-fri 09:00-18:00"`; exit 2 saying what is accepted."""
    found = _HOURS.fullmatch(spec.lower())
    if found is None:
        raise InvalidValue(N_("invalid hours {spec!r}"), hint=HOURS_HINT, params={"spec": spec})
    days = _parse_days(found.group(1), spec)
    start = _clock(int(found.group(2)), int(found.group(3)), spec)
    end = _clock(int(found.group(4)), int(found.group(5)), spec)
    if _second_of_day(end) <= _second_of_day(start):
        raise InvalidValue(
            N_("invalid hours {spec!r}: the end must be later than the start on the same day"),
            hint=N_(
                "hours that cross midnight are two ranges: "
                '--hours "mon-fri 18:00-24:00" --hours "tue-sat 00:00-09:00"'
            ),
            params={"spec": spec},
        )
    return Hours(days, start, end)


def _clock(hour: int, minute: int, spec: str) -> time:
    if hour == 24 and minute == 0:
        return time.max
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidValue(
            N_("invalid time in hours {spec!r}"),
            hint=N_("times run from 00:00 to 24:00 (HH:MM)"),
            params={"spec": spec},
        )
    return time(hour, minute)


def _parse_days(text: str, spec: str) -> tuple[int, ...]:
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise InvalidValue(
                N_("invalid days in hours {spec!r}"),
                hint=N_(
                    "days are mon, tue, wed, thu, fri, sat, sun, as ranges (mon-fri) or lists"
                    " (sat,sun)"
                ),
                params={"spec": spec},
            )
        low, high = DAYS.index(first), DAYS.index(last or first)
        if high < low:
            raise InvalidValue(
                N_("invalid days in hours {spec!r}: {part} runs backwards"),
                hint=N_("write a week-crossing range as two: sat,sun,mon or fri-sun,mon"),
                params={"spec": spec, "part": part},
            )
        days.update(range(low, high + 1))
    return tuple(sorted(days))


def check_no_overlap(hours: Sequence[Hours]) -> None:
    """Refuse (exit 2) two ranges that overlap on a day."""
    for i, one in enumerate(hours):
        for other in hours[i + 1 :]:
            shared = set(one.days) & set(other.days)
            overlap = _second_of_day(one.start) < _second_of_day(other.end) and _second_of_day(
                other.start
            ) < _second_of_day(one.end)
            if shared and overlap:
                raise InvalidValue(
                    N_("the hours {one!r} and {other!r} overlap on {days}"),
                    hint=N_("give each day's hours once, as ranges that do not overlap"),
                    params={
                        "one": one.spec(),
                        "other": other.spec(),
                        "days": days_text(sorted(shared)),
                    },
                )


def parse_holiday(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValue(
            N_("invalid holiday {text!r}"),
            hint=N_("give a date as YYYY-MM-DD, such as 2026-12-25"),
            params={"text": text},
        ) from None
