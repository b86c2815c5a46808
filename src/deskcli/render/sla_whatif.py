"""`desk sla what-if`: attainment under the policies as they are and with a change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskcli import times
from deskcli.domain import shown_priority
from deskcli.lang import N_, _
from deskcli.render.console import out, say
from deskcli.render.sla_clocks import clock_word

if TYPE_CHECKING:
    from rich.table import Table

    from deskcli.sla.whatif import Tally, WhatIf


def what_if(result: WhatIf) -> None:
    now, then = result.now_terms, result.changed_terms
    changes = [
        _(label).format(old=_span(now[key]), new=_span(then[key]))
        for key, label in (
            ("first_response_seconds", N_("first response {old} -> {new}")),
            ("resolution_seconds", N_("resolution {old} -> {new}")),
        )
        if now[key] != then[key]
    ]
    if now["calendar"] != then["calendar"]:
        changes.append(
            _("calendar {old} -> {new}").format(old=now["calendar"], new=then["calendar"])
        )
    priority = shown_priority(result.priority)
    say(
        _("What if {priority} cases had {changes}?").format(
            priority=priority, changes=", ".join(changes) or _("the same targets")
        )
    )
    opened = (
        N_("{count} {priority} case opened since {since}; nothing was changed.")
        if result.cases == 1
        else N_("{count} {priority} cases opened since {since}; nothing was changed.")
    )
    say(_(opened).format(count=result.cases, priority=priority, since=times.local(result.since)))
    if result.cases:
        out().print(what_if_table(result))


def what_if_table(result: WhatIf) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in (N_("Clock"), N_("Cases"), N_("Met"), N_("Breached"), N_("Met if changed"),
                   N_("Breached if changed")):  # fmt: skip
        table.add_column(_(column), justify="left" if column == "Clock" else "right")
    for clock, tally in result.clocks.items():
        table.add_row(
            clock_word(clock),
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
