"""Service-level clocks for people: the due column of case tables, a case's
clocks in `desk case show`, `desk sla breaches` and `desk sla explain`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskcli import times
from deskcli.domain import shown_priority, shown_status
from deskcli.lang import N_, _
from deskcli.render.console import out, priority_text, say, show_rows, user
from deskcli.shapes import SLA_CLOCKS, clock_breached, current_clocks

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from deskcli.reads.rows import ClockRow

# A case due within this long is marked at risk in the tables.
AT_RISK_SECONDS = 3600
CLOCK_WORDS = {
    "first_response": N_("first response"),
    "next_reply": N_("next reply"),
    "resolution": N_("resolution"),
}
# Each clock's row in a case's panel (whole labels: a language may not put
# the acronym first).
CLOCK_LABELS = {
    "first_response": N_("SLA first response"),
    "next_reply": N_("SLA next reply"),
    "resolution": N_("SLA resolution"),
}
# The state of a stretch of a clock in `desk sla explain`.
SEGMENT_WORDS = {"running": N_("running"), "paused": N_("paused")}


def clock_word(name: str) -> str:
    """A clock's name as people read it ('first response')."""
    return _(CLOCK_WORDS[name]) if name in CLOCK_WORDS else name


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
        return Text(_("breached {span} ago").format(span=span(left)), style="bold red")
    if left <= AT_RISK_SECONDS:
        return Text(_("at risk: in {span}").format(span=span(left)), style="yellow")
    return Text(_("in {span}").format(span=span(left)))


def clock_text(clock: ClockRow, now: datetime) -> Text:
    """One clock in `desk case show`: due in 2h 10m / breached 35m ago / paused / met."""
    from rich.text import Text

    target = span(clock.target_seconds)
    if clock.stopped_at is not None:
        if clock.breached:
            return Text(_("missed (target {target})").format(target=target), style="red")
        return Text(_("met (target {target})").format(target=target), style="green")
    if clock.paused:
        left = span(max(0.0, clock.target_seconds - clock.used_seconds))
        if clock.breached:
            shown = _("paused, {span} of business time left, breached").format(span=left)
        else:
            shown = _("paused, {span} of business time left").format(span=left)
        return Text(shown, style="dim")
    assert clock.due_at is not None
    seconds = (clock.due_at - now).total_seconds()
    left = span(seconds)
    if seconds < 0:
        return Text(
            _("breached {span} ago (target {target})").format(span=left, target=target),
            style="bold red",
        )
    if clock_breached(clock, now):  # breached before a pause or a reopen: it stays so
        return Text(
            _("due in {span} (target {target}), breached earlier").format(span=left, target=target),
            style="red",
        )
    return Text(
        _("due in {span} (target {target})").format(span=left, target=target),
        style="yellow" if seconds <= AT_RISK_SECONDS else "",
    )


def clock_rows(clocks: Sequence[ClockRow] | None) -> list[tuple[str, Text | str]]:
    """The rows of a case's panel for its clocks (none when not read)."""
    if not clocks:
        return []
    now = times.now()
    shown = current_clocks(clocks)
    return [
        (_(CLOCK_LABELS[name]), clock_text(clock, now))
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
    for column in (N_("Case"), N_("Clock"), N_("Due"), "", N_("Priority"), N_("Assignee"),
                   N_("Team")):  # fmt: skip
        table.add_column(_(column), no_wrap=True)
    for b in found:
        late = (
            Text(_("breached {span} ago").format(span=span(b.overdue_seconds)), style="bold red")
            if b.breached
            else Text(_("at risk: in {span}").format(span=span(b.overdue_seconds)), style="yellow")
        )
        table.add_row(
            str(b.case_id),
            clock_word(b.clock),
            times.local(b.due_at),
            late,
            priority_text(b.priority),
            user(b.assignee or "-"),
            user(b.team or "-"),
        )
    return table


def explanation(found: Any) -> None:
    """`desk sla explain`: each clock's story and how its due time follows."""
    from rich.text import Text

    case_ = found.view.case
    say(
        _("Case {case_id}: priority {priority}, status {status}.").format(
            case_id=case_.id,
            priority=shown_priority(case_.priority),
            status=shown_status(case_.status),
        )
    )
    for change in found.priority_changes:
        moved = (change.data or {}).get("priority") or {}
        line = _(
            "{at}: priority {old} -> {new} by {agent};"
            " running clocks took the new targets from their start"
        ).format(
            at=times.local(change.at),
            old=shown_priority(str(moved.get("from"))),
            new=shown_priority(str(moved.get("to"))),
            agent=change.agent,
        )
        say(f"  {line}")
    if not found.stories:
        say(_("No service-level clocks on this case."))
        return
    now = times.now()
    console = out()
    for name in SLA_CLOCKS:
        story = found.stories.get(name)
        if story is None:
            continue
        clock, calendar = story.clock, story.calendar
        heading = (
            _("{clock} (cycle {cycle})").format(clock=clock_word(name), cycle=clock.cycle)
            if name == "next_reply"
            else clock_word(name)
        )
        console.print(Text.assemble((f"\n{heading}: ", "bold"), clock_text(clock, now)))
        line = _(
            "target {target} of business time on calendar {calendar} ({zone}); started {at}"
        ).format(
            target=span(clock.target_seconds),
            calendar=calendar.name,
            zone=calendar.tz,
            at=times.local(clock.started_at),
        )
        say(f"  {line}")
        for segment in story.segments:
            end = times.local(segment.end) if segment.end else _("now")
            counted = (
                _("{span} counted").format(span=span(segment.business_seconds))
                if segment.state == "running"
                else _("not counted")
            )
            state = _(SEGMENT_WORDS.get(segment.state, segment.state))
            say(f"  {state:8} {times.local(segment.start)} -> {end}: {counted}")
        used = clock.used_seconds if clock.used_now is None else clock.used_now
        line = _("used {used} of {target}").format(
            used=span(used), target=span(clock.target_seconds)
        )
        say(f"  {line}")
        if clock.stopped_at is not None:
            verdict = _("missed") if clock.breached else _("met")
            stopped = times.local(clock.stopped_at)
            line = (
                _("stopped {at} (due {due}): {verdict}").format(
                    at=stopped, due=times.local(clock.due_at), verdict=verdict
                )
                if clock.due_at
                else _("stopped {at}: {verdict}").format(at=stopped, verdict=verdict)
            )
        elif clock.paused:
            left = max(0.0, clock.target_seconds - clock.used_seconds)
            line = _("paused: {span} left, counted again when the case is worked again").format(
                span=span(left)
            )
        elif clock.segment_started_at is not None and clock.due_at is not None:
            left = clock.target_seconds - clock.used_seconds
            line = _("due = {start} + {span} of business time = {due}").format(
                start=times.local(clock.segment_started_at),
                span=span(max(0, left)),
                due=times.local(clock.due_at),
            )
        else:
            continue
        say(f"  {line}")
