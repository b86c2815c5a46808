"""`desk export`: the whole desk as JSON Lines or CSV files (format: services/transfer.py)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from deskcli.folding import sorted_tags
from deskcli.outfiles import (
    TextSink,
    check_out_file,
    neutralize,
    prepare_out_dir,
    replacing,
)
from deskcli.sanitize import json_text
from deskcli.services.transfer import (
    ARTICLE_ROW_FIELDS,
    ARTICLE_TAGS,
    ARTICLES,
    CALENDAR_FIELDS,
    CALENDARS,
    CASE_ROW_FIELDS,
    CASES,
    CLOCK_FIELDS,
    CLOCKS,
    CSV_FILES,
    CUSTOMER_FIELDS,
    CUSTOMERS,
    EVENT_FIELDS,
    EVENTS,
    POLICIES,
    POLICY_FIELDS,
    READ_BATCH,
    RECORD_TYPES,
    REVIEW_FIELDS,
    REVIEWS,
    REVISION_FIELDS,
    REVISIONS,
    SEARCH_FIELDS,
    SEARCHES,
    TAGS,
    TARGET_FIELDS,
    TARGETS,
    TIME_FIELDS,
    USE_FIELDS,
    USES,
    ExportCounts,
    case_columns,
)
from deskcli.sla.calendar import ALWAYS
from deskcli.times import as_utc


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset; microseconds only when the time has them
    (times.iso, for JSON output, stops at the second)."""
    value = as_utc(value)
    return value.isoformat() if value is not None else None


def _stream(session: Session, query: Any) -> Iterator[Any]:
    # yield_per fetches in batches instead of loading the table into memory.
    return iter(session.execute(query, execution_options={"yield_per": READ_BATCH}))


def _export_record(kind: str, fields: Sequence[str], row: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"type": kind, **dict(zip(fields, row, strict=True))}
    for name in TIME_FIELDS.intersection(record):
        record[name] = iso(record[name])
    return record


def calendar_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every calendar but the built-in `always` (the same on every desk), by name."""
    query = (
        select(*(CALENDARS.c[f] for f in CALENDAR_FIELDS))
        .where(CALENDARS.c.name != ALWAYS)
        .order_by(CALENDARS.c.name)
    )
    for row in _stream(session, query):
        yield _export_record("calendar", CALENDAR_FIELDS, row)


def _with_tags(
    session: Session, records: Iterator[dict[str, Any]], tags_query: Any
) -> Iterator[dict[str, Any]]:
    """Each record (by id) with the tags of `tags_query` (owner id, tag; by owner id)
    as a sorted `tags` list.  Tags stream beside the records, both by id: a
    merge, not a query per record."""
    tag_rows = _stream(session, tags_query)
    pending = next(tag_rows, None)
    for record in records:
        tags = []
        while pending is not None and pending[0] <= record["id"]:
            if pending[0] == record["id"]:
                tags.append(pending[1])
            pending = next(tag_rows, None)
        record["tags"] = sorted_tags(tags)
        yield record


def case_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every case, by id, naming its customer by CRN, with its tags."""
    query = (
        select(*case_columns())
        .join_from(CASES, CUSTOMERS, CASES.c.customer_id == CUSTOMERS.c.id)
        .order_by(CASES.c.id)
    )
    cases = (_export_record("case", CASE_ROW_FIELDS, row) for row in _stream(session, query))
    tags = select(TAGS.c.case_id, TAGS.c.tag).order_by(TAGS.c.case_id)
    return _with_tags(session, cases, tags)


