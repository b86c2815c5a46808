"""The everyday reads as SQL: one text per question, the same on SQLite and
PostgreSQL.  Values always travel as bound parameters; the only text composed
here is fixed fragments and parameter names generated from positions.
Standard library only."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from deskcli import times
from deskcli.domain import ACTIVE_STATUSES, PRIORITY_RANK, SortKey
from deskcli.errors import NotFound, no_case
from deskcli.folding import name_key, search_fold, sorted_tags, strip_accents
from deskcli.lang import N_
from deskcli.reads.filters import CaseFilter, check_search, like_pattern
from deskcli.reads.rows import (
    CASE_COLUMNS,
    CUSTOMER_COLUMNS,
    EVENT_COLUMNS,
    REMEDY_COLUMNS,
    REVIEW_COLUMNS,
    CaseRow,
    CaseView,
    CustomerRow,
    EventRow,
    FeedbackRow,
    RemedyRow,
    ReviewRow,
    case_and_customer,
    to_time,
)
from deskcli.reads.source import Source, in_list
from deskcli.shapes import Board, nps_class

_CASE = ", ".join(f"c.{name}" for name in CASE_COLUMNS)
_CUSTOMER = ", ".join(f"cu.{name}" for name in CUSTOMER_COLUMNS)
CASES_WITH_CUSTOMERS = (
    f'SELECT {_CASE}, {_CUSTOMER} FROM "case" c JOIN customer cu ON cu.id = c.customer_id'
)
CASE_BY_ID = CASES_WITH_CUSTOMERS + " WHERE c.id = :case_id"
EVENTS_OF_CASE = (
    f"SELECT {', '.join(EVENT_COLUMNS)} FROM event WHERE case_id = :case_id ORDER BY id"
)
OTHER_CASES_OF_CUSTOMER = (
    f'SELECT {_CASE} FROM "case" c WHERE c.customer_id = :customer_id AND c.id != :case_id'
    " ORDER BY c.created_at DESC, c.id DESC LIMIT :limit"
)
CASES_OF_CUSTOMER = (
    f'SELECT {_CASE} FROM "case" c WHERE c.customer_id = :customer_id'
    " ORDER BY c.created_at DESC, c.id DESC"
)
COUNT_CASES_OF_CUSTOMER = 'SELECT count(*) FROM "case" WHERE customer_id = :customer_id'
CUSTOMER_BY_CRN = f"SELECT {_CUSTOMER} FROM customer cu WHERE cu.crn = :crn"
CUSTOMER_BY_CRN_KEY = (
    f"SELECT {_CUSTOMER} FROM customer cu WHERE cu.crn_key = :crn_key ORDER BY cu.id LIMIT 1"
)
TAGS_OF_CASES = "SELECT case_id, tag FROM case_tag WHERE "
TAGGED = "c.id IN (SELECT case_id FROM case_tag WHERE tag_key = :{name})"
CUSTOMERS = f"SELECT {_CUSTOMER} FROM customer cu"
COUNT_BY_STATUS = 'SELECT status, count(*) FROM "case" GROUP BY status'
COUNT_BY_STATUS_IN = (
    'SELECT status, count(*) FROM "case" WHERE status IN ({statuses}) GROUP BY status'
)
MOST_URGENT = (
    CASES_WITH_CUSTOMERS + " WHERE c.status = :status AND c.priority = :priority"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT :limit"
)
# SQLite keeps the counts (case_status_count, by triggers; migration 0010).
KEPT_COUNT_BY_STATUS_IN = "SELECT status, n FROM case_status_count WHERE status IN ({statuses})"
COUNT_DUE_FOLLOW_UPS = 'SELECT count(*) FROM "case" WHERE follow_up_at <= :now'
FOLLOW_UPS = CASES_WITH_CUSTOMERS + " WHERE c.follow_up_at IS NOT NULL"

_PRIORITY_RANK = (
    "CASE c.priority "
    + " ".join(f"WHEN '{p}' THEN {rank}" for p, rank in PRIORITY_RANK.items())
    + " ELSE -1 END"
)
ORDER = {
    SortKey.NEWEST: "c.created_at DESC, c.id DESC",
    SortKey.OLDEST: "c.created_at, c.id",
    SortKey.ID: "c.id",
    SortKey.PRIORITY: f"{_PRIORITY_RANK} DESC, c.created_at DESC, c.id DESC",
    SortKey.UPDATED: "c.updated_at DESC, c.id DESC",
    SortKey.FOLLOW_UP: "c.follow_up_at IS NULL, c.follow_up_at, c.id",
    # Cases with a due time, by ix_case_due; see _cases for those without one.
    SortKey.DUE: "c.due_at, c.id",
}


@dataclass
class CaseDetail:
    """A case with its customer, its events and the customer's other cases."""

    view: CaseView
    events: list[EventRow]
    history: list[CaseRow]  # newest first


