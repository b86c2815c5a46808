"""Feedback: the follow-up call list and the ratings given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from deskcli import times
from deskcli.lang import N_, _
from deskcli.render.console import note, show_rows, status_text, user
from deskcli.shapes import nps_class

if TYPE_CHECKING:
    from rich.table import Table

    from deskcli.reads.rows import FeedbackRow
    from deskcli.shapes import CaseAndCustomer


# The Net Promoter classes as people read them (JSON keeps shapes.nps_class's).
NPS_WORDS = {
    "promoter": N_("promoter"),
    "passive": N_("passive"),
    "detractor": N_("detractor"),
    "": "",
}


def feedback_due(views: Sequence[CaseAndCustomer], *, more: bool = False) -> None:
    if show_rows(views, feedback_due_table, N_("No case is due for a feedback call.")) and more:
        note(
            _("showing the first {count} cases; there are more: pass --limit N (0 for all)").format(
                count=len(views)
            )
        )


def feedback_due_table(views: Sequence[CaseAndCustomer]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    for column in (N_("Resolved"), "", N_("ID"), N_("Status"), N_("Customer"), N_("Phone"),
                   N_("Subject"), N_("Assignee")):  # fmt: skip
        table.add_column(_(column), no_wrap=column != "Subject")
    for c, customer in views:
        table.add_row(
            times.local(c.resolved_at),
            Text(times.ago(c.resolved_at), style="dim"),
            str(c.id),
            status_text(c.status),
            user(customer.crn),
            user(customer.phone or "-"),
            user(c.subject),
            user(c.assignee or "-"),
        )
    return table


def feedback_table(rows: Sequence[FeedbackRow]) -> None:
    show_rows(rows, feedback_list_table, N_("No ratings in that time."))


def feedback_list_table(rows: Sequence[FeedbackRow]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    for column in (N_("When"), N_("Case"), N_("Customer"), N_("CSAT"), N_("NPS"),
                   N_("Credited"), N_("Team"), N_("Comment")):  # fmt: skip
        table.add_column(_(column), no_wrap=column != "Comment")
    for r in rows:
        nps = "-" if r.nps is None else f"{r.nps} {_(NPS_WORDS[nps_class(r.nps) or ''])}"
        table.add_row(
            times.local(r.at),
            str(r.case_id),
            user(r.crn),
            Text(f"{r.csat}/5", style="bold red" if r.csat <= 2 else ""),
            nps,
            user(r.credited_agent or "-"),
            user(r.credited_team or "-"),
            user(r.comment),
        )
    return table
