"""The public shape of each record: what `--json`, `desk batch` and the
renderers show of a case, an event, a customer, a close summary, the board and
the five A's state.  Each shape is defined here once.

Standard library only: the functions take a table model (what a write
returns) or a row of the read path (`deskcli.reads`): both have the attributes
the shapes name.  They return plain dicts ready for `json.dumps`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict, TypeVar, cast

from deskcli import times

# -- what the shapes read ----------------------------------------------------
# Named only for the type checker: at run time this module imports neither.
if TYPE_CHECKING:
    from deskcli.models import Case, Customer, Event
    from deskcli.reads.queries import Ratings, RemedyTotal
    from deskcli.reads.rows import (
        ArticleRow,
        CaseRow,
        ClockRow,
        CustomerRow,
        EventRow,
        FeedbackRow,
        RemedyRow,
        ReviewRow,
        RevisionRow,
        SearchHit,
    )
    from deskcli.sla.calendar import Calendar
    from deskcli.sla.whatif import WhatIf

CaseFields: TypeAlias = "Case | CaseRow"
CustomerFields: TypeAlias = "Customer | CustomerRow"
EventFields: TypeAlias = "Event | EventRow"
# A case with its customer, as every case command shows it.
CaseAndCustomer: TypeAlias = "tuple[CaseFields, CustomerFields]"


# -- the shapes --------------------------------------------------------------


Picked = TypeVar("Picked")


def _picked(obj: object, shape: type[Picked]) -> Picked:
    """The attributes of `obj` that the TypedDict `shape` names, in its order;
    times as ISO text (for shapes whose keys are attribute names)."""
    values = {name: getattr(obj, name) for name in shape.__annotations__}
    return cast(
        Picked, {k: times.iso(v) if isinstance(v, datetime) else v for k, v in values.items()}
    )


class CaseRecord(TypedDict):
    """A case (documented in the README, "For scripts")."""

    id: int | None
    status: str
    priority: str
    channel: str
    category: str | None
    subject: str
    description: str
    customer_crn: str
    customer_name: str
    assignee: str | None
    team: str | None
    tier: int
    created_at: str | None
    updated_at: str | None
    first_response_at: str | None
    resolved_at: str | None
    closed_at: str | None
    resolution: str | None
    root_cause: str | None
    follow_up_at: str | None
    reopen_count: int
    handling_seconds: int
    last_inbound_at: str | None
    csat: int | None
    nps: int | None
    version: int
    tags: list[str]
    due_at: str | None
    sla: SlaRecord | None


class ClockRecord(TypedDict):
    """One service-level clock of a case (documented in the README, "For scripts")."""

    target_seconds: int
    started_at: str | None
    due_at: str | None  # null while paused
    stopped_at: str | None
    paused: bool
    breached: bool
    business_seconds_used: int


class SlaRecord(TypedDict):
    first_response: ClockRecord | None
    next_reply: ClockRecord | None
    resolution: ClockRecord | None


def clock_breached(clock: ClockRow, now: datetime) -> bool:
    """Stored when the clock paused or stopped past due; a running clock
    has breached once its due time has passed."""
    running = clock.stopped_at is None and not clock.paused
    return clock.breached or (running and clock.due_at is not None and now > clock.due_at)


def clock_record(clock: ClockRow, now: datetime) -> ClockRecord:
    """`business_seconds_used` is as stored: the business time of the clock's
    finished runs (a running clock's current run counts once it pauses or
    stops; `desk sla explain` counts it up to now)."""
    return {
        "target_seconds": clock.target_seconds,
        "started_at": times.iso(clock.started_at),
        "due_at": times.iso(clock.due_at),
        "stopped_at": times.iso(clock.stopped_at),
        "paused": clock.paused,
        "breached": clock_breached(clock, now),
        "business_seconds_used": round(clock.used_seconds),
    }


def current_clocks(clocks: Sequence[ClockRow]) -> dict[str, ClockRow | None]:
    """Each clock by name; of the next-reply clocks, the latest cycle."""
    found: dict[str, ClockRow | None] = dict.fromkeys(SLA_CLOCKS)
    for clock in clocks:
        shown = found.get(clock.name)
        if clock.name in found and (shown is None or clock.cycle >= shown.cycle):
            found[clock.name] = clock
    return found


SLA_CLOCKS = ("first_response", "next_reply", "resolution")


def sla_record(clocks: Sequence[ClockRow] | None) -> SlaRecord | None:
    """A case's clocks (None: the command did not read them)."""
    if clocks is None:
        return None
    now = times.now()
    shown = current_clocks(clocks)
    return cast(
        SlaRecord,
        {name: None if c is None else clock_record(c, now) for name, c in shown.items()},
    )