def storable_id(source: Source, case_id: int) -> bool:
    """Whether the id column can hold `case_id` at all: 64 bits on SQLite, 32 on
    PostgreSQL (INTEGER).  A larger id names no case; binding it would fail."""
    return 1 <= case_id <= source.max_id


def get_case(source: Source, case_id: int, *, lock: str = "") -> CaseView:
    """Raises NotFound.  `lock` is the clause that row-locks a case read for
    a write (`Tx.lock_rows`)."""
    if not storable_id(source, case_id):
        raise no_case(case_id)
    found = source.rows(CASE_BY_ID + lock, {"case_id": case_id})
    if not found:
        raise no_case(case_id)
    return _with_tags(source, [case_and_customer(found[0])])[0]


def show_case(source: Source, case_id: int, *, history_limit: int = 10) -> CaseDetail:
    view = get_case(source, case_id)
    events = [EventRow.of(r) for r in source.rows(EVENTS_OF_CASE, {"case_id": case_id})]
    others = source.rows(
        OTHER_CASES_OF_CUSTOMER,
        {"customer_id": view[1].id, "case_id": case_id, "limit": history_limit},
    )
    return CaseDetail(view, events, _with_tags(source, [CaseRow.of(r) for r in others]))


Rows = TypeVar("Rows", bound=Sequence[Any])

# Ids per tag query: well under SQLite's and PostgreSQL's parameter limits.
_TAG_CHUNK = 500


def _with_tags(source: Source, rows: Rows) -> Rows:
    """Fill in the tags of the cases in `rows` (CaseRows, or views of them),
    one query per _TAG_CHUNK cases."""
    cases = {r.id: r for r in (row.case if isinstance(row, CaseView) else row for row in rows)}
    ids = list(cases)
    for start in range(0, len(ids), _TAG_CHUNK):
        params: dict[str, Any] = {}
        sql = TAGS_OF_CASES + in_list("case_id", "i", ids[start : start + _TAG_CHUNK], params)
        for case_id, tag in source.rows(sql, params):
            cases[case_id].tags.append(tag)
    for case in cases.values():
        case.tags = sorted_tags(case.tags)
    return rows


