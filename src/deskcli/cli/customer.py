"""`desk customer ...`: customers, found by CRN."""

from __future__ import annotations

from typing import Annotated

import typer

from deskcli.cli import _complete
from deskcli.cli._context import state
from deskcli.cli._group import LazyGroup
from deskcli.cli._options import MAX_ID, JsonOpt
from deskcli.lang import N_, _


class CustomerGroup(LazyGroup):
    lazy_commands = {
        "add": "customer_add",
        "show": "customer_show",
        "list": "customer_list",
        "edit": "customer_edit",
    }


app = typer.Typer(
    cls=CustomerGroup, rich_markup_mode=None, add_completion=False, no_args_is_help=True
)


@app.callback()
def customer_group() -> None:
    """Add, find and edit customers."""


CrnArg = Annotated[
    str,
    typer.Argument(
        metavar="CRN", help="The customer reference number.", autocompletion=_complete.crns
    ),
]


def customer_add(
    ctx: typer.Context,
    crn: Annotated[
        str, typer.Option("--crn", metavar="CRN", help="The unique customer reference number.")
    ],
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="Full name or company name.")],
    email: Annotated[str | None, typer.Option("--email", metavar="EMAIL")] = None,
    phone: Annotated[str | None, typer.Option("--phone", metavar="PHONE")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a customer.

    \b
    Example: desk customer add --crn C-1001 --name "Ana Pérez" --email ana@example.com
    """
    from deskcli import render
    from deskcli.services import customers
    from deskcli.shapes import customer_record

    with state(ctx).writing() as tx:
        customer = customers.add_customer(tx, crn=crn, name=name, email=email, phone=phone)
    if as_json:
        render.emit_json(customer_record(customer))
    else:
        render.say(_("Added customer {crn} ({name}).").format(crn=customer.crn, name=customer.name))


def customer_show(
    ctx: typer.Context,
    crn: CrnArg,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, max=MAX_ID, help="Cases to show (0: all).")
    ] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Show a customer and their case history, newest first."""
    from deskcli import render
    from deskcli.reads import queries
    from deskcli.shapes import customer_detail_record

    page = state(ctx).read(lambda source: queries.customer_page(source, crn, limit=limit or None))
    if as_json:
        render.emit_json(
            customer_detail_record(
                page.customer,
                page.history,
                page.total,
                page.ratings,
                page.remedies,
                page.remedy_totals,
            )
        )
    else:
        render.customer_detail(page)


def customer_list(
    ctx: typer.Context,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            metavar="TEXT",
            help="Match CRN, name, email or phone (up to 1,000 characters).",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, max=MAX_ID, help="At most N (0: all).")
    ] = 0,
    as_json: JsonOpt = False,
) -> None:
    """List customers by name."""
    from deskcli import render
    from deskcli.reads import queries
    from deskcli.shapes import customer_record

    found = state(ctx).read(
        lambda source: queries.list_customers(source, search=search, limit=limit or None)
    )
    if as_json:
        render.emit_json([customer_record(c) for c in found])
    else:
        render.customer_table(found)


def customer_edit(
    ctx: typer.Context,
    crn: CrnArg,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME")] = None,
    email: Annotated[
        str | None, typer.Option("--email", metavar="EMAIL", help="New email ('' clears it).")
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", metavar="PHONE", help="New phone ('' clears it).")
    ] = None,
    new_crn: Annotated[
        str | None, typer.Option("--crn", metavar="CRN", help="Change the CRN itself.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a customer's details."""
    from deskcli import render
    from deskcli.errors import InvalidValue
    from deskcli.services import customers
    from deskcli.shapes import customer_record

    if name is None and email is None and phone is None and new_crn is None:
        raise InvalidValue(
            N_("nothing to change"), hint=N_("pass --name, --email, --phone or --crn")
        )
    with state(ctx).writing() as tx:
        customer = customers.edit_customer(
            tx, crn, name=name, email=email, phone=phone, new_crn=new_crn
        )
    if as_json:
        render.emit_json(customer_record(customer))
    else:
        render.say(_("Updated customer {crn}.").format(crn=customer.crn))
