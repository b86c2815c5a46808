"""`desk report`: the KPIs of a period, the myth checks, drill-down, CSV, and
handling-time targets (`desk report target set|list`)."""

from __future__ import annotations

from typing import Annotated

import typer

from deskcli.cli import _complete
from deskcli.cli._context import state
from deskcli.cli._group import LazyGroup
from deskcli.cli._options import JsonOpt, value_option
from deskcli.lang import N_, _


class ReportGroup(LazyGroup):
    lazy_commands = {"target": "deskcli.cli.report:target_app"}


app = typer.Typer(
    cls=ReportGroup,
    rich_markup_mode=None,
    add_completion=False,
    no_args_is_help=False,
    help="The team's report: KPIs, what the numbers say, and the cases behind them.",
)


@app.callback(invoke_without_command=True)
def report(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        value_option("--since", "DURATION", "The period: the last DURATION (default 30d)."),
    ] = None,
    start: Annotated[
        str | None, value_option("--from", "DATE", "The period's first day (YYYY-MM-DD, UTC).")
    ] = None,
    end: Annotated[
        str | None, value_option("--to", "DATE", "The period's last day (YYYY-MM-DD, UTC).")
    ] = None,
    by: Annotated[
        str | None,
        value_option("--by", "FIELD", "Also per group: agent, team, category, channel, priority."),
    ] = None,
    explain: Annotated[
        str | None,
        value_option("--explain", "KPI", "Show a KPI's definition and the ids of its cases."),
    ] = None,
    csv_dir: Annotated[
        str | None, value_option("--csv", "DIR", "Also write one CSV file per table into DIR.")
    ] = None,
    html_file: Annotated[
        str | None,
        value_option("--html", "FILE", "Also write the report as one self-contained HTML page."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The report of a period (default: the last 30 days), the whole desk.

    \b
    Example: desk report --since 7d --by agent
             desk report --explain fcr --json
             desk report --html report.html
    """
    if ctx.invoked_subcommand is not None:
        return
    from deskcli import render
    from deskcli.errors import InvalidValue
    from deskcli.services import report as service

    period = service.period_of(since, start, end)
    if explain is not None:
        if by is not None or csv_dir is not None or html_file is not None:
            raise InvalidValue(N_("--explain shows one KPI: leave out --by, --csv and --html"))
        kpi = service.check_kpi(explain)
        found = state(ctx).read(lambda source: service.explain(source, period, kpi))
        if as_json:
            render.emit_json(found)
        else:
            render.report_explanation(found)
        return
    st = state(ctx)
    if html_file is not None:  # refused before anything is read
        from pathlib import Path

        from deskcli.outfiles import check_out_file

        check_out_file(Path(html_file), st.database_file(), "--html")
    data = st.read(lambda source: service.report(source, period, by))
    if csv_dir is not None:
        from pathlib import Path

        from deskcli.services.report_csv import write_csv

        written = write_csv(data, Path(csv_dir))
        if not as_json:
            render.note(
                _("wrote {count} CSV files into {dir}").format(count=len(written), dir=csv_dir)
            )
    if html_file is not None:
        from pathlib import Path

        from deskcli.outfiles import replacing
        from deskcli.render.report_html import page

        with replacing([Path(html_file)]) as (stream,):
            stream.write(page(data).encode())
        if not as_json:
            render.note(_("wrote the report's page to {file}").format(file=html_file))
    if as_json:
        render.emit_json(data)
    else:
        render.show_report(data)


class TargetGroup(LazyGroup):
    lazy_commands = {"set": "target_set", "list": "target_list"}


target_app = typer.Typer(
    cls=TargetGroup, rich_markup_mode=None, add_completion=False, no_args_is_help=True
)


@target_app.callback()
def target_group() -> None:
    """Handling-time targets per category (the report's handling KPI)."""


def target_set(
    ctx: typer.Context,
    category: Annotated[
        str,
        typer.Argument(
            metavar="CATEGORY", help="The category.", autocompletion=_complete.categories
        ),
    ],
    handling: Annotated[
        str, value_option("--handling", "DURATION", "The handling time aimed at (15m, 1h).")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Set the handling time aimed at for a category (replaces an earlier one).

    \b
    Example: desk report target set billing --handling 15m
    """
    from deskcli import render
    from deskcli.services import report as service
    from deskcli.times import duration

    st = state(ctx)
    with st.writing() as tx:
        target = service.set_target(tx, category, handling, st.agent)
    if as_json:
        render.emit_json(target)
    else:
        render.say(
            _("handling target of {category}: {duration}").format(
                category=target["category"], duration=duration(target["handling_seconds"])
            )
        )


def target_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The handling-time targets, by category."""
    from deskcli import render
    from deskcli.services import report as service

    targets = state(ctx).read(service.list_targets)
    if as_json:
        render.emit_json(targets)
    else:
        render.report_targets(targets)
