"""`desk sla what-if`: replay a priority's recent cases under other targets."""

from __future__ import annotations

from typing import Annotated

import typer

from deskcli.cli._context import state
from deskcli.cli._options import JsonOpt, value_option
from deskcli.domain import Priority


def sla_what_if(
    ctx: typer.Context,
    priority: Annotated[
        Priority, typer.Option("--priority", help="The priority whose targets change.")
    ],
    first_response: Annotated[
        str | None,
        value_option("--first-response", "DURATION", "The first-response target to try (4h)."),
    ] = None,
    resolution: Annotated[
        str | None, value_option("--resolution", "DURATION", "The resolution target to try (2d).")
    ] = None,
    calendar: Annotated[
        str | None, value_option("--calendar", "NAME", "The calendar to count them in.")
    ] = None,
    since: Annotated[
        str, value_option("--since", "DURATION", "Cases opened within this time (30d, 8w).")
    ] = "30d",
    as_json: JsonOpt = False,
) -> None:
    """How a priority's cases would have fared under other targets.

    Replays the cases of that priority opened within --since from their
    events, under the policies as they are and with the change, and counts
    the clocks met and breached each way.  Changes nothing.

    \b
    Example: desk sla what-if --priority high --first-response 2h --since 8w
    """
    from deskcli import render
    from deskcli.services import sla_whatif
    from deskcli.times import parse_duration

    first = (
        sla_whatif.target_seconds(first_response, "--first-response") if first_response else None
    )
    solve = sla_whatif.target_seconds(resolution, "--resolution") if resolution else None
    window = parse_duration(since)
    result = state(ctx).read(
        lambda source: sla_whatif.what_if(
            source,
            priority=priority,
            since=window,
            first_response=first,
            resolution=solve,
            calendar=calendar,
        )
    )
    if as_json:
        from deskcli.shapes import what_if_record

        render.emit_json(what_if_record(result))
    else:
        from deskcli.render.sla_whatif import what_if

        what_if(result)
