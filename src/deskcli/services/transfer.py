"""Export and import: the whole desk as JSON Lines, and CSV for spreadsheets.

JSON Lines (what `desk export` writes and `desk import` reads): one JSON object
per line, each with a `"type"`: every customer, then every case, then every
event, then the knowledge base: every article (with its tags), revision, use
of an article on a case, and logged search; each ordered by id; then the
service levels: every calendar but the built-in `always` (by name), the
policy of every priority, and every case clock (its state, every column, by
id); then every QA review (by id) and every handling-time target (by
category).  A setting's `updated_at` is bookkeeping and is not exported.  A record
carries every column of its table, with these substitutions: a customer is
identified by its CRN (its numeric id is internal to one database and is not
exported) and a case names its customer by `customer_crn`; a use is found by
its case and article (its id is internal too).  An article's folded words
(title_fold, body_fold) and a search's query_key are derived and recomputed
on import; the full-text index is rebuilt from the articles as they are
inserted (SQLite's triggers, PostgreSQL's generated column): neither is
exported.  Times are ISO 8601 with an offset (UTC), to the microsecond when
the stored time has them, so nothing is lost on the way through.

Import is all or nothing (the caller's one write transaction) and idempotent:
customers are matched by CRN, uses by case and article, everything else by
id.  A record that already exists identically is skipped; one that exists and
differs is a conflict (exit 4) and nothing is imported: an import never
changes existing records, and events, revisions and searches, being
append-only, are only ever added.  References point backwards,
as an export writes them: a case to a customer on an earlier line or already in
the database, an event to such a case, an article to the case it was promoted
from, a revision to its article, a use to its case and article.

Settings are matched by name (calendars) and priority (policies): identical
ones are skipped, a calendar the database lacks is added, and a policy that
differs replaces the database's only while that one is still the default the
desk was created with (so a desk moves to a new database with its policies);
otherwise it is a conflict, like any other record.  Clocks and the case's
`due_at` are imported as they are: import recomputes no due time.

There is no format version: a record type or field a desk does not know is
refused (so a newer file is never half imported), and what later schemas
added is optional on import (an export made before schema 0008 has no
`last_inbound_at`, `csat` or `nps`; one made before 0007 no knowledge base
lines; one made before 0010 no reviews or targets), so older exports still
import.  Reviews match by id (and may not take another review's case and
reviewer), targets by their folded category.

Both directions stream: export reads rows in batches (`yield_per`), import
validates one line at a time and writes in chunks with executemany.

This module holds the format (tables, fields, counts); services/export.py
writes it, services/import_records.py validates its lines and
services/importer.py writes them to the database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Table
from sqlmodel import SQLModel

from deskcli import models as _models  # noqa: F401 - registers the tables in the metadata

CUSTOMERS: Table = SQLModel.metadata.tables["customer"]
CASES: Table = SQLModel.metadata.tables["case"]
EVENTS: Table = SQLModel.metadata.tables["event"]
TAGS: Table = SQLModel.metadata.tables["case_tag"]
ARTICLES: Table = SQLModel.metadata.tables["kb_article"]
ARTICLE_TAGS: Table = SQLModel.metadata.tables["kb_article_tag"]
REVISIONS: Table = SQLModel.metadata.tables["kb_revision"]
USES: Table = SQLModel.metadata.tables["kb_use"]
SEARCHES: Table = SQLModel.metadata.tables["kb_search"]
CALENDARS: Table = SQLModel.metadata.tables["sla_calendar"]
POLICIES: Table = SQLModel.metadata.tables["sla_policy"]
CLOCKS: Table = SQLModel.metadata.tables["case_clock"]
REVIEWS: Table = SQLModel.metadata.tables["case_review"]
TARGETS: Table = SQLModel.metadata.tables["handling_target"]

# The exported fields of each record type, in file order (after "type").
# tests/test_transfer.py checks that they cover every column of the tables.
CUSTOMER_FIELDS = ("crn", "name", "email", "phone", "created_at")
CASE_FIELDS = (
    "id",
    "customer_crn",
    "subject",
    "description",
    "channel",
    "category",
    "priority",
    "status",
    "assignee",
    "team",
    "tier",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "resolution",
    "root_cause",
    "follow_up_at",
    "reopen_count",
    "handling_seconds",
    "last_inbound_at",
    "csat",
    "nps",
    "due_at",  # the earliest due time of the case's running clocks (schema 0009)
    "version",
    "tags",  # from the case_tag table: the case's tags, sorted as case JSON shows them
)
EVENT_FIELDS = ("id", "case_id", "at", "agent", "kind", "body", "data")
ARTICLE_FIELDS = (
    "id",
    "title",
    "body",
    "category",
    "status",
    "author",
    "created_at",
    "updated_at",
    "version",
    "source_case_id",
    "tags",  # from the kb_article_tag table, sorted as article JSON shows them
)
REVISION_FIELDS = ("id", "article_id", "at", "agent", "changes")
USE_FIELDS = ("case_id", "article_id", "at", "agent")
SEARCH_FIELDS = ("id", "at", "agent", "query", "results")
CALENDAR_FIELDS = ("name", "tz", "hours", "holidays")
POLICY_FIELDS = (
    "priority",
    "first_response_seconds",
    "next_reply_seconds",
    "resolution_seconds",
    "calendar",
)
CLOCK_FIELDS = (
    "id",
    "case_id",
    "name",
    "cycle",
    "target_seconds",
    "calendar",
    "started_at",
    "segment_started_at",
    "used_seconds",
    "due_at",
    "stopped_at",
    "paused",
    "breached",
)
# QA reviews and handling-time targets (schema 0010), without the folded
# keys (reviewer_key, agent_key, category_key): recomputed on import.
REVIEW_FIELDS = (
    "id",
    "case_id",
    "at",
    "reviewer",
    "agent",
    "personalization",
    "integrity",
    "expectations",
    "resolution",
    "time_effort",
    "empathy",
    "professionalism",
    "patience",
    "people_first",
    "score",
    "flagged",
    "comment",
)
TARGET_FIELDS = ("category", "handling_seconds", "set_at", "set_by")
TIME_FIELDS = frozenset(
    {"created_at", "updated_at", "first_response_at", "resolved_at", "closed_at"}
    | {"follow_up_at", "at", "last_inbound_at", "due_at"}
    | {"started_at", "segment_started_at", "stopped_at", "set_at"}
)
CSV_FILES = {
    "customers.csv": CUSTOMER_FIELDS,
    "cases.csv": CASE_FIELDS,
    "events.csv": EVENT_FIELDS,
    "articles.csv": ARTICLE_FIELDS,
    "revisions.csv": REVISION_FIELDS,
    "uses.csv": USE_FIELDS,
    "searches.csv": SEARCH_FIELDS,
    "calendars.csv": CALENDAR_FIELDS,
    "policies.csv": POLICY_FIELDS,
    "clocks.csv": CLOCK_FIELDS,
    "reviews.csv": REVIEW_FIELDS,
    "targets.csv": TARGET_FIELDS,
}

READ_BATCH = 1000  # rows per fetch while exporting
WRITE_CHUNK = 500  # records per lookup and executemany while importing (SQLite's IN limits)


@dataclass
class ExportCounts:
    customers: int = 0
    cases: int = 0
    events: int = 0
    articles: int = 0
    revisions: int = 0
    uses: int = 0
    searches: int = 0
    calendars: int = 0
    policies: int = 0
    clocks: int = 0
    reviews: int = 0
    targets: int = 0


@dataclass
class ImportSummary(ExportCounts):
    """What an import added, per record type (a policy counts when it
    replaced a default), and the lines it left."""

    skipped: int = 0  # already in the database, identical
    invalid: int = 0  # bad lines (reported; skipped with --skip-invalid)
    # New cases from an export older than the clocks (schema 0009), which
    # got the clocks their events give under the desk's policies.
    replayed: int = 0

    def record(self) -> dict[str, int]:
        """The documented JSON shape of `desk import --json`."""
        return asdict(self)


# The case fields that are columns of the case row (tags live in their own table).
CASE_ROW_FIELDS = tuple(f for f in CASE_FIELDS if f != "tags")
ARTICLE_ROW_FIELDS = tuple(f for f in ARTICLE_FIELDS if f != "tags")
# Record types in file order, with the counter (ExportCounts, ImportSummary) of each.
RECORD_TYPES = {
    "customer": "customers",
    "case": "cases",
    "event": "events",
    "article": "articles",
    "revision": "revisions",
    "use": "uses",
    "search": "searches",
    "calendar": "calendars",
    "policy": "policies",
    "clock": "clocks",
    "review": "reviews",
    "target": "targets",
}


def case_columns() -> list[Any]:
    """The columns of CASE_ROW_FIELDS; select them joined to the customer."""
    return [
        CUSTOMERS.c.crn.label("customer_crn") if f == "customer_crn" else CASES.c[f]
        for f in CASE_ROW_FIELDS
    ]
