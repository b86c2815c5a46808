"""Reading cases: one case, a case's detail, lists and their filters,
follow-ups, counts and the board.  Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, case, func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from deskcli import times
from deskcli.domain import ACTIVE_STATUSES, PRIORITY_RANK, Channel, Priority, SortKey, Status
from deskcli.errors import NotFound
from deskcli.folding import name_key, search_fold
from deskcli.models import Case, Customer, Event
from deskcli.services.customers import _escape_like, check_search, get_customer
from deskcli.shapes import Board


class CaseView(NamedTuple):
    """A case with its customer: what every command shows."""

    case: Case
    customer: Customer


@dataclass(frozen=True)
class CaseFilter:
    """The filters of `desk case list` (and of `desk case close`)."""

    include_all: bool = False  # otherwise only active cases, unless statuses are given
    statuses: tuple[Status, ...] = ()
    priorities: tuple[Priority, ...] = ()
    assignee: str | None = None
    unassigned: bool = False
    customer_crn: str | None = None
    category: str | None = None
    channel: Channel | None = None
    team: str | None = None
    older_than: timedelta | None = None
    search: str | None = None
    exclude_closed: bool = False
    tags: tuple[str, ...] = ()  # every one must match, case-insensitively

    def __post_init__(self) -> None:
        check_search(self.search)

    @property
    def narrowed(self) -> bool:
        """True when any filter beyond the default was given."""
        return self != CaseFilter(include_all=self.include_all, exclude_closed=self.exclude_closed)


@dataclass
class CaseDetail:
    view: CaseView
    events: list[Event]
    history: list[Case]  # the customer's other cases, newest first


# -- reading ---------------------------------------------------------------


def max_id(session: Session) -> int:
    """The largest id the id columns hold: 64 bits on SQLite, 32 on PostgreSQL
    (INTEGER).  A larger id names no row; binding it would fail."""
    return 2**31 - 1 if session.get_bind().dialect.name == "postgresql" else 2**63 - 1


def storable_id(session: Session, case_id: int) -> bool:
    """Whether the id column can hold `case_id` at all."""
    return 1 <= case_id <= max_id(session)


def get_case(session: Session, case_id: int, *, lock: bool = False) -> CaseView:
    """Raises NotFound.  `lock` takes the row lock on servers (SELECT ... FOR
    UPDATE OF case) for a read-modify-write; SQLite's write lock already covers it."""
    if not storable_id(session, case_id):
        raise NotFound(f"no case {case_id}", hint="desk case list --all shows every case")
    row = session.exec(_case_query(lock), params={"case_id": case_id}).first()
    if row is None:
        raise NotFound(f"no case {case_id}", hint="desk case list --all shows every case")
    return CaseView(*row)


@cache
def _case_query(lock: bool) -> Any:
    """Built once: every command loads its case with it (SQLAlchemy then also
    reuses the compiled SQL without recomputing the statement's cache key)."""
    query = (
        select(Case, Customer)
        .join(Customer, col(Customer.id) == col(Case.customer_id))
        .where(col(Case.id) == bindparam("case_id"))
    )
    if lock:
        query = query.with_for_update(of=Case).execution_options(populate_existing=True)
    return query


def show_case(session: Session, case_id: int, *, history_limit: int = 10) -> CaseDetail:
    view = get_case(session, case_id)
    events = list(
        session.exec(select(Event).where(Event.case_id == case_id).order_by(col(Event.id)))
    )
    history = list(
        session.exec(
            select(Case)
            .where(Case.customer_id == view.customer.id, Case.id != case_id)
            .order_by(col(Case.created_at).desc(), col(Case.id).desc())
            .limit(history_limit)
        )
    )
    return CaseDetail(view, events, history)


