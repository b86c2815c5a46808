"""`desk sla ...`: service levels.  The clock commands (breaches, check,
explain) live in cli/sla_clocks.py; each command is built only when used."""

from __future__ import annotations

import typer

from deskcli.cli._group import LazyGroup


class SlaGroup(LazyGroup):
    lazy_commands = {
        "breaches": "deskcli.cli.sla_clocks:sla_breaches",
        "check": "deskcli.cli.sla_clocks:sla_check",
        "explain": "deskcli.cli.sla_clocks:sla_explain",
    }


app = typer.Typer(cls=SlaGroup, rich_markup_mode=None, add_completion=False, no_args_is_help=True)


@app.callback()
def sla_group() -> None:
    """Service levels: clocks past due, and how a case's clocks came to be."""
