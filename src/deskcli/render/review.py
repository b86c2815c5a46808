"""QA reviews: the confirmation of `desk case review`, `desk review list`,
and the reviews section of `desk case show`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from deskcli import times
from deskcli.domain import INTEGRITY_FLOOR, PILLARS, THREE_PS
from deskcli.lang import N_, _
from deskcli.render.console import emit_json, say, show_rows, user

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from deskcli.reads.rows import ReviewRow

FLAG = N_("FLAGGED")
# The six pillars and the three P's as seed 000 names them.
PILLAR_WORDS = {
    "personalization": N_("personalization"),
    "integrity": N_("integrity"),
    "expectations": N_("expectations"),
    "resolution": N_("resolution"),
    "time_effort": N_("time effort"),
    "empathy": N_("empathy"),
    "professionalism": N_("professionalism"),
    "patience": N_("patience"),
    "people_first": N_("people first"),
    "three_ps": N_("three ps"),
}


def pillar_word(name: str) -> str:
    return _(PILLAR_WORDS.get(name, name.replace("_", " ")))


def score_text(row: ReviewRow) -> str:
    """The score as people read it: "7.5", or "0 (integrity 3 < 5)" when flagged."""
    if row.flagged:
        return _("0 (integrity {integrity} < {floor})").format(
            integrity=row.integrity, floor=INTEGRITY_FLOOR
        )
    return f"{row.score:.1f}"


def review_done(row: ReviewRow, *, as_json: bool, replaced: bool) -> None:
    if as_json:
        from deskcli.shapes import review_record

        emit_json(review_record(row))
        return
    if replaced:
        template = N_("Review replaced on case {case_id}{whom}: score {score}{flag}.")
    else:
        template = N_("Review recorded on case {case_id}{whom}: score {score}{flag}.")
    whom = _(" for {agent}").format(agent=row.agent) if row.agent else ""
    flag = _("; {flag}: integrity is critical").format(flag=_(FLAG)) if row.flagged else ""
    say(_(template).format(case_id=row.case_id, whom=whom, score=score_text(row), flag=flag))


def review_table(rows: Sequence[ReviewRow]) -> None:
    show_rows(rows, review_list_table, N_("No reviews in that time."))


COLUMNS = {
    "When": N_("When"),
    "Case": N_("Case"),
    "Agent": N_("Agent"),
    "Reviewer": N_("Reviewer"),
    "Score": N_("Score"),
    "Flag": N_("Flag"),
    "Scores": N_("Scores"),
    "Comment": N_("Comment"),
}


def review_list_table(rows: Sequence[ReviewRow]) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("When", "Case", "Agent", "Reviewer", "Score", "Flag", "Comment"):
        table.add_column(_(COLUMNS[column]), no_wrap=column != "Comment",
                         justify="right" if column in ("Case", "Score") else "left")  # fmt: skip
    for r in rows:
        table.add_row(
            times.local(r.at),
            str(r.case_id),
            user(r.agent or "-"),
            user(r.reviewer),
            f"{r.score:.1f}",
            _flag(r),
            user(r.comment),
        )
    return table


def _flag(row: ReviewRow) -> Text:
    from rich.text import Text

    return Text(_(FLAG), style="bold red") if row.flagged else Text("")


def reviews_table(rows: Sequence[ReviewRow]) -> Table:
    """A case's reviews (desk case show): who, the score, every score given."""
    from rich.table import Table

    table = Table(title=_("QA reviews"), title_justify="left", box=None, pad_edge=False)
    for column in ("When", "Reviewer", "Agent", "Score", "Flag", "Scores", "Comment"):
        table.add_column(_(COLUMNS[column]), no_wrap=column not in ("Scores", "Comment"))
    for r in rows:
        given = [(name, getattr(r, name)) for name in (*PILLARS, *THREE_PS)]
        scores = ", ".join(f"{pillar_word(name)} {value}" for name, value in given
                           if value is not None)  # fmt: skip
        table.add_row(
            times.local(r.at),
            user(r.reviewer),
            user(r.agent or "-"),
            f"{r.score:.1f}",
            _flag(r),
            scores,
            user(r.comment),
        )
    return table
