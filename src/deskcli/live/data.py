"""What the live board shows, read through the read path (deskcli.reads):
the active cases (filtered, with their due times), counts per status, the
follow-ups due, and the selected case as `desk case show` reads it."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskcli.domain import ACTIVE_STATUSES, PRIORITY_RANK, Priority, SortKey
from deskcli.errors import InvalidValue, unknown_choice
from deskcli.lang import _
from deskcli.reads import queries
from deskcli.reads.filters import CaseFilter
from deskcli.reads.rows import ArticleRow, CaseView
from deskcli.reads.source import Source

# The list holds at most this many cases (a lead's screen, not an export);
# the header says when the filter matches more.
LIST_LIMIT = 500
# Follow-ups due listed under the cases (the header counts them all).
FOLLOW_UP_LINES = 5


@dataclass(frozen=True)
class ListFilter:
    """The `/` filter and the `m` toggle, as typed in the app."""

    text: str = ""
    assignee: str = ""
    team: str = ""
    priority: str = ""
    mine: bool = False

    def case_filter(self, agent: str) -> CaseFilter:
        """The read path's filter; refuses (InvalidValue) an unknown priority."""
        priorities: tuple[Priority, ...] = ()
        wanted = self.priority.strip().lower()
        if wanted:
            names = [str(p) for p in Priority]
            if wanted not in names:
                raise InvalidValue(unknown_choice("priority", wanted, names))
            priorities = (Priority(wanted),)
        return CaseFilter(
            priorities=priorities,
            assignee=agent if self.mine else (self.assignee.strip() or None),
            team=self.team.strip() or None,
            search=self.text.strip() or None,
        )

    def describe(self, agent: str) -> str:
        """The filter in words, for the header ('' without one)."""
        parts = []
        if self.text.strip():
            parts.append(_("text {text!r}").format(text=self.text.strip()))
        if self.mine:
            parts.append(_("mine ({agent})").format(agent=agent))
        elif self.assignee.strip():
            parts.append(_("assignee {agent}").format(agent=self.assignee.strip()))
        if self.team.strip():
            parts.append(_("team {team}").format(team=self.team.strip()))
        if self.priority.strip():
            parts.append(_("priority {priority}").format(priority=self.priority.strip().lower()))
        return ", ".join(parts)


@dataclass
class Snapshot:
    """The list part of the screen, read in one snapshot."""

    counts: dict[str, int]  # every active case per status, whatever the filter
    views: list[CaseView]  # the matching active cases, earliest due first
    more: bool  # the filter matches more than LIST_LIMIT cases
    follow_ups: list[CaseView]  # the first FOLLOW_UP_LINES due, soonest first
    follow_ups_due: int


def read_list(source: Source, filters: CaseFilter) -> Snapshot:
    params = {f"status{n}": str(s) for n, s in enumerate(ACTIVE_STATUSES)}
    sql = queries.COUNT_BY_STATUS_IN.format(statuses=", ".join(":" + name for name in params))
    found = {str(status): int(n) for status, n in source.rows(sql, params)}
    counts = {str(s): found.get(str(s), 0) for s in ACTIVE_STATUSES}
    views = queries.list_cases(source, filters, sort=SortKey.DUE, limit=LIST_LIMIT + 1)
    due = queries.follow_ups(source, due_only=True, limit=FOLLOW_UP_LINES)
    return Snapshot(
        counts,
        views[:LIST_LIMIT],
        len(views) > LIST_LIMIT,
        due,
        queries.count_due_follow_ups(source),
    )


def by_status(views: list[CaseView]) -> dict[str, list[CaseView]]:
    """The cases grouped by active status, most urgent first in each (as the
    board orders them: priority, then newest)."""
    groups: dict[str, list[CaseView]] = {str(s): [] for s in ACTIVE_STATUSES}
    for view in views:
        groups.setdefault(view.case.status, []).append(view)
    for members in groups.values():
        members.sort(key=lambda v: v.case.created_at, reverse=True)
        members.sort(key=lambda v: PRIORITY_RANK.get(v.case.priority, -1), reverse=True)  # type: ignore[call-overload]
    return groups


@dataclass
class Detail:
    """The selected case as `desk case show` reads it, with its clocks and
    the knowledge base articles that may help."""

    detail: queries.CaseDetail
    articles: list[ArticleRow] = field(default_factory=list)


def read_detail(source: Source, case_id: int) -> Detail:
    from deskcli.services import kb, sla_clocks

    found = queries.show_case(source, case_id)
    sla_clocks.attach(source, [found.view])
    return Detail(found, kb.suggest(source, kb.case_texts(found.view.case, found.events)))
