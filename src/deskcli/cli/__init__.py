"""The `desk` command line: global options and the command groups.

Importing this module imports Typer and the standard library only; every
command imports the database stack in its body, so `desk --help` and Tab
completion stay fast (tests/test_processes.py checks it).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from deskcli import __version__
from deskcli.cli._context import AppContext, default_agent
from deskcli.cli._group import DeskGroup

app = typer.Typer(
    rich_markup_mode=None,
    name="desk",
    cls=DeskGroup,
    help="A terminal support desk: cases, customers and the five A's on one shared database.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Commands load their module when used (`desk case list` never imports the
# customer or assist modules); `desk --help` lists them in this order.
DeskGroup.lazy_commands = {
    "case": "deskcli.cli.case:app",
    "customer": "deskcli.cli.customer:app",
    "assist": "deskcli.cli.assist:assist",
    "kb": "deskcli.cli.kb:app",
    "board": "deskcli.cli.case:board",
    "follow-ups": "deskcli.cli.case:follow_ups",
    "next": "deskcli.cli.next:next_case",
    "sla": "deskcli.cli.sla:app",
    "feedback": "deskcli.cli.feedback:app",
    "review": "deskcli.cli.review:app",
    "report": "deskcli.cli.report:app",
    "init": "deskcli.cli.admin:init",
    "demo": "deskcli.cli.admin:demo",
    "export": "deskcli.cli.transfer:export",
    "import": "deskcli.cli.transfer:import_",
    "backup": "deskcli.cli.admin:backup",
    "doctor": "deskcli.cli.admin:doctor",
    "batch": "deskcli.cli.batch:batch",
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"desk {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="DESK_DB", metavar="PATH", help="The SQLite database file."),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="DESK_AGENT",
            metavar="AGENT",
            help="Act as this agent (default: your login).",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="DESK_LANG",
            metavar="LANG",
            help="Language of what you read: en, es (default: your locale, LANG).",
        ),
    ] = None,
    _version_flag: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """A terminal support desk.  DESK_DB_URL selects any SQLAlchemy database URL."""
    from deskcli import times
    from deskcli.lang import from_locale, set_language
    from deskcli.workflow.i18n import translator

    times.now()  # a bad DESK_NOW is refused by every command, not only those reading the clock
    lang = lang or from_locale()
    translator(lang)  # refuses a language without a catalog
    set_language(lang)
    if isinstance(ctx.obj, AppContext):
        # `desk batch` runs this line and handed over its context (database,
        # session, agent, language); only what the line itself gives wins.
        ctx.obj = ctx.obj.for_line(
            agent=((agent or "").strip() or default_agent()) if _on_line(ctx, "agent") else None,
            lang=lang if _on_line(ctx, "lang") else None,
        )
        return
    agent = (agent or "").strip() or default_agent()
    ctx.obj = AppContext(
        db_path=db or None,
        db_url=os.environ.get("DESK_DB_URL") or None,
        agent=agent,
        lang=lang,
    )


def _on_line(ctx: typer.Context, name: str) -> bool:
    """Whether option `name` was given on the command line (not by env or default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def main() -> None:
    # Pydantic looks for plugins (an entry-point scan, ~10 ms) when the first
    # model is built; a command-line run has no use for them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    app(prog_name="desk")
