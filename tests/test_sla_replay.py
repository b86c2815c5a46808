"""The clocks of a case replayed from its events (deskcli.sla.replay): the
rules of issue 13 on real schedules (nights, weekends, holidays, DST,
pending pauses, reopens, priority changes), and properties checked against
a plain recount of the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from deskcli.sla.calendar import Calendar, always_calendar, parse_hours
from deskcli.sla.replay import Event, Terms, opening_priority, replay

MADRID = ZoneInfo("Europe/Madrid")
H = 3600
D = 86400


def office(*holidays: str) -> Calendar:
    hours = (parse_hours("mon-fri 09:00-18:00"),)
    return Calendar(
        "office", "Europe/Madrid", hours, frozenset(date.fromisoformat(h) for h in holidays)
    )


def terms(calendar: Calendar) -> dict[str, Terms]:
    """The seeded targets (urgent 1h/4h, high 4h/1d, normal 8h/3d, low 1d/5d)."""
    return {
        "urgent": Terms(H, H, 4 * H, calendar),
        "high": Terms(4 * H, 4 * H, D, calendar),
        "normal": Terms(8 * H, 8 * H, 3 * D, calendar),
        "low": Terms(D, D, 5 * D, calendar),
    }


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MADRID)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def opened(at: datetime, priority: str = "normal") -> Event:
    return Event("opened", at, {"channel": "phone", "priority": priority, "customer": "C-1"})


def status(at: datetime, frm: str, to: str) -> Event:
    return Event("status", at, {"from": frm, "to": to})


def inbound(at: datetime, frm: str = "open", to: str = "open") -> Event:
    return Event("inbound", at, {"channel": "email", "from": frm, "to": to})


def edited(at: datetime, frm: str, to: str) -> Event:
    return Event("edited", at, {"priority": {"from": frm, "to": to}})


def test_friday_evening_first_response_is_due_monday_and_a_holiday_moves_it() -> None:
    events = [opened(local("2026-03-06 17:30"), "urgent")]
    clocks = replay(events, terms(office()), local("2026-03-06 17:45"), priority="urgent")
    first = clocks.latest("first_response")
    assert first is not None and first.due_at == local("2026-03-09 09:30")
    assert first.target_seconds == H and first.calendar.name == "office"
    # Resolution: 4 h from Friday 17:30 is 30 min on Friday, 3.5 h on Monday.
    assert clocks.due_at == local("2026-03-09 09:30")
    resolution = clocks.latest("resolution")
    assert resolution is not None and resolution.due_at == local("2026-03-09 12:30")
    holiday = replay(events, terms(office("2026-03-09")), local("2026-03-07"), priority="urgent")
    assert holiday.due_at == local("2026-03-10 09:30")


def test_a_reply_stops_the_first_response_met_or_breached() -> None:
    start = local("2026-03-06 17:30")
    met = replay(
        [opened(start, "urgent"), Event("reply", local("2026-03-09 09:10"))],
        terms(office()),
        local("2026-03-20"),
        priority="urgent",
    ).latest("first_response")
    assert met is not None and met.stopped_at == local("2026-03-09 09:10")
    assert (
        met.used_seconds == 40 * 60
        and not met.breached
        and met.verdict(local("2026-04-01")) == "met"
    )
    assert met.due_at == local("2026-03-09 09:30")  # a stopped clock keeps its due time
    late = replay(
        [opened(start, "urgent"), Event("reply", local("2026-03-09 09:31"))],
        terms(office()),
        local("2026-03-20"),
        priority="urgent",
    ).latest("first_response")
    assert late is not None and late.breached and late.verdict(local("2026-03-20")) == "breached"
    # Exactly at the due time is in time: a breach is past it.
    on_time = replay(
        [opened(start, "urgent"), Event("reply", local("2026-03-09 09:30"))],
        terms(office()),
        local("2026-03-20"),
        priority="urgent",
    ).latest("first_response")
    assert on_time is not None and not on_time.breached


def test_a_running_clock_is_breached_once_now_is_past_its_due_time() -> None:
    clocks = replay(
        [opened(utc("2026-03-02 08:00"), "urgent")],
        terms(always_calendar()),
        utc("2026-03-02 09:00"),
        priority="urgent",
    )
    first = clocks.latest("first_response")
    assert first is not None and not first.breached  # stored only when it pauses or stops
    assert not first.breached_at(utc("2026-03-02 09:00"))
    assert (
        first.breached_at(utc("2026-03-02 09:00:01"))
        and first.verdict(utc("2026-03-03")) == "breached"
    )
    assert first.verdict(utc("2026-03-02 08:30")) is None  # running, in time


def test_a_pending_weekend_loses_no_business_time() -> None:
    # Normal: resolution 3 days = 72 business hours = 8 working days on the office calendar.
    events = [
        opened(local("2026-03-05 09:00")),  # Thursday
        Event("reply", local("2026-03-05 09:30")),
        status(local("2026-03-05 10:00"), "open", "pending"),  # 1 h used
        status(local("2026-03-09 10:00"), "pending", "open"),  # Monday: resumed
    ]
    during = replay(events[:3], terms(office()), local("2026-03-07 12:00"), priority="normal")
    paused = during.latest("resolution")
    assert paused is not None and paused.paused and paused.due_at is None
    assert paused.segment_started_at is None and paused.used_seconds == H
    assert paused.business_seconds_used(local("2026-03-08")) == H
    assert during.due_at is None  # first response stopped, resolution paused
    after = replay(events, terms(office()), local("2026-03-09 11:00"), priority="normal")
    resolution = after.latest("resolution")
    assert resolution is not None and resolution.running and resolution.used_seconds == H
    assert resolution.segment_started_at == local("2026-03-09 10:00")
    # 71 h left from Monday 10:00: 8 h Monday, then 7 days of 9 h (63 h) to
    # Wednesday 18:00 a week later.
    assert resolution.due_at == local("2026-03-18 18:00")
    assert resolution.business_seconds_used(local("2026-03-09 11:00")) == 2 * H
    assert [(s.state, s.business_seconds) for s in resolution.segments] == [
        ("running", H),
        ("paused", 0.0),
        ("running", H),
    ]


def test_a_customer_message_or_an_escalation_ends_the_pause() -> None:
    base = [
        opened(utc("2026-03-02 08:00"), "urgent"),
        status(utc("2026-03-02 09:00"), "new", "pending"),
    ]
    for leaving in (
        inbound(utc("2026-03-02 11:00"), "pending", "open"),
        Event("escalated", utc("2026-03-02 11:00"), {"to": "billing", "tier": 2}),
    ):
        clocks = replay(
            [*base, leaving], terms(always_calendar()), utc("2026-03-02 12:00"), priority="urgent"
        )
        resolution = clocks.latest("resolution")
        assert resolution is not None and resolution.running
        assert resolution.due_at == utc("2026-03-02 14:00")  # 1 h used, 3 h left from 11:00
    # A message on a resolved case (it stays resolved) starts no resolution clock.
    resolved = Event("resolved", utc("2026-03-02 10:00"), {"from": "pending"})
    still = replay(
        [*base, resolved, inbound(utc("2026-03-02 11:00"), "resolved", "resolved")],
        terms(always_calendar()),
        utc("2026-03-02 12:00"),
        priority="urgent",
    )
    stopped = still.latest("resolution")
    assert stopped is not None and stopped.stopped_at == utc("2026-03-02 10:00")
    assert not stopped.paused and stopped.used_seconds == H and stopped.due_at is None


def test_a_dst_night_shifts_no_due_time() -> None:
    # Madrid springs forward on Sunday 2026-03-29.
    clocks = replay(
        [opened(local("2026-03-27 17:00"), "urgent")],
        terms(office()),
        local("2026-03-28"),
        priority="urgent",
    )
    resolution = clocks.latest("resolution")
    assert resolution is not None and resolution.due_at == local("2026-03-30 12:00")
    assert resolution.due_at.astimezone(MADRID).hour == 12  # type: ignore[union-attr]
    # Paused across the night, resumed Monday: the business hours count the same.
    events = [
        opened(local("2026-03-27 17:00"), "urgent"),
        status(local("2026-03-27 17:30"), "new", "pending"),
        status(local("2026-03-30 09:00"), "pending", "open"),
    ]
    after = replay(events, terms(office()), local("2026-03-30 09:30"), priority="urgent")
    assert after.latest("resolution").due_at == local("2026-03-30 12:30")  # type: ignore[union-attr]


def test_a_reopen_keeps_the_time_used() -> None:
    events = [
        opened(utc("2026-03-02 08:00"), "urgent"),
        Event("reply", utc("2026-03-02 08:10")),
        Event("resolved", utc("2026-03-02 09:00"), {"from": "open"}),
        Event("reopened", utc("2026-03-04 10:00"), {"from": "resolved"}),
    ]
    before = replay(events[:3], terms(always_calendar()), utc("2026-03-03"), priority="urgent")
    stopped = before.latest("resolution")
    assert stopped is not None and stopped.stopped_at == utc("2026-03-02 09:00")
    assert stopped.used_seconds == H and stopped.verdict(utc("2026-03-03")) == "met"
    assert before.due_at is None
    clocks = replay(events, terms(always_calendar()), utc("2026-03-04 10:30"), priority="urgent")
    resolution = clocks.latest("resolution")
    assert resolution is not None and resolution.running and resolution.stopped_at is None
    assert resolution.used_seconds == H and resolution.started_at == utc("2026-03-02 08:00")
    assert resolution.due_at == utc("2026-03-04 13:00")  # 3 h left
    assert clocks.due_at == utc("2026-03-04 13:00")
    first = clocks.latest("first_response")
    assert first is not None and first.stopped_at == utc("2026-03-02 08:10")  # stays stopped


def test_a_breached_clock_stays_breached_after_a_reopen_and_a_lower_priority() -> None:
    events = [
        opened(utc("2026-03-02 08:00"), "urgent"),
        Event("resolved", utc("2026-03-02 13:00"), {"from": "new"}),  # 5 h: past the 4 h
        Event("reopened", utc("2026-03-03 08:00"), {"from": "resolved"}),
        edited(utc("2026-03-03 08:05"), "urgent", "low"),
    ]
    clocks = replay(events, terms(always_calendar()), utc("2026-03-03 09:00"), priority="low")
    resolution = clocks.latest("resolution")
    assert resolution is not None and resolution.breached and resolution.running
    assert resolution.target_seconds == 5 * D
    assert resolution.due_at == utc("2026-03-03 08:00") + timedelta(seconds=5 * D - 5 * H)
    assert resolution.verdict(utc("2026-03-03 09:00")) == "breached"


def test_a_priority_change_is_counted_from_the_clocks_start() -> None:
    start = utc("2026-03-02 08:00")
    events = [opened(start, "normal"), edited(start + timedelta(hours=2), "normal", "urgent")]
    clocks = replay(
        events, terms(always_calendar()), start + timedelta(hours=2, minutes=30), priority="urgent"
    )
    first = clocks.latest("first_response")
    resolution = clocks.latest("resolution")
    assert first is not None and resolution is not None
    assert first.target_seconds == H and first.due_at == start + timedelta(hours=1)
    assert first.breached_at(start + timedelta(hours=2, minutes=30))
    assert resolution.due_at == start + timedelta(hours=4)
    # Down to low: later due times, from the same start; a stopped clock keeps its target.
    events = [
        opened(start, "urgent"),
        Event("reply", start + timedelta(minutes=20)),
        edited(start + timedelta(minutes=30), "urgent", "low"),
    ]
    clocks = replay(events, terms(always_calendar()), start + timedelta(hours=1), priority="low")
    assert clocks.latest("first_response").target_seconds == H  # type: ignore[union-attr]
    assert clocks.latest("resolution").due_at == start + timedelta(days=5)  # type: ignore[union-attr]


def test_a_priority_change_while_paused_applies_on_resume() -> None:
    start = utc("2026-03-02 08:00")
    events = [
        opened(start, "low"),
        status(start + timedelta(hours=1), "new", "pending"),
        edited(start + timedelta(hours=2), "low", "urgent"),
        status(start + timedelta(hours=3), "pending", "open"),
    ]
    clocks = replay(events, terms(always_calendar()), start + timedelta(hours=3), priority="urgent")
    resolution = clocks.latest("resolution")
    assert resolution is not None and resolution.target_seconds == 4 * H
    assert resolution.due_at == start + timedelta(hours=6)  # 1 h used, 3 h left from 11:00


def test_next_reply_runs_from_a_customer_message_after_the_first_reply() -> None:
    start = utc("2026-03-02 08:00")
    at = [start + timedelta(hours=n) for n in range(12)]
    events = [
        opened(at[0], "high"),
        inbound(at[1]),  # before any reply: the first response is still due
        Event("reply", at[2]),
        inbound(at[3]),  # starts next reply, cycle 1
        inbound(at[4]),  # one is running: nothing new
        Event("reply", at[5]),  # stops it
        Event("reply", at[6]),  # nothing running
        inbound(at[7]),  # cycle 2
    ]
    clocks = replay(events, terms(always_calendar()), at[11], priority="high")
    cycles = [run for run in clocks.runs if run.name == "next_reply"]
    assert [(r.cycle, r.started_at, r.stopped_at) for r in cycles] == [
        (1, at[3], at[5]),
        (2, at[7], None),
    ]
    assert cycles[0].used_seconds == 2 * H and not cycles[0].breached
    assert cycles[1].due_at == at[7] + timedelta(hours=4) and cycles[1].breached_at(
        at[11] + timedelta(hours=1)
    )
    assert clocks.due_at == at[7] + timedelta(hours=4)  # before the resolution's (a day)
    assert [r.row()["name"] for r in clocks.runs] == [
        "first_response",
        "resolution",
        "next_reply",
        "next_reply",
    ]


def test_events_after_now_have_not_happened() -> None:
    start = utc("2026-03-02 08:00")
    events = [opened(start, "urgent"), Event("reply", start + timedelta(hours=2))]
    clocks = replay(events, terms(always_calendar()), start + timedelta(hours=1), priority="urgent")
    assert clocks.latest("first_response").stopped_at is None  # type: ignore[union-attr]
    assert replay([], terms(always_calendar()), start, priority="urgent").runs == []


def test_the_opening_priority_comes_from_the_timeline() -> None:
    start = utc("2026-03-02 08:00")
    no_data = Event("opened", start, None)
    assert opening_priority([opened(start, "high")], "low") == "high"
    assert opening_priority([no_data, edited(start, "urgent", "low")], "low") == "urgent"
    assert opening_priority([no_data], "low") == "low"
    clocks = replay(
        [no_data, edited(start + timedelta(minutes=1), "urgent", "low")],
        terms(always_calendar()),
        start,
        priority="low",
    )
    assert clocks.latest("first_response").target_seconds == H  # type: ignore[union-attr]


# -- properties ----------------------------------------------------------------

ACTIONS = (
    "reply",
    "inbound",
    "pending",
    "resume",
    "escalate",
    "resolve",
    "reopen",
    "edit",
    "close",
)
PRIORITIES = ("low", "normal", "high", "urgent")
ACTIVE = ("new", "open", "pending", "escalated")


def timeline(steps: Sequence[tuple[int, str, int]], start: datetime) -> list[Event]:
    """Events as the verbs write them, for the steps the status allows (others skipped)."""
    events = [opened(start, "normal")]
    state, priority, at = "new", "normal", start
    for minutes, action, pick in steps:
        at += timedelta(minutes=minutes)
        if action == "reply" and state != "closed":
            events.append(Event("reply", at))
            state = "open" if state == "new" else state
        elif action == "inbound":
            to = "open" if state == "pending" else state
            events.append(inbound(at, state, to))
            state = to
        elif action == "pending" and state in ("new", "open"):
            events.append(status(at, state, "pending"))
            state = "pending"
        elif action == "resume" and state in ("pending", "escalated"):
            events.append(status(at, state, "open"))
            state = "open"
        elif action == "escalate" and state in ACTIVE:
            events.append(Event("escalated", at, {"to": "tier2", "tier": 2}))
            state = "escalated"
        elif action == "resolve" and state in ACTIVE:
            events.append(Event("resolved", at, {"from": state}))
            state = "resolved"
        elif action == "reopen" and state in ("resolved", "closed"):
            events.append(Event("reopened", at, {"from": state}))
            state = "open"
        elif action == "edit" and state != "closed":
            new = PRIORITIES[pick % 4]
            if new != priority:
                events.append(edited(at, priority, new))
                priority = new
        elif action == "close" and state == "resolved":
            events.append(Event("closed", at, {}))
            state = "closed"
    return events


def recount(events: Sequence[Event], now: datetime, calendar: Calendar) -> tuple[float, bool]:
    """The resolution clock counted plainly: the business time of every
    stretch in which the case was neither pending nor resolved/closed, and
    whether it ever stood past its target at a pause, a stop or now."""
    targets = terms(calendar)
    used, breached = 0.0, False
    counting_since: datetime | None = None
    priority = "normal"
    moves = {
        "escalated": "escalated",
        "resolved": "resolved",
        "reopened": "open",
        "closed": "closed",
    }
    for event in events:
        data = event.data or {}
        if event.kind == "opened":
            counting_since = event.at
            continue
        if event.kind == "edited":
            priority = data["priority"]["to"]
            continue
        if event.kind in ("status", "inbound"):
            new_status = data["to"]
        elif event.kind in moves:
            new_status = moves[event.kind]
        else:
            continue
        counts = new_status in ("new", "open", "escalated")
        if not counts and counting_since is not None:
            used += calendar.between(counting_since, event.at)
            breached |= used > targets[priority].resolution_seconds
            counting_since = None
        elif counts and counting_since is None:
            counting_since = event.at
    if counting_since is not None:
        used += calendar.between(counting_since, now)
        breached |= used > targets[priority].resolution_seconds
    return used, breached


steps = st.lists(
    st.tuples(st.integers(1, 3000), st.sampled_from(ACTIONS), st.integers(0, 3)), max_size=25
)


@settings(max_examples=300, deadline=None)
@given(steps, st.integers(1, 5000))
def test_the_resolution_clock_counts_what_a_plain_recount_counts(
    steps: list[tuple[int, str, int]], extra: int
) -> None:
    """On a 24x7 calendar: business time used and the verdict match a recount
    of the timeline, and every column keeps the migration's meaning."""
    start = utc("2026-03-02 08:00")
    events = timeline(steps, start)
    now = events[-1].at + timedelta(minutes=extra)
    clocks = replay(events, terms(always_calendar()), now, priority="normal")
    resolution = clocks.latest("resolution")
    assert resolution is not None
    used, breached = recount(events, now, always_calendar())
    assert resolution.business_seconds_used(now) == used
    assert resolution.breached_at(now) == breached
    _check_columns(clocks.runs, now)


