"""`desk feedback ...`: who to call for a rating, and the ratings given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskcli.cli import _complete
from deskcli.cli._context import state
from deskcli.cli._group import LazyGroup
from deskcli.cli._options import IdsOpt, JsonOpt, LimitOpt, value_option
from deskcli.errors import InvalidValue
from deskcli.lang import N_

if TYPE_CHECKING:
    from deskcli.reads.rows import CaseView
    from deskcli.reads.source import Source


class FeedbackGroup(LazyGroup):
    lazy_commands = {"due": "feedback_due", "list": "feedback_list"}


app = typer.Typer(
    cls=FeedbackGroup, rich_markup_mode=None, add_completion=False, no_args_is_help=True
)

HUMAN_DEFAULT_LIMIT = 50
# A case is worth a follow-up call once the customer has lived with the fix
# for a day; a customer asked recently is not asked again (survey fatigue).
RESOLVED_BEFORE = "1d"
NOT_ASKED_WITHIN = "30d"
# Past a month a call about a case is no longer a follow-up.
RESOLVED_WITHIN = "30d"


@app.callback()
def feedback_group() -> None:
    """Customer ratings: the follow-up call list, and the ratings given."""


def feedback_due(
    ctx: typer.Context,
    not_asked_within: Annotated[
        str,
        value_option(
            "--not-asked-within",
            "DURATION",
            "Leave out customers who gave a rating within this time.",
        ),
    ] = NOT_ASKED_WITHIN,
    resolved_within: Annotated[
        str,
        value_option(
            "--resolved-within", "DURATION", "Only cases resolved within this time (30d, 8w)."
        ),
    ] = RESOLVED_WITHIN,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
    ids: IdsOpt = False,
) -> None:
    """Resolved cases to call for a rating, oldest first.

    Resolved (or closed) more than a day ago and within --resolved-within,
    not rated for this resolution, and the customer not asked (rated on any
    case) within --not-asked-within.

    \b
    Example: desk feedback due --not-asked-within 60d
    """
    from deskcli import render
    from deskcli.reads import queries
    from deskcli.shapes import case_records
    from deskcli.times import parse_duration

    if as_json and ids:
        raise InvalidValue(N_("use either --json or --ids, not both"))
    window = parse_duration(not_asked_within)
    recent = parse_duration(resolved_within)
    default_limit = limit is None and not (as_json or ids)
    fetch = HUMAN_DEFAULT_LIMIT + 1 if default_limit else limit

    def read(source: Source) -> list[CaseView]:
        views = queries.feedback_due(
            source,
            resolved_before=parse_duration(RESOLVED_BEFORE),
            resolved_within=recent,
            not_asked_within=window,
            limit=fetch or None,
        )
        if as_json:  # a case object carries its clocks
            from deskcli.services import sla_clocks

            sla_clocks.attach(source, views)
        return views

    views = state(ctx).read(read)
    if as_json:
        render.emit_json(case_records(views))
    elif ids:
        render.emit_ids([v.case.id for v in views])
    else:
        render.feedback_due(views[:HUMAN_DEFAULT_LIMIT] if default_limit else views,
                            more=default_limit and len(views) > HUMAN_DEFAULT_LIMIT)  # fmt: skip


def feedback_list(
    ctx: typer.Context,
    since: Annotated[
        str, value_option("--since", "DURATION", "Ratings given within this time (30d, 2w).")
    ] = "30d",
    agent: Annotated[
        str | None,
        value_option(
            "--agent", "AGENT", "Only ratings credited to this agent.", complete=_complete.agents
        ),
    ] = None,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ratings given, newest first, with the agent and team they credit.

    \b
    Example: desk feedback list --since 7d --agent bea
    """
    from deskcli import render
    from deskcli.reads import queries
    from deskcli.shapes import feedback_record
    from deskcli.times import parse_duration

    window = parse_duration(since)
    rows = state(ctx).read(
        lambda source: queries.feedback_list(source, since=window, agent=agent, limit=limit or None)
    )
    if as_json:
        render.emit_json([feedback_record(r) for r in rows])
    else:
        render.feedback_table(rows)
