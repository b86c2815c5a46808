"""`desk sla what-if`: attainment under the policies as they are and with a change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskcli import times
from deskcli.render.console import out, say

if TYPE_CHECKING:
    from rich.table import Table

    from deskcli.sla.whatif import Tally, WhatIf


def what_if(result: WhatIf) -> None:
    now, then = result.now_terms, result.changed_terms
    changes = [
        f"{label} {_span(now[key])} -> {_span(then[key])}"
        for key, label in (
            ("first_response_seconds", "first response"),
            ("resolution_seconds", "resolution"),
        )
        if now[key] != then[key]
    ]
    if now["calendar"] != then["calendar"]:
        changes.append(f"calendar {now['calendar']} -> {then['calendar']}")
    say(f"What if {result.priority} cases had {', '.join(changes) or 'the same targets'}?")
    say(
        f"{result.cases} {result.priority} case{'s' if result.cases != 1 else ''} opened since "
        f"{times.local(result.since)}; nothing was changed."
    )
    if result.cases:
        out().print(what_if_table(result))


def what_if_table(result: WhatIf) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("Clock", "Cases", "Met", "Breached", "Met if changed", "Breached if changed"):
        table.add_column(column, justify="left" if column == "Clock" else "right")
    for clock, tally in result.clocks.items():
        table.add_row(
            clock.replace("_", " "),
            str(tally.cases),
            *_pair(tally.before),
            *_pair(tally.after),
        )
    return table


def _pair(tally: Tally) -> tuple[str, str]:
    decided = tally.met + tally.breached
    share = f" ({round(100 * tally.met / decided)}%)" if decided else ""
    return f"{tally.met}{share}", str(tally.breached)


def _span(seconds: int) -> str:
    """A target as typed: 30m, 4h, 3d, 2w (the largest unit that divides it)."""
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
