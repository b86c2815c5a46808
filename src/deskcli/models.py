"""Tables.  Strings for statuses and kinds (validated in the services against
`deskcli.domain`), so the schema needs no database-specific enum types.

The schema itself is created and changed only by the Alembic migrations in
`deskcli/migrations`; a test checks that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, UniqueConstraint, false, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import relationship
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from deskcli.folding import sorted_tags


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC, returned as aware UTC, on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


# A person or company the desk serves, found by CRN.
class Customer(SQLModel, table=True):
    __tablename__ = "customer"
    __table_args__ = (Index("ix_customer_crn_key", "crn_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    crn: str = Field(unique=True)
    # Derived columns (deskcli.folding), kept by the services and by import,
    # never exported.  crn_key makes a CRN unique whatever its case; it is NULL
    # only for a CRN that already differed by case alone when migration 0004
    # ran (found by its exact spelling).
    crn_key: str | None = None
    name: str
    email: str | None = None
    phone: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    search_text: str = Field(default="", sa_column_kwargs={"server_default": ""})


# The cases `desk next` takes from, as its query writes them (SQLite uses a
# partial index only for a query that repeats its WHERE).
NEXT_WHERE = "assignee IS NULL AND status IN ('new', 'open', 'pending', 'escalated')"


# One customer problem, from opening to closing.
class Case(SQLModel, table=True):
    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_status_created", "status", "created_at"),
        Index("ix_case_status_priority_created", "status", "priority", "created_at"),
        Index("ix_case_created", "created_at"),
        Index("ix_case_customer_created", "customer_id", "created_at"),
        Index("ix_case_assignee_status", "assignee", "status"),
        Index("ix_case_follow_up", "follow_up_at"),
        Index("ix_case_team", "team"),
        Index("ix_case_category", "category"),
        Index("ix_case_assignee_key_status", "assignee_key", "status"),
        Index("ix_case_team_key", "team_key"),
        Index("ix_case_due", "due_at"),
        # `desk next`: the unowned active cases, most urgent first (0009).
        Index(
            "ix_case_next",
            "priority",
            "due_at",
            "created_at",
            "id",
            sqlite_where=text(NEXT_WHERE),
            postgresql_where=text(NEXT_WHERE),
        ),
        Index("ix_case_resolved", "resolved_at"),
        Index("ix_case_first_response", "first_response_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    subject: str
    description: str = ""
    channel: str
    category: str | None = None
    priority: str
    status: str
    assignee: str | None = None
    team: str | None = None
    tier: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str | None = None
    root_cause: str | None = None
    follow_up_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reopen_count: int = 0
    # Seconds spent in the guided five A's flow (desk assist), over all sessions.
    handling_seconds: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The customer's latest message (`desk case inbound`), and the latest
    # rating of the case (`desk case feedback`; the history is in `feedback`).
    last_inbound_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    csat: int | None = None
    nps: int | None = None
    # Derived columns (deskcli.folding), kept by services.write_path and by
    # import, never exported: the case-insensitive keys of assignee and team,
    # and the folded text `--search` looks in (subject, description, notes,
    # replies, customer messages, resolution).
    assignee_key: str | None = None
    team_key: str | None = None
    search_text: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # Bumped on every write: the optimistic-concurrency check (see services.write_path).
    version: int = 1
    # The earliest due time of the case's running service-level clocks (None:
    # none running); kept by the write path, indexed for breaches and `desk next`.
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def tags(self) -> list[str]:
        """The case's tags as first typed, sorted case-insensitively."""
        rows = getattr(self, "tag_rows", None) or ()  # the relationship below
        return sorted_tags(t.tag for t in rows)