class BreachRecord(TypedDict):
    """`desk sla breaches --json`: a running clock past due (a negative
    `overdue_seconds`: due within --at-risk)."""

    case_id: int
    clock: str
    due_at: str | None
    overdue_seconds: int
    priority: str
    assignee: str | None
    team: str | None


def breach_records(found: Sequence[Any]) -> list[BreachRecord]:
    """From services.sla_clocks.Breach (not imported: shapes sit below services)."""
    return [_picked(b, BreachRecord) for b in found]


SegmentRecord = TypedDict(  # noqa: UP013  ("from" is a keyword)
    "SegmentRecord",
    {"from": str | None, "to": str | None, "state": str, "business_seconds": int},
)


class ExplainedClock(TypedDict):
    target_seconds: int
    calendar: str
    due_at: str | None
    breached: bool
    segments: list[SegmentRecord]


class ExplainRecord(TypedDict):
    """`desk sla explain --json`."""

    case_id: int | None
    clocks: dict[str, ExplainedClock]


def explain_record(found: Any) -> ExplainRecord:
    """From services.sla_clocks.Explanation (not imported: shapes sit below services)."""
    now = times.now()
    return {
        "case_id": found.view.case.id,
        "clocks": {
            name: {
                "target_seconds": story.clock.target_seconds,
                "calendar": story.clock.calendar,
                "due_at": times.iso(story.clock.due_at),
                "breached": clock_breached(story.clock, now),
                "segments": [
                    {
                        "from": times.iso(seg.start),
                        "to": times.iso(seg.end),
                        "state": seg.state,
                        "business_seconds": round(seg.business_seconds),
                    }
                    for seg in story.segments
                ],
            }
            for name, story in found.stories.items()
        },
    }


def case_record(case: CaseFields, customer: CustomerFields) -> CaseRecord:
    return {
        "id": case.id,
        "status": case.status,
        "priority": case.priority,
        "channel": case.channel,
        "category": case.category,
        "subject": case.subject,
        "description": case.description,
        "customer_crn": customer.crn,
        "customer_name": customer.name,
        "assignee": case.assignee,
        "team": case.team,
        "tier": case.tier,
        "created_at": times.iso(case.created_at),
        "updated_at": times.iso(case.updated_at),
        "first_response_at": times.iso(case.first_response_at),
        "resolved_at": times.iso(case.resolved_at),
        "closed_at": times.iso(case.closed_at),
        "resolution": case.resolution,
        "root_cause": case.root_cause,
        "follow_up_at": times.iso(case.follow_up_at),
        "reopen_count": case.reopen_count,
        "handling_seconds": case.handling_seconds,
        "last_inbound_at": times.iso(case.last_inbound_at),
        "csat": case.csat,
        "nps": case.nps,
        "version": case.version,
        "tags": list(case.tags),
        "due_at": times.iso(case.due_at),
        "sla": sla_record(getattr(case, "clocks", None)),
    }


def case_records(views: Sequence[CaseAndCustomer]) -> list[CaseRecord]:
    return [case_record(case, customer) for case, customer in views]


class EventRecord(TypedDict):
    """One timeline event of a case."""

    id: int | None
    kind: str
    agent: str
    at: str | None
    body: str
    data: dict[str, Any] | None


class BriefRecord(TypedDict):
    """A case in a customer's history."""

    id: int | None
    status: str
    subject: str
    created_at: str | None
    resolution: str | None


class StepRecordJSON(TypedDict):
    name: str
    status: str
    text: str | None
    reason: str | None
    at: str | None
    agent: str | None
    seconds: int


class AssistRecord(TypedDict):
    """The five A's state of a case (`desk assist --json`, and `assist` in case show)."""

    case_id: int
    steps: list[StepRecordJSON]
    next: str | None
    handling_seconds: int


@dataclass
class StepRecord:
    name: str
    status: str = "pending"  # done | skipped | pending
    text: str | None = None
    reason: str | None = None
    at: datetime | None = None
    agent: str | None = None
    seconds: int = 0


@dataclass
class AssistState:
    """The five A's of one case, derived from its `assist_step` events."""

    case_id: int
    steps: list[StepRecord]
    handling_seconds: int
    last_at: datetime | None = None
    sessions: set[str] = field(default_factory=set)

    @property
    def next(self) -> str | None:
        return next((s.name for s in self.steps if s.status == "pending"), None)

    def step(self, name: str) -> StepRecord:
        return self.steps[[s.name for s in self.steps].index(name)]

    def record(self) -> AssistRecord:
        return {
            "case_id": self.case_id,
            "steps": [
                {
                    "name": s.name,
                    "status": s.status,
                    "text": s.text,
                    "reason": s.reason,
                    "at": times.iso(s.at),
                    "agent": s.agent,
                    "seconds": s.seconds,
                }
                for s in self.steps
            ],
            "next": self.next,
            "handling_seconds": self.handling_seconds,
        }