@settings(max_examples=80, deadline=None)
@given(steps, st.integers(1, 5000))
def test_business_hours_count_only_open_time(steps: list[tuple[int, str, int]], extra: int) -> None:
    """On office hours across a DST change: the same recount of business time."""
    cal = office("2026-03-31")
    start = local("2026-03-26 16:00")
    events = timeline(steps, start)
    now = events[-1].at + timedelta(minutes=extra)
    clocks = replay(events, terms(cal), now, priority="normal")
    resolution = clocks.latest("resolution")
    assert resolution is not None
    used, _ = recount(events, now, cal)
    assert abs(resolution.business_seconds_used(now) - used) < 1e-6
    _check_columns(clocks.runs, now)


def _check_columns(runs: Sequence[Any], now: datetime) -> None:
    for run in runs:
        running_segments = sum(s.business_seconds for s in run.segments if s.state == "running")
        assert abs(running_segments - run.business_seconds_used(now)) < 1e-6
        if run.running:
            assert run.segment_started_at is not None
            left = max(run.target_seconds - run.used_seconds, 0)
            assert run.due_at == run.calendar.add(run.segment_started_at, left)
        else:
            assert run.segment_started_at is None
        if run.paused:
            assert run.due_at is None and run.stopped_at is None and run.name == "resolution"
        if run.name != "resolution":
            assert all(s.state == "running" for s in run.segments)


@settings(max_examples=150, deadline=None)
@given(steps)
def test_a_breach_is_never_undone_by_later_events(steps: list[tuple[int, str, int]]) -> None:
    start = utc("2026-03-02 08:00")
    events = timeline(steps, start)
    seen: dict[tuple[str, int], bool] = {}
    for n in range(1, len(events) + 1):
        now = events[n - 1].at
        for run in replay(events[:n], terms(always_calendar()), now, priority="normal").runs:
            key = (run.name, run.cycle)
            if seen.get(key):
                assert run.breached, (key, events[:n])
            seen[key] = run.breached
