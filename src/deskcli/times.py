"""Clock, durations and dates.  Standard library only.

Times are stored in UTC.  JSON shows ISO 8601 with an offset; people see local
time and a relative age ("3 h ago").
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from deskcli.errors import InvalidValue
from deskcli.lang import N_, _

_frozen: datetime | None = None


def now() -> datetime:
    """The current time in UTC: the frozen time (see `frozen`), else DESK_NOW
    when set (scripts and tests walk time with it), else the clock."""
    if _frozen is not None:
        return _frozen
    given = os.environ.get("DESK_NOW")
    return _desk_now(given) if given else datetime.now(UTC)


@lru_cache(maxsize=4)
def _desk_now(text: str) -> datetime:
    """DESK_NOW's ISO 8601 time; without an offset it is UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValue(
            N_("DESK_NOW is not a time: {text!r}"),
            hint=N_("e.g. DESK_NOW=2026-03-01T09:00:00+01:00"),
            params={"text": text},
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
            N_("invalid duration {text!r}"),
            hint=N_("use a number and a unit: 30m, 4h, 3d or 2w"),
            params={"text": text},
        )
    amount, unit = int(match.group(1)), match.group(2).lower()
    seconds = amount * _UNIT_SECONDS[unit]
    if seconds > MAX_DURATION.total_seconds():
        raise InvalidValue(
            N_("duration {text!r} is too long"),
            hint=N_("durations go up to 100 years (36500d)"),
            params={"text": text.strip()},
        )
    return timedelta(seconds=seconds)


def check_year(value: datetime) -> datetime:
    """Refuse a time outside years MIN_YEAR..MAX_YEAR (before any time zone
    arithmetic could overflow on it)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InvalidValue(
            N_("date {date} is out of range"),
            hint=N_("use a date in the years {low} to {high}"),
            params={"date": value.isoformat(), "low": MIN_YEAR, "high": MAX_YEAR},
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
            N_("invalid date {text!r}"),
            hint=N_("use YYYY-MM-DD or YYYY-MM-DDTHH:MM"),
            params={"text": text},
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


def _amount(seconds: float) -> str | None:
    """A span as '12 min', '3 h' or '5 d', rounded to the nearest unit (a 3-day
    follow-up a few seconds later is still 'in 3 d', and 23 h 59 min is '1 d');
    None under half a minute."""
    minutes = int(seconds / 60 + 0.5)
    if minutes < 1:
        return None
    if minutes < 60:
        return f"{minutes} min"
    hours = int(seconds / 3600 + 0.5)
    if hours < 24:
        return f"{hours} h"
    return f"{int(seconds / 86400 + 0.5)} d"


def ago(
    value: datetime | None,
    reference: datetime | None = None,
    translate: Callable[[str], str] = _,
) -> str:
    """A short relative time: 'just now', '5 min ago', '3 h ago', '2 d ago', 'in 3 d'
    (in the guided flow's language with `translate`)."""
    value = as_utc(value)
    if value is None:
        return ""
    seconds = ((reference or now()) - value).total_seconds()
    amount = _amount(abs(seconds))
    if amount is None:
        return translate(N_("just now") if seconds >= 0 else N_("in a moment"))
    template = N_("in {amount}") if seconds < 0 else N_("{amount} ago")
    return translate(template).format(amount=amount)


def age(value: datetime | None, reference: datetime | None = None) -> str:
    """An age for tables, in the same words as `ago`: 'now', '12 min', '3 h', '5 d'."""
    value = as_utc(value)
    if value is None:
        return ""
    return _amount(max(0.0, ((reference or now()) - value).total_seconds())) or _(N_("now"))


def duration(seconds: int) -> str:
    """Time spent: '38 s', '12 min', '1 h 05 min' (seconds only under a minute)."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = int(seconds / 60 + 0.5)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