def _where(source: Source, filters: CaseFilter) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (or '') of the filters, and its parameters."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if filters.statuses:
        conditions.append(in_list("c.status", "status", [str(s) for s in filters.statuses], params))
    elif not filters.include_all:
        # "Not finished" rather than "IN (the active statuses)": the planner then
        # walks ix_case_created newest first and stops at the limit, instead of
        # sorting every active case (measured: 0.3 ms against 25 ms at 100,000).
        conditions.append("c.status NOT IN ('resolved', 'closed')")
    elif filters.exclude_closed:
        conditions.append("c.status != 'closed'")
    if filters.priorities:
        names = [str(p) for p in filters.priorities]
        conditions.append(in_list("c.priority", "priority", names, params))
    if filters.unassigned:
        conditions.append("c.assignee IS NULL")
    elif filters.assignee:
        conditions.append("c.assignee_key = :assignee_key")
        params["assignee_key"] = name_key(filters.assignee)
    if filters.customer_crn:
        customer = get_customer(source, filters.customer_crn)
        conditions.append("c.customer_id = :customer_id")
        params["customer_id"] = customer.id
    if filters.category:
        conditions.append("lower(c.category) = :category")
        params["category"] = filters.category.lower()
    if filters.channel:
        conditions.append("c.channel = :channel")
        params["channel"] = str(filters.channel)
    if filters.team:
        conditions.append("c.team_key = :team_key")
        params["team_key"] = name_key(filters.team)
    if filters.older_than is not None:
        conditions.append("c.created_at < :created_before")
        params["created_before"] = source.time(times.now() - filters.older_than)
    for n, tag in enumerate(filters.tags):
        # Each an indexed lookup on (tag_key, case_id).
        conditions.append(TAGGED.format(name=f"tag{n}"))
        params[f"tag{n}"] = tag.strip().lower()
    if filters.search:
        # Folded text (subject, description, resolution, notes, replies and
        # customer messages; see write_path) against the folded query.
        conditions.append("c.search_text LIKE :search ESCAPE '\\'")
        params["search"] = like_pattern(search_fold(filters.search))
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def list_cases(
    source: Source,
    filters: CaseFilter,
    *,
    sort: SortKey = SortKey.NEWEST,
    limit: int | None = None,
    first_assignee: str | None = None,
) -> list[CaseView]:
    """`first_assignee`: that agent's cases come first, each group in `sort` order."""
    where, params = _where(source, filters)
    if not first_assignee:
        return _cases(source, where, params, sort, limit)
    # Two index walks that stop at the limit, rather than one sort of every
    # match on "is it theirs".
    params["first_assignee"] = first_assignee
    joined = f"{where} AND" if where else " WHERE"
    theirs = _cases(source, f"{joined} c.assignee = :first_assignee", params, sort, limit)
    if limit and len(theirs) >= limit:
        return theirs
    others = f"{joined} (c.assignee IS NULL OR c.assignee != :first_assignee)"
    rest = limit - len(theirs) if limit else None
    return theirs + _cases(source, others, params, sort, rest)


def _cases(
    source: Source, where: str, params: dict[str, Any], sort: SortKey, limit: int | None
) -> list[CaseView]:
    if sort == SortKey.DUE:
        # Earliest due time first, then the cases with none (newest first):
        # two index walks (ix_case_due, ix_case_created) that stop at the
        # limit, the same on both backends (which sort NULLs apart).
        joined = f"{where} AND" if where else " WHERE"
        due = _walk(source, f"{joined} c.due_at IS NOT NULL", params, ORDER[sort], limit)
        if limit and len(due) >= limit:
            return due
        rest = limit - len(due) if limit else None
        newest = ORDER[SortKey.NEWEST]
        return due + _walk(source, f"{joined} c.due_at IS NULL", params, newest, rest)
    return _walk(source, where, params, ORDER[sort], limit)


def _walk(
    source: Source, where: str, params: dict[str, Any], order: str, limit: int | None
) -> list[CaseView]:
    sql = f"{CASES_WITH_CUSTOMERS}{where} ORDER BY {order}"
    if limit:
        sql += " LIMIT :limit"
        params = {**params, "limit": limit}
    return _with_tags(source, [case_and_customer(r) for r in source.rows(sql, params)])


def matching_ids(source: Source, filters: CaseFilter) -> list[int]:
    where, params = _where(source, filters)
    return [
        int(r[0]) for r in source.rows(f'SELECT c.id FROM "case" c{where} ORDER BY c.id', params)
    ]


def follow_ups(
    source: Source, *, due_only: bool = False, limit: int | None = None
) -> list[CaseView]:
    """Cases with a follow-up scheduled, soonest first."""
    sql, params = FOLLOW_UPS, dict[str, Any]()
    if due_only:
        sql += " AND c.follow_up_at <= :now"
        params["now"] = source.time(times.now())
    sql += " ORDER BY c.follow_up_at, c.id"
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return _with_tags(source, [case_and_customer(r) for r in source.rows(sql, params)])


@dataclass
class FollowUps:
    """Follow-ups, soonest first; with none due, the next one to come (when asked)."""

    views: list[CaseView]
    next_due: CaseView | None = None


