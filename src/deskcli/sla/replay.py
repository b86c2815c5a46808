"""A case's service-level clocks, computed from its events alone.

The write path keeps the clocks as each event happens (a row of `case_clock`
per clock run, see the 0009 migration's docstring); this module computes the
same rows from a case's whole timeline at once: for the migration's backfill
of cases older than the clocks, and for `desk sla what-if`, which replays
cases under other targets.  Pure and standard library only: events in, clock
runs out, nothing read or written.

The rules (issue 13, "Clocks on a case"):

- first_response starts when the case is opened and stops at the first
  `reply` (the five A's customer steps record replies too); never paused.
- next_reply starts at a customer message (`inbound`) that arrives after the
  first reply while no next-reply clock is running (a new cycle each time,
  numbered from 1); the next reply stops it; never paused.
- resolution starts when the case is opened, is paused while the case is
  pending (waiting on the customer) and stops at `resolved`; a reopen starts
  it again from where it stopped: the business time already used still
  counts, and a clock that had breached stays breached.
- Resolving stops every clock still running (nothing is owed on a solved
  case), and a customer message on a resolved or closed case starts no
  next-reply clock (reopening is the agent's call).
- A priority change (the priority at open, then `edited` events) switches
  every clock that has not stopped to the new priority's target and
  calendar, counted from the clock's start.

Columns, as the migration defines them: a running clock has
`segment_started_at` (when its current run began) and `due_at` =
calendar.add(segment_started_at, target - used_seconds); `used_seconds` is
the business time of its finished runs; a paused clock has neither; a
stopped one keeps the due time it had.  `breached` is stored when a clock
pauses or stops past its due time (strictly after it); a running clock is
breached once "now" is past its `due_at`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple, Protocol

from deskcli.sla.calendar import Calendar

CLOCKS = ("first_response", "next_reply", "resolution")
FIRST_RESPONSE, NEXT_REPLY, RESOLUTION = CLOCKS

# Only these kinds move a clock; the backfill and what-if read no others.
CLOCK_EVENT_KINDS = (
    "opened",
    "reply",
    "inbound",
    "status",
    "escalated",
    "resolved",
    "reopened",
    "edited",
)


class EventLike(Protocol):
    """What the replay reads of an event (reads.rows.EventRow has it)."""

    @property
    def kind(self) -> str: ...

    @property
    def at(self) -> datetime: ...

    @property
    def data(self) -> Mapping[str, Any] | None: ...


class Event(NamedTuple):
    """An event as the replay needs it: its kind, when (aware), its data."""

    kind: str
    at: datetime
    data: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Terms:
    """A priority's policy: its targets in business seconds, on its calendar."""

    first_response_seconds: int
    next_reply_seconds: int
    resolution_seconds: int
    calendar: Calendar

    def target(self, clock: str) -> int:
        return int(getattr(self, f"{clock}_seconds"))


@dataclass
class Segment:
    """A stretch of a clock run, running or paused (`end` None: still going)."""

    start: datetime
    end: datetime | None
    state: Literal["running", "paused"]
    business_seconds: float = 0.0


