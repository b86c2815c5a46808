"""Clock, durations and dates.  Standard library only.

Times are stored in UTC.  JSON shows ISO 8601 with an offset; people see local
time and a relative age ("3 h ago").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from deskcli.errors import InvalidValue

_frozen: datetime | None = None


def now() -> datetime:
    """The current time in UTC (or the frozen time, see `frozen`)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Make `now()` return `at`: used to build demo data with realistic ages."""
    global _frozen
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous


# ASCII digits only (\d would take other scripts' digits), and few of them: int()
# refuses strings of thousands of digits with a ValueError of its own.
_DURATION = re.compile(r"^\s*([0-9]{1,12})\s*(m|min|h|d|w)\s*$", re.IGNORECASE | re.ASCII)
_UNIT_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

# Bounds that keep every later sum inside what datetime (years 1..9999) and
# every time zone can represent: now +- 100 years, and dates of years 1900..9000.
MAX_DURATION = timedelta(days=36500)
MIN_YEAR, MAX_YEAR = 1900, 9000


def parse_duration(text: str) -> timedelta:
    """'30m', '4h', '3d' or '2w' as a timedelta, at most 100 years."""
    match = _DURATION.match(text)
    if not match:
        raise InvalidValue(
            f"invalid duration {text!r}", hint="use a number and a unit: 30m, 4h, 3d or 2w"
        )
    amount, unit = int(match.group(1)), match.group(2).lower()
    seconds = amount * _UNIT_SECONDS[unit]
    if seconds > MAX_DURATION.total_seconds():
        raise InvalidValue(
            f"duration {text.strip()!r} is too long", hint="durations go up to 100 years (36500d)"
        )
    return timedelta(seconds=seconds)


def check_year(value: datetime) -> datetime:
    """Refuse a time outside years MIN_YEAR..MAX_YEAR (before any time zone
    arithmetic could overflow on it)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InvalidValue(
            f"date {value.isoformat()} is out of range",
            hint=f"use a date in the years {MIN_YEAR} to {MAX_YEAR}",
        )
    return value


def parse_when(text: str) -> datetime:
    """A date (YYYY-MM-DD, 09:00 local time) or an ISO date-time, as UTC."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            local = check_year(datetime.combine(day, time(9, 0))).astimezone()
        else:
            local = check_year(datetime.fromisoformat(text))
            if local.tzinfo is None:
                local = local.astimezone()
    except ValueError:  # also UnicodeEncodeError (lone surrogates)
        raise InvalidValue(
            f"invalid date {text!r}", hint="use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    return local.astimezone(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Attach UTC to a naive time read back from the database."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset, to the second, for JSON."""
    value = as_utc(value)
    return value.isoformat(timespec="seconds") if value is not None else None


def local(value: datetime | None) -> str:
    """Local time for people: '2026-11-24 14:05'."""
    value = as_utc(value)
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else ""


def ago(value: datetime | None, reference: datetime | None = None) -> str:
    """A short relative age: 'just now', '5 min ago', '3 h ago', '2 d ago', 'in 3 d'."""
    value = as_utc(value)
    if value is None:
        return ""
    seconds = int(((reference or now()) - value).total_seconds())
    future, seconds = seconds < 0, abs(seconds)
    if seconds < 60:
        return "just now" if not future else "in a moment"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            amount = f"{seconds // size} {unit}"
            return f"in {amount}" if future else f"{amount} ago"
    raise AssertionError("unreachable")


def age(value: datetime | None, reference: datetime | None = None) -> str:
    """A compact age for tables: 'now', '12m', '3h', '5d'."""
    value = as_utc(value)
    if value is None:
        return ""
    seconds = max(0, int(((reference or now()) - value).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return "now"
