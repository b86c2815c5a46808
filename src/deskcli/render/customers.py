"""Customers: the list and the detail view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deskcli import times
from deskcli.render.cases import history_table
from deskcli.render.console import fields, note, out, plural, show_rows, user, when
from deskcli.shapes import amount_text

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from deskcli.reads.queries import CustomerPage
    from deskcli.reads.rows import RemedyRow
    from deskcli.shapes import CustomerFields


def customer_table(customers: Sequence[CustomerFields]) -> None:
    show_rows(customers, customers_table, "No customers match.")


def customers_table(customers: Sequence[CustomerFields]) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("CRN", "Name", "Email", "Phone"):
        table.add_column(column, no_wrap=column != "Name")
    for cu in customers:
        table.add_row(
            user(cu.crn, "bold"), user(cu.name), user(cu.email or ""), user(cu.phone or "")
        )
    return table


def customer_detail(page: CustomerPage) -> None:
    out().print(customer_detail_view(page))
    if page.total > len(page.history):
        note(
            f"showing {len(page.history)} of {page.total} cases; desk case list --all --customer "
            f"{page.customer.crn} lists them all"
        )


def customer_detail_view(page: CustomerPage) -> Group:
    """The customer's panel (with their ratings), their cases, newest first,
    and their remedies."""
    from rich.console import Group
    from rich.panel import Panel

    customer, ratings = page.customer, page.ratings
    rows: list[tuple[str, Text | str]] = [
        ("CRN", user(customer.crn, "bold")),
        ("Name", user(customer.name)),
        ("Email", user(customer.email or "-")),
        ("Phone", user(customer.phone or "-")),
        ("Customer since", when(customer.created_at)),
        ("Cases", str(page.total)),
    ]
    if ratings.count:
        average = f"{ratings.csat_average:.2f}/5 over {plural(ratings.count, 'rating', 'ratings')}"
        rows.append(("CSAT", average))
    if ratings.last_nps is not None:
        rows.append(
            (
                "Last NPS",
                f"{ratings.last_nps}/10, {ratings.last_nps_class} "
                f"(case {ratings.last_nps_case}, {times.ago(ratings.last_nps_at)})",
            )
        )
    for total in page.remedy_totals:
        given = f"{plural(total.count, 'time', 'times')}"
        if total.units is not None:
            given = f"{amount_text(total.units)} {total.currency} ({given})"
        rows.append((f"Remedies: {total.kind}", given))
    parts: list[Any] = [
        Panel(fields(rows), title=user(customer.name), title_align="left", expand=False)
    ]
    if page.history:
        parts.append(history_table(page.history, title="Cases, newest first"))
    if page.remedies:
        parts.append(remedy_table(page.remedies))
    return Group(*parts)


def remedy_table(remedies: Sequence[RemedyRow]) -> Table:
    from rich.table import Table

    table = Table(title="Remedies, newest first", title_justify="left", box=None, pad_edge=False)
    table.add_column("When", no_wrap=True, style="dim")
    table.add_column("Case", justify="right")
    table.add_column("Kind", no_wrap=True)
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_column("Agent", no_wrap=True)
    table.add_column("Note")
    for r in remedies:
        amount = f"{r.amount} {r.currency}" if r.amount is not None else "-"
        table.add_row(
            times.local(r.at), str(r.case_id), r.kind, amount, user(r.agent), user(r.note)
        )
    return table
