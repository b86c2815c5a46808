"""Export and import: the whole desk as JSON Lines, and CSV for spreadsheets.

JSON Lines (what `desk export` writes and `desk import` reads): one JSON object
per line, each with a `"type"`: every customer, then every case, then every
event, each ordered by id.  A record carries every column of its table, with
two substitutions: a customer is identified by its CRN (its numeric id is
internal to one database and is not exported) and a case names its customer by
`customer_crn`.  Times are ISO 8601 with an offset (UTC), to the microsecond
when the stored time has them, so nothing is lost on the way through.

Import is all or nothing (the caller's one write transaction) and idempotent:
customers are matched by CRN, cases and events by id.  A record that already
exists identically is skipped; one that exists and differs is a conflict
(exit 4) and nothing is imported: an import never changes existing records, and
events, being append-only, are only ever added.  References point backwards,
as an export writes them: a case to a customer on an earlier line or already in
the database, an event to such a case.

Both directions stream: export reads rows in batches (`yield_per`), import
validates one line at a time and writes in chunks with executemany.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)
from sqlalchemy import Table, insert, select, text
from sqlmodel import Session, SQLModel

from deskcli import models as _models  # noqa: F401 - registers the tables in the metadata
from deskcli.domain import Channel, EventKind, Priority, Status
from deskcli.errors import Conflict, InvalidValue, StorageError
from deskcli.safefile import cleanup_on_termination, discard, is_database_file, private_temp
from deskcli.sanitize import json_text
from deskcli.times import MAX_YEAR, MIN_YEAR

CUSTOMERS: Table = SQLModel.metadata.tables["customer"]
CASES: Table = SQLModel.metadata.tables["case"]
EVENTS: Table = SQLModel.metadata.tables["event"]

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
    "version",
)
EVENT_FIELDS = ("id", "case_id", "at", "agent", "kind", "body", "data")
TIME_FIELDS = frozenset(
    {"created_at", "updated_at", "first_response_at", "resolved_at", "closed_at"}
    | {"follow_up_at", "at"}
)
CSV_FILES = {"customers.csv": CUSTOMER_FIELDS, "cases.csv": CASE_FIELDS, "events.csv": EVENT_FIELDS}

READ_BATCH = 1000  # rows per fetch while exporting
WRITE_CHUNK = 500  # records per lookup and executemany while importing (SQLite's IN limits)


@dataclass
class ExportCounts:
    customers: int = 0
    cases: int = 0
    events: int = 0


@dataclass
class ImportSummary:
    customers: int = 0  # added
    cases: int = 0
    events: int = 0
    skipped: int = 0  # already in the database, identical
    invalid: int = 0  # bad lines (reported; skipped with --skip-invalid)

    def record(self) -> dict[str, int]:
        """The documented JSON shape of `desk import --json`."""
        return asdict(self)


# -- export ------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset; microseconds only when the time has them."""
    if value is None:
        return None
    if value.tzinfo is None:  # stored naive UTC by a foreign writer
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _stream(session: Session, query: Any) -> Iterator[Any]:
    # yield_per fetches in batches instead of loading the table into memory.
    return iter(session.execute(query, execution_options={"yield_per": READ_BATCH}))


def _export_record(kind: str, fields: Sequence[str], row: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"type": kind, **dict(zip(fields, row, strict=True))}
    for name in TIME_FIELDS.intersection(record):
        record[name] = iso(record[name])
    return record


def _case_columns() -> list[Any]:
    """The columns of CASE_FIELDS; select them joined to the customer."""
    return [
        CUSTOMERS.c.crn.label("customer_crn") if f == "customer_crn" else CASES.c[f]
        for f in CASE_FIELDS
    ]


def customer_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every customer, by id, as export records."""
    query = select(*(CUSTOMERS.c[f] for f in CUSTOMER_FIELDS)).order_by(CUSTOMERS.c.id)
    for row in _stream(session, query):
        yield _export_record("customer", CUSTOMER_FIELDS, row)


def case_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every case, by id, naming its customer by CRN."""
    query = (
        select(*_case_columns())
        .join_from(CASES, CUSTOMERS, CASES.c.customer_id == CUSTOMERS.c.id)
        .order_by(CASES.c.id)
    )
    for row in _stream(session, query):
        yield _export_record("case", CASE_FIELDS, row)


