"""`desk next`: take the most urgent case nobody owns (services.next_case)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskcli.cli import _complete
from deskcli.cli._context import state
from deskcli.cli._options import JsonOpt, value_option
from deskcli.domain import shown_status
from deskcli.lang import _

if TYPE_CHECKING:
    from deskcli.reads.queries import CaseDetail
    from deskcli.reads.rows import CaseView
    from deskcli.reads.source import Source
    from deskcli.tx import Tx


def next_case(
    ctx: typer.Context,
    team: Annotated[
        str | None,
        value_option("--team", "TEAM", "Only cases of this team.", complete=_complete.teams),
    ] = None,
    peek: Annotated[bool, typer.Option("--peek", help="Show the case without taking it.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Take the most urgent case nobody owns, and show it.

    Most urgent: the earliest due time, then the higher priority, then the
    oldest; cases with no due time come last.  Exit 3 when none is waiting.

    \b
    Example: desk next --team billing
    """
    from deskcli import render
    from deskcli.reads import queries
    from deskcli.services import next_case as service
    from deskcli.shapes import case_record

    st = state(ctx)
    if peek:
        if as_json:
            view = st.read(lambda source: service.peek(source, team=team))
            render.emit_json(case_record(*view))
            return

        def read(source: Source) -> CaseDetail:
            found = service.peek(source, team=team)
            return queries.show_case(source, found.case.id or 0)

        detail = st.read(read)
        render.say(
            _("Next up: case {case_id} (not taken; desk next takes it).").format(
                case_id=detail.view.case.id
            )
        )
        render.case_detail(detail)
        return

    def take(tx: Tx) -> tuple[CaseView, CaseDetail | None]:
        view = service.take_next(tx, agent=st.agent, team=team)
        # People see the whole case, read in the same transaction.
        return view, None if as_json else queries.show_case(tx, view.case.id or 0)

    with st.writing() as tx:
        taken, shown = take(tx)
    if shown is None:
        render.emit_json(case_record(*taken))
        return
    render.say(
        _("Case {case_id} is yours ({status}).").format(
            case_id=taken.case.id, status=shown_status(taken.case.status)
        )
    )
    render.case_detail(shown)
