"""The case filters that `desk case list` and `desk case close` share: declared
once here, added to both commands' signatures by `case_filter_options`."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from deskcli.cli._context import AppContext
from deskcli.cli._options import (
    AssigneeOpt,
    CategoryOpt,
    ChannelOpt,
    CustomerOpt,
    MineOpt,
    OlderThanOpt,
    PriorityOpt,
    SearchOpt,
    StatusOpt,
    TagOpt,
    TeamOpt,
    UnassignedOpt,
)
from deskcli.domain import Channel, Priority, Status
from deskcli.errors import InvalidValue
from deskcli.lang import N_

if TYPE_CHECKING:
    from deskcli.reads.filters import CaseFilter

Command = TypeVar("Command", bound=Callable[..., Any])


def _declared(
    status: StatusOpt = None,
    priority: PriorityOpt = None,
    assignee: AssigneeOpt = None,
    mine: MineOpt = False,
    unassigned: UnassignedOpt = False,
    customer: CustomerOpt = None,
    category: CategoryOpt = None,
    channel: ChannelOpt = None,
    team: TeamOpt = None,
    older_than: OlderThanOpt = None,
    search: SearchOpt = None,
    tag: TagOpt = None,
) -> None:
    """Never called: its parameters are the filter options."""


def case_filter_options(after: str) -> Callable[[Command], Command]:
    """Give a command the filter options, placed after its parameter `after`.

    Typer has no shared option groups; it reads a command's options from its
    signature, so the filters are spliced into `__signature__` and arrive in
    the command's `**filters`."""

    def decorate(command: Command) -> Command:
        own = [
            p
            for p in inspect.signature(command, eval_str=True).parameters.values()
            if p.kind is not inspect.Parameter.VAR_KEYWORD
        ]
        shared = list(inspect.signature(_declared, eval_str=True).parameters.values())
        at = next(i for i, p in enumerate(own) if p.name == after) + 1
        spliced = inspect.Signature([*own[:at], *shared, *own[at:]])
        command.__signature__ = spliced  # type: ignore[attr-defined]
        return command

    return decorate


def case_filter(
    st: AppContext,
    *,
    include_all: bool = False,
    exclude_closed: bool = False,
    status: list[Status] | None = None,
    priority: list[Priority] | None = None,
    assignee: str | None = None,
    mine: bool = False,
    unassigned: bool = False,
    customer: str | None = None,
    category: str | None = None,
    channel: Channel | None = None,
    team: str | None = None,
    older_than: str | None = None,
    search: str | None = None,
    tag: list[str] | None = None,
) -> CaseFilter:
    """The options' values as the services' CaseFilter."""
    from deskcli.reads.filters import CaseFilter
    from deskcli.times import parse_duration

    if sum([bool(assignee), mine, unassigned]) > 1:
        raise InvalidValue(N_("use only one of --assignee, --mine and --unassigned"))
    return CaseFilter(
        include_all=include_all,
        statuses=tuple(status or ()),
        priorities=tuple(priority or ()),
        assignee=st.agent if mine else assignee,
        unassigned=unassigned,
        customer_crn=customer,
        category=category,
        channel=channel,
        team=team,
        older_than=parse_duration(older_than) if older_than else None,
        search=search,
        exclude_closed=exclude_closed,
        tags=tuple(tag or ()),
    )
