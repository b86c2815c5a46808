"""Feedback: the follow-up call list and the ratings given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from deskcli import times
from deskcli.render.console import note, show_rows, status_text, user
from deskcli.shapes import nps_class

if TYPE_CHECKING:
    from rich.table import Table

    from deskcli.reads.rows import FeedbackRow
    from deskcli.shapes import CaseAndCustomer


def feedback_due(views: Sequence[CaseAndCustomer], *, more: bool = False) -> None:
    if show_rows(views, feedback_due_table, "No case is due for a feedback call.") and more:
        note(f"showing the first {len(views)} cases; there are more: pass --limit N (0 for all)")


def feedback_due_table(views: Sequence[CaseAndCustomer]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    for column in ("Resolved", "", "ID", "Status", "Customer", "Phone", "Subject", "Assignee"):
        table.add_column(column, no_wrap=column != "Subject")
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
    show_rows(rows, feedback_list_table, "No ratings in that time.")


def feedback_list_table(rows: Sequence[FeedbackRow]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    for column in ("When", "Case", "Customer", "CSAT", "NPS", "Credited", "Team", "Comment"):
        table.add_column(column, no_wrap=column != "Comment")
    for r in rows:
        nps = "-" if r.nps is None else f"{r.nps} {nps_class(r.nps)}"
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