def _conditions(session: Session, filters: CaseFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.statuses:
        conditions.append(col(Case.status).in_([str(s) for s in filters.statuses]))
    elif not filters.include_all:
        # "Not finished" rather than "IN (the active statuses)": the planner then
        # walks ix_case_created newest first and stops at the limit, instead of
        # sorting every active case (measured: 0.3 ms against 25 ms at 100,000).
        conditions.append(col(Case.status).not_in([str(Status.RESOLVED), str(Status.CLOSED)]))
    elif filters.exclude_closed:
        conditions.append(col(Case.status) != Status.CLOSED)
    if filters.priorities:
        conditions.append(col(Case.priority).in_([str(p) for p in filters.priorities]))
    if filters.unassigned:
        conditions.append(col(Case.assignee).is_(None))
    elif filters.assignee:
        conditions.append(col(Case.assignee_key) == name_key(filters.assignee))
    if filters.customer_crn:
        customer = get_customer(session, filters.customer_crn)
        conditions.append(col(Case.customer_id) == customer.id)
    if filters.category:
        conditions.append(func.lower(col(Case.category)) == filters.category.lower())
    if filters.channel:
        conditions.append(col(Case.channel) == str(filters.channel))
    if filters.team:
        conditions.append(col(Case.team_key) == name_key(filters.team))
    if filters.older_than is not None:
        conditions.append(col(Case.created_at) < times.now() - filters.older_than)
    if filters.tags:
        from deskcli.services.tags import tag_conditions

        conditions += tag_conditions(filters.tags)
    if filters.search:
        # Folded text (subject, description, resolution, notes, replies and
        # customer messages; see write_path) against the folded query.
        pattern = f"%{_escape_like(search_fold(filters.search))}%"
        conditions.append(col(Case.search_text).like(pattern, escape="\\"))
    return conditions


def _order(sort: SortKey) -> list[Any]:
    newest = [col(Case.created_at).desc(), col(Case.id).desc()]
    if sort == SortKey.OLDEST:
        return [col(Case.created_at), col(Case.id)]
    if sort == SortKey.ID:
        return [col(Case.id)]
    if sort == SortKey.PRIORITY:
        rank = case(
            *((col(Case.priority) == str(p), r) for p, r in PRIORITY_RANK.items()), else_=-1
        )
        return [rank.desc(), *newest]
    if sort == SortKey.UPDATED:
        return [col(Case.updated_at).desc(), col(Case.id).desc()]
    if sort == SortKey.FOLLOW_UP:
        return [col(Case.follow_up_at).is_(None), col(Case.follow_up_at), col(Case.id)]
    return newest


def list_cases(
    session: Session,
    filters: CaseFilter,
    *,
    sort: SortKey = SortKey.NEWEST,
    limit: int | None = None,
    first_assignee: str | None = None,
) -> list[CaseView]:
    """`first_assignee`: that agent's cases come first, each group in `sort` order."""
    # A CASE expression, not `assignee = x`: that is NULL for unowned cases,
    # which the backends sort differently.
    mine = [case((col(Case.assignee) == first_assignee, 0), else_=1)] if first_assignee else []
    query = (
        select(Case, Customer)
        .join(Customer, col(Customer.id) == col(Case.customer_id))
        .where(*_conditions(session, filters))
        .order_by(*mine, *_order(sort))
    )
    if limit:
        query = query.limit(limit)
    return [CaseView(c, cu) for c, cu in session.exec(query)]


def matching_ids(session: Session, filters: CaseFilter) -> list[int]:
    query = select(Case.id).where(*_conditions(session, filters)).order_by(col(Case.id))
    return [int(i) for i in session.exec(query) if i is not None]


def count_by_status(session: Session) -> dict[str, int]:
    query = select(Case.status, func.count()).group_by(col(Case.status))
    return {status: int(n) for status, n in session.exec(query)}


def follow_ups(
    session: Session, *, due_only: bool = False, limit: int | None = None
) -> list[CaseView]:
    """Cases with a follow-up scheduled, soonest first."""
    query = (
        select(Case, Customer)
        .join(Customer, col(Customer.id) == col(Case.customer_id))
        .where(col(Case.follow_up_at).is_not(None))
        .order_by(col(Case.follow_up_at), col(Case.id))
    )
    if due_only:
        query = query.where(col(Case.follow_up_at) <= times.now())
    if limit:
        query = query.limit(limit)
    return [CaseView(c, cu) for c, cu in session.exec(query)]


def next_follow_up(session: Session) -> CaseView | None:
    """The soonest scheduled follow-up (due or not), or None."""
    found = follow_ups(session, limit=1)
    return found[0] if found else None


def count_due_follow_ups(session: Session) -> int:
    query = select(func.count()).select_from(Case).where(col(Case.follow_up_at) <= times.now())
    return int(session.exec(query).one())


def board(session: Session, *, per_status: int = 10) -> Board:
    """Active cases by status, most urgent first, `per_status` of each."""
    all_counts = count_by_status(session)
    counts = {str(s): all_counts.get(str(s), 0) for s in ACTIVE_STATUSES}
    columns = {
        str(s): list_cases(
            session, CaseFilter(statuses=(s,)), sort=SortKey.PRIORITY, limit=per_status
        )
        for s in ACTIVE_STATUSES
    }
    return Board(counts, columns, count_due_follow_ups(session))