def article_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every knowledge base article, by id, with its tags (not its folded words)."""
    query = select(*(ARTICLES.c[f] for f in ARTICLE_ROW_FIELDS)).order_by(ARTICLES.c.id)
    articles = (
        _export_record("article", ARTICLE_ROW_FIELDS, row) for row in _stream(session, query)
    )
    tags = select(ARTICLE_TAGS.c.article_id, ARTICLE_TAGS.c.tag).order_by(ARTICLE_TAGS.c.article_id)
    return _with_tags(session, articles, tags)


def _rows_of(
    kind: str, table: Any, fields: Sequence[str]
) -> Callable[[Session], Iterator[dict[str, Any]]]:
    """The records of a table exported as it is: `fields` of every row,
    in the order of its key (its id; a policy's priority; a target's category)."""
    key = table.c[next(k for k in ("id", "priority", "category_key") if k in table.c)]

    def records(session: Session) -> Iterator[dict[str, Any]]:
        query = select(*(table.c[f] for f in fields)).order_by(key)
        for row in _stream(session, query):
            yield _export_record(kind, fields, row)

    return records


customer_records = _rows_of("customer", CUSTOMERS, CUSTOMER_FIELDS)
event_records = _rows_of("event", EVENTS, EVENT_FIELDS)
revision_records = _rows_of("revision", REVISIONS, REVISION_FIELDS)
use_records = _rows_of("use", USES, USE_FIELDS)  # in the order they were recorded
search_records = _rows_of("search", SEARCHES, SEARCH_FIELDS)  # without the derived query_key
policy_records = _rows_of("policy", POLICIES, POLICY_FIELDS)
clock_records = _rows_of("clock", CLOCKS, CLOCK_FIELDS)  # as they stand: import recomputes nothing
review_records = _rows_of("review", REVIEWS, REVIEW_FIELDS)  # without the folded keys
target_records = _rows_of("target", TARGETS, TARGET_FIELDS)

# Each record type's records, in file order (see transfer.RECORD_TYPES).
SOURCES: dict[str, Callable[[Session], Iterator[dict[str, Any]]]] = {
    "customer": customer_records,
    "case": case_records,
    "event": event_records,
    "article": article_records,
    "revision": revision_records,
    "use": use_records,
    "search": search_records,
    "calendar": calendar_records,
    "policy": policy_records,
    "clock": clock_records,
    "review": review_records,
    "target": target_records,
}


def write_jsonl(session: Session, write: Callable[[bytes], object]) -> ExportCounts:
    """Write the whole desk as JSON Lines (UTF-8 bytes, through `write`); return the counts.

    Call it inside one read transaction: the tables are then one consistent
    snapshot, whatever other agents write meanwhile.
    """
    counts = ExportCounts()
    for kind, counter in RECORD_TYPES.items():
        n = 0
        for record in SOURCES[kind](session):
            write(json_text(record, compact=True).encode() + b"\n")
            n += 1
        setattr(counts, counter, n)
    return counts


def _csv_cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name in ("data", "tags", "changes", "hours", "holidays"):
        value = json.dumps(value, ensure_ascii=False)
    return neutralize(value) if isinstance(value, str) else value


def export_jsonl_file(session: Session, path: Path, database: Path | None = None) -> ExportCounts:
    """Write the JSON Lines export to `path`, whole or not at all (see check_out_file)."""
    check_out_file(path, database)
    with replacing([path]) as (stream,):
        return write_jsonl(session, stream.write)


def export_csv(session: Session, directory: Path) -> ExportCounts:
    """Write one CSV file per record type into `directory` (transfer.CSV_FILES:
    customers.csv, cases.csv, events.csv, articles.csv, revisions.csv,
    uses.csv, searches.csv, calendars.csv, policies.csv, clocks.csv,
    reviews.csv, targets.csv).

    UTF-8, a header row, every cell quoted, CRLF line ends (RFC 4180), empty
    cells for nulls, event data, tags, revision changes and a calendar's
    hours and holidays as JSON text,
    formula-like cells neutralized.  The files are replaced together at the
    end, or none is.
    """
    prepare_out_dir(directory)
    counts = ExportCounts()
    with replacing([directory / name for name in CSV_FILES]) as streams:
        for kind, fields, stream in zip(RECORD_TYPES, CSV_FILES.values(), streams, strict=True):
            writer = csv.writer(TextSink(stream), quoting=csv.QUOTE_ALL)
            writer.writerow(fields)
            n = 0
            for record in SOURCES[kind](session):
                writer.writerow([_csv_cell(f, record[f]) for f in fields])
                n += 1
            setattr(counts, RECORD_TYPES[kind], n)
    return counts