def event_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every event, by id."""
    query = select(*(EVENTS.c[f] for f in EVENT_FIELDS)).order_by(EVENTS.c.id)
    for row in _stream(session, query):
        yield _export_record("event", EVENT_FIELDS, row)


def write_jsonl(session: Session, write: Callable[[bytes], object]) -> ExportCounts:
    """Write the whole desk as JSON Lines (UTF-8 bytes, through `write`); return the counts.

    Call it inside one read transaction: the three tables are then one
    consistent snapshot, whatever other agents write meanwhile.
    """
    counts = ExportCounts()
    for kind, records in (
        ("customers", customer_records(session)),
        ("cases", case_records(session)),
        ("events", event_records(session)),
    ):
        n = 0
        for record in records:
            write(json_text(record, compact=True).encode() + b"\n")
            n += 1
        setattr(counts, kind, n)
    return counts


def neutralize(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection):
    a cell starting with =, +, -, @, tab or carriage return gets a leading '."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _csv_cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name == "data":
        value = json.dumps(value, ensure_ascii=False)
    return neutralize(value) if isinstance(value, str) else value


def check_out_file(path: Path, database: Path | None = None) -> None:
    """Raise InvalidValue unless `path` can be the JSON Lines export file.

    `database`, the file being exported, must not be replaced by its own export.
    """
    if database is not None and is_database_file(path, database):
        raise InvalidValue(f"{path} is the database being exported", hint="choose another --out")
    if path.is_dir():
        raise InvalidValue(f"{path} is a directory", hint="give a file name for --out")
    if not path.parent.is_dir():
        raise InvalidValue(f"cannot write {path}: directory {path.parent} does not exist")


def prepare_out_dir(path: Path) -> None:
    """Create the CSV export directory (owner only) if needed; InvalidValue if it cannot be."""
    if path.exists() and not path.is_dir():
        raise InvalidValue(
            f"{path} is not a directory", hint="--format csv writes three files into --out DIR"
        )
    if not path.parent.is_dir():
        raise InvalidValue(f"cannot create {path}: directory {path.parent} does not exist")
    try:
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise InvalidValue(f"cannot create {path}: {exc.strerror}") from None


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
    """Write customers.csv, cases.csv and events.csv into `directory`.

    UTF-8, a header row, every cell quoted, CRLF line ends (RFC 4180), empty
    cells for nulls, event data as JSON text, formula-like cells neutralized.
    The three files are replaced together at the end, or none is.
    """
    prepare_out_dir(directory)
    counts = ExportCounts()
    sources: dict[str, Callable[[Session], Iterator[dict[str, Any]]]] = {
        "customers.csv": customer_records,
        "cases.csv": case_records,
        "events.csv": event_records,
    }
    with _replacing([directory / name for name in CSV_FILES]) as streams:
        for (name, fields), stream in zip(CSV_FILES.items(), streams, strict=True):
            writer = csv.writer(_TextSink(stream), quoting=csv.QUOTE_ALL)
            writer.writerow(fields)
            n = 0
            for record in sources[name](session):
                writer.writerow([_csv_cell(f, record[f]) for f in fields])
                n += 1
            setattr(counts, name.removesuffix(".csv"), n)
    return counts


# -- import: the records -----------------------------------------------------

# Ranges the commands handle on both backends, so that an imported record
# never crashes a later command: ids fit the 32-bit INTEGER columns of
# PostgreSQL (an export moves between backends), counters leave room to count
# up (`version + 1`), and times stay in years where every time zone's
# arithmetic works (the same range as `--on` dates).
MAX_ROW_ID = 2**31 - 1
MAX_COUNTER = 10**9


def _time_in_range(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is out of range (use {MIN_YEAR} to {MAX_YEAR})")
    return value


def _storable(value: Any) -> Any:
    """Refuse NUL in any text, nested in event data too: PostgreSQL cannot store it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL (\\u0000)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif isinstance(value, list):
        for item in value:
            _storable(item)
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNTER)]
Counter = Annotated[int, Field(ge=1, le=MAX_COUNTER)]  # version, tier: start at 1
Text = Annotated[str, AfterValidator(_storable)]
Crn = Annotated[Text, Field(min_length=1, pattern=r"^\S+$")]  # one word, as customers.py wants
NonEmpty = Annotated[Text, Field(min_length=1)]
Time = Annotated[AwareDatetime, AfterValidator(_time_in_range)]
Data = Annotated[dict[str, Any], AfterValidator(_storable)]