def follow_up_list(
    source: Source, *, due_only: bool, limit: int | None, say_next: bool
) -> FollowUps:
    """`desk follow-ups`: `say_next` also finds the next follow-up when none is due."""
    views = follow_ups(source, due_only=due_only, limit=limit)
    upcoming = next_follow_up(source) if say_next and due_only and not views else None
    return FollowUps(views, upcoming)


def next_follow_up(source: Source) -> CaseView | None:
    """The soonest scheduled follow-up (due or not), or None."""
    found = follow_ups(source, limit=1)
    return found[0] if found else None


def count_due_follow_ups(source: Source) -> int:
    return int(source.rows(COUNT_DUE_FOLLOW_UPS, {"now": source.time(times.now())})[0][0])


def board(source: Source, *, per_status: int = 10) -> Board:
    """Active cases by status, most urgent first, `per_status` of each."""
    params = {f"status{n}": str(s) for n, s in enumerate(ACTIVE_STATUSES)}
    counting = KEPT_COUNT_BY_STATUS_IN if source.dialect == "sqlite" else COUNT_BY_STATUS_IN
    sql = counting.format(statuses=", ".join(":" + name for name in params))
    found = {str(status): int(n) for status, n in source.rows(sql, params)}
    counts = {str(s): found.get(str(s), 0) for s in ACTIVE_STATUSES}
    columns = {str(s): _most_urgent(source, str(s), per_status) for s in ACTIVE_STATUSES}
    return Board(counts, columns, count_due_follow_ups(source))


def _most_urgent(source: Source, status: str, limit: int) -> list[CaseView]:
    """The status's `limit` most urgent cases (newest first within a priority):
    one index range per priority, instead of sorting every case of the status."""
    views: list[CaseView] = []
    for priority in sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__, reverse=True):
        if len(views) == limit:
            break
        params = {"status": status, "priority": priority, "limit": limit - len(views)}
        views += (case_and_customer(r) for r in source.rows(MOST_URGENT, params))
    return _with_tags(source, views)


# -- customers ---------------------------------------------------------------


def get_customer(source: Source, crn: str) -> CustomerRow:
    """By CRN, whatever its case (the exact spelling first).  Raises NotFound."""
    crn = crn.strip()
    found = source.rows(CUSTOMER_BY_CRN, {"crn": crn}) or source.rows(
        CUSTOMER_BY_CRN_KEY, {"crn_key": name_key(crn)}
    )
    if not found:
        raise NotFound(
            N_("no customer with CRN {crn}"),
            hint=N_("add one with: desk customer add --crn {crn} --name NAME"),
            params={"crn": crn},
        )
    return CustomerRow.of(found[0])


def customer_cases(source: Source, customer_id: int, *, limit: int | None = None) -> list[CaseRow]:
    """The customer's cases, newest first."""
    sql = CASES_OF_CUSTOMER
    params: dict[str, Any] = {"customer_id": customer_id}
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return _with_tags(source, [CaseRow.of(r) for r in source.rows(sql, params)])


def count_customer_cases(source: Source, customer_id: int) -> int:
    return int(source.rows(COUNT_CASES_OF_CUSTOMER, {"customer_id": customer_id})[0][0])


@dataclass
class CustomerPage:
    """A customer, their newest cases and how many they have in all, their
    ratings and what was given to them to make amends."""

    customer: CustomerRow
    history: list[CaseRow]
    total: int
    ratings: Ratings
    remedies: list[RemedyRow]
    remedy_totals: list[RemedyTotal]


def customer_page(source: Source, crn: str, *, limit: int | None = None) -> CustomerPage:
    """`desk customer show`.  Raises NotFound."""
    customer = get_customer(source, crn)
    assert customer.id is not None
    history = customer_cases(source, customer.id, limit=limit)
    total = count_customer_cases(source, customer.id)
    remedies, remedy_totals = customer_remedies(source, customer.id)
    ratings = customer_ratings(source, customer.id)
    return CustomerPage(customer, history, total, ratings, remedies, remedy_totals)


