"""Business time (deskcli.sla.calendar): opening hours, holidays and DST, and
the two operations service levels rest on, `add` and `between`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskcli.errors import InvalidValue
from deskcli.sla.calendar import (
    Calendar,
    Hours,
    always_calendar,
    check_no_overlap,
    days_text,
    parse_holiday,
    parse_hours,
    zone,
)

MADRID = ZoneInfo("Europe/Madrid")


def office(*holidays: str, tz: str = "Europe/Madrid") -> Calendar:
    hours = (parse_hours("mon-fri 09:00-18:00"),)
    return Calendar("office", tz, hours, frozenset(date.fromisoformat(h) for h in holidays))


def local(text: str, tz: ZoneInfo = MADRID) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def test_friday_evening_plus_one_hour_is_monday_morning() -> None:
    # Opened Friday 17:30 with a 1 h target: 30 min on Friday, 30 on Monday.
    friday = local("2026-03-06 17:30")
    assert office().add(friday, 3600) == local("2026-03-09 09:30")
    # A holiday on that Monday moves it to Tuesday.
    assert office("2026-03-09").add(friday, 3600) == local("2026-03-10 09:30")


def test_business_seconds_skip_nights_weekends_and_holidays() -> None:
    cal = office("2026-03-09")
    assert cal.between(local("2026-03-06 17:30"), local("2026-03-10 09:30")) == 3600
    assert cal.between(local("2026-03-07 10:00"), local("2026-03-08 20:00")) == 0  # weekend
    assert cal.between(local("2026-03-10 10:00"), local("2026-03-10 09:00")) == 0


def test_a_dst_night_shifts_no_due_time() -> None:
    # Madrid springs forward on Sunday 2026-03-29: Friday 17:00 + 2 h of
    # business time is Monday 10:00 local, whatever the offset did.
    due = office().add(local("2026-03-27 17:00"), 2 * 3600)
    assert due == local("2026-03-30 10:00")
    assert due.astimezone(MADRID).utcoffset() == timedelta(hours=2)  # summer time now
    # ... and back in October.
    assert office().add(local("2026-10-23 17:00"), 2 * 3600) == local("2026-10-26 10:00")


def test_an_always_open_calendar_is_wall_clock_time() -> None:
    cal = always_calendar()
    start = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert cal.add(start, 7200) == start + timedelta(hours=2)
    assert cal.between(start, start + timedelta(days=3)) == 3 * 86400


def test_24_00_ends_the_day_and_hours_may_be_split() -> None:
    split = (parse_hours("sat 10:00-14:00"), parse_hours("sat 20:00-24:00"))
    cal = Calendar("split", "UTC", split)
    saturday = datetime(2026, 3, 7, 13, 0, tzinfo=UTC)
    assert cal.add(saturday, 2 * 3600) == datetime(2026, 3, 7, 21, 0, tzinfo=UTC)
    assert cal.add(saturday, 5 * 3600) == datetime(2026, 3, 8, 0, 0, tzinfo=UTC)  # at 24:00
    assert cal.add(saturday, 6 * 3600) == datetime(2026, 3, 14, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("spec", "days", "start", "end"),
    [
        ("mon-fri 09:00-18:00", (0, 1, 2, 3, 4), time(9), time(18)),
        ("SAT 10:00-14:00", (5,), time(10), time(14)),
        ("mon,wed,fri 8:30-12:00", (0, 2, 4), time(8, 30), time(12)),
        ("sun 00:00-24:00", (6,), time(0), time.max),
    ],
)
def test_hours_parse(spec: str, days: tuple[int, ...], start: time, end: time) -> None:
    assert parse_hours(spec) == Hours(days, start, end)


@pytest.mark.parametrize(
    "spec",
    ["mon-fri 18:00-09:00", "mon-fri 09:00-09:00", "fri-mon 09:00-18:00", "funday 09:00-10:00",
     "mon 25:00-26:00", "mon 09:60-10:00", "mon-fri", "", "mon 9-18"],
)  # fmt: skip
def test_bad_hours_are_refused_with_what_is_accepted(spec: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_hours(spec)
    assert refused.value.hint


def test_overlapping_hours_are_refused() -> None:
    check_no_overlap([parse_hours("mon-fri 09:00-13:00"), parse_hours("mon-fri 14:00-18:00")])
    with pytest.raises(InvalidValue, match="overlap on fri"):
        check_no_overlap([parse_hours("mon-fri 09:00-18:00"), parse_hours("fri-sun 17:00-20:00")])


def test_bad_zones_and_holidays() -> None:
    assert zone("Europe/Madrid").key == "Europe/Madrid"
    for name in ("Mars/Olympus", "", "../etc/passwd", "/etc/localtime"):
        with pytest.raises(InvalidValue, match="unknown time zone"):
            zone(name)
    assert parse_holiday("2026-12-25") == date(2026, 12, 25)
    with pytest.raises(InvalidValue, match="invalid holiday"):
        parse_holiday("christmas")


def test_days_read_back_as_typed() -> None:
    assert days_text((0, 1, 2, 3, 4)) == "mon-fri"
    assert days_text((5, 6)) == "sat,sun"
    assert days_text((0, 2, 4, 5, 6)) == "mon,wed,fri-sun"


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
calendars = st.sampled_from(
    [
        office(),
        office("2026-03-09", "2026-12-25", tz="America/New_York"),
        Calendar("weekend", "Australia/Sydney", (parse_hours("sat,sun 10:00-14:00"),)),
        always_calendar(),
    ]
)


@settings(max_examples=150, deadline=None)
@given(calendars, instants, st.integers(min_value=1, max_value=30 * 86400))
def test_adding_and_measuring_agree(cal: Calendar, start: datetime, seconds: int) -> None:
    due = cal.add(start, seconds)
    assert due > start
    assert cal.between(start, due) == pytest.approx(seconds)
    # Nothing sooner would do: one second earlier is short of the target.
    assert cal.between(start, due - timedelta(seconds=1)) < seconds


@settings(max_examples=100, deadline=None)
@given(calendars, instants, instants, instants)
def test_business_time_adds_up_over_segments(
    cal: Calendar, a: datetime, b: datetime, c: datetime
) -> None:
    low, mid, high = sorted((a, b, c))
    whole = cal.between(low, high)
    assert whole == pytest.approx(cal.between(low, mid) + cal.between(mid, high))
    assert 0 <= whole <= (high - low).total_seconds()