class _Record(BaseModel):
    # Strict: a JSON string is not an int, true is not 1.  Unknown fields are
    # refused, so a file from a newer desk (more columns) is not half imported.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_enum_values=True)


class CustomerRecord(_Record):
    """A `"type": "customer"` line.  Every field is required (null where allowed)."""

    type: Literal["customer"]
    crn: Crn
    name: NonEmpty
    email: Text | None
    phone: Text | None
    created_at: Time


class CaseRecord(_Record):
    """A `"type": "case"` line."""

    type: Literal["case"]
    id: Id
    customer_crn: Crn
    subject: NonEmpty
    description: Text
    channel: Channel
    category: Text | None
    priority: Priority
    status: Status
    assignee: Text | None
    team: Text | None
    tier: Counter
    created_at: Time
    updated_at: Time
    first_response_at: Time | None
    resolved_at: Time | None
    closed_at: Time | None
    resolution: Text | None
    root_cause: Text | None
    follow_up_at: Time | None
    reopen_count: Count
    handling_seconds: Count
    version: Counter


class EventRecord(_Record):
    """A `"type": "event"` line."""

    type: Literal["event"]
    id: Id
    case_id: Id
    at: Time
    agent: NonEmpty
    kind: EventKind
    body: Text
    data: Data | None


AnyRecord = Annotated[CustomerRecord | CaseRecord | EventRecord, Field(discriminator="type")]
_RECORD: TypeAdapter[CustomerRecord | CaseRecord | EventRecord] = TypeAdapter(AnyRecord)