def list_customers(
    source: Source, *, search: str | None = None, limit: int | None = None
) -> list[CustomerRow]:
    sql, params = CUSTOMERS, dict[str, Any]()
    search = check_search(search)
    if search:
        # Folded CRN, name, email and phone against the folded query.
        sql += " WHERE cu.search_text LIKE :search ESCAPE '\\'"
        params["search"] = like_pattern(search_fold(search))
    # People expect "ana perez" between "Ana" and "Omar", and "Ángel" beside
    # them: no SQL collation does that on both backends, so the order is
    # folded here, keeping only the first `limit` while the rows stream by.
    rows = (CustomerRow.of(r) for r in source.rows(sql, params))
    if limit:
        return heapq.nsmallest(limit, rows, key=_name_order)
    return sorted(rows, key=_name_order)


def _name_order(customer: CustomerRow) -> tuple[str, str, int]:
    """Sort key: the name without case or accents, then as typed, then the id."""
    return (strip_accents(customer.name).casefold(), customer.name, customer.id or 0)


def count_by_status(source: Source) -> dict[str, int]:
    """Cases per status, every status the file holds (desk doctor)."""
    return {status: int(n) for status, n in source.rows(COUNT_BY_STATUS, {})}


# -- feedback and remedies ---------------------------------------------------

# Resolved (or closed) more than a day ago, not rated for this resolution, and
# the customer not asked (rated on any case) since :asked_since: the follow-up
# call list, oldest first.  A walk of ix_case_resolved in order; each check is
# one index lookup (uq_feedback_case_resolution, ix_feedback_customer_at).
# Only resolved and closed cases have a resolved_at (a reopen clears it): a
# condition on the status as well would lead the planner to the status index
# and a sort of every resolved case.
FEEDBACK_DUE = (
    CASES_WITH_CUSTOMERS + " WHERE c.resolved_at >= :resolved_since"
    " AND c.resolved_at < :resolved_before"
    " AND NOT EXISTS (SELECT 1 FROM feedback f"
    " WHERE f.case_id = c.id AND f.resolution_no = c.reopen_count)"
    " AND NOT EXISTS (SELECT 1 FROM feedback a"
    " WHERE a.customer_id = c.customer_id AND a.at >= :asked_since)"
    " ORDER BY c.resolved_at, c.id"
)
FEEDBACK_LIST = (
    "SELECT f.id, f.case_id, f.resolution_no, f.resolved_at, f.at, f.agent, f.credited_agent,"
    " f.credited_team, f.csat, f.nps, f.comment, c.subject, cu.crn, cu.name"
    ' FROM feedback f JOIN "case" c ON c.id = f.case_id JOIN customer cu ON cu.id = f.customer_id'
    " WHERE f.at >= :since"
)
FEEDBACK_ORDER = " ORDER BY f.at DESC, f.id DESC"
FEEDBACK_OF_AGENT = " AND f.credited_agent_key = :agent_key"
CUSTOMER_RATINGS = "SELECT count(*), sum(csat) FROM feedback WHERE customer_id = :customer_id"
CUSTOMER_LAST_NPS = (
    "SELECT nps, at, case_id FROM feedback WHERE customer_id = :customer_id"
    " AND nps IS NOT NULL ORDER BY at DESC, id DESC LIMIT 1"
)
CUSTOMER_REMEDIES = (
    f"SELECT {', '.join(REMEDY_COLUMNS)} FROM remedy WHERE customer_id = :customer_id"
    " ORDER BY at DESC, id DESC"
)
CUSTOMER_REMEDY_TOTALS = (
    "SELECT kind, currency, sum(amount_units), count(*) FROM remedy"
    " WHERE customer_id = :customer_id GROUP BY kind, currency ORDER BY kind, currency"
)


def feedback_due(
    source: Source,
    *,
    resolved_before: timedelta,
    resolved_within: timedelta,
    not_asked_within: timedelta,
    limit: int | None,
) -> list[CaseView]:
    """Cases resolved between `resolved_within` and `resolved_before` ago,
    not rated for this resolution, whose customer gave no rating within
    `not_asked_within`; oldest resolution first."""
    now = times.now()
    params: dict[str, Any] = {
        "resolved_since": source.time(now - resolved_within),
        "resolved_before": source.time(now - resolved_before),
        "asked_since": source.time(now - not_asked_within),
    }
    sql = FEEDBACK_DUE
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return _with_tags(source, [case_and_customer(r) for r in source.rows(sql, params)])


