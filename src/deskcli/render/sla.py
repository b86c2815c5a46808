"""Service levels: calendars and the policy of each priority."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deskcli.render.console import fields, out, plural, priority_text, say, show_rows, user
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
    show_rows(found, calendars_table, "No calendars.")


def calendars_table(found: Sequence[Calendar]) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    table.add_column("Name", style="bold", no_wrap=True)
    table.add_column("Zone", no_wrap=True)
    table.add_column("Hours")
    table.add_column("Holidays", justify="right", no_wrap=True)
    for c in found:
        table.add_row(user(c.name), user(c.tz), user(hours_text(c)), str(len(c.holidays)))
    return table


def calendar_detail(calendar: Calendar) -> None:
    record = calendar_record(calendar)
    rows: list[tuple[str, Any]] = [
        ("Calendar", user(calendar.name, "bold")),
        ("Zone", user(calendar.tz)),
        ("Hours", user("\n".join(hours_lines(calendar)))),
        ("Holidays", user(", ".join(record["holidays"]) or "-")),
    ]
    out().print(fields(rows))


def calendar_saved(calendar: Calendar, *, new: bool, retimed: int) -> None:
    verb = "Added" if new else "Replaced"
    holidays = plural(len(calendar.holidays), "holiday", "holidays")
    clocks = "" if new else f"; {plural(retimed, 'running clock', 'running clocks')} re-timed"
    shown = f"{calendar.tz}: {hours_text(calendar)}; {holidays}"
    say(f"{verb} calendar {calendar.name} ({shown}){clocks}.")


def policies(found: Sequence[Any]) -> None:
    show_rows(found, policies_table, "No service-level policies.")


def policies_table(found: Sequence[Any]) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    table.add_column("Priority", no_wrap=True)
    for column in ("First response", "Next reply", "Resolution"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("Calendar", no_wrap=True)
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
        f"Policy of {policy.priority}: first response {target_text(policy.first_response_seconds)},"
        f" next reply {target_text(policy.next_reply_seconds)},"
        f" resolution {target_text(policy.resolution_seconds)}, on {policy.calendar};"
        f" {plural(retimed, 'running clock', 'running clocks')} re-timed."
    )