@dataclass
class ClockRun:
    """One row of `case_clock`, with the calendar itself and the run's segments."""

    name: str
    cycle: int
    target_seconds: int
    calendar: Calendar
    started_at: datetime
    segment_started_at: datetime | None
    used_seconds: float = 0.0
    due_at: datetime | None = None
    stopped_at: datetime | None = None
    paused: bool = False
    breached: bool = False
    segments: list[Segment] = field(default_factory=list)

    @property
    def running(self) -> bool:
        """Counting now: neither paused nor stopped."""
        return self.stopped_at is None and not self.paused

    def business_seconds_used(self, now: datetime) -> float:
        """Business time used up to `now` (the current run counted to `now`)."""
        if self.running and self.segment_started_at is not None:
            return self.used_seconds + self.calendar.between(self.segment_started_at, now)
        return self.used_seconds

    def breached_at(self, now: datetime) -> bool:
        """Stored as breached, or running and past its due time at `now`."""
        return self.breached or (self.running and self.due_at is not None and now > self.due_at)

    def verdict(self, now: datetime) -> Literal["met", "breached"] | None:
        """ "breached" (at `now`), "met" (stopped in time), or None: still running in time."""
        if self.breached_at(now):
            return "breached"
        return "met" if self.stopped_at is not None else None

    def row(self) -> dict[str, Any]:
        """The `case_clock` columns (aware UTC times; the caller stores them)."""
        return {
            "name": self.name,
            "cycle": self.cycle,
            "target_seconds": self.target_seconds,
            "calendar": self.calendar.name,
            "started_at": self.started_at,
            "segment_started_at": self.segment_started_at,
            "used_seconds": self.used_seconds,
            "due_at": self.due_at,
            "stopped_at": self.stopped_at,
            "paused": self.paused,
            "breached": self.breached,
        }

    # -- what events do to a run -----------------------------------------

    def _due(self) -> datetime | None:
        if self.segment_started_at is None:
            return None
        left = max(self.target_seconds - self.used_seconds, 0.0)
        return self.calendar.add(self.segment_started_at, left)

    def _close_segment(self, at: datetime) -> None:
        if self.segments and self.segments[-1].end is None:
            segment = self.segments[-1]
            segment.end = at
            if segment.state == "running":
                segment.business_seconds = self.calendar.between(segment.start, at)

    def _finish_run(self, at: datetime) -> None:
        """End the current run at `at`: its business time is used, and being
        past due now is a breach for good."""
        assert self.segment_started_at is not None
        self.used_seconds += self.calendar.between(self.segment_started_at, at)
        if self.due_at is not None and at > self.due_at:
            self.breached = True
        self._close_segment(at)
        self.segment_started_at = None

    def stop(self, at: datetime) -> None:
        if self.stopped_at is not None:
            return
        if self.running:
            self._finish_run(at)
        else:
            self._close_segment(at)
        self.stopped_at = at
        self.paused = False

    def pause(self, at: datetime) -> None:
        if not self.running:
            return
        self._finish_run(at)
        self.due_at = None
        self.paused = True
        self.segments.append(Segment(at, None, "paused"))

    def resume(self, at: datetime) -> None:
        """Count again from `at`: after a pause, or (a reopen) after a stop."""
        if self.running:
            return
        self._close_segment(at)
        self.stopped_at = None
        self.paused = False
        self.segment_started_at = at
        self.due_at = self._due()
        self.segments.append(Segment(at, None, "running"))

    def reopen(self, at: datetime, terms: Terms) -> None:
        """A stopped run counts again from `at`, under the case's policy as it
        is now; its used time and a breach stay."""
        if self.stopped_at is None:
            return
        self.target_seconds = terms.target(self.name)
        self.calendar = terms.calendar
        self.resume(at)

    def switch(self, terms: Terms) -> None:
        """New targets for a run that has not stopped, counted from its start."""
        if self.stopped_at is not None:
            return
        self.target_seconds = terms.target(self.name)
        self.calendar = terms.calendar
        if self.running:
            self.due_at = self._due()


@dataclass
class Clocks:
    """The clock runs of a case, oldest first, and the case's earliest due time."""

    runs: list[ClockRun]

    @property
    def due_at(self) -> datetime | None:
        """The earliest due time of the running clocks (`case.due_at`)."""
        due = [run.due_at for run in self.runs if run.running and run.due_at is not None]
        return min(due) if due else None

    def latest(self, name: str) -> ClockRun | None:
        """The clock `name`'s latest run (next_reply: its latest cycle)."""
        found = [run for run in self.runs if run.name == name]
        return found[-1] if found else None