def parse_line(raw: bytes) -> CustomerRecord | CaseRecord | EventRecord:
    """One line as a validated record; InvalidValue saying what is wrong."""
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidValue(f"not UTF-8 text (byte {exc.start + 1})") from None
    try:
        return _RECORD.validate_json(decoded)
    except ValidationError as exc:
        raise InvalidValue(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    """Pydantic's errors as one line: `case.priority: Input should be ...; ...`."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        kind, message = error["type"], error["msg"]
        if kind == "json_invalid":
            # The parser sees one line: its "line 1" would contradict ours.
            message = message.replace("at line 1 column", "at column")
        elif kind == "union_tag_not_found":
            message = 'no "type" field (customer, case or event)'
        elif kind == "union_tag_invalid":
            message = 'unknown "type" (use customer, case or event)'
        where = ".".join(str(part) for part in error["loc"])
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


# -- import: the writer ------------------------------------------------------


def _customer_row(r: CustomerRecord) -> dict[str, Any]:
    return {f: getattr(r, f) for f in CUSTOMER_FIELDS}


def _case_row(r: CaseRecord) -> dict[str, Any]:
    """The record's columns, still with customer_crn (resolved to an id on insert)."""
    return {f: getattr(r, f) for f in CASE_FIELDS}


def _event_row(r: EventRecord) -> dict[str, Any]:
    return {f: getattr(r, f) for f in EVENT_FIELDS}


def _differences(wanted: dict[str, Any], existing: Any) -> list[str]:
    """The fields whose value in the file differs from the database row."""
    found = existing._mapping
    return [name for name, value in wanted.items() if found[name] != value]


class _Importer:
    """One pass over the lines: validate, check references, write in chunks.

    Writing stops at the first conflict, or at the first bad line unless bad
    lines are skipped; validation goes on to the end, so every bad line is
    reported in one run.
    """

    def __init__(self, session: Session, skip_invalid: bool, report: Callable[[int, str], None]):
        self.session = session
        self.skip_invalid = skip_invalid
        self.report = report
        self.summary = ImportSummary()
        self.conflict: Conflict | None = None
        # Keys of the valid lines so far, with their line numbers.
        self.file_crns: dict[str, int] = {}
        self.file_cases: dict[int, int] = {}
        self.file_events: dict[int, int] = {}
        # Customer ids by CRN (those written or matched), and what the
        # database held before the import (looked up once per key).
        self.customer_ids: dict[str, int] = {}
        self.db_customers: dict[str, int | None] = {}
        self.db_cases: dict[int, bool] = {}
        self.customers: list[tuple[int, CustomerRecord]] = []
        self.cases: list[tuple[int, CaseRecord]] = []
        self.events: list[tuple[int, EventRecord]] = []

    @property
    def writing(self) -> bool:
        return self.conflict is None and (self.skip_invalid or not self.summary.invalid)

    # Lines ----------------------------------------------------------------

    def line(self, number: int, raw: bytes) -> None:
        try:
            record = parse_line(raw)
            self._accept(number, record)
        except InvalidValue as exc:
            self.summary.invalid += 1
            self.report(number, exc.message)

    def _accept(self, number: int, record: CustomerRecord | CaseRecord | EventRecord) -> None:
        if isinstance(record, CustomerRecord):
            _unique(self.file_crns, record.crn, f"customer {record.crn}")
            self.file_crns[record.crn] = number
            self.customers.append((number, record))
            if len(self.customers) >= WRITE_CHUNK:
                self._flush_customers()
        elif isinstance(record, CaseRecord):
            _unique(self.file_cases, record.id, f"case {record.id}")
            if record.customer_crn not in self.file_crns and not self._customer_in_db(
                record.customer_crn
            ):
                raise InvalidValue(
                    f"case {record.id}: customer {record.customer_crn} is neither on an "
                    "earlier line nor in the database"
                )
            self.file_cases[record.id] = number
            self.cases.append((number, record))
            if len(self.cases) >= WRITE_CHUNK:
                self._flush_cases()
        else:
            _unique(self.file_events, record.id, f"event {record.id}")
            if record.case_id not in self.file_cases and not self._case_in_db(record.case_id):
                raise InvalidValue(
                    f"event {record.id}: case {record.case_id} is neither on an earlier line "
                    "nor in the database"
                )
            self.file_events[record.id] = number
            self.events.append((number, record))
            if len(self.events) >= WRITE_CHUNK:
                self._flush_events()

    # A key not among the earlier lines cannot have been written by this
    # import yet, so these lookups see the database as it was before it.

    def _customer_in_db(self, crn: str) -> bool:
        if crn not in self.db_customers:
            query = select(CUSTOMERS.c.id).where(CUSTOMERS.c.crn == crn)
            self.db_customers[crn] = self.session.execute(query).scalar()
        return self.db_customers[crn] is not None

    def _case_in_db(self, case_id: int) -> bool:
        if case_id not in self.db_cases:
            query = select(CASES.c.id).where(CASES.c.id == case_id)
            self.db_cases[case_id] = self.session.execute(query).first() is not None
        return self.db_cases[case_id]

    # Chunks ---------------------------------------------------------------

    def finish(self) -> ImportSummary:
        self._flush_events()  # flushes the cases and customers first
        if self.summary.invalid and not self.skip_invalid:
            n = self.summary.invalid
            raise InvalidValue(
                f"{n} invalid line{'s' if n > 1 else ''}; nothing was imported",
                hint=f"fix {'them' if n > 1 else 'it'}, or pass --skip-invalid to import the rest",
            )
        if self.conflict is not None:
            raise self.conflict
        if self.summary.cases or self.summary.events:
            _advance_sequences(self.session)
        return self.summary

    def _refuse(self, number: int, what: str, fields: list[str]) -> None:
        self.conflict = Conflict(
            f"line {number}: {what} differs from the one in the database "
            f"({', '.join(fields)}); nothing was imported",
            hint="an import adds records and never changes existing ones",
        )

    def _flush_customers(self) -> None:
        batch, self.customers = self.customers, []
        if not batch or not self.writing:
            return
        existing = {
            row.crn: row
            for row in self.session.execute(
                select(CUSTOMERS).where(CUSTOMERS.c.crn.in_([r.crn for _, r in batch]))
            )
        }
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _customer_row(record)
            found = existing.get(record.crn)
            if found is None:
                new.append(row)
                continue
            if differences := _differences(row, found):
                return self._refuse(number, f"customer {record.crn}", differences)
            self.customer_ids[record.crn] = found.id
            self.summary.skipped += 1
        if new:
            self.session.execute(insert(CUSTOMERS), new)
            query = select(CUSTOMERS.c.crn, CUSTOMERS.c.id).where(
                CUSTOMERS.c.crn.in_([row["crn"] for row in new])
            )
            self.customer_ids.update({row.crn: row.id for row in self.session.execute(query)})
            self.summary.customers += len(new)

    def _customer_id(self, crn: str) -> int:
        found = self.customer_ids.get(crn)
        if found is None:
            found = self.db_customers[crn]
        assert found is not None  # _accept checked the reference
        return found

    def _flush_cases(self) -> None:
        self._flush_customers()
        batch, self.cases = self.cases, []
        if not batch or not self.writing:
            return
        query = (
            select(*_case_columns())
            .join_from(CASES, CUSTOMERS, CASES.c.customer_id == CUSTOMERS.c.id)
            .where(CASES.c.id.in_([r.id for _, r in batch]))
        )
        existing = {row.id: row for row in self.session.execute(query)}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _case_row(record)
            found = existing.get(record.id)
            if found is None:
                crn = row.pop("customer_crn")
                new.append(row | {"customer_id": self._customer_id(crn)})
                continue
            if differences := _differences(row, found):
                return self._refuse(number, f"case {record.id}", differences)
            self.summary.skipped += 1
        if new:
            self.session.execute(insert(CASES), new)
            self.summary.cases += len(new)

    def _flush_events(self) -> None:
        self._flush_cases()
        batch, self.events = self.events, []
        if not batch or not self.writing:
            return
        query = select(*(EVENTS.c[f] for f in EVENT_FIELDS)).where(
            EVENTS.c.id.in_([r.id for _, r in batch])
        )
        existing = {row.id: row for row in self.session.execute(query)}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _event_row(record)
            found = existing.get(record.id)
            if found is None:
                new.append(row)
            elif differences := _differences(row, found):
                # Events are append-only: an existing one is never rewritten.
                return self._refuse(number, f"event {record.id}", differences)
            else:
                self.summary.skipped += 1
        if new:
            self.session.execute(insert(EVENTS), new)
            self.summary.events += len(new)


def _advance_sequences(session: Session) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them,
    or the next `desk case open` would pick an id that is taken.  SQLite (max
    rowid + 1) needs nothing."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in (CASES, EVENTS):
        quoted = bind.dialect.identifier_preparer.format_table(table)
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, 'id'), max(id)) FROM {quoted} "
                "HAVING max(id) IS NOT NULL"
            ),
            {"table": quoted},
        )