# The append-only timeline and audit log of a case.  Never updated or deleted.
class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_case", "case_id", "id"),
        Index("ix_event_kind_at", "kind", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    at: datetime = Field(sa_type=UTCDateTime)
    agent: str
    kind: str
    body: str = ""
    data: dict[str, Any] | None = Field(default=None, sa_type=JSON)


# A case's tags: each stored as first typed (`tag`) and found by its folded
# form (`tag_key`, lowercased), so `VIP` and `vip` are one tag on a case.
class CaseTag(SQLModel, table=True):
    __tablename__ = "case_tag"
    # Once per case (the unique pair also loads a case's tags); the --tag
    # filter looks cases up by tag through (tag_key, case_id).
    __table_args__ = (
        UniqueConstraint("case_id", "tag_key", name="uq_case_tag_case_key"),
        Index("ix_case_tag_key", "tag_key", "case_id"),
    )

    # A row id like every table's, so `desk doctor` can name a damaged row.
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    tag_key: str
    tag: str


# A customer's rating of one resolution of a case (`desk case feedback`):
# `resolution_no` is the case's reopen_count when it was rated, so a case
# takes one rating per resolution.  The credit goes to the assignee and team
# that resolved it, copied here so that a later reassignment cannot move it.
# Its `feedback` event holds the same values.
class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("case_id", "resolution_no", name="uq_feedback_case_resolution"),
        Index("ix_feedback_at", "at"),
        Index("ix_feedback_customer_at", "customer_id", "at"),
        Index("ix_feedback_agent_at", "credited_agent_key", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    customer_id: int = Field(foreign_key="customer.id")
    resolution_no: int
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    at: datetime = Field(sa_type=UTCDateTime)
    agent: str
    credited_agent: str | None = None
    credited_agent_key: str | None = None
    credited_team: str | None = None
    csat: int
    nps: int | None = None
    comment: str = ""


# What was given to make amends (`desk case remedy`).  An amount is exact:
# `amount` is the decimal text (12.50), `amount_units` the same in
# ten-thousandths (125000), an integer SQL totals exactly on every backend.
class Remedy(SQLModel, table=True):
    __tablename__ = "remedy"
    __table_args__ = (
        Index("ix_remedy_customer_at", "customer_id", "at"),
        Index("ix_remedy_case", "case_id", "id"),
        Index("ix_remedy_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    customer_id: int = Field(foreign_key="customer.id")
    at: datetime = Field(sa_type=UTCDateTime)
    agent: str
    kind: str
    amount: str | None = None
    amount_units: int | None = Field(default=None, sa_type=BigInteger)
    currency: str | None = None
    note: str = ""


# A case's tags load with it, in one extra query per list (selectin), never one
# per case.  Mapped here, after both classes, because SQLModel's Relationship
# cannot see the target class through this module's postponed annotations.
Case.__mapper__.add_property(  # type: ignore[attr-defined]
    "tag_rows", relationship(CaseTag, lazy="selectin", viewonly=True, uselist=True)
)


# -- the knowledge base (schema 0007) ----------------------------------------

# What the migration adds for full-text search beside these tables, on one
# backend only, so the models do not declare it (tests/test_schema.py leaves
# it out of the comparison): SQLite's FTS5 table over the folded columns
# (with its shadow tables and the triggers that keep it in step), and
# PostgreSQL's generated tsvector column with its GIN index.
KB_FTS_TABLE = "kb_fts"
KB_SEARCH_VECTOR = "search_vector"
KB_SEARCH_VECTOR_INDEX = "ix_kb_article_search"
# SQLite's count of cases per status, kept by triggers (migration 0010).
CASE_STATUS_COUNT_TABLE = "case_status_count"


# A knowledge base article: a solution written down for the next agent.
class KbArticle(SQLModel, table=True):
    __tablename__ = "kb_article"
    __table_args__ = (
        Index("ix_kb_article_status_updated", "status", "updated_at"),
        Index("ix_kb_article_category", "category"),
        Index("ix_kb_article_source_case", "source_case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    body: str
    category: str | None = None
    status: str  # draft, published, archived
    author: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1
    # Derived (deskcli.folding.indexed_text), kept by services.kb: the folded
    # words of the title and body, which the search index reads.
    title_fold: str = Field(default="", sa_column_kwargs={"server_default": ""})
    body_fold: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # The case an article was promoted from (desk kb promote), if any.
    source_case_id: int | None = Field(default=None, foreign_key="case.id")


# An article's tags, as case_tag: stored as first typed, found by tag_key.
class KbArticleTag(SQLModel, table=True):
    __tablename__ = "kb_article_tag"
    __table_args__ = (
        UniqueConstraint("article_id", "tag_key", name="uq_kb_article_tag_article_key"),
        Index("ix_kb_article_tag_key", "tag_key", "article_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="kb_article.id")
    tag_key: str
    tag: str


# Every change to an article: who, when, and {field: {"from", "to"}}.
class KbRevision(SQLModel, table=True):
    __tablename__ = "kb_revision"
    __table_args__ = (Index("ix_kb_revision_article", "article_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="kb_article.id")
    at: datetime = Field(sa_type=UTCDateTime)
    agent: str
    changes: dict[str, Any] = Field(sa_type=JSON)


# The search log: what was searched and how many articles it found (the
# searches that found nothing say where knowledge is missing).
class KbSearch(SQLModel, table=True):
    __tablename__ = "kb_search"
    __table_args__ = (
        Index("ix_kb_search_at", "at"),
        Index("ix_kb_search_results_at", "results", "at", "query_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    agent: str
    query: str
    # The query's folded words, one space apart: equal searches group together.
    query_key: str
    results: int


# An article used on a case, once per case: an article's `uses`.
class KbUse(SQLModel, table=True):
    __tablename__ = "kb_use"
    __table_args__ = (
        UniqueConstraint("case_id", "article_id", name="uq_kb_use_case_article"),
        Index("ix_kb_use_article", "article_id", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    article_id: int = Field(foreign_key="kb_article.id")
    at: datetime = Field(sa_type=UTCDateTime)
    agent: str


# Service levels (migration 0009; see its docstring for every column).
class SlaCalendar(SQLModel, table=True):
    __tablename__ = "sla_calendar"

    name: str = Field(primary_key=True)
    tz: str
    hours: list[dict[str, Any]] = Field(sa_type=JSON)
    holidays: list[str] = Field(sa_type=JSON)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SlaPolicy(SQLModel, table=True):
    __tablename__ = "sla_policy"

    priority: str = Field(primary_key=True)
    first_response_seconds: int
    next_reply_seconds: int
    resolution_seconds: int
    calendar: str = Field(foreign_key="sla_calendar.name")
    updated_at: datetime = Field(sa_type=UTCDateTime)


class CaseClock(SQLModel, table=True):
    __tablename__ = "case_clock"
    __table_args__ = (
        UniqueConstraint("case_id", "name", "cycle", name="uq_case_clock_run"),
        Index(
            "ix_case_clock_running_due",
            "due_at",
            sqlite_where=text("stopped_at IS NULL"),
            postgresql_where=text("stopped_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    name: str
    cycle: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    target_seconds: int
    calendar: str
    started_at: datetime = Field(sa_type=UTCDateTime)
    segment_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_seconds: float = Field(default=0.0, sa_column_kwargs={"server_default": "0"})
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stopped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    breached: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


# QA reviews and handling-time targets (migration 0010; see its docstring).
class CaseReview(SQLModel, table=True):
    __tablename__ = "case_review"
    __table_args__ = (
        UniqueConstraint("case_id", "reviewer_key", name="uq_case_review_reviewer"),
        Index("ix_case_review_at", "at"),
        Index("ix_case_review_agent_at", "agent_key", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id")
    at: datetime = Field(sa_type=UTCDateTime)
    reviewer: str
    reviewer_key: str
    agent: str | None = None
    agent_key: str | None = None
    personalization: int
    integrity: int
    expectations: int
    resolution: int
    time_effort: int
    empathy: int
    professionalism: int | None = None
    patience: int | None = None
    people_first: int | None = None
    score: float
    flagged: bool
    comment: str = ""


class HandlingTarget(SQLModel, table=True):
    __tablename__ = "handling_target"
    __table_args__ = (UniqueConstraint("category_key", name="uq_handling_target_category"),)

    id: int | None = Field(default=None, primary_key=True)
    category: str
    category_key: str
    handling_seconds: int
    set_at: datetime = Field(sa_type=UTCDateTime)
    set_by: str
