"""`desk sla ...`: service levels."""

from __future__ import annotations

import typer

from deskcli.cli._group import LazyGroup


class SlaGroup(LazyGroup):
    lazy_commands = {"what-if": "deskcli.cli.sla_whatif:sla_what_if"}


app = typer.Typer(cls=SlaGroup, rich_markup_mode=None, add_completion=False, no_args_is_help=True)


@app.callback()
def sla_group() -> None:
    """Service levels: targets, business hours and the clocks of cases."""