class _Case:
    """The replay's state: the clocks so far, and what they depend on."""

    def __init__(self, terms: Mapping[str, Terms], priority: str) -> None:
        self.terms = terms
        self.priority = priority
        self.pending = False
        self.runs: list[ClockRun] = []
        self.first_response: ClockRun | None = None
        self.resolution: ClockRun | None = None
        self.next_reply: ClockRun | None = None  # the latest cycle
        self.solved = False  # resolved (or closed) and not reopened since

    def start(self, name: str, cycle: int, at: datetime) -> ClockRun:
        terms = self.terms[self.priority]
        run = ClockRun(name, cycle, terms.target(name), terms.calendar, at, at)
        run.due_at = run._due()
        run.segments.append(Segment(at, None, "running"))
        self.runs.append(run)
        return run

    def apply(self, event: EventLike) -> None:
        kind, at, data = event.kind, event.at, event.data or {}
        if kind == "opened":
            if self.first_response is None:
                self.first_response = self.start(FIRST_RESPONSE, 0, at)
                self.resolution = self.start(RESOLUTION, 0, at)
            return
        if self.resolution is None:
            return  # no `opened` yet: nothing to count (a damaged timeline)
        if kind == "reply":
            self._reply(at)
        elif kind == "inbound":
            self._inbound(at)
            self._set_pending(data.get("to") == "pending", at)
        elif kind == "status":
            self._set_pending(data.get("to") == "pending", at)
        elif kind == "escalated":
            self._set_pending(False, at)
        elif kind == "resolved":
            self.pending, self.solved = False, True
            for run in self.runs:  # every clock still running stops: nothing is owed now
                if run.stopped_at is None:
                    run.stop(at)
        elif kind == "reopened":
            self.pending, self.solved = False, False
            self.resolution.reopen(at, self.terms[self.priority])
        elif kind == "edited":
            change = data.get("priority")
            if isinstance(change, Mapping) and change.get("to") in self.terms:
                self.priority = str(change["to"])
                for run in self.runs:
                    run.switch(self.terms[self.priority])

    def _reply(self, at: datetime) -> None:
        assert self.first_response is not None
        if self.first_response.stopped_at is None:
            self.first_response.stop(at)
        elif self.next_reply is not None:
            self.next_reply.stop(at)

    def _inbound(self, at: datetime) -> None:
        assert self.first_response is not None
        replied = self.first_response.stopped_at is not None
        waiting = self.next_reply is not None and self.next_reply.stopped_at is None
        if replied and not waiting and not self.solved:  # a solved case owes no reply
            cycle = self.next_reply.cycle + 1 if self.next_reply is not None else 1
            self.next_reply = self.start(NEXT_REPLY, cycle, at)

    def _set_pending(self, pending: bool, at: datetime) -> None:
        assert self.resolution is not None
        if pending and not self.pending:
            self.resolution.pause(at)
        elif self.pending and not pending:
            self.resolution.resume(at)
        self.pending = pending


def opening_priority(events: Iterable[EventLike], current: str) -> str:
    """The priority the case was opened with: the `opened` event says so;
    older timelines may not, then the first priority edit's "from" does, and
    else the case's priority now (it never changed)."""
    for event in events:
        data = event.data or {}
        if event.kind == "opened" and isinstance(data.get("priority"), str):
            return str(data["priority"])
        change = data.get("priority") if event.kind == "edited" else None
        if isinstance(change, Mapping) and isinstance(change.get("from"), str):
            return str(change["from"])
    return current


def replay(
    events: Iterable[EventLike], terms: Mapping[str, Terms], now: datetime, *, priority: str
) -> Clocks:
    """The clocks of a case whose timeline is `events` (in the order they
    happened), under `terms` (per priority), as of `now`: later events have
    not happened yet.  `priority` is the case's priority now, used when the
    timeline does not say which it was opened with."""
    every = list(events)
    opened = opening_priority(every, priority)  # a later edit's "from" still tells
    timeline = [event for event in every if event.at <= now]
    case = _Case(terms, opened if opened in terms else priority)
    for event in timeline:
        case.apply(event)
    for run in case.runs:
        if run.segments and run.segments[-1].end is None and run.segments[-1].state == "running":
            run.segments[-1].business_seconds = run.calendar.between(run.segments[-1].start, now)
    return Clocks(case.runs)