class ReviewRecord(TypedDict):
    """A QA review (`desk case review --json`, `desk review list --json`, and
    `reviews` of `desk case show --json`)."""

    case_id: int
    reviewer: str
    agent: str | None  # who resolved the case
    scores: dict[str, int]  # the six pillars; the three P's only when given
    score: float  # the mean of the six pillars (0 when flagged), to two places
    flagged: bool  # integrity below 5
    comment: str
    at: str | None


def review_record(row: ReviewRow) -> ReviewRecord:
    from deskcli.domain import PILLARS, THREE_PS

    scores = {name: getattr(row, name) for name in PILLARS}
    scores.update({p: getattr(row, p) for p in THREE_PS if getattr(row, p) is not None})
    return {
        "case_id": row.case_id,
        "reviewer": row.reviewer,
        "agent": row.agent,
        "scores": scores,
        "score": round(row.score, 2),
        "flagged": row.flagged,
        "comment": row.comment,
        "at": times.iso(row.at),
    }


class DetailRecord(CaseRecord):
    """`desk case show --json`: the case, its timeline, the customer's other cases."""

    events: list[EventRecord]
    customer_history: list[BriefRecord]
    assist: AssistRecord
    reviews: list[ReviewRecord]  # QA reviews, oldest first


def detail_record(
    case: CaseFields,
    customer: CustomerFields,
    events: Sequence[EventFields],
    history: Sequence[CaseFields],
    assist: AssistState,
    reviews: Sequence[ReviewRow] = (),
) -> DetailRecord:
    return {
        **case_record(case, customer),
        "events": [_picked(e, EventRecord) for e in events],
        "customer_history": [_picked(c, BriefRecord) for c in history],
        "assist": assist.record(),
        "reviews": [review_record(r) for r in reviews],
    }


class CustomerRecord(TypedDict):
    """A customer (documented in the README, "For scripts")."""

    crn: str
    name: str
    email: str | None
    phone: str | None
    created_at: str | None


def customer_record(customer: CustomerFields) -> CustomerRecord:
    return _picked(customer, CustomerRecord)


# -- feedback and remedies ----------------------------------------------------

# Remedy amounts are integers of 10**-AMOUNT_DECIMALS (services.feedback);
# JSON shows them as decimal text, never as floats.
AMOUNT_DECIMALS = 4


def amount_text(units: int | None) -> str | None:
    """Units as decimal text with at least two places: 250000 -> "25.00"."""
    if units is None:
        return None
    whole, _, places = f"{Decimal(units).scaleb(-AMOUNT_DECIMALS):f}".partition(".")
    return f"{whole}.{places.rstrip('0').ljust(2, '0')}"


def nps_class(nps: int | None) -> str | None:
    """The Net Promoter class of a score: promoter 9-10, passive 7-8, detractor 0-6."""
    if nps is None:
        return None
    return "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"


class FeedbackRecord(TypedDict):
    """A rating (`desk feedback list --json`)."""

    id: int | None
    case_id: int
    customer_crn: str
    customer_name: str
    subject: str
    at: str | None
    agent: str
    credited_agent: str | None
    credited_team: str | None
    csat: int
    nps: int | None
    nps_class: str | None
    comment: str
    resolution_no: int
    resolved_at: str | None


def feedback_record(row: FeedbackRow) -> FeedbackRecord:
    return {
        "id": row.id,
        "case_id": row.case_id,
        "customer_crn": row.crn,
        "customer_name": row.customer_name,
        "subject": row.subject,
        "at": times.iso(row.at),
        "agent": row.agent,
        "credited_agent": row.credited_agent,
        "credited_team": row.credited_team,
        "csat": row.csat,
        "nps": row.nps,
        "nps_class": nps_class(row.nps),
        "comment": row.comment,
        "resolution_no": row.resolution_no,
        "resolved_at": times.iso(row.resolved_at),
    }


class RemedyRecord(TypedDict):
    """A remedy on a customer (`desk customer show --json`)."""

    id: int | None
    case_id: int
    at: str | None
    agent: str
    kind: str
    amount: str | None
    currency: str | None
    note: str


class RemedyTotalRecord(TypedDict):
    kind: str
    currency: str | None
    amount: str | None
    count: int