def feedback_list(
    source: Source, *, since: timedelta, agent: str | None, limit: int | None
) -> list[FeedbackRow]:
    """Ratings given since `since` ago, newest first; with `agent`, those
    credited to that agent (whatever the case of the name)."""
    sql = FEEDBACK_LIST
    params: dict[str, Any] = {"since": source.time(times.now() - since)}
    if agent:
        sql += FEEDBACK_OF_AGENT
        params["agent_key"] = name_key(agent)
    sql += FEEDBACK_ORDER
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [FeedbackRow.of(r) for r in source.rows(sql, params)]


@dataclass
class Ratings:
    """A customer's ratings: how many, the CSAT average, the latest NPS."""

    count: int = 0
    csat_total: int = 0
    last_nps: int | None = None
    last_nps_at: datetime | None = None
    last_nps_case: int | None = None

    @property
    def csat_average(self) -> float | None:
        """Rounded to two places (exact from the integer sum, then rounded once)."""
        if not self.count:
            return None
        return float(round(Decimal(self.csat_total) / self.count, 2))

    @property
    def last_nps_class(self) -> str | None:
        return nps_class(self.last_nps)


@dataclass
class RemedyTotal:
    kind: str
    currency: str | None
    units: int | None  # ten-thousandths; None when none of them had an amount
    count: int


def customer_ratings(source: Source, customer_id: int) -> Ratings:
    count, total = source.rows(CUSTOMER_RATINGS, {"customer_id": customer_id})[0]
    ratings = Ratings(int(count), int(total or 0))
    last = source.rows(CUSTOMER_LAST_NPS, {"customer_id": customer_id})
    if last:
        nps, at, case_id = last[0]
        ratings.last_nps, ratings.last_nps_at, ratings.last_nps_case = (
            int(nps),
            to_time(at),
            case_id,
        )
    return ratings


def customer_remedies(
    source: Source, customer_id: int
) -> tuple[list[RemedyRow], list[RemedyTotal]]:
    """The customer's remedies, newest first, and their totals by kind and
    currency (summed exactly, in integer units, by the database)."""
    params = {"customer_id": customer_id}
    remedies = [RemedyRow.of(r) for r in source.rows(CUSTOMER_REMEDIES, params)]
    totals = [
        RemedyTotal(kind, currency, None if units is None else int(units), int(n))
        for kind, currency, units, n in source.rows(CUSTOMER_REMEDY_TOTALS, params)
    ]
    return remedies, totals


# -- QA reviews ------------------------------------------------------------------

_REVIEW = ", ".join(f"r.{name}" for name in REVIEW_COLUMNS)
REVIEWS_OF_CASE = (
    f"SELECT {_REVIEW} FROM case_review r WHERE r.case_id = :case_id ORDER BY r.at, r.id"
)
# Newest first, by ix_case_review_at (or ix_case_review_agent_at with --agent).
REVIEW_LIST = f"SELECT {_REVIEW} FROM case_review r WHERE r.at >= :since"
REVIEW_OF_AGENT = " AND r.agent_key = :agent_key"
REVIEW_ORDER = " ORDER BY r.at DESC, r.id DESC"


def case_reviews(source: Source, case_id: int) -> list[ReviewRow]:
    """The QA reviews of a case, oldest first."""
    return [ReviewRow.of(r) for r in source.rows(REVIEWS_OF_CASE, {"case_id": case_id})]


def review_list(source: Source, *, since: timedelta, agent: str | None) -> list[ReviewRow]:
    """Reviews made since `since` ago, newest first; with `agent`, those of
    the cases that agent resolved (whatever the case of the name)."""
    sql = REVIEW_LIST
    params: dict[str, Any] = {"since": source.time(times.now() - since)}
    if agent:
        sql += REVIEW_OF_AGENT
        params["agent_key"] = name_key(agent)
    return [ReviewRow.of(r) for r in source.rows(sql + REVIEW_ORDER, params)]
