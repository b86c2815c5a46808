"""Rows read by the read path, with the attributes of the table models, so
`shapes` and `render` take either.  Standard library only.

Each row class lists its table's columns in the table's order, with their
types: the SELECTs name those columns, and a stored value is checked against
its type (SQLite keeps whatever was written) as the row is made.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, Self

from deskcli import times


class DamagedRow(ValueError):
    """A stored value that is not of its column's type (SQLite keeps whatever
    was written): the caller reads again through the store, which names it."""


def to_time(value: Any) -> datetime | None:
    """A stored time (SQLite: text in UTC; PostgreSQL: a naive UTC datetime) as aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"not a time: {value!r}")
    return times.as_utc(value)


@cache
def _columns(row_class: Any) -> tuple[tuple[str, str, bool], ...]:
    """(name, kind, optional) of each column of a row class: its fields without
    a default (a default marks what is not a column, like a case's tags)."""
    return tuple(
        (f.name, _kind(str(f.type)), "None" in str(f.type))
        for f in fields(row_class)
        if f.default is MISSING and f.default_factory is MISSING
    )


def _kind(annotation: str) -> str:
    for kind in ("datetime", "int", "str", "dict", "float", "bool"):
        if annotation.startswith(kind):
            return kind
    raise TypeError(f"no column kind for {annotation}")


def _columns_of(row_class: type) -> tuple[tuple[str, str, bool], ...]:
    # For `_Row.of`: mypy does not take `type[Self]` as the cache's Hashable argument.
    return _columns(row_class)


def columns(row_class: type) -> tuple[str, ...]:
    """The column names of a row class, in SELECT order."""
    return tuple(name for name, _kind, _optional in _columns(row_class))


def _checked(kind: str, value: Any) -> Any:
    """A stored value as its column's kind; ValueError if it is not one."""
    if kind == "datetime":
        return to_time(value)
    if kind == "dict":
        data = json.loads(value) if isinstance(value, str | bytes) else value  # SQLite: text
        if data is not None and not isinstance(data, dict):
            raise ValueError(kind)
        return data
    if kind == "float":
        if type(value) not in (int, float):  # SQLite may keep a whole number as an integer
            raise ValueError(kind)
        return float(value)
    if kind == "bool":
        if value not in (0, 1):  # SQLite: 0/1; PostgreSQL: a boolean
            raise ValueError(kind)
        return bool(value)
    if type(value) is not {"int": int, "str": str}[kind]:  # not a bool, not bytes
        raise ValueError(kind)
    return value


class _Row:
    @classmethod
    def of(cls, row: Sequence[Any]) -> Self:
        """A row of this class's columns; DamagedRow names a value of the wrong kind."""
        values: dict[str, Any] = {}
        for (name, kind, optional), value in zip(_columns_of(cls), row, strict=True):
            try:
                if value is None and not optional:
                    raise ValueError(name)
                values[name] = None if value is None else _checked(kind, value)
            except (ValueError, TypeError):
                raise DamagedRow(name) from None
        return cls(**values)


@dataclass
class CaseRow(_Row):
    id: int | None
    customer_id: int
    subject: str
    description: str
    channel: str
    category: str | None
    priority: str
    status: str
    assignee: str | None
    team: str | None
    tier: int
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution: str | None
    root_cause: str | None
    follow_up_at: datetime | None
    reopen_count: int
    handling_seconds: int
    last_inbound_at: datetime | None
    csat: int | None
    nps: int | None
    version: int
    due_at: datetime | None  # the earliest due time of its running clocks
    tags: list[str] = field(default_factory=list)  # sorted case-insensitively
    # Its service-level clocks, when the command shows them (services.sla_clocks.attach).
    clocks: list[ClockRow] | None = None


@dataclass
class ClockRow(_Row):
    """One run of a service-level clock (table case_clock; the migration 0009
    docstring says what each column means)."""

    id: int | None
    case_id: int
    name: str
    cycle: int
    target_seconds: int
    calendar: str
    started_at: datetime
    segment_started_at: datetime | None
    used_seconds: float
    due_at: datetime | None
    stopped_at: datetime | None
    paused: bool
    breached: bool
    # Business seconds used up to now, current run included (desk sla explain).
    used_now: float | None = None


@dataclass
class CustomerRow(_Row):
    id: int | None
    crn: str
    name: str
    email: str | None
    phone: str | None
    created_at: datetime


@dataclass
class EventRow(_Row):
    id: int | None
    case_id: int
    at: datetime
    agent: str
    kind: str
    body: str
    data: dict[str, Any] | None


@dataclass
class ArticleRow(_Row):
    id: int | None
    title: str
    body: str
    category: str | None
    status: str
    author: str
    created_at: datetime
    updated_at: datetime
    version: int
    source_case_id: int | None  # the case it was promoted from (desk kb promote)
    tags: list[str] = field(default_factory=list)  # sorted case-insensitively
    uses: int = 0  # distinct cases it was used on


@dataclass
class RevisionRow(_Row):
    id: int | None
    article_id: int
    at: datetime
    agent: str
    changes: dict[str, Any]


@dataclass
class SearchHit:
    """An article a knowledge base search found."""

    article: ArticleRow
    rank: float  # higher is better; comparable within one search only
    snippet: str


class CaseView(NamedTuple):
    """A case with its customer: what every case command shows."""

    case: CaseRow
    customer: CustomerRow


def case_and_customer(row: Sequence[Any]) -> CaseView:
    """A row of CASE_COLUMNS followed by CUSTOMER_COLUMNS."""
    n = len(CASE_COLUMNS)
    return CaseView(CaseRow.of(row[:n]), CustomerRow.of(row[n:]))


CASE_COLUMNS = columns(CaseRow)
CUSTOMER_COLUMNS = columns(CustomerRow)
EVENT_COLUMNS = columns(EventRow)
ARTICLE_COLUMNS = columns(ArticleRow)
REVISION_COLUMNS = columns(RevisionRow)
CLOCK_COLUMNS = columns(ClockRow)


@dataclass
class FeedbackRow(_Row):
    """A rating with its case's subject and customer (`desk feedback list`)."""

    id: int | None
    case_id: int
    resolution_no: int
    resolved_at: datetime | None
    at: datetime
    agent: str
    credited_agent: str | None
    credited_team: str | None
    csat: int
    nps: int | None
    comment: str
    subject: str
    crn: str
    customer_name: str


@dataclass
class RemedyRow(_Row):
    id: int | None
    case_id: int
    at: datetime
    agent: str
    kind: str
    amount: str | None
    currency: str | None
    note: str


FEEDBACK_COLUMNS = columns(FeedbackRow)
REMEDY_COLUMNS = columns(RemedyRow)


@dataclass
class ReviewRow(_Row):
    """A QA review of a case (table case_review; migration 0010 says what
    each column means), without the folded keys it is found by."""

    id: int | None
    case_id: int
    at: datetime
    reviewer: str
    agent: str | None
    personalization: int
    integrity: int
    expectations: int
    resolution: int
    time_effort: int
    empathy: int
    professionalism: int | None
    patience: int | None
    people_first: int | None
    score: float
    flagged: bool
    comment: str


REVIEW_COLUMNS = columns(ReviewRow)
