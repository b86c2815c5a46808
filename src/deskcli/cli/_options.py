"""Options shared by many commands, as Annotated aliases (cheap to import)."""

from __future__ import annotations

from typing import Annotated

import typer

from deskcli.cli import _complete
from deskcli.domain import Channel, Priority, SortKey, Status

# Every id and count a command takes is an integer a database column holds:
# signed 64 bits.  Typer checks the range and says it (exit 2), before SQLite
# would fail to bind a larger number.
MAX_ID = 2**63 - 1

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")]
IdsOpt = Annotated[bool, typer.Option("--ids", "-q", help="Print case ids only, one a line.")]
IfVersionOpt = Annotated[
    int | None,
    typer.Option(
        "--if-version",
        min=1,
        max=MAX_ID,
        metavar="N",
        help="Refuse (exit 4) if the case is no longer at version N.",
    ),
]
CaseIdArg = Annotated[
    int,
    typer.Argument(
        min=1, max=MAX_ID, metavar="ID", help="The case id.", autocompletion=_complete.case_ids
    ),
]

# The filters of `desk case list`, shared with `desk case close`.
StatusOpt = Annotated[
    list[Status] | None,
    typer.Option(
        "--status",
        "-s",
        metavar="STATUS",
        help="Only this status: new, open, pending, escalated, resolved, closed (repeatable).",
        show_default=False,
    ),
]
PriorityOpt = Annotated[
    list[Priority] | None,
    typer.Option(
        "--priority",
        "-p",
        metavar="PRIORITY",
        help="Only this priority: low, normal, high, urgent (repeatable).",
        show_default=False,
    ),
]
AssigneeOpt = Annotated[
    str | None,
    typer.Option(
        "--assignee",
        "-a",
        metavar="AGENT",
        help="Only cases of this agent.",
        autocompletion=_complete.agents,
    ),
]
MineOpt = Annotated[bool, typer.Option("--mine", help="Only cases assigned to you.")]
UnassignedOpt = Annotated[bool, typer.Option("--unassigned", help="Only cases nobody owns.")]
CustomerOpt = Annotated[
    str | None,
    typer.Option(
        "--customer",
        "-c",
        metavar="CRN",
        help="Only this customer's cases.",
        autocompletion=_complete.crns,
    ),
]
CategoryOpt = Annotated[
    str | None,
    typer.Option(
        "--category",
        metavar="NAME",
        help="Only this category.",
        autocompletion=_complete.categories,
    ),
]
ChannelOpt = Annotated[Channel | None, typer.Option("--channel", help="Only this channel.")]
TeamOpt = Annotated[
    str | None,
    typer.Option(
        "--team", metavar="TEAM", help="Only cases with this team.", autocompletion=_complete.teams
    ),
]
OlderThanOpt = Annotated[
    str | None,
    typer.Option(
        "--older-than",
        metavar="DURATION",
        help="Only cases opened more than DURATION ago (30m, 4h, 7d, 2w).",
    ),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search",
        help=(
            "Only cases whose subject, description, notes, replies, customer messages or "
            "resolution contain TEXT, ignoring case and accents (up to 1,000 characters)."
        ),
        metavar="TEXT",
    ),
]
TagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        metavar="TAG",
        help="Only cases with this tag (repeatable: all must match; any case).",
        autocompletion=_complete.tags,
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