def _unique(seen: dict[Any, int], key: Any, what: str) -> None:
    if key in seen:
        raise InvalidValue(f"{what} again (first on line {seen[key]})")


def import_jsonl(
    session: Session,
    lines: Iterable[bytes],
    *,
    skip_invalid: bool = False,
    report: Callable[[int, str], None],
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> ImportSummary:
    """Import a JSON Lines export into the session's (write) transaction.

    `report(line_number, message)` is called for every bad line.  Raises
    InvalidValue (exit 2) when any line is bad, unless `skip_invalid`, and
    Conflict (exit 4) when a record exists in the database and differs.
    `progress(done, total)` is called every few hundred lines; `total` is the
    number of lines, when the caller knows it.
    """
    importer = _Importer(session, skip_invalid, report)
    number = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if number == 1:
            stripped = stripped.removeprefix(b"\xef\xbb\xbf")  # a BOM some editors add
        if stripped:  # blank lines are allowed (and counted)
            importer.line(number, stripped)
        if progress is not None and number % WRITE_CHUNK == 0:
            progress(number, total)
    summary = importer.finish()
    if progress is not None:
        progress(number, max(total, number))
    return summary


@contextmanager
def open_source(name: str, stdin: Iterable[bytes]) -> Iterator[tuple[Iterable[bytes], int]]:
    """The file to import ('-': stdin) and its line count (0 when unknown).

    Raises InvalidValue (exit 2) with a one-line reason when it cannot be read.
    """
    if name == "-":
        yield stdin, 0
        return
    try:
        stream = open(name, "rb")  # closed below, after the caller's block
    except OSError as exc:
        raise InvalidValue(f"cannot read {name}: {exc.strerror or exc}") from None
    with stream:
        try:
            total = _count_lines(stream)
        except OSError as exc:  # e.g. a directory on some systems, or a FIFO
            raise InvalidValue(f"cannot read {name}: {exc.strerror or exc}") from None
        yield stream, total


def _count_lines(stream: IO[bytes]) -> int:
    """Lines in a regular file (fast: blocks, no decoding), for the progress bar."""
    if not stream.seekable():
        return 0
    total, last = 0, b"\n"
    while block := stream.read(1 << 20):
        total += block.count(b"\n")
        last = block[-1:]
    stream.seek(0)
    return total + (last != b"\n")