class RatingsRecord(TypedDict):
    count: int
    csat_average: float | None
    last_nps: int | None
    last_nps_class: str | None
    last_nps_at: str | None


def ratings_record(ratings: Ratings) -> RatingsRecord:
    return {
        "count": ratings.count,
        "csat_average": ratings.csat_average,
        "last_nps": ratings.last_nps,
        "last_nps_class": ratings.last_nps_class,
        "last_nps_at": times.iso(ratings.last_nps_at),
    }


class CustomerDetailRecord(CustomerRecord):
    """`desk customer show --json`: the customer and their cases, newest
    first, their ratings and their remedies (newest first, totals by kind
    and currency)."""

    case_count: int
    cases: list[BriefRecord]
    ratings: RatingsRecord
    remedies: list[RemedyRecord]
    remedy_totals: list[RemedyTotalRecord]


def customer_detail_record(
    customer: CustomerFields,
    history: Sequence[CaseFields],
    total: int,
    ratings: Ratings,
    remedies: Sequence[RemedyRow],
    totals: Sequence[RemedyTotal],
) -> CustomerDetailRecord:
    return {
        **customer_record(customer),
        "case_count": total,
        "cases": [_picked(c, BriefRecord) for c in history],
        "ratings": ratings_record(ratings),
        "remedies": [_picked(r, RemedyRecord) for r in remedies],
        "remedy_totals": [
            {
                "kind": t.kind,
                "currency": t.currency,
                "amount": amount_text(t.units),
                "count": t.count,
            }  # fmt: skip
            for t in totals
        ],
    }


class ArticleRecord(TypedDict):
    """A knowledge base article (documented in the README, "For scripts")."""

    id: int | None
    title: str
    body: str
    category: str | None
    tags: list[str]
    status: str  # draft, published, archived
    author: str
    created_at: str | None
    updated_at: str | None
    uses: int  # distinct cases the article was used on
    version: int
    source_case_id: int | None  # the case it was promoted from (desk kb promote), or null


def article_record(article: ArticleRow) -> ArticleRecord:
    record = _picked(article, ArticleRecord)
    record["tags"] = list(article.tags)
    return record


class RevisionRecord(TypedDict):
    """One change to an article: {field: {"from", "to"}}."""

    id: int | None
    at: str | None
    agent: str
    changes: dict[str, Any]


class ArticleDetailRecord(ArticleRecord, total=False):
    """`desk kb show --json`; `history` only with --history, oldest first."""

    history: list[RevisionRecord]


def article_detail_record(
    article: ArticleRow, revisions: Sequence[RevisionRow] | None
) -> ArticleDetailRecord:
    record = cast(ArticleDetailRecord, article_record(article))
    if revisions is not None:
        record["history"] = [_picked(r, RevisionRecord) for r in revisions]
    return record


class SearchHitRecord(ArticleRecord):
    """One article found by `desk kb search --json`."""

    rank: float  # higher is better; comparable within one search only
    snippet: str  # about 20 words of the body (or title) around the first match


def search_hit_record(hit: SearchHit) -> SearchHitRecord:
    return {**article_record(hit.article), "rank": hit.rank, "snippet": hit.snippet}


class GapGroupRecord(TypedDict):
    """Resolved cases of one category and root cause that used no article."""

    category: str | None
    root_cause: str | None
    count: int
    case_ids: list[int]  # up to five, newest first


class GapSearchRecord(TypedDict):
    """A search that found nothing, by its folded words."""

    query: str
    count: int
    last_at: str | None


class GapsRecord(TypedDict):
    """`desk kb gaps --json`: where knowledge is missing."""

    since: str | None
    cases: list[GapGroupRecord]
    searches: list[GapSearchRecord]


@dataclass
class GapGroup:
    category: str | None
    root_cause: str | None
    count: int
    case_ids: list[int] = field(default_factory=list)


@dataclass
class GapSearch:
    query: str  # the query's folded words (kb_search.query_key)
    count: int
    last_at: datetime | None


@dataclass
class KbGaps:
    """Resolved cases with no article used, grouped by category and root
    cause (biggest groups first), and the most frequent searches that found
    nothing, both since `since`."""

    since: datetime
    groups: list[GapGroup]
    searches: list[GapSearch]

    def record(self) -> GapsRecord:
        return {
            "since": times.iso(self.since),
            "cases": [_picked(g, GapGroupRecord) for g in self.groups],
            "searches": [_picked(s, GapSearchRecord) for s in self.searches],
        }


