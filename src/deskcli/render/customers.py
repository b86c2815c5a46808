"""Customers: the list and the detail view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deskcli import times
from deskcli.domain import shown_remedy
from deskcli.lang import N_, _, n_
from deskcli.render.cases import history_table
from deskcli.render.console import fields, note, out, show_rows, user, when
from deskcli.shapes import amount_text

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from deskcli.reads.queries import CustomerPage
    from deskcli.reads.rows import RemedyRow
    from deskcli.shapes import CustomerFields


# An NPS answer's class as people read it (JSON keeps the word).
NPS_CLASS_WORDS = {
    "promoter": N_("promoter"),
    "passive": N_("passive"),
    "detractor": N_("detractor"),
}


def customer_table(customers: Sequence[CustomerFields]) -> None:
    show_rows(customers, customers_table, N_("No customers match."))


def customers_table(customers: Sequence[CustomerFields]) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("CRN", "Name", "Email", "Phone"):
        table.add_column(_(column), no_wrap=column != "Name")
    for cu in customers:
        table.add_row(
            user(cu.crn, "bold"), user(cu.name), user(cu.email or ""), user(cu.phone or "")
        )
    return table


def customer_detail(page: CustomerPage) -> None:
    out().print(customer_detail_view(page))
    if page.total > len(page.history):
        note(
            _(
                "showing {shown} of {total} cases; "
                "desk case list --all --customer {crn} lists them all"
            ).format(shown=len(page.history), total=page.total, crn=page.customer.crn)
        )


def customer_detail_view(page: CustomerPage) -> Group:
    """The customer's panel (with their ratings), their cases, newest first,
    and their remedies."""
    from rich.console import Group
    from rich.panel import Panel

    customer, ratings = page.customer, page.ratings
    rows: list[tuple[str, Text | str]] = [
        (_("CRN"), user(customer.crn, "bold")),
        (_("Name"), user(customer.name)),
        (_("Email"), user(customer.email or "-")),
        (_("Phone"), user(customer.phone or "-")),
        (_("Customer since"), when(customer.created_at)),
        (_("Cases"), str(page.total)),
    ]
    if ratings.count:
        over = n_(
            "{average}/5 over {count} rating", "{average}/5 over {count} ratings", ratings.count
        )
        rows.append(
            ("CSAT", over.format(average=f"{ratings.csat_average:.2f}", count=ratings.count))
        )
    if ratings.last_nps is not None:
        last = _("{nps}/10, {nps_class} (case {case_id}, {ago})").format(
            nps=ratings.last_nps,
            nps_class=_(NPS_CLASS_WORDS.get(str(ratings.last_nps_class), "")),
            case_id=ratings.last_nps_case,
            ago=times.ago(ratings.last_nps_at),
        )
        rows.append((_("Last NPS"), last))
    for total in page.remedy_totals:
        given = n_("{count} time", "{count} times", total.count).format(count=total.count)
        if total.units is not None:
            given = f"{amount_text(total.units)} {total.currency} ({given})"
        rows.append((_("Remedies: {kind}").format(kind=shown_remedy(total.kind)), given))
    parts: list[Any] = [
        Panel(fields(rows), title=user(customer.name), title_align="left", expand=False)
    ]
    if page.history:
        parts.append(history_table(page.history, title=_("Cases, newest first")))
    if page.remedies:
        parts.append(remedy_table(page.remedies))
    return Group(*parts)


def remedy_table(remedies: Sequence[RemedyRow]) -> Table:
    from rich.table import Table

    table = Table(title=_("Remedies, newest first"), title_justify="left", box=None, pad_edge=False)
    table.add_column(_("When"), no_wrap=True, style="dim")
    table.add_column(_("Case"), justify="right")
    table.add_column(_("Kind"), no_wrap=True)
    table.add_column(_("Amount"), justify="right", no_wrap=True)
    table.add_column(_("Agent"), no_wrap=True)
    table.add_column(_("Note"))
    for r in remedies:
        amount = f"{r.amount} {r.currency}" if r.amount is not None else "-"
        table.add_row(
            times.local(r.at),
            str(r.case_id),
            shown_remedy(r.kind),
            amount,
            user(r.agent),
            user(r.note),
        )
    return table
