"""Service-level clocks for people: the due column of case tables, a case's
clocks in `desk case show`, `desk sla breaches` and `desk sla explain`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskcli import times
from deskcli.render.console import out, say, show_rows, user
from deskcli.shapes import SLA_CLOCKS, clock_breached, current_clocks

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from deskcli.reads.rows import ClockRow

# A case due within this long is marked at risk in the tables.
AT_RISK_SECONDS = 3600
CLOCK_WORDS = {
    "first_response": "first response",
    "next_reply": "next reply",
    "resolution": "resolution",
}


def span(seconds: float) -> str:
    """A length of time as people say it on a desk: '35m', '2h 10m', '3d 4h'."""
    minutes = round(abs(seconds) / 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"


def due_text(due_at: datetime | None, now: datetime | None = None) -> Text:
    """The due column: 'in 2h 10m', 'at risk: in 20m' or 'breached 35m ago'."""
    from rich.text import Text

    if due_at is None:
        return Text("-", style="dim")
    left = (due_at - (now or times.now())).total_seconds()
    if left < 0:
        return Text(f"breached {span(left)} ago", style="bold red")
    if left <= AT_RISK_SECONDS:
        return Text(f"at risk: in {span(left)}", style="yellow")
    return Text(f"in {span(left)}")


def clock_text(clock: ClockRow, now: datetime) -> Text:
    """One clock in `desk case show`: due in 2h 10m / breached 35m ago / paused / met."""
    from rich.text import Text

    target = f" (target {span(clock.target_seconds)})"
    if clock.stopped_at is not None:
        if clock.breached:
            return Text(f"missed{target}", style="red")
        return Text(f"met{target}", style="green")
    if clock.paused:
        left = max(0.0, clock.target_seconds - clock.used_seconds)
        late = ", breached" if clock.breached else ""
        return Text(f"paused, {span(left)} of business time left{late}", style="dim")
    assert clock.due_at is not None
    left = (clock.due_at - now).total_seconds()
    if left < 0:
        return Text(f"breached {span(left)} ago{target}", style="bold red")
    if clock_breached(clock, now):  # breached before a pause or a reopen: it stays so
        return Text(f"due in {span(left)}{target}, breached earlier", style="red")
    return Text(f"due in {span(left)}{target}", style="yellow" if left <= AT_RISK_SECONDS else "")


def clock_rows(clocks: Sequence[ClockRow] | None) -> list[tuple[str, Text | str]]:
    """The rows of a case's panel for its clocks (none when not read)."""
    if not clocks:
        return []
    now = times.now()
    shown = current_clocks(clocks)
    return [
        (f"SLA {CLOCK_WORDS[name]}", clock_text(clock, now))
        for name, clock in shown.items()
        if clock is not None
    ]


# Breaches and explanations are services.sla_clocks' Breach and Explanation
# (render sits below services, so they are typed loosely here).


def breaches(found: Sequence[Any], *, empty: str) -> None:
    show_rows(found, breaches_table, empty)


def breaches_table(found: Sequence[Any]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    for column in ("Case", "Clock", "Due", "", "Priority", "Assignee", "Team"):
        table.add_column(column, no_wrap=True)
    for b in found:
        late = (
            Text(f"breached {span(b.overdue_seconds)} ago", style="bold red")
            if b.breached
            else Text(f"at risk: in {span(b.overdue_seconds)}", style="yellow")
        )
        table.add_row(
            str(b.case_id),
            CLOCK_WORDS.get(b.clock, b.clock),
            times.local(b.due_at),
            late,
            b.priority,
            user(b.assignee or "-"),
            user(b.team or "-"),
        )
    return table


def explanation(found: Any) -> None:
    """`desk sla explain`: each clock's story and how its due time follows."""
    from rich.text import Text

    case_ = found.view.case
    say(f"Case {case_.id}: priority {case_.priority}, status {case_.status}.")
    for change in found.priority_changes:
        moved = (change.data or {}).get("priority") or {}
        say(
            f"  {times.local(change.at)}: priority {moved.get('from')} -> {moved.get('to')}"
            f" by {change.agent}; running clocks took the new targets from their start"
        )
    if not found.stories:
        say("No service-level clocks on this case.")
        return
    now = times.now()
    console = out()
    for name in SLA_CLOCKS:
        story = found.stories.get(name)
        if story is None:
            continue
        clock, calendar = story.clock, story.calendar
        cycle = f" (cycle {clock.cycle})" if name == "next_reply" else ""
        console.print(
            Text.assemble(
                (f"\n{CLOCK_WORDS[name]}{cycle}: ", "bold"),
                clock_text(clock, now),
            )
        )
        say(
            f"  target {span(clock.target_seconds)} of business time on calendar"
            f" {calendar.name} ({calendar.tz}); started {times.local(clock.started_at)}"
        )
        for segment in story.segments:
            end = times.local(segment.end) if segment.end else "now"
            counted = (
                f"{span(segment.business_seconds)} counted"
                if segment.state == "running"
                else "not counted"
            )
            say(f"  {segment.state:8} {times.local(segment.start)} -> {end}: {counted}")
        used = clock.used_seconds if clock.used_now is None else clock.used_now
        say(f"  used {span(used)} of {span(clock.target_seconds)}")
        if clock.stopped_at is not None:
            verdict = "missed" if clock.breached else "met"
            due = f" (due {times.local(clock.due_at)})" if clock.due_at else ""
            say(f"  stopped {times.local(clock.stopped_at)}{due}: {verdict}")
        elif clock.paused:
            left = max(0.0, clock.target_seconds - clock.used_seconds)
            say(f"  paused: {span(left)} left, counted again when the case is worked again")
        elif clock.segment_started_at is not None and clock.due_at is not None:
            left = clock.target_seconds - clock.used_seconds
            say(
                f"  due = {times.local(clock.segment_started_at)} + {span(max(0, left))}"
                f" of business time = {times.local(clock.due_at)}"
            )
