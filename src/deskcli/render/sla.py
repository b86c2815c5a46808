"""Service levels: calendars and the policy of each priority."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deskcli.domain import shown_priority
from deskcli.lang import N_, _
from deskcli.render.console import fields, out, priority_text, say, show_rows, user
from deskcli.shapes import calendar_record

if TYPE_CHECKING:
    from rich.table import Table

    from deskcli.sla.calendar import Calendar

# Largest first: a target prints in the unit it was most likely typed in.
_UNITS = (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60))


def target_text(seconds: int) -> str:
    """A target in the desk's duration syntax: 3600 is "1h", 129600 "36h"."""
    for unit, size in _UNITS:
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def hours_lines(calendar: Calendar) -> list[str]:
    """Each range as typed: "mon-fri 09:00-18:00"."""
    return [f"{h['days']} {h['from']}-{h['to']}" for h in calendar_record(calendar)["hours"]]


def hours_text(calendar: Calendar) -> str:
    return "; ".join(hours_lines(calendar))


def calendars(found: Sequence[Calendar]) -> None:
    show_rows(found, calendars_table, N_("No calendars."))


def calendars_table(found: Sequence[Calendar]) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    table.add_column(_("Name"), style="bold", no_wrap=True)
    table.add_column(_("Zone"), no_wrap=True)
    table.add_column(_("Hours"))
    table.add_column(_("Holidays"), justify="right", no_wrap=True)
    for c in found:
        table.add_row(user(c.name), user(c.tz), user(hours_text(c)), str(len(c.holidays)))
    return table


def calendar_detail(calendar: Calendar) -> None:
    record = calendar_record(calendar)
    rows: list[tuple[str, Any]] = [
        (_("Calendar"), user(calendar.name, "bold")),
        (_("Zone"), user(calendar.tz)),
        (_("Hours"), user("\n".join(hours_lines(calendar)))),
        (_("Holidays"), user(", ".join(record["holidays"]) or "-")),
    ]
    out().print(fields(rows))


def calendar_saved(calendar: Calendar, *, new: bool, retimed: int) -> None:
    count = len(calendar.holidays)
    holidays = _(N_("{count} holiday") if count == 1 else N_("{count} holidays")).format(
        count=count
    )
    shown = f"{calendar.tz}: {hours_text(calendar)}; {holidays}"
    if new:
        say(_("Added calendar {name} ({shown}).").format(name=calendar.name, shown=shown))
    else:
        say(
            _("Replaced calendar {name} ({shown}); {clocks}.").format(
                name=calendar.name, shown=shown, clocks=retimed_text(retimed)
            )
        )


def retimed_text(count: int) -> str:
    """'3 running clocks re-timed' (two messages: English and Spanish both
    have one form for 1 and one for the rest)."""
    template = (
        N_("{count} running clock re-timed")
        if count == 1
        else N_("{count} running clocks re-timed")
    )
    return _(template).format(count=count)


def policies(found: Sequence[Any]) -> None:
    show_rows(found, policies_table, N_("No service-level policies."))


def policies_table(found: Sequence[Any]) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    table.add_column(_("Priority"), no_wrap=True)
    for column in (N_("First response"), N_("Next reply"), N_("Resolution")):
        table.add_column(_(column), justify="right", no_wrap=True)
    table.add_column(_("Calendar"), no_wrap=True)
    for p in found:
        table.add_row(
            priority_text(p.priority),
            target_text(p.first_response_seconds),
            target_text(p.next_reply_seconds),
            target_text(p.resolution_seconds),
            user(p.calendar),
        )
    return table


def policy_saved(policy: Any, *, retimed: int) -> None:
    say(
        _(
            "Policy of {priority}: first response {first}, next reply {next},"
            " resolution {resolution}, on {calendar}; {clocks}."
        ).format(
            priority=shown_priority(policy.priority),
            first=target_text(policy.first_response_seconds),
            next=target_text(policy.next_reply_seconds),
            resolution=target_text(policy.resolution_seconds),
            calendar=policy.calendar,
            clocks=retimed_text(retimed),
        )
    )
