"""Options shared by many commands, as Annotated aliases (cheap to import)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from deskcli.cli import _complete
from deskcli.domain import Channel, Priority, SortKey, Status

# Every id and count a command takes is an integer a database column holds:
# signed 64 bits.  Typer checks the range and says it (exit 2), before SQLite
# would fail to bind a larger number.
MAX_ID = 2**63 - 1


def value_option(
    flag: str,
    metavar: str,
    help: str,
    *,
    short: str | None = None,
    complete: Callable[..., Any] | None = None,
    show_default: bool = True,
) -> Any:
    """An option that takes a value, declared as desk declares them all: its
    flag (and short flag), a word for its value and one line of help."""
    flags = (flag, short) if short else (flag,)
    return typer.Option(
        *flags, metavar=metavar, help=help, autocompletion=complete, show_default=show_default
    )


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")]
IdsOpt = Annotated[bool, typer.Option("--ids", "-q", help="Print case ids only, one a line.")]


def if_version_option(what: str) -> Any:
    """`--if-version N` for a record that carries a version (`what`: "case")."""
    return typer.Option(
        "--if-version",
        min=1,
        max=MAX_ID,
        metavar="N",
        help=f"Refuse (exit 4) if the {what} is no longer at version N.",
    )


IfVersionOpt = Annotated[int | None, if_version_option("case")]
CaseIdArg = Annotated[
    int,
    typer.Argument(
        min=1, max=MAX_ID, metavar="ID", help="The case id.", autocompletion=_complete.case_ids
    ),
]

# The filters of `desk case list`, shared with `desk case close`.
StatusOpt = Annotated[
    list[Status] | None,
    value_option(
        "--status",
        "STATUS",
        "Only this status: new, open, pending, escalated, resolved, closed (repeatable).",
        short="-s",
        show_default=False,
    ),
]
PriorityOpt = Annotated[
    list[Priority] | None,
    value_option(
        "--priority",
        "PRIORITY",
        "Only this priority: low, normal, high, urgent (repeatable).",
        short="-p",
        show_default=False,
    ),
]
AssigneeOpt = Annotated[
    str | None,
    value_option(
        "--assignee", "AGENT", "Only cases of this agent.", short="-a", complete=_complete.agents
    ),
]
MineOpt = Annotated[bool, typer.Option("--mine", help="Only cases assigned to you.")]
UnassignedOpt = Annotated[bool, typer.Option("--unassigned", help="Only cases nobody owns.")]
CustomerOpt = Annotated[
    str | None,
    value_option(
        "--customer", "CRN", "Only this customer's cases.", short="-c", complete=_complete.crns
    ),
]
CategoryOpt = Annotated[
    str | None,
    value_option("--category", "NAME", "Only this category.", complete=_complete.categories),
]
ChannelOpt = Annotated[Channel | None, typer.Option("--channel", help="Only this channel.")]
TeamOpt = Annotated[
    str | None,
    value_option("--team", "TEAM", "Only cases with this team.", complete=_complete.teams),
]
OlderThanOpt = Annotated[
    str | None,
    value_option(
        "--older-than", "DURATION", "Only cases opened more than DURATION ago (30m, 4h, 7d, 2w)."
    ),
]
SearchOpt = Annotated[
    str | None,
    value_option(
        "--search",
        "TEXT",
        "Only cases whose subject, description, notes, replies, customer messages or "
        "resolution contain TEXT, ignoring case and accents (up to 1,000 characters).",
    ),
]
TagOpt = Annotated[
    list[str] | None,
    value_option(
        "--tag",
        "TAG",
        "Only cases with this tag (repeatable: all must match; any case).",
        short="-t",
        complete=_complete.tags,
        show_default=False,
    ),
]
SortOpt = Annotated[SortKey, typer.Option("--sort", help="Order of the list.")]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        min=0,
        max=MAX_ID,
        metavar="N",
        help="Show at most N cases (0: all).  Default: 50 in a table, all with --json/--ids.",
    ),
]