class CloseRecord(TypedDict):
    """`desk case close --json`."""

    closed: list[int]
    resolved: list[int]
    already_closed: list[int]
    count: int
    dry_run: bool


@dataclass
class CloseSummary:
    """What a bulk close did (or, with dry_run, would do)."""

    closed: list[int] = field(default_factory=list)  # closed by this command
    resolved: list[int] = field(default_factory=list)  # of those, resolved in the same step
    already_closed: list[int] = field(default_factory=list)
    dry_run: bool = False

    def record(self) -> CloseRecord:
        return {
            "closed": self.closed,
            "resolved": self.resolved,
            "already_closed": self.already_closed,
            "count": len(self.closed),
            "dry_run": self.dry_run,
        }


class BoardRecord(TypedDict):
    """`desk board --json`: active cases by status, most urgent first."""

    counts: dict[str, int]
    cases: dict[str, list[CaseRecord]]
    more: dict[str, int]
    follow_ups_due: int


@dataclass
class Board:
    """The case board: counts per active status, the top cases of each, and
    how many follow-ups are due."""

    counts: dict[str, int]
    columns: Mapping[str, Sequence[CaseAndCustomer]]
    follow_ups_due: int

    def more(self) -> dict[str, int]:
        """Per status, how many cases the board counts but does not list."""
        return {
            status: max(0, self.counts.get(status, 0) - len(views))
            for status, views in self.columns.items()
        }

    def record(self) -> BoardRecord:
        return {
            "counts": self.counts,
            "cases": {status: case_records(views) for status, views in self.columns.items()},
            "more": self.more(),
            "follow_ups_due": self.follow_ups_due,
        }


# -- administration ------------------------------------------------------------


class InitRecord(TypedDict):
    """`desk init --json`."""

    database: str
    schema: str
    created: bool


class BackupRecord(TypedDict):
    """`desk backup --json`."""

    database: str
    backup: str
    size_bytes: int


@dataclass
class DoctorReport:
    """What `desk doctor` found.  `problems` make it fail; `warnings` do not."""

    database: str
    schema: str | None
    program_schema: str
    counts: dict[str, int]
    size_bytes: int | None = None
    journal_mode: str | None = None
    integrity: str | None = None
    filesystem: str | None = None
    mode: str | None = None
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "size_bytes": self.size_bytes,
            "schema": self.schema,
            "program_schema": self.program_schema,
            "journal_mode": self.journal_mode,
            "integrity": self.integrity,
            "filesystem": self.filesystem,
            "mode": self.mode,
            "cases_by_status": self.counts,
            "warnings": self.warnings,
            "problems": self.problems,
            "ok": not self.problems,
        }


# -- service levels (issue 13) ---------------------------------------------------


# One range of a calendar's weekly hours: {"days": "mon-fri", "from": "09:00",
# "to": "18:00"} ("from" is a keyword: the functional form names it).
HoursJSON = TypedDict("HoursJSON", {"days": str, "from": str, "to": str})


class CalendarRecord(TypedDict):
    """`desk sla calendar show --json` (documented in the README, "For scripts")."""

    name: str
    tz: str
    hours: list[HoursJSON]
    holidays: list[str]  # YYYY-MM-DD, in order


def _clock_text(at: time) -> str:
    """A calendar's HH:MM (time.max, the end of a day, is 24:00)."""
    return "24:00" if at == time.max else at.strftime("%H:%M")


def calendar_record(calendar: Calendar) -> CalendarRecord:
    from deskcli.sla.calendar import days_text

    return {
        "name": calendar.name,
        "tz": calendar.tz,
        "hours": [
            {"days": days_text(h.days), "from": _clock_text(h.start), "to": _clock_text(h.end)}
            for h in calendar.hours
        ],
        "holidays": [d.isoformat() for d in sorted(calendar.holidays)],
    }


class PolicyRecord(TypedDict):
    """One priority's service level (`desk sla policy list --json`), in
    business seconds of its calendar."""

    priority: str
    first_response_seconds: int
    next_reply_seconds: int
    resolution_seconds: int
    calendar: str


def policy_record(policy: object) -> PolicyRecord:
    """A policy (services.sla_config.Policy, or anything with its attributes)."""
    return _picked(policy, PolicyRecord)


def what_if_record(result: WhatIf) -> dict[str, Any]:
    """`desk sla what-if --json`: per clock, the cases that ran it and its
    runs met and breached, under the policies as they are and with the change."""
    return {
        clock: {
            "cases": tally.cases,
            "before": {"met": tally.before.met, "breached": tally.before.breached},
            "after": {"met": tally.after.met, "breached": tally.after.breached},
        }
        for clock, tally in result.clocks.items()
    }
