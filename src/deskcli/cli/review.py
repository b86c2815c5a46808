"""`desk case review ID ...` (a QA review of a handled case) and `desk review
list`.  Thin: parse, call services.reviews or the read path, render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskcli.cli import _complete
from deskcli.cli._context import read_text, state
from deskcli.cli._group import LazyGroup
from deskcli.cli._options import MAX_ID, IfVersionOpt, JsonOpt, value_option

if TYPE_CHECKING:
    from deskcli.reads.rows import ReviewRow
    from deskcli.reads.source import Source


class ReviewGroup(LazyGroup):
    lazy_commands = {"list": "review_list"}


app = typer.Typer(cls=ReviewGroup, rich_markup_mode=None, add_completion=False,
                  no_args_is_help=True)  # fmt: skip


@app.callback()
def review_group() -> None:
    """QA reviews of handled cases on the six pillars; desk case review records one."""


def reviewable_case_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Resolved and closed cases (the ones a review may score), newest first."""
    if incomplete and not incomplete.isdigit():
        return []
    rows = _complete._rows(
        ctx,
        "SELECT id, status, subject FROM \"case\" WHERE status IN ('resolved', 'closed')"
        " AND CAST(id AS TEXT) LIKE ? || '%' ORDER BY resolved_at DESC, id DESC LIMIT ?",
        incomplete,
        _complete.LIMIT,
    )
    return [(str(case_id), f"{status}: {_complete._one_line(subject)}")
            for case_id, status, subject in rows]  # fmt: skip


def _score(flag: str, what: str) -> Any:
    return typer.Option(flag, metavar="0-10", help=f"{what} (a whole number from 0 to 10).")


def case_review(
    ctx: typer.Context,
    case_id: Annotated[
        int,
        typer.Argument(
            min=1,
            max=MAX_ID,
            metavar="ID",
            help="The case id (resolved or closed).",
            autocompletion=reviewable_case_ids,
        ),
    ],
    personalization: Annotated[
        str, _score("--personalization", "Treated as a person, not a ticket")
    ],
    integrity: Annotated[
        str, _score("--integrity", "Honest and trustworthy; below 5 the review scores 0")
    ],
    expectations: Annotated[str, _score("--expectations", "Set and met expectations")],
    resolution: Annotated[str, _score("--resolution", "Solved the problem")],
    time_effort: Annotated[str, _score("--time-effort", "Saved the customer time and effort")],
    empathy: Annotated[str, _score("--empathy", "Understood how the customer felt")],
    professionalism: Annotated[str | None, _score("--professionalism", "Professionalism")] = None,
    patience: Annotated[str | None, _score("--patience", "Patience")] = None,
    people_first: Annotated[str | None, _score("--people-first", "Put people first")] = None,
    comment: Annotated[
        str | None, value_option("--comment", "TEXT", "What the reviewer noted ('-' reads stdin).")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace your earlier review of this case.")
    ] = False,
    if_version: IfVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Review how a resolved or closed case was handled (QA), as the acting agent.

    Six pillars and, optionally, the three P's, each 0 to 10.  The score is
    the mean of the six pillars; integrity below 5 scores 0 and flags the
    review.  It credits the agent who resolved the case.  One review per
    reviewer and case: a second is refused unless --replace.

    \b
    Example: desk case review 12 --personalization 8 --integrity 9 --expectations 7 \\
             --resolution 9 --time-effort 6 --empathy 8 --comment "clear, kind, quick"
    """
    from deskcli.render.review import review_done
    from deskcli.services import reviews

    scores = {
        "personalization": personalization,
        "integrity": integrity,
        "expectations": expectations,
        "resolution": resolution,
        "time_effort": time_effort,
        "empathy": empathy,
        "professionalism": professionalism,
        "patience": patience,
        "people_first": people_first,
    }
    reviews.check_scores(scores)  # before reading stdin: bad usage fails first
    text = read_text(comment, "--comment") if comment is not None else None
    st = state(ctx)
    with st.writing() as tx:
        row, replaced = reviews.review_case(
            tx, agent=st.agent, case_id=case_id, scores=scores, comment=text,
            replace=replace, if_version=if_version,
        )  # fmt: skip
    review_done(row, as_json=as_json, replaced=replaced)


def review_list(
    ctx: typer.Context,
    agent: Annotated[
        str | None,
        value_option(
            "--agent",
            "AGENT",
            "Only reviews of cases this agent resolved.",
            complete=_complete.agents,
        ),
    ] = None,  # fmt: skip
    since: Annotated[
        str, value_option("--since", "DURATION", "Reviews made within this time (30d, 2w).")
    ] = "30d",
    as_json: JsonOpt = False,
) -> None:
    """QA reviews, newest first: case, agent, reviewer, score, flag.

    \b
    Example: desk review list --agent luis --since 7d
    """
    from deskcli.reads import queries
    from deskcli.times import parse_duration

    window = parse_duration(since)

    def read(source: Source) -> list[ReviewRow]:
        return queries.review_list(source, since=window, agent=agent)

    rows = state(ctx).read(read)
    if as_json:
        from deskcli import render
        from deskcli.shapes import review_record

        render.emit_json([review_record(r) for r in rows])
    else:
        from deskcli.render.review import review_table

        review_table(rows)
