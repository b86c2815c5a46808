"""`desk sla ...`: service levels.  Each subcommand (or group of them) has its
own entry in SlaGroup.lazy_commands, loaded only when used; this module holds
the settings (`desk sla calendar`, `desk sla policy`), cli/sla_clocks.py the
clocks (breaches, check, explain), cli/sla_whatif.py `what-if`."""

from __future__ import annotations

from typing import Annotated

import typer

from deskcli.cli import _complete
from deskcli.cli._context import state
from deskcli.cli._group import LazyGroup
from deskcli.cli._options import JsonOpt, value_option
from deskcli.domain import Priority


class SlaGroup(LazyGroup):
    # One entry per subcommand or subcommand group, "module:attribute".
    lazy_commands = {
        "calendar": "deskcli.cli.sla:calendar_app",
        "policy": "deskcli.cli.sla:policy_app",
        "breaches": "deskcli.cli.sla_clocks:sla_breaches",
        "check": "deskcli.cli.sla_clocks:sla_check",
        "explain": "deskcli.cli.sla_clocks:sla_explain",
        "what-if": "deskcli.cli.sla_whatif:sla_what_if",
    }


app = typer.Typer(cls=SlaGroup, rich_markup_mode=None, add_completion=False, no_args_is_help=True)


@app.callback()
def sla_group() -> None:
    """Service levels: business-hours calendars, a policy per priority, case clocks."""


class CalendarGroup(LazyGroup):
    lazy_commands = {"set": "calendar_set", "show": "calendar_show", "list": "calendar_list"}


calendar_app = typer.Typer(
    cls=CalendarGroup, rich_markup_mode=None, add_completion=False, no_args_is_help=True
)


@calendar_app.callback()
def calendar_group() -> None:
    """Business-hours calendars: weekly hours in a time zone, less holidays."""


CalendarArg = Annotated[
    str,
    typer.Argument(metavar="NAME", help="The calendar's name.", autocompletion=_complete.calendars),
]


def calendar_set(
    ctx: typer.Context,
    name: CalendarArg,
    tz: Annotated[
        str, value_option("--tz", "ZONE", "The IANA time zone of the hours (Europe/Madrid, UTC).")
    ],
    hours: Annotated[
        list[str] | None,
        value_option(
            "--hours",
            "DAYS HH:MM-HH:MM",
            'Open hours, local to --tz, such as "mon-fri 09:00-18:00" (repeatable).',
            show_default=False,
        ),
    ] = None,
    holidays: Annotated[
        list[str] | None,
        value_option(
            "--holiday",
            "YYYY-MM-DD",
            "A day with no business hours (repeatable).",
            show_default=False,
        ),  # fmt: skip
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a calendar, or replace it whole.

    Hours are local to the time zone (DST is followed); a range ends later
    than it starts on the same day (24:00 ends a day), and ranges must not
    overlap.  Clocks still running on a replaced calendar get their due
    times from the new hours at once.  `always` (24x7, UTC) is built in and
    cannot be changed (exit 4).

    \b
    Example: desk sla calendar set madrid --tz Europe/Madrid \\
               --hours "mon-fri 09:00-18:00" --hours "sat 10:00-14:00" --holiday 2026-12-25
    """
    from deskcli import render
    from deskcli.render import sla as view
    from deskcli.services import sla_config
    from deskcli.shapes import calendar_record

    with state(ctx).writing() as tx:
        calendar, new, retimed = sla_config.set_calendar(
            tx, name, tz=tz, hours=hours or [], holidays=holidays or []
        )
    if as_json:
        render.emit_json(calendar_record(calendar))
    else:
        view.calendar_saved(calendar, new=new, retimed=retimed)


def calendar_show(ctx: typer.Context, name: CalendarArg, as_json: JsonOpt = False) -> None:
    """A calendar: its time zone, weekly hours and holidays.

    \b
    Example: desk sla calendar show madrid --json
    """
    from deskcli import render
    from deskcli.render import sla as view
    from deskcli.services import sla_config
    from deskcli.shapes import calendar_record

    calendar = state(ctx).read(lambda source: sla_config.get_calendar(source, name))
    if as_json:
        render.emit_json(calendar_record(calendar))
    else:
        view.calendar_detail(calendar)


def calendar_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every calendar, by name.

    \b
    Example: desk sla calendar list --json
    """
    from deskcli import render
    from deskcli.render import sla as view
    from deskcli.services import sla_config
    from deskcli.shapes import calendar_record

    found = state(ctx).read(sla_config.list_calendars)
    if as_json:
        render.emit_json([calendar_record(c) for c in found])
    else:
        view.calendars(found)


class PolicyGroup(LazyGroup):
    lazy_commands = {"set": "policy_set", "list": "policy_list"}


policy_app = typer.Typer(
    cls=PolicyGroup, rich_markup_mode=None, add_completion=False, no_args_is_help=True
)


@policy_app.callback()
def policy_group() -> None:
    """The service-level targets of each priority, in business time of a calendar."""


def _target(flag: str, what: str) -> object:
    return value_option(flag, "DURATION", f"{what} (30m, 4h, 3d, 2w), in business time.")


def policy_set(
    ctx: typer.Context,
    priority: Annotated[
        Priority, typer.Argument(metavar="PRIORITY", help="low, normal, high or urgent.")
    ],
    first_response: Annotated[
        str | None, _target("--first-response", "Time to the first reply")
    ] = None,
    next_reply: Annotated[
        str | None, _target("--next-reply", "Time to answer each later customer message")
    ] = None,
    resolution: Annotated[str | None, _target("--resolution", "Time to resolve")] = None,
    calendar: Annotated[
        str | None,
        value_option(
            "--calendar",
            "NAME",
            "The calendar the targets count in.",
            complete=_complete.calendars,
        ),  # fmt: skip
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a priority's targets or calendar (what is not given stays).

    Targets are above zero, counted in the calendar's business hours.  Clocks
    still running on cases of this priority take the new targets and
    calendar at once; clocks that stopped keep their verdict.  An unknown
    calendar is exit 3.

    \b
    Example: desk sla policy set high --first-response 2h --resolution 2d --calendar madrid
    """
    from deskcli import render
    from deskcli.render import sla as view
    from deskcli.services import sla_config
    from deskcli.shapes import policy_record

    with state(ctx).writing() as tx:
        policy, retimed = sla_config.set_policy(
            tx,
            priority.value,
            first_response=first_response,
            next_reply=next_reply,
            resolution=resolution,
            calendar=calendar,
        )
    if as_json:
        render.emit_json(policy_record(policy))
    else:
        view.policy_saved(policy, retimed=retimed)


def policy_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The policy of every priority, most urgent first.

    \b
    Example: desk sla policy list --json
    """
    from deskcli import render
    from deskcli.render import sla as view
    from deskcli.services import sla_config
    from deskcli.shapes import policy_record

    found = state(ctx).read(sla_config.list_policies)
    if as_json:
        render.emit_json([policy_record(p) for p in found])
    else:
        view.policies(found)
