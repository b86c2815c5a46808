"""`desk next`: the most urgent case nobody owns, for the acting agent.

Most urgent: the earliest `case.due_at` (the earliest due time of its running
service-level clocks, stored by the write path), ties by priority (urgent
first), then age (oldest first); cases with no due time come after every
case with one, in the same order.  Active cases only (new, open, pending,
escalated), nobody's.

Taking is `services.cases.take`: the same checks, change and events as
`desk case take`.  Two agents never get the same case: on SQLite the write
transaction (BEGIN IMMEDIATE) holds the file from the choice to the take;
on a server the chosen row is locked with FOR UPDATE ... SKIP LOCKED: a row
another agent is taking right now is passed over and the next best chosen,
instead of waiting for the other agent's transaction.

The choice is at most eight index searches that stop at their first row:
per priority, its most urgent case with a due time and without, in
`ix_case_next`, a partial index on (priority, due_at, created_at, id) of
exactly the cases WAITING names.  Standard library only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from deskcli.domain import PRIORITY_RANK, Priority
from deskcli.errors import NotFound
from deskcli.folding import name_key
from deskcli.lang import N_
from deskcli.reads import queries
from deskcli.reads.rows import CaseView, to_time
from deskcli.reads.source import Source, in_list
from deskcli.services import cases
from deskcli.tx import Tx

# As the partial index ix_case_next writes it (models.NEXT_WHERE): SQLite uses
# a partial index only for a query that repeats its condition.
WAITING = "c.assignee IS NULL AND c.status IN ('new', 'open', 'pending', 'escalated')"
_CANDIDATE = (
    'SELECT c.id, c.due_at, c.created_at FROM "case" c WHERE ' + WAITING + " AND c.priority ="
    " :priority{team}{skipped} AND c.due_at IS {due} ORDER BY {order} LIMIT 1"
)
# Each priority's most urgent case, with a due time and without: an index
# search of (priority, due_at, created_at, id) that stops at its first row.
NEXT_DUE = _CANDIDATE.replace("{due}", "NOT NULL").replace(
    "{order}", "c.due_at, c.created_at, c.id"
)
NEXT_UNDUE = _CANDIDATE.replace("{due}", "NULL").replace("{order}", "c.created_at, c.id")
# The chosen case, locked as it is taken; on a server a row another agent is
# taking right now is passed over rather than waited for.
CLAIM = 'SELECT c.id FROM "case" c WHERE c.id = :case_id AND ' + WAITING
_BY_TEAM = " AND c.team_key = :team_key"
_URGENT_FIRST = sorted(Priority, key=lambda p: PRIORITY_RANK[p], reverse=True)


def _best(source: Source, team: str | None, skipped: set[int]) -> int | None:
    """The id of the most urgent waiting case not in `skipped`, or None."""
    params: dict[str, Any] = {}
    parts = {"team": "", "skipped": ""}
    if team is not None:
        parts["team"] = _BY_TEAM
        params["team_key"] = name_key(team)
    if skipped:
        parts["skipped"] = " AND NOT " + in_list("c.id", "skip", sorted(skipped), params)
    due: list[tuple[datetime, int, datetime, int]] = []
    for priority in _URGENT_FIRST:
        found = source.rows(NEXT_DUE.format(**parts), {**params, "priority": str(priority)})
        for case_id, due_at, created_at in found:
            due.append((_time(due_at), -PRIORITY_RANK[priority], _time(created_at), case_id))
    if due:
        return min(due)[-1]
    for priority in _URGENT_FIRST:
        found = source.rows(NEXT_UNDUE.format(**parts), {**params, "priority": str(priority)})
        if found:
            return int(found[0][0])
    return None


def _time(value: Any) -> datetime:
    found = to_time(value)
    assert found is not None  # the queries read NOT NULL values
    return found


def _nothing(team: str | None) -> NotFound:
    if team is not None:
        return NotFound(
            N_("no case is waiting in team {team}: every active case has an owner"),
            params={"team": team},
        )
    return NotFound(N_("no case is waiting: every active case has an owner"))


def peek(source: Source, *, team: str | None = None) -> CaseView:
    """The case `desk next` would take, changing nothing.  Raises NotFound."""
    case_id = _best(source, team, set())
    if case_id is None:
        raise _nothing(team)
    return queries.get_case(source, case_id)


def take_next(tx: Tx, *, agent: str, team: str | None = None) -> CaseView:
    """Take the most urgent waiting case for `agent`.  Raises NotFound."""
    lock = tx.lock_rows + " SKIP LOCKED" if tx.lock_rows else ""
    skipped: set[int] = set()
    while (case_id := _best(tx, team, skipped)) is not None:
        if tx.rows(CLAIM + lock, {"case_id": case_id}):
            return cases.take(tx, agent=agent, case_id=case_id)
        skipped.add(case_id)  # another agent is taking it (servers only)
    raise _nothing(team)
