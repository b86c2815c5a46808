"""`desk sla breaches`, `desk sla check` and `desk sla explain`: the
service-level clocks of the desk and of one case.  Thin: parse, read, render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskcli.cli import _complete
from deskcli.cli._context import state
from deskcli.cli._options import CaseIdArg, JsonOpt, value_option
from deskcli.errors import ExitCode, InvalidValue
from deskcli.lang import N_, _

if TYPE_CHECKING:
    from deskcli.services.sla_clocks import Breach

AtRiskOpt = Annotated[
    str | None,
    value_option(
        "--at-risk",
        "DURATION",
        "Also list clocks due within this time (30m, 1h, 2d).",
    ),
]
TeamOpt = Annotated[
    str | None,
    value_option("--team", "TEAM", "Only cases of this team.", complete=_complete.teams),
]


def _breaches(ctx: typer.Context, at_risk: str | None, team: str | None) -> list[Breach]:
    from deskcli.services import sla_clocks
    from deskcli.times import parse_duration

    seconds = 0.0
    if at_risk is not None:
        seconds = parse_duration(at_risk).total_seconds()
        if seconds <= 0:
            raise InvalidValue(
                N_("--at-risk must be a duration above zero, like 1h, not {value!r}"),
                params={"value": at_risk},
            )
    return state(ctx).read(
        lambda source: sla_clocks.breaches(source, at_risk_seconds=seconds, team=team)
    )


def _show(found: list[Breach], as_json: bool, at_risk: str | None) -> None:
    from deskcli import render
    from deskcli.render import sla_clocks as shown
    from deskcli.shapes import breach_records

    if as_json:
        render.emit_json(breach_records(found))
    else:
        empty = (
            _("No clock is past due or due within {within}.").format(within=at_risk)
            if at_risk
            else _("No clock is past due.")
        )
        shown.breaches(found, empty=empty)


def sla_breaches(
    ctx: typer.Context, at_risk: AtRiskOpt = None, team: TeamOpt = None, as_json: JsonOpt = False
) -> None:
    """Running clocks past their due time, most overdue first.

    \b
    Example: desk sla breaches --at-risk 1h --team billing
    """
    _show(_breaches(ctx, at_risk, team), as_json, at_risk)


def sla_check(
    ctx: typer.Context, at_risk: AtRiskOpt = None, team: TeamOpt = None, as_json: JsonOpt = False
) -> None:
    """As breaches, for cron and monitoring: exit 6 when any clock is past due, else 0.

    \b
    Example: desk sla check --json || page-the-team
    """
    found = _breaches(ctx, at_risk, team)
    _show(found, as_json, at_risk)
    if any(b.breached for b in found):
        raise typer.Exit(ExitCode.BREACHED)


def sla_explain(ctx: typer.Context, case_id: CaseIdArg, as_json: JsonOpt = False) -> None:
    """How a case's clocks came to be: each run and pause, and its due time.

    \b
    Example: desk sla explain 12
    """
    from deskcli import render
    from deskcli.services import sla_clocks

    found = state(ctx).read(lambda source: sla_clocks.explain(source, case_id))
    if as_json:
        from deskcli.shapes import explain_record

        render.emit_json(explain_record(found))
    else:
        from deskcli.render.sla_clocks import explanation

        explanation(found)
