"""`desk export`: the whole desk as JSON Lines or CSV files (format: services/transfer.py)."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlmodel import Session

from deskcli.errors import InvalidValue, StorageError
from deskcli.folding import sorted_tags
from deskcli.safefile import cleanup_on_termination, discard, is_database_file, private_temp
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


def neutralize(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection):
    a cell starting with =, +, -, @, tab or carriage return gets a leading '."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _csv_cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name in ("data", "tags", "changes", "hours", "holidays"):
        value = json.dumps(value, ensure_ascii=False)
    return neutralize(value) if isinstance(value, str) else value


def check_out_file(path: Path, database: Path | None = None) -> None:
    """Raise InvalidValue unless `path` can be the JSON Lines export file.

    `database`, the file being exported, must not be replaced by its own export.
    """
    try:
        if database is not None and is_database_file(path, database):
            raise InvalidValue(
                f"{path} is the database being exported", hint="choose another --out"
            )
        if path.is_dir():
            raise InvalidValue(f"{path} is a directory", hint="give a file name for --out")
        if not path.parent.is_dir():
            raise InvalidValue(f"cannot write {path}: directory {path.parent} does not exist")
    except OSError as exc:  # a name too long for the filesystem, a loop of symlinks
        raise InvalidValue(f"cannot write {path}: {exc.strerror or exc}") from None


def prepare_out_dir(path: Path) -> None:
    """Create the CSV export directory (owner only) if needed; InvalidValue if it cannot be."""
    try:
        if path.exists() and not path.is_dir():
            raise InvalidValue(
                f"{path} is not a directory", hint="--format csv writes three files into --out DIR"
            )
        if not path.parent.is_dir():
            raise InvalidValue(f"cannot create {path}: directory {path.parent} does not exist")
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:  # no permission, a name too long for the filesystem
        raise InvalidValue(f"cannot create {path}: {exc.strerror or exc}") from None


def _open_temp(fd: int) -> IO[bytes]:
    """The writer for a temporary export file (a seam for tests of a full disk)."""
    return open(fd, "wb")  # noqa: SIM115 - closed by _replacing


@contextmanager
def _replacing(targets: Sequence[Path]) -> Iterator[list[IO[bytes]]]:
    """New files that replace `targets` only when the block succeeds, so a
    failed export never leaves a half-written file (or one of three) behind.

    Each is written to a private temporary file beside its target (see
    deskcli.safefile: 0600, O_EXCL, an unpredictable name), synced, then
    renamed over the target, which replaces a symlink there rather than
    writing through it.  Any failure, Ctrl-C or SIGTERM removes the temporary
    files; a write error (a full disk) is a StorageError (exit 5).
    """
    temps: list[tuple[Path, IO[bytes]]] = []
    where = targets[0] if len(targets) == 1 else targets[0].parent
    try:
        with cleanup_on_termination():
            for target in targets:
                try:
                    fd, temp = private_temp(target)
                except OSError as exc:  # no such directory, no permission
                    raise InvalidValue(f"cannot write {target}: {exc.strerror}") from None
                temps.append((temp, _open_temp(fd)))
            yield [f for _, f in temps]
            for _, f in temps:
                f.flush()
                os.fsync(f.fileno())  # on disk before it replaces the old file
                f.close()
            for (temp, _), target in zip(temps, targets, strict=True):
                os.replace(temp, target)
    except OSError as exc:
        raise StorageError(f"cannot write {where}: {exc.strerror or exc}") from None
    finally:
        for temp, f in temps:
            with suppress(OSError):
                f.close()  # a full disk fails the flush again; the file goes anyway
            discard(temp)


class _TextSink:
    """What csv.writer needs (a `write(str)`), encoding UTF-8 into a byte stream."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(text.encode())


def export_jsonl_file(session: Session, path: Path, database: Path | None = None) -> ExportCounts:
    """Write the JSON Lines export to `path`, whole or not at all (see check_out_file)."""
    check_out_file(path, database)
    with _replacing([path]) as (stream,):
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
    with _replacing([directory / name for name in CSV_FILES]) as streams:
        for kind, fields, stream in zip(RECORD_TYPES, CSV_FILES.values(), streams, strict=True):
            writer = csv.writer(_TextSink(stream), quoting=csv.QUOTE_ALL)
            writer.writerow(fields)
            n = 0
            for record in SOURCES[kind](session):
                writer.writerow([_csv_cell(f, record[f]) for f in fields])
                n += 1
            setattr(counts, RECORD_TYPES[kind], n)
    return counts
