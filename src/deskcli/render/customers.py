"""Customers: the list and the detail view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deskcli.render.cases import history_table
from deskcli.render.console import fields, note, out, show_rows, user, when

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from deskcli.shapes import CaseFields, CustomerFields


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


def customer_detail(customer: CustomerFields, history: Sequence[CaseFields], total: int) -> None:
    out().print(customer_detail_view(customer, history, total))
    if total > len(history):
        note(
            f"showing {len(history)} of {total} cases; desk case list --all --customer "
            f"{customer.crn} lists them all"
        )


def customer_detail_view(
    customer: CustomerFields, history: Sequence[CaseFields], total: int
) -> Group:
    """The customer's panel and their cases, newest first."""
    from rich.console import Group
    from rich.panel import Panel

    rows: list[tuple[str, Text | str]] = [
        ("CRN", user(customer.crn, "bold")),
        ("Name", user(customer.name)),
        ("Email", user(customer.email or "-")),
        ("Phone", user(customer.phone or "-")),
        ("Customer since", when(customer.created_at)),
        ("Cases", str(total)),
    ]
    parts: list[Any] = [
        Panel(fields(rows), title=user(customer.name), title_align="left", expand=False)
    ]
    if history:
        parts.append(history_table(history, title="Cases, newest first"))
    return Group(*parts)
