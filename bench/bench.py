"""Benchmark the `desk` command line on databases of 1,000 to 1,000,000 cases.

Builds one SQLite database per size (1,000, 100,000 and 1,000,000 cases by
default): the schema comes from `desk --db FILE init` (the Alembic
migrations), the rows from plain SQL inserts with the standard library's
sqlite3 (`executemany` in chunks of 50,000 cases, one transaction, journal
and fsync off while building, then the file goes back to its journal mode).

Then it times whole `desk` processes, the way people and scripts run them,
round robin: every round runs every command once, in a shuffled order, and
each time is divided by the floor (`python -c "import typer, sqlmodel"`)
measured in the same round, so load from other programs falls on all alike.
It reports the median time, the median of those per-round ratios and the
peak memory (max RSS from os.wait4) of every command, and checks the goals
of issues 11 and 12.  Every command is checked once before it is timed (exit 0,
output that shows the work was done), and every timed run must exit 0 and
print something, so a broken command cannot look fast.

    .venv/bin/python bench/bench.py --out bench/RESULTS.md      # full run
    .venv/bin/python bench/bench.py --runs 5 --sizes 1000,20000 --workdir bench-work

Standard library only; it runs the project's `.venv/bin/desk`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DESK = VENV_BIN / "desk"
PYTHON = VENV_BIN / "python"

FLOOR = "import typer, sqlmodel"  # python -c FLOOR: the stack's import floor
BATCH_LINES = 10_000
BATCH_CYCLE = 5  # lines per case in a batch: take, reply, note, resolve, close
CHUNK = 50_000  # cases generated and inserted at a time while building

# -- goals (issue 11) ---------------------------------------------------------

READ_MAX_FLOOR_RATIO = 0.45
READ_MAX_GROWTH = 1.15  # largest database / smallest, in floor ratios
INSTANT_MAX_FLOOR_RATIO = 0.3  # --help and Tab completion
WRITE_MAX_FLOOR_RATIO = 1.0  # case close
BATCH_ATOMIC_MIN_RATE = 2000  # lines per second, start-up included
BATCH_EACH_MIN_RATE = 1000
MAX_RSS_MB = 100.0  # peak memory of every command on the largest database

READS = ("list", "show", "list_json", "board", "customer")
# Issue 12: the knowledge base and the follow-up call list.
N_ARTICLES = 10_000
KB_MAX_FLOOR_RATIO = 0.5  # desk kb search, desk case show with suggestions
LIST_MAX_FLOOR_RATIO = 1.0  # desk kb gaps, desk feedback due (at 100,000 cases)
KB_HIT = "router restart"  # in a few hundred articles
KB_MISS = "xyzzy"
RATED_SHARE = 0.25  # resolved cases with a rating
USED_SHARE = 0.3  # resolved cases an article was used on
N_SEARCHES = 20_000  # the search log, 15% of them finding nothing
SEARCH_HIT = "Called AGAIN"  # in the notes of many cases, in another case
SEARCH_MISS = "xyzzy"

# Issue 13: service levels.  The clocks are built under the default policies
# (read from the new database: migration 0009's seed, all on `always`, 24x7
# UTC), so a due time is plain arithmetic: start + target - used.
SLA_MAX_FLOOR_RATIO = 0.5  # desk sla breaches, desk next --peek, case list --sort due
SLA_MAX_GROWTH = 1.15
SLA_READS = ("sla_breaches", "next_peek", "list_due")
REPORT_MAX_FLOOR_RATIO = 2.0  # desk report, the last 30 days (issue 14, at 100,000 cases)
REPORT_HTML_MAX_EXTRA = 1.3  # desk report --html: at most 30% more than without it
# Clocks past due at every size: the desk's overdue work now, which does not
# grow with its history (every other running clock is due in the next hours
# or days), so `desk sla breaches` prints about as much at 1,000,000 cases as
# at 1,000 and the timing compares the reads, not the lengths of the lists.
BREACHED_CASES = 30  # expected active cases with a clock past due
BREACH_WINDOW = 3 * 86400  # how long ago they fell due (seconds, at most)
SLA_SAMPLE = 2000  # cases per database checked against deskcli.sla.replay
RUNNING_SHARE = ("new", "open", "escalated")  # active statuses with a running clock

# -- synthetic data ---------------------------------------------------------

# Share of cases per status.  Active cases are mostly recent, closed ones old.
STATUS_MIX = {
    "new": 0.04,
    "open": 0.08,
    "pending": 0.05,
    "escalated": 0.03,
    "resolved": 0.15,
    "closed": 0.65,
}
ACTIVE = ("new", "open", "pending", "escalated")
PRIORITIES = {"low": 25, "normal": 50, "high": 20, "urgent": 5}
CHANNELS = {"phone": 35, "email": 25, "chat": 20, "web": 10, "social": 6, "in_person": 4}
# subject, description, category
PROBLEMS = [
    ("Charged twice for the monthly bill", "Two identical charges on the statement.", "billing"),
    ("Internet drops every evening", "Connection lost between 19:00 and 21:00.", "network"),
    ("Cannot log in after password reset", "The reset link says it expired.", "account"),
    ("Invoice shows the old address", "Invoices still go to the old office.", "billing"),
    ("Router not delivered", "Tracking says 'out for delivery' for days.", "delivery"),
    ("Service down for the whole office", "No connectivity on any desk.", "network"),
    ("Wants to cancel the contract", "Unhappy with the last two outages.", "retention"),
    ("Question about the family plan", "How many lines can be added?", "sales"),
    ("App crashes when opening bills", "The app closes at once on the Bills tab.", "app"),
    ("Slow speeds since the upgrade", "Paying for 600 Mb, getting about 50.", "network"),
    ("Refund not received", "Promised a refund three weeks ago.", "billing"),
    ("Technician missed the appointment", "Waited all morning, nobody came.", "field"),
]
TEAMS = {"billing": "billing", "network": "network-ops", "field": "field-service", "app": "tier2"}
AGENTS = [f"agent{i:02d}" for i in range(1, 13)]
FIRST_NAMES = ["Ana", "Liam", "Mei", "Omar", "Lucía", "Noah", "Sara", "Ivan", "Zoe", "Tom"]
LAST_NAMES = ["Pérez", "O'Connor", "Chen", "Haddad", "Gómez", "Smith", "Novak", "Kim", "Rossi"]
RESOLUTIONS = [
    ("Refunded the duplicate charge", "payment gateway retry"),
    ("Reset the line profile; speeds back to normal", "stale line profile"),
    ("Sent a new reset link and confirmed the login works", None),
    ("Corrected the billing address and reissued the invoice", "address not synced"),
    ("Booked a new technician visit", "scheduling error"),
]


# Knowledge base articles: a topic, a device and a few sentences from a pool.
KB_TOPICS = [
    ("network", "Router restarts every hour", "Restart the router and check the firmware."),
    ("network", "Wi-Fi drops in the evening", "Change the Wi-Fi channel away from neighbours."),
    ("network", "Slow speeds after an upgrade", "Reset the line profile from the console."),
    ("billing", "Facturación duplicada", "Refund the second charge and note the gateway retry."),
    ("billing", "Invoice shows the old address", "Correct the address and reissue the invoice."),
    ("billing", "Refund not received after 14 days", "Check the refund batch and its bank run."),
    ("account", "Password reset link expired", "Send a new link; it lives 30 minutes."),
    ("account", "Two-factor codes do not arrive", "Check the phone number and the SMS gateway."),
    ("app", "App closes on the Bills tab", "Clear the app cache, then update the app."),
    ("field", "Technician missed the appointment", "Book a new visit and apologise for the wait."),
    ("delivery", "Router stuck in delivery", "Open a claim with the courier after 5 days."),
    ("retention", "Customer wants to cancel", "Offer the loyalty discount before cancelling."),
]
KB_SENTENCES = [
    "Ask the customer for the model number on the label.",
    "Most cases clear after a power cycle of thirty seconds.",
    "If the light stays red, escalate to network operations.",
    "Confirm the fix with the customer before resolving.",
    "The console shows the line history for the last week.",
    "Note the serial number in the case before replacing hardware.",
    "Explain the next bill to avoid a second call.",
    "Check the status page for a known outage first.",
    "Una llamada de seguimiento a los tres días evita reaperturas.",
    "Revise la facturación del último mes antes de reembolsar.",
]
KB_DEVICES = ["HX-200", "HX-300", "Fibra 600", "Fibra 1G", "CPE-7", "Mesh Duo", "ONT-4", "LTE Box"]


def _ts(value: datetime) -> str:
    """Naive UTC text, as SQLAlchemy stores DateTime on SQLite."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _statuses(rng: random.Random, n_cases: int) -> list[str]:
    """Exact status counts; the newest cases are the likeliest to be active."""
    counts = {status: round(n_cases * share) for status, share in STATUS_MIX.items()}
    counts["closed"] += n_cases - sum(counts.values())
    active = [s for s in ACTIVE for _ in range(counts[s])]
    rng.shuffle(active)
    by_recency = active + ["resolved"] * counts["resolved"] + ["closed"] * counts["closed"]
    # Case i (ids ascend with created_at) ranked by age plus noise: newest first.
    order = sorted(range(n_cases), key=lambda i: (n_cases - i) / n_cases + rng.gauss(0, 0.15))
    statuses = [""] * n_cases
    for status, case_index in zip(by_recency, order, strict=True):
        statuses[case_index] = status
    return statuses


CUSTOMER_COLUMNS = ("id", "crn", "name", "email", "phone", "created_at")
CASE_COLUMNS = (
    "id",
    "customer_id",
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
    "version",
    "due_at",
)
EVENT_COLUMNS = ("case_id", "at", "agent", "kind", "body", "data")
CLOCK_COLUMNS = (
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


@dataclass
class Rows:
    customers: list[tuple[object, ...]] = field(default_factory=list)
    cases: list[tuple[object, ...]] = field(default_factory=list)
    events: list[tuple[object, ...]] = field(default_factory=list)
    clocks: list[tuple[object, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Sla:
    """The default policies (first response and resolution targets, seconds,
    by priority) and the share of running cases to put past due."""

    targets: dict[str, tuple[int, int]]
    breach_share: float

    def due_offset(self, rng: random.Random, ahead: float) -> float:
        """Seconds from now to a running clock's due time: past due for about
        BREACHED_CASES cases per database, else within the next `ahead` seconds."""
        if rng.random() < self.breach_share:
            return -rng.uniform(60, BREACH_WINDOW)
        return rng.uniform(60, max(120.0, ahead - 60))


def default_policies(path: Path) -> dict[str, tuple[int, int]]:
    """The seeded policies of a new database; the arithmetic below needs `always`."""
    rows = query(
        path,
        "SELECT p.priority, p.first_response_seconds, p.resolution_seconds, c.tz, c.hours,"
        " c.holidays FROM sla_policy p JOIN sla_calendar c ON c.name = p.calendar",
    )
    targets: dict[str, tuple[int, int]] = {}
    for priority, first, resolution, tz, hours, holidays in rows:
        days = json.loads(str(hours))
        if tz != "UTC" or json.loads(str(holidays)) or len(days) != 1 or days[0] != {
            "days": list(range(7)), "from": "00:00", "to": "24:00"
        }:  # fmt: skip
            raise SystemExit(f"{path}: policy {priority} is not on a 24x7 UTC calendar")
        targets[str(priority)] = (int(str(first)), int(str(resolution)))
    if set(targets) != set(PRIORITIES):
        raise SystemExit(f"{path}: policies for {sorted(targets)}, not {sorted(PRIORITIES)}")
    return targets


def generate(
    n_cases: int,
    seed: int,
    now: datetime,
    targets: dict[str, tuple[int, int]],
    chunk: int = CHUNK,
) -> Iterator[Rows]:
    """Customers, then cases with their 2-4 timeline events, `chunk` cases at a time.

    Chunks keep the memory of a 1,000,000-case build small; the random stream
    (and so the data for a seed) does not depend on the chunk size.
    """
    rng = random.Random(seed)
    running = sum(STATUS_MIX[status] for status in RUNNING_SHARE) * n_cases
    sla = Sla(targets, min(1.0, BREACHED_CASES / max(running, 1.0)))
    rows = Rows()
    n_customers = max(10, n_cases // 100)
    for cid in range(1, n_customers + 1):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        created = now - timedelta(days=730 + rng.uniform(0, 365))
        email = f"customer{cid}@example.com" if rng.random() < 0.9 else None
        phone = f"+1 555 {cid:06d}" if rng.random() < 0.7 else None
        rows.customers.append((cid, f"C-{100000 + cid}", name, email, phone, _ts(created)))
    yield rows

    span = 730 * 86400
    offsets = sorted(rng.uniform(60, span) for _ in range(n_cases))
    statuses = _statuses(rng, n_cases)
    rows = Rows()
    for case_id, (offset, status) in enumerate(
        zip(reversed(offsets), statuses, strict=True), start=1
    ):
        created = now - timedelta(seconds=offset)
        rows.cases.append(_case(rng, case_id, n_customers, status, created, now, rows, sla))
        if len(rows.cases) == chunk:
            yield rows
            rows = Rows()
    if rows.cases:
        yield rows


def _case(
    rng: random.Random,
    case_id: int,
    n_customers: int,
    status: str,
    created: datetime,
    now: datetime,
    rows: Rows,
    sla: Sla,
) -> tuple[object, ...]:
    """One case row; appends its events and its clock rows to `rows`.

    Active cases get due times around `now` (see Sla.due_offset): a new case
    (nobody has answered, its first-response clock runs) arrived within its
    target of that due time; an open or escalated one was answered, waited on
    the customer (its resolution clock paused) and came back with the rest of
    its target left, or, when recent, has run since it was opened.
    """
    subject, description, category = rng.choice(PROBLEMS)
    channel, priority = _pick(rng, CHANNELS), _pick(rng, PRIORITIES)
    # A few customers have many cases.
    customer_id = int(n_customers * rng.random() ** 1.5) + 1
    agent = rng.choice(AGENTS)
    team, tier = TEAMS.get(category), 1
    first_target, target = sla.targets[priority]

    def later(start: datetime, low_hours: float, high_hours: float) -> datetime:
        return min(now, start + timedelta(hours=rng.uniform(low_hours, high_hours)))

    def within(start: datetime, low: float, high: float) -> datetime:
        """A share of the resolution target after `start` (not clamped to now)."""
        return start + timedelta(seconds=target * rng.uniform(low, high))

    events = rows.events
    first_event = len(events)

    def event(at: datetime, kind: str, body: str, data: dict[str, object] | None) -> datetime:
        events.append((case_id, _ts(at), agent, kind, body, json.dumps(data) if data else None))
        return at

    assignee = None if status == "new" else agent
    first_response = resolved = closed = follow_up = None
    resolution = root_cause = None
    paused = resumed = None  # the resolution clock's wait on the customer
    if status == "new":
        due = now + timedelta(seconds=sla.due_offset(rng, first_target))
        created = max(created, due - timedelta(seconds=first_target))
    opened = {"channel": channel, "priority": priority, "customer": f"C-{100000 + customer_id}"}
    last = event(created, "opened", subject, opened)
    if status == "new":
        last = event(later(last, 0.1, 4), "note", "Customer called again.", None)
    elif status in ("open", "pending", "escalated"):
        assigned = within(created, 0.02, 0.1)
        replied = within(assigned, 0.05, 0.3)
        paused = within(replied, 0.05, 0.3)
        if status != "pending":
            left = target - (paused - created).total_seconds()
            due = now + timedelta(seconds=sla.due_offset(rng, left))
            resumed = due - timedelta(seconds=left)
            if resumed <= paused:  # too recent for a wait: running since it was opened
                paused = resumed = None
        assigned, replied = min(now, assigned), min(now, replied)
        event(assigned, "assigned", agent, {"from": None, "to": agent})
        first_response = last = event(replied, "reply", "We are looking into it.", {"first": True})
        if paused is not None:
            paused = last = event(
                min(now, paused),
                "status",
                "Waiting for the bank statement.",
                {"from": "open", "to": "pending"},
            )
        if status == "open" and resumed is not None:
            change = {"from": "pending", "to": "open"}
            last = event(resumed, "status", "The customer sent the statement.", change)
        elif status == "escalated":
            team, tier, assignee = "tier2", 2, None
            data = {"from_team": TEAMS.get(category), "to": team, "tier": 2, "from_assignee": agent}
            at = resumed if resumed is not None else later(last, 0.1, 2)
            last = event(at, "escalated", "Needs a specialist.", data)
    else:  # resolved, closed
        if status == "resolved":
            last = event(later(last, 0.05, 2), "assigned", agent, {"from": None, "to": agent})
        first_response = last = event(
            later(last, 0.1, 8), "reply", "We are looking into it.", {"first": True}
        )
        resolution, root_cause = rng.choice(RESOLUTIONS)
        data = {"root_cause": root_cause, "from": "open"}
        resolved = last = event(later(last, 1, 240), "resolved", resolution, data)
        if status == "closed":
            closed = last = event(later(last, 24, 168), "closed", "", {"bulk": False})
        elif rng.random() < 0.1:
            follow_up = resolved + timedelta(days=3)
    version = len(events) - first_event  # one write per event
    due_at = _clocks(rows.clocks, case_id, created, (first_target, target), first_response,
                     paused, resumed, resolved)  # fmt: skip
    return (
        case_id,
        customer_id,
        subject,
        description,
        channel,
        category,
        priority,
        status,
        assignee,
        team,
        tier,
        _ts(created),
        _ts(last),
        _ts(first_response) if first_response else None,
        _ts(resolved) if resolved else None,
        _ts(closed) if closed else None,
        resolution,
        root_cause,
        _ts(follow_up) if follow_up else None,
        0,
        version,
        _ts(due_at) if due_at else None,
    )


def _clocks(
    clocks: list[tuple[object, ...]],
    case_id: int,
    opened: datetime,
    targets: tuple[int, int],
    replied: datetime | None,
    paused: datetime | None,
    resumed: datetime | None,
    resolved: datetime | None,
) -> datetime | None:
    """Append the case's first_response and resolution rows of `case_clock`,
    as the write path keeps them on `always` (24x7 UTC, so business time is
    wall-clock time); return the case's `due_at`, the earliest running due.

    A stopped clock keeps its due time; a paused one has none and no segment;
    `breached` is stored when a clock stops or pauses past its due time.
    """
    running: list[datetime] = []

    def row(
        name: str, target: int, segment: datetime | None, used: float, due: datetime | None,
        stopped: datetime | None, paused: bool, breached: bool,
    ) -> None:  # fmt: skip
        if segment is not None and due is not None and stopped is None:
            running.append(due)
        clocks.append((case_id, name, 0, target, "always", _ts(opened),
                       _ts(segment) if segment else None, used, _ts(due) if due else None,
                       _ts(stopped) if stopped else None, int(paused), int(breached)))  # fmt: skip

    first_target, target = targets
    first_due = opened + timedelta(seconds=first_target)
    if replied is None:
        row("first_response", first_target, opened, 0.0, first_due, None, False, False)
    else:
        late = replied > first_due
        used = (replied - opened).total_seconds()
        row("first_response", first_target, None, used, first_due, replied, False, late)
    due = opened + timedelta(seconds=target)
    if resolved is not None:
        used = (resolved - opened).total_seconds()
        row("resolution", target, None, used, due, resolved, False, resolved > due)
    elif paused is None:
        row("resolution", target, opened, 0.0, due, None, False, False)
    else:
        used = (paused - opened).total_seconds()
        if resumed is None:
            row("resolution", target, None, used, None, None, True, paused > due)
        else:
            left = max(target - used, 0.0)
            resumed_due = resumed + timedelta(seconds=left) if left > 0 else resumed
            row("resolution", target, resumed, used, resumed_due, None, False, paused > due)
    return min(running) if running else None


def build_database(path: Path, n_cases: int, seed: int, env: dict[str, str]) -> None:
    """`desk init` for the schema, then plain SQL inserts in one transaction.

    While building, the journal and fsync are off (a failed build is simply
    built again); afterwards the file gets back the journal mode `desk init`
    gave it (WAL) and is checkpointed, like a database in use.
    """
    for leftover in (path, *_sidecars(path), _now_file(path)):
        leftover.unlink(missing_ok=True)
    subprocess.run(
        [str(DESK), "--db", str(path), "init"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    targets = default_policies(path)
    now = datetime.now(UTC).replace(tzinfo=None)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        journal_mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")  # 256 MiB: index pages stay cached
        connection.execute("BEGIN")
        for rows in generate(n_cases, seed, now, targets):
            for table, columns, values in (
                ("customer", CUSTOMER_COLUMNS, rows.customers),
                ('"case"', CASE_COLUMNS, rows.cases),
                ("event", EVENT_COLUMNS, rows.events),
                ("case_clock", CLOCK_COLUMNS, rows.clocks),
            ):
                # Columns by name: later migrations may add columns (with defaults).
                names, marks = ", ".join(columns), ", ".join("?" * len(columns))
                connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
        _fill_derived(connection)
        _fill_knowledge(connection, seed)
        connection.execute("COMMIT")
        connection.execute(f"PRAGMA journal_mode={journal_mode}")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        check_clocks(connection, now, SLA_SAMPLE, seed)
    finally:
        connection.close()
    # The instant the data was made for: the service-level commands run at it
    # (DESK_NOW), so no clock falls due while the benchmark runs or a reused
    # database waits.
    _now_file(path).write_text(now.replace(tzinfo=UTC).isoformat())


def _now_file(path: Path) -> Path:
    return path.with_name(path.name + ".now")


def data_now(path: Path) -> str | None:
    """The DESK_NOW of a built database (ISO 8601, UTC), or None."""
    try:
        return _now_file(path).read_text().strip() or None
    except FileNotFoundError:
        return None


def check_clocks(connection: sqlite3.Connection, now: datetime, sample: int, seed: int) -> None:
    """Replay the events of `sample` cases (all kinds of status) with
    `deskcli.sla.replay`, the rules of the write path, under the database's
    policies, and check that the stored clocks and `case.due_at` are those."""
    _import_src()
    from deskcli.sla.calendar import always_calendar
    from deskcli.sla.replay import CLOCK_EVENT_KINDS, Event, Terms, replay

    always = always_calendar()
    terms = {
        str(priority): Terms(int(first), int(reply), int(resolution), always)
        for priority, first, reply, resolution in connection.execute(
            "SELECT priority, first_response_seconds, next_reply_seconds, resolution_seconds"
            " FROM sla_policy"
        )
    }
    n_cases = connection.execute('SELECT max(id) FROM "case"').fetchone()[0]
    ids = sorted(random.Random(seed + 13).sample(range(1, n_cases + 1), min(sample, n_cases)))
    # Every active case put past due is checked too (the ones breaches lists).
    past_due = connection.execute('SELECT id FROM "case" WHERE due_at < ?', (_ts(now),)).fetchall()
    ids = sorted({*ids, *(int(row[0]) for row in past_due)})
    utc = lambda text: datetime.fromisoformat(text).replace(tzinfo=UTC)  # noqa: E731
    marks = ", ".join("?" * len(CLOCK_EVENT_KINDS))
    statuses: dict[str, int] = {}
    for case_id in ids:
        priority, status, due_at = connection.execute(
            'SELECT priority, status, due_at FROM "case" WHERE id = ?', (case_id,)
        ).fetchone()
        timeline = [
            Event(kind, utc(at), json.loads(data) if data else None)
            for kind, at, data in connection.execute(
                f"SELECT kind, at, data FROM event WHERE case_id = ? AND kind IN ({marks})"
                " ORDER BY id",
                (case_id, *CLOCK_EVENT_KINDS),
            )
        ]
        clocks = replay(timeline, terms, now.replace(tzinfo=UTC), priority=priority)
        expected = sorted(
            tuple(_stored(value) for value in run.row().values()) for run in clocks.runs
        )
        columns = ", ".join(CLOCK_COLUMNS[1:])
        stored = sorted(  # paused and breached: SQLite keeps 0 and 1
            (*row[:9], bool(row[9]), bool(row[10]))
            for row in connection.execute(
                f"SELECT {columns} FROM case_clock WHERE case_id = ?", (case_id,)
            )
        )
        want_due = _stored(clocks.due_at)
        if stored != expected or due_at != want_due:
            raise SystemExit(
                f"case {case_id} ({status}): clocks {stored} due {due_at}, "
                f"but its events give {expected} due {want_due}"
            )
        statuses[status] = statuses.get(status, 0) + 1
    print(
        f"  clocks of {len(ids):,} cases match deskcli.sla.replay ("
        + ", ".join(f"{status} {count:,}" for status, count in sorted(statuses.items()))
        + ")",
        file=sys.stderr,
    )


def _stored(value: object) -> object:
    """A replayed value as the database holds it (naive UTC text)."""
    if isinstance(value, datetime):
        return _ts(value.astimezone(UTC).replace(tzinfo=None))
    return value


def _import_src() -> None:
    """desk's own functions come from src/ (the code under test)."""
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))


def _fill_derived(connection: sqlite3.Connection, window: int = 50_000) -> None:
    """The derived columns desk keeps itself (name keys, folded search text),
    computed by desk's own functions, as its write path and import do; a
    window of cases at a time, so memory stays flat at 1,000,000."""
    _import_src()
    from deskcli.folding import SEARCHED_EVENT_KINDS, name_key, search_text
    from deskcli.services.write_path import SEARCHED_FIELDS, case_search_text

    customers = connection.execute("SELECT id, crn, name, email, phone FROM customer").fetchall()
    connection.executemany(
        "UPDATE customer SET crn_key = ?, search_text = ? WHERE id = ?",
        [(name_key(crn), search_text((crn, *rest)), cid) for cid, crn, *rest in customers],
    )
    marks = ", ".join("?" * len(SEARCHED_EVENT_KINDS))
    last = connection.execute('SELECT max(id) FROM "case"').fetchone()[0] or 0
    for low in range(1, last + 1, window):
        high = low + window - 1
        bodies: dict[int, list[str]] = {}
        for case_id, body in connection.execute(
            f"SELECT case_id, body FROM event WHERE case_id BETWEEN ? AND ?"
            f" AND kind IN ({marks}) ORDER BY id",
            (low, high, *SEARCHED_EVENT_KINDS),
        ):
            bodies.setdefault(case_id, []).append(body)
        cases = connection.execute(
            f'SELECT id, assignee, team, {", ".join(SEARCHED_FIELDS)} FROM "case"'
            " WHERE id BETWEEN ? AND ?",
            (low, high),
        ).fetchall()
        connection.executemany(
            'UPDATE "case" SET assignee_key = ?, team_key = ?, search_text = ? WHERE id = ?',
            [
                (name_key(who), name_key(team), case_search_text(fields, bodies.get(cid, [])), cid)
                for cid, who, team, *fields in cases
            ],
        )


def _fill_knowledge(connection: sqlite3.Connection, seed: int) -> None:
    """Issue 12's data: N_ARTICLES articles (folded by desk's own function; the
    FTS5 triggers of the schema index them), uses and ratings on a share of
    the resolved cases, and a search log."""
    from deskcli.folding import indexed_text, name_key, search_words

    rng = random.Random(seed + 12)
    now = datetime.now(UTC).replace(tzinfo=None)
    articles = []
    for article_id in range(1, N_ARTICLES + 1):
        category, title, first = rng.choice(KB_TOPICS)
        title = f"{title}: {rng.choice(KB_DEVICES)} ({article_id})"
        body = " ".join([first, *rng.sample(KB_SENTENCES, 4)])
        status = rng.choices(["published", "draft", "archived"], [90, 8, 2])[0]
        created = now - timedelta(days=rng.uniform(1, 700))
        articles.append((article_id, title, body, category, status, rng.choice(AGENTS),
                         _ts(created), _ts(created), 1, indexed_text(title),
                         indexed_text(body)))  # fmt: skip
    connection.executemany(
        "INSERT INTO kb_article (id, title, body, category, status, author, created_at,"
        " updated_at, version, title_fold, body_fold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        articles,
    )
    resolved = connection.execute(
        'SELECT id, customer_id, resolved_at, assignee, team FROM "case"'
        " WHERE resolved_at IS NOT NULL"
    ).fetchall()
    uses, ratings, scores = [], [], []
    for case_id, customer_id, resolved_at, assignee, team in resolved:
        at = datetime.fromisoformat(resolved_at)
        if rng.random() < USED_SHARE:
            uses.append((case_id, rng.randint(1, N_ARTICLES), _ts(at), assignee or "agent01"))
        if rng.random() < RATED_SHARE:
            csat = rng.choices([1, 2, 3, 4, 5], [5, 5, 10, 30, 50])[0]
            nps = rng.randint(0, 10)
            rated = min(now, at + timedelta(days=rng.uniform(1, 5)))
            ratings.append((case_id, customer_id, 0, resolved_at, _ts(rated), "agent01",
                            assignee, name_key(assignee), team, csat, nps, ""))  # fmt: skip
            scores.append((csat, nps, case_id))
    connection.executemany(
        "INSERT INTO kb_use (case_id, article_id, at, agent) VALUES (?, ?, ?, ?)", uses
    )
    connection.executemany(
        "INSERT INTO feedback (case_id, customer_id, resolution_no, resolved_at, at, agent,"
        " credited_agent, credited_agent_key, credited_team, csat, nps, comment)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ratings,
    )
    connection.executemany('UPDATE "case" SET csat = ?, nps = ? WHERE id = ?', scores)
    searches = []
    for _ in range(N_SEARCHES):
        found = rng.random() >= 0.15
        query = rng.choice(KB_TOPICS)[1] if found else f"{rng.choice(KB_DEVICES)} error code"
        at = now - timedelta(days=rng.uniform(0, 60))
        key = " ".join(search_words(query))
        searches.append((_ts(at), rng.choice(AGENTS), query, key, rng.randint(1, 40) * found))
    connection.executemany(
        "INSERT INTO kb_search (at, agent, query, query_key, results) VALUES (?, ?, ?, ?, ?)",
        searches,
    )


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _case_count(path: Path) -> int | None:
    """Cases in an existing database, or None (no file, no table)."""
    if not path.exists():
        return None
    try:
        count = query(path, 'SELECT count(*) FROM "case"')[0][0]
    except sqlite3.Error:
        return None
    return count if isinstance(count, int) else None


def restore(pristine: Path, target: Path) -> None:
    """Copy a database whole; its WAL is checkpointed first so the copy has every commit."""
    query(pristine, "PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(pristine, target)
    for sidecar in _sidecars(target):
        sidecar.unlink(missing_ok=True)


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# -- timing -----------------------------------------------------------------


@dataclass
class Run:
    """One command line to run, and what it reads on stdin."""

    argv: list[str]
    stdin: Path | None = None


@dataclass
class Bench:
    key: str
    label: str
    env: dict[str, str]
    argv: list[str] = field(default_factory=list)
    size: int = 0  # cases in its database; 0: it reads no database
    feed: Callable[[], Run] | None = None  # writes: a fresh command line for every run
    verify: Callable[[str], bool] | None = None  # the checked run's output shows the work
    prints: bool = True  # a run that prints nothing failed
    times_ms: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)  # time / floor of the same round
    peak_mb: float = 0.0  # max RSS of the checked run

    def next_run(self) -> Run:
        return self.feed() if self.feed else Run(self.argv)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)


@contextmanager
def _stdin(path: Path | None) -> Iterator[int]:
    if path is None:
        yield subprocess.DEVNULL
        return
    with path.open("rb") as handle:
        yield handle.fileno()


def run_once(run: Run, env: dict[str, str], out: Path, err: Path) -> tuple[int, float]:
    """Run a command with stdout and stderr in files: (exit code, wall time in ms)."""
    with _stdin(run.stdin) as stdin, out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.perf_counter()
        code = subprocess.run(run.argv, env=env, stdin=stdin, stdout=stdout, stderr=stderr)
        elapsed = time.perf_counter() - start
    return code.returncode, elapsed * 1000


# Peak memory comes from a small launcher, not from this process's own wait4:
# Linux carries the high-water RSS of the forked parent (this benchmark, which
# built the databases) across exec into the child's ru_maxrss.  The launcher
# is a bare interpreter (about 10 MB), so any command above that is exact.
LAUNCHER = """
import os, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as result:
    result.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_measured(run: Run, env: dict[str, str], scratch: Path) -> tuple[int, float]:
    """Run a command through LAUNCHER: (exit code, max RSS in MB)."""
    result = scratch / "rusage"
    argv = [str(PYTHON), "-c", LAUNCHER, str(result), *run.argv]
    with _stdin(run.stdin) as stdin:
        with (scratch / "stdout").open("wb") as stdout, (scratch / "stderr").open("wb") as stderr:
            subprocess.run(argv, env=env, stdin=stdin, stdout=stdout, stderr=stderr, check=True)
    code, max_rss_kib = result.read_text().split()
    return int(code), int(max_rss_kib) * 1024 / 1e6


def _failed(bench: Bench, run: Run, scratch: Path, code: int) -> str | None:
    """Why a run failed (exit code, or no output where output is due), or None."""
    if code != 0:
        detail = (scratch / "stderr").read_text(errors="replace").strip()[-500:]
        return f"{bench.label} ({bench.size:,}): {shlex.join(run.argv)} exit {code}: {detail}"
    if bench.prints and (scratch / "stdout").stat().st_size == 0:
        return f"{bench.label} ({bench.size:,}): {shlex.join(run.argv)} printed nothing"
    return None


def run_timed(bench: Bench, scratch: Path) -> float:
    run = bench.next_run()
    code, ms = run_once(run, bench.env, scratch / "stdout", scratch / "stderr")
    failure = _failed(bench, run, scratch, code)
    if failure:
        raise SystemExit(failure)
    return ms


def time_rounds(benches: list[Bench], runs: int, warmup: int, scratch: Path, seed: int) -> None:
    """Round robin: every round runs each command once, in a shuffled order.

    Each time is also kept as a ratio to the floor measured in the same round.
    """
    floor = next(bench for bench in benches if bench.key == "floor")
    order = list(benches)
    rng = random.Random(seed)
    for round_ in range(warmup + runs):
        rng.shuffle(order)  # no command always runs right after another
        started = time.perf_counter()
        measured = {id(bench): run_timed(bench, scratch) for bench in order}
        if round_ >= warmup:
            for bench in benches:
                bench.times_ms.append(measured[id(bench)])
                bench.ratios.append(measured[id(bench)] / measured[id(floor)])
        kind = "warm-up" if round_ < warmup else "round"
        number = round_ + 1 if round_ < warmup else round_ + 1 - warmup
        elapsed = time.perf_counter() - started
        print(f"  {kind} {number} done in {elapsed:.0f} s", file=sys.stderr)


# -- the commands -------------------------------------------------------------


def base_env(code: Path | None, pycache: Path) -> dict[str, str]:
    """The environment of every command; `code` is a snapshot of the package to run.

    Bytecode is always cached, as for an installed package, but under `pycache`
    so that nothing is written to src/.
    """
    drop = ("DESK_DB_URL", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(NO_COLOR="1", DESK_AGENT="bench", PYTHONPYCACHEPREFIX=str(pycache))
    if code is not None:  # ahead of the editable install's .pth entry on sys.path
        env["PYTHONPATH"] = str(code)
    return env


def desk_env(base: dict[str, str], db: Path) -> dict[str, str]:
    return {**base, "DESK_DB": str(db)}


def reference_benches(base: dict[str, str]) -> list[Bench]:
    """The floor, the interpreter's own floor and `desk --help`: no database."""
    python = str(PYTHON)
    return [
        Bench("floor", f"floor: `python -c '{FLOOR}'`", base, [python, "-c", FLOOR], prints=False),
        Bench("pass", "`python -c pass`", base, [python, "-c", "pass"], prints=False),
        Bench(
            "sqlite3",
            "`python -c 'import sqlite3'`",
            base,
            [python, "-c", "import sqlite3"],
            prints=False,
        ),
        Bench(
            "help", "`desk --help`", base, [str(DESK), "--help"], verify=lambda out: "Usage" in out
        ),
    ]


class CloseFeed:
    """`desk case close ID` on a different resolved case every run (no restore needed)."""

    def __init__(self, db: Path, near: int, needed: int) -> None:
        rows = query(
            db,
            "SELECT id FROM \"case\" WHERE status = 'resolved' ORDER BY abs(id - ?) LIMIT ?",
            near,
            needed,
        )
        self.ids = [int(str(row[0])) for row in rows]
        if len(self.ids) < needed:
            raise SystemExit(f"{db}: {len(self.ids)} resolved cases, {needed} needed for the runs")
        self.db, self.last = db, 0

    def __call__(self) -> Run:
        self.last = self.ids.pop()
        return Run([str(DESK), "case", "close", str(self.last)])

    def closed(self, _out: str) -> bool:
        return query(self.db, 'SELECT status FROM "case" WHERE id = ?', self.last) == [("closed",)]


class BatchFeed:
    """`desk batch` files of BATCH_LINES mixed lines, on fresh active cases every run.

    Each case gets `take --steal`, `reply`, `note`, `resolve` and `close`, so
    the file is a fifth of each.  When the active cases run out the working
    copy is restored from the database (outside the timed region) and they
    are used again.
    """

    def __init__(self, pristine: Path, working: Path, workdir: Path) -> None:
        self.pristine, self.working, self.file = pristine, working, workdir / "batch.txt"
        restore(pristine, working)
        statuses = ", ".join(f"'{status}'" for status in ACTIVE)
        rows = query(working, f'SELECT id FROM "case" WHERE status IN ({statuses}) ORDER BY id')
        self.pool = [int(str(row[0])) for row in rows]
        self.per_run = BATCH_LINES // BATCH_CYCLE
        if len(self.pool) < self.per_run:
            raise SystemExit(
                f"{pristine}: {len(self.pool)} active cases, a batch needs {self.per_run}"
            )
        self.next = self.restores = 0
        self.last_ids: list[int] = []

    def run(self, *flags: str) -> Run:
        if self.next + self.per_run > len(self.pool):
            restore(self.pristine, self.working)
            self.next, self.restores = 0, self.restores + 1
        self.last_ids = self.pool[self.next : self.next + self.per_run]
        self.next += self.per_run
        lines = []
        for case_id in self.last_ids:
            lines += [
                f"case take {case_id} --steal",
                f'case reply {case_id} "We are looking into it."',
                f'case note {case_id} "Called the customer back."',
                f'case resolve {case_id} --resolution "Reset the line profile"',
                f"case close {case_id}",
            ]
        self.file.write_text("\n".join(lines) + "\n")
        return Run([str(DESK), "batch", *flags], self.file)

    def done(self, out: str) -> bool:
        """Every line reported exit 0 and every case of the file is closed now."""
        results = [json.loads(line) for line in out.splitlines()]
        marks = ", ".join("?" * len(self.last_ids))
        closed = query(
            self.working,
            f"SELECT count(*) FROM \"case\" WHERE status = 'closed' AND id IN ({marks})",
            *self.last_ids,
        )[0][0]
        return (
            len(results) == BATCH_LINES
            and all(result["exit"] == 0 for result in results)
            and closed == len(self.last_ids)
        )


def _completion_env(env: dict[str, str]) -> dict[str, str]:
    return {**env, "_DESK_COMPLETE": "complete_bash", "COMP_WORDS": "desk case show ",
            "COMP_CWORD": "3"}  # fmt: skip


@dataclass
class SizeResult:
    n_cases: int
    benches: list[Bench]
    notes: list[str]

    def get(self, key: str) -> Bench | None:
        return next((bench for bench in self.benches if bench.key == key), None)


def prepare_size(
    n_cases: int,
    workdir: Path,
    seed: int,
    reuse: bool,
    base: dict[str, str],
    runs_needed: int,
    with_batch: bool,
) -> SizeResult:
    """Build (or reuse) the database of one size and the commands to time on it."""
    db = workdir / f"cases-{n_cases}.db"
    env = desk_env(base, db)
    if not (reuse and _case_count(db) == n_cases and data_now(db)):
        start = time.perf_counter()
        build_database(db, n_cases, seed, env)
        print(f"built {db} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    counts = dict(query(db, 'SELECT status, count(*) FROM "case" GROUP BY status'))
    n_events = query(db, "SELECT count(*) FROM event")[0][0]
    n_customers = query(db, "SELECT count(*) FROM customer")[0][0]
    size_mb = db.stat().st_size / 1e6
    notes = [
        f"{sum(counts.values()):,} cases ({', '.join(f'{s} {c:,}' for s, c in counts.items())}), "
        f"{n_events:,} events, {n_customers:,} customers, {size_mb:,.0f} MB"
    ]

    show_id = n_cases // 2
    crn, n_theirs = query(
        db,
        'SELECT crn, (SELECT count(*) FROM "case" WHERE customer_id = customer.id) FROM customer '
        'WHERE id = (SELECT customer_id FROM "case" WHERE id = ?)',
        show_id,
    )[0]
    notes.append(f"case shown: {show_id}; customer shown: {crn} (the case's, {n_theirs} cases)")
    desk_bin = str(DESK)

    def read(key: str, label: str, *args: str, verify: Callable[[str], bool]) -> Bench:
        return Bench(key, label, env, [desk_bin, *args], n_cases, verify=verify)

    def open_records(out: str) -> bool:
        records = json.loads(out)
        return len(records) == 50 and all(r["status"] == "open" for r in records)

    close = CloseFeed(db, show_id, runs_needed)
    benches = [
        read(
            "list",
            "`desk case list --limit 20`",
            "case",
            "list",
            "--limit",
            "20",
            verify=lambda out: len(out.strip().splitlines()) >= 20,
        ),  # fmt: skip
        read(
            "show",
            "`desk case show ID`",
            "case",
            "show",
            str(show_id),
            verify=lambda out: str(show_id) in out,
        ),  # fmt: skip
        read(
            "list_json",
            "`desk case list --json --status open --limit 50`",
            "case",
            "list",
            "--json",
            "--status",
            "open",
            "--limit",
            "50",
            verify=open_records,
        ),  # fmt: skip
        read("board", "`desk board`", "board", verify=lambda out: "open" in out.lower()),
        # Searching folded text: a word no case holds reads every case's text
        # (the worst case); a phrase in many notes stops at the first 20 rows.
        read(
            "search_none",
            f"`desk case list --all --search {SEARCH_MISS}` (no match: every case)",
            "case",
            "list",
            "--all",
            "--search",
            SEARCH_MISS,
            verify=lambda out: "No cases match" in out,
        ),  # fmt: skip
        read(
            "search_hit",
            f"`desk case list --all --search '{SEARCH_HIT}' --limit 20` (in notes)",
            "case",
            "list",
            "--all",
            "--ids",
            "--limit",
            "20",
            "--search",
            SEARCH_HIT,
            verify=lambda out: len(out.split()) == 20,
        ),  # fmt: skip
        read(
            "customer",
            "`desk customer show CRN`",
            "customer",
            "show",
            str(crn),
            verify=lambda out: str(crn) in out,
        ),  # fmt: skip
        # Issue 12. A search is logged, so each run also writes one row.
        read(
            "kb_search",
            f"`desk kb search '{KB_HIT}'` ({N_ARTICLES:,} articles)",
            "kb",
            "search",
            KB_HIT,
            verify=lambda out: "Router restarts" in out,
        ),  # fmt: skip
        read(
            "kb_search_none",
            f"`desk kb search {KB_MISS}` (no match)",
            "kb",
            "search",
            KB_MISS,
            verify=lambda out: bool(out.strip()),
        ),  # fmt: skip
        read(
            "kb_gaps",
            "`desk kb gaps` (cases no article helped, empty searches)",
            "kb",
            "gaps",
            verify=lambda out: bool(out.strip()),
        ),  # fmt: skip
        read(
            "feedback_due",
            "`desk feedback due` (the follow-up call list)",
            "feedback",
            "due",
            verify=lambda out: bool(out.strip()),
        ),  # fmt: skip
        *sla_benches(db, env, n_cases, notes),
        *report_benches(db, env, n_cases),
        Bench(
            "complete",
            "Tab: `desk case show <Tab>` (case ids from the database)",
            _completion_env(env),
            [desk_bin],
            n_cases,
            verify=lambda out: bool(out.split()) and all(i.isdigit() for i in out.split()),
        ),
        Bench(
            "close",
            "`desk case close ID` (a resolved case; a write)",
            env,
            size=n_cases,
            feed=close,
            verify=close.closed,
        ),
    ]
    if with_batch:
        feed = BatchFeed(db, workdir / f"cases-{n_cases}.batch.db", workdir)
        batch_env = desk_env(base, feed.working)
        for key, flags, how in (
            ("batch_atomic", ("--atomic",), "`desk batch --atomic`"),
            ("batch", (), "`desk batch` (a commit each)"),
        ):
            label = f"{how}, {BATCH_LINES:,} mixed lines"
            benches.append(
                Bench(
                    key,
                    label,
                    batch_env,
                    size=n_cases,
                    feed=lambda flags=flags: feed.run(*flags),
                    verify=feed.done,
                )
            )
        notes.append(
            f"batch: {feed.per_run:,} active cases a run, of {len(feed.pool):,}; each gets "
            "take --steal, reply, note, resolve, close (on a working copy of this database)"
        )
    return SizeResult(n_cases, benches, notes)


RANK = "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"


def _leading_ids(out: str) -> list[int]:
    """The case ids that begin the rows of a table, in order."""
    firsts = [line.split()[0] for line in out.splitlines() if line.strip()]
    return [int(first) for first in firsts if first.isdigit()]


def sla_benches(db: Path, env: dict[str, str], n_cases: int, notes: list[str]) -> list[Bench]:
    """Issue 13: `desk sla breaches`, `desk next --peek`, `desk case list --sort due`.

    They run at the instant the data was made for (DESK_NOW), and each check
    compares the output with what the stored clocks say, read here with SQL.
    """
    now = data_now(db)
    assert now is not None  # prepare_size builds a database without one
    at = _ts(datetime.fromisoformat(now).astimezone(UTC).replace(tzinfo=None))
    sla_env = {**env, "DESK_NOW": now}
    statuses = ", ".join(f"'{status}'" for status in ACTIVE)
    breached = [
        int(str(row[0]))
        for row in query(
            db,
            "SELECT case_id FROM case_clock WHERE stopped_at IS NULL AND due_at < ?"
            " ORDER BY due_at, id",
            at,
        )
    ]
    waiting = query(
        db,
        f'SELECT id FROM "case" WHERE assignee IS NULL AND status IN ({statuses})'
        f" AND due_at IS NOT NULL ORDER BY due_at, {RANK}, created_at, id LIMIT 1",
    )
    soonest = [
        int(str(row[0]))
        for row in query(
            db,
            f'SELECT id FROM "case" WHERE status IN ({statuses}) AND due_at IS NOT NULL'
            " ORDER BY due_at, id LIMIT 20",
        )
    ]
    counts = query(
        db,
        "SELECT count(*), count(DISTINCT case_id), sum(due_at < ?) FROM case_clock"
        " WHERE stopped_at IS NULL AND NOT paused",
        at,
    )[0]
    notes.append(
        f"service levels at {now}: {counts[0]:,} running clocks on {counts[1]:,} cases, "
        f"{len(breached):,} past due (on {len(set(breached)):,} cases); desk next: case "
        f"{waiting[0][0] if waiting else None}"
    )
    if not breached or not waiting or len(soonest) < 20:
        raise SystemExit(f"{db}: the clocks give breaches and next nothing to do")
    next_id = int(str(waiting[0][0]))
    desk_bin = str(DESK)

    def sla_read(key: str, label: str, *args: str, verify: Callable[[str], bool]) -> Bench:
        return Bench(key, label, sla_env, [desk_bin, *args], n_cases, verify=verify)

    return [
        sla_read(
            "sla_breaches",
            "`desk sla breaches` (running clocks past due)",
            "sla",
            "breaches",
            verify=lambda out: _leading_ids(out) == breached,
        ),  # fmt: skip
        sla_read(
            "next_peek",
            "`desk next --peek` (the most urgent case nobody owns)",
            "next",
            "--peek",
            verify=lambda out: out.startswith(f"Next up: case {next_id} "),
        ),  # fmt: skip
        sla_read(
            "list_due",
            "`desk case list --sort due --limit 20`",
            "case",
            "list",
            "--sort",
            "due",
            "--limit",
            "20",
            verify=lambda out: _leading_ids(out) == soonest,
        ),  # fmt: skip
    ]


def report_benches(db: Path, env: dict[str, str], n_cases: int) -> list[Bench]:
    """Issue 14: `desk report` (the last 30 days, every KPI and myth check) at
    the instant the data was made for, without and with its HTML page;
    checked against the cases opened in those 30 days, counted here with SQL."""
    now = data_now(db)
    assert now is not None
    instant = datetime.fromisoformat(now).astimezone(UTC).replace(tzinfo=None)
    opened = query(
        db,
        'SELECT count(*) FROM "case" WHERE created_at BETWEEN ? AND ?',
        _ts(instant - timedelta(days=30)),
        _ts(instant),
    )[0][0]
    page = db.with_name(f"report-{n_cases}.html")

    def page_written(out: str) -> bool:
        shown = f"opened {opened} " in out and "What the numbers say" in out
        return shown and f'data-kpi="volume.opened" data-value="{opened}"' in page.read_text()

    return [
        Bench(
            "report",
            "`desk report` (the last 30 days)",
            {**env, "DESK_NOW": now},
            [str(DESK), "report"],
            n_cases,
            verify=lambda out: f"opened {opened} " in out and "What the numbers say" in out,
        ),
        Bench(
            "report_html",
            "`desk report --html FILE` (the same, and its page)",
            {**env, "DESK_NOW": now},
            [str(DESK), "report", "--html", str(page)],
            n_cases,
            verify=page_written,
        ),
    ]


def check_commands(benches: list[Bench], scratch: Path) -> None:
    """Run every command once and check that it did the work it is timed for.

    This run also gives the command's peak memory.
    """
    for bench in benches:
        run = bench.next_run()
        code, bench.peak_mb = run_measured(run, bench.env, scratch)
        failure = _failed(bench, run, scratch, code)
        if failure:
            raise SystemExit(failure)
        out = (scratch / "stdout").read_text(errors="replace")
        if bench.verify and not bench.verify(out):
            raise SystemExit(f"{bench.label} ({bench.size:,}): unexpected output: {out[:300]!r}")
        print(f"  checked {bench.label} ({bench.size:,}), {bench.peak_mb:.0f} MB", file=sys.stderr)


# -- imports of `desk --help` -------------------------------------------------

HELP_SNIPPET = """
import contextlib, io, json, sys
sys.argv = ["desk", "--help"]
from deskcli.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main()
    except SystemExit:
        pass
names = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "rich")
print(json.dumps({name: name in sys.modules for name in names}))
"""


def help_imports(env: dict[str, str]) -> dict[str, bool]:
    """Which heavy packages `desk --help` imports (run in a fresh interpreter)."""
    out = subprocess.run(
        [str(PYTHON), "-c", HELP_SNIPPET], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def heaviest_help_imports(env: dict[str, str], top: int = 6) -> list[tuple[str, float]]:
    """Top-level modules by cumulative import time (ms) under `desk --help`."""
    process = subprocess.run(
        [str(PYTHON), "-X", "importtime", "-c", HELP_SNIPPET],
        env=env,
        capture_output=True,
        text=True,
    )
    totals: dict[str, float] = {}
    for line in process.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if name.startswith("  ") or not cumulative.strip().isdigit():
            continue  # nested import, or the header line
        module = name.strip().split(".")[0]
        totals[module] = totals.get(module, 0.0) + int(cumulative) / 1000
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


# -- report -----------------------------------------------------------------


def short(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n % 1000 == 0 and n >= 1000 else str(n)


def machine() -> list[str]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    probe = "import sqlite3, sys; print(sys.version.split()[0], sqlite3.sqlite_version)"
    python, sqlite = subprocess.run(
        [str(PYTHON), "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        f"- date: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- CPU: {cpu}, cores (nproc): {nproc or os.cpu_count()}",
        f"- OS: {platform.platform()}",
        f"- Python (venv): {python}, SQLite {sqlite}",
    ]


NOISY = 1.25  # max / min of the runs above which a row is marked noisy


def _spread(bench: Bench) -> str:
    low, high = min(bench.times_ms), max(bench.times_ms)
    return f"{low:.0f}–{high:.0f}" + (" (noisy)" if high > NOISY * low else "")


def _row(bench: Bench) -> str:
    rate = ""
    if bench.key.startswith("batch"):
        rate = f" ({BATCH_LINES / (bench.median_ms / 1000):,.0f} lines/s)"
    return (
        f"| {bench.label} | {bench.median_ms:,.0f}{rate} | {bench.ratio:.2f} "
        f"| {_spread(bench)} | {bench.peak_mb:.0f} |"
    )


def report(
    results: list[SizeResult],
    references: list[Bench],
    imports: dict[str, bool],
    heavy: list[tuple[str, float]],
    runs: int,
    warmup: int,
    code: str,
) -> str:
    lines = ["# desk benchmark results", "", "## Machine", "", *machine()]
    lines += [
        f"- timing: round robin, {warmup} warm-up rounds then {runs} timed rounds; each round "
        "runs every command once in a shuffled order; a time's ratio is to the floor of its "
        "own round",
        "- peak RSS: max resident set of the checked run (os.wait4 in a bare-interpreter "
        "launcher, so about 10 MB is the least it can show)",
        f"- code: {code}",
        "",
        "## Databases",
        "",
    ]
    lines += [f"- {short(r.n_cases)}: {note}" for r in results for note in r.notes]
    header = [
        "| command | median ms | × floor (median) | min–max ms | peak RSS MB |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += ["", "## Without a database (reference)", "", *header]
    lines += [_row(bench) for bench in references]
    for r in results:
        lines += ["", f"## {r.n_cases:,} cases", "", *header, *(_row(b) for b in r.benches)]
    lines += ["", f"(noisy: the slowest run took over {NOISY:.0%} of the fastest)"]

    small, big = results[0], results[-1]
    if big is not small:
        lines += [
            "",
            f"## Growth: {short(big.n_cases)} / {short(small.n_cases)} (of the × floor ratios)",
            "",
            "| command | growth |",
            "|---|---:|",
        ]
        for bench in small.benches:
            other = big.get(bench.key)
            if other is not None:
                lines.append(f"| {bench.label} | {other.ratio / bench.ratio:.2f} |")

    lines += ["", "## `desk --help` imports", ""]
    lines += ["- heavy packages loaded: " + ", ".join(f"{k}={v}" for k, v in imports.items())]
    lines += ["- heaviest top-level imports (cumulative, one run, `-X importtime`): "]
    lines[-1] += ", ".join(f"{name} {ms:.0f} ms" for name, ms in heavy)

    lines += ["", "## Goals (issues 11, 12 and 13)", "", "```", *goals(results, references)]
    lines += ["```", ""]
    return "\n".join(lines)


def goals(results: list[SizeResult], references: list[Bench]) -> list[str]:
    small, big = results[0], results[-1]
    lines: list[str] = []

    def verdict(ok: bool, text: str) -> None:
        lines.append(f"{'PASS' if ok else 'FAIL'}  {text}")

    def at_most(bench: Bench, limit: float, where: str) -> None:
        verdict(
            bench.ratio <= limit,
            f"{bench.label} <= {limit} × floor {where}: {bench.ratio:.2f} "
            f"({bench.median_ms:.0f} ms)",
        )

    help_ = next(bench for bench in references if bench.key == "help")
    at_most(help_, INSTANT_MAX_FLOOR_RATIO, "")
    for r in results:
        where = f"at {short(r.n_cases)}"
        for key in (*READS, "complete"):
            bench = r.get(key)
            if bench is not None:
                limit = INSTANT_MAX_FLOOR_RATIO if key == "complete" else READ_MAX_FLOOR_RATIO
                at_most(bench, limit, where)
        close = r.get("close")
        if close is not None:
            at_most(close, WRITE_MAX_FLOOR_RATIO, where)
        for key in ("kb_search", "kb_search_none", "show"):
            bench = r.get(key)
            if bench is not None:
                at_most(bench, KB_MAX_FLOOR_RATIO, f"{where} (issue 12)")
        if r.n_cases >= 100_000:
            for key in ("feedback_due", "kb_gaps"):
                bench = r.get(key)
                if bench is not None:
                    at_most(bench, LIST_MAX_FLOOR_RATIO, f"{where} (issue 12)")
    if big is not small:
        for key in READS:
            low, high = small.get(key), big.get(key)
            if low is not None and high is not None:
                growth = high.ratio / low.ratio
                verdict(
                    growth <= READ_MAX_GROWTH,
                    f"{low.label} at {short(big.n_cases)} within {READ_MAX_GROWTH}× of "
                    f"{short(small.n_cases)}: {growth:.2f}×",
                )
    for r in results:  # issue 13
        for key in SLA_READS:
            bench = r.get(key)
            if bench is not None:
                at_most(bench, SLA_MAX_FLOOR_RATIO, f"at {short(r.n_cases)} (issue 13)")
    if big is not small:
        for key in SLA_READS:
            low, high = small.get(key), big.get(key)
            if low is not None and high is not None:
                growth = high.ratio / low.ratio
                verdict(
                    growth <= SLA_MAX_GROWTH,
                    f"{low.label} at {short(big.n_cases)} within {SLA_MAX_GROWTH}× of "
                    f"{short(small.n_cases)} (issue 13): {growth:.2f}×",
                )
    for r in results:  # issue 14
        bench = r.get("report")
        if bench is not None and r.n_cases >= 100_000:
            at_most(bench, REPORT_MAX_FLOOR_RATIO, f"at {short(r.n_cases)} (issue 14)")
            page = r.get("report_html")
            if page is not None:
                extra = page.median_ms / bench.median_ms
                verdict(
                    extra <= REPORT_HTML_MAX_EXTRA,
                    f"{page.label} at {short(r.n_cases)} within {REPORT_HTML_MAX_EXTRA}× of "
                    f"`desk report` (issue 14): {extra:.2f}×",
                )
    for key, minimum in (("batch_atomic", BATCH_ATOMIC_MIN_RATE), ("batch", BATCH_EACH_MIN_RATE)):
        bench = big.get(key)
        if bench is not None:
            rate = BATCH_LINES / (bench.median_ms / 1000)
            verdict(
                rate >= minimum,
                f"{bench.label} >= {minimum:,} lines/s at {short(big.n_cases)}: {rate:,.0f}",
            )
    for bench in [*references[3:], *big.benches]:  # desk commands, not the python ones
        verdict(
            bench.peak_mb <= MAX_RSS_MB,
            f"{bench.label} peak RSS <= {MAX_RSS_MB:.0f} MB at {short(big.n_cases)}: "
            f"{bench.peak_mb:.0f} MB",
        )
    return lines


# -- the code under test ------------------------------------------------------

PACKAGE = ROOT / "src" / "deskcli"


def fingerprint(package: Path) -> str:
    """A short hash of the package's Python files, to notice edits during a run."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def snapshot(workdir: Path) -> Path:
    """Copy src/deskcli so edits made while the benchmark runs cannot mix in."""
    code = workdir / "snapshot"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(PACKAGE, code / "deskcli", ignore=shutil.ignore_patterns("__pycache__"))
    return code


# -- main -------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (2)")
    parser.add_argument(
        "--sizes", default="1000,100000,1000000", help="cases per database (1000,100000,1000000)"
    )
    parser.add_argument("--workdir", type=Path, help="keep the databases here (default: temp)")
    parser.add_argument("--reuse", action="store_true", help="reuse databases in --workdir")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the data")
    parser.add_argument("--no-batch", action="store_true", help="skip the two `desk batch` runs")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="run a copy of src/deskcli taken at the start (others may be editing src/)",
    )
    args = parser.parse_args()

    sizes = sorted(int(size) for size in args.sizes.split(","))
    if not DESK.exists():
        raise SystemExit(f"{DESK} not found: create the venv and pip install -e . first")
    if args.runs < 1 or args.warmup < 0:
        raise SystemExit("--runs must be at least 1 and --warmup at least 0")
    with tempfile.TemporaryDirectory(prefix="deskbench-") as temp:
        workdir = args.workdir or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        scratch = Path(temp)
        before = fingerprint(PACKAGE)
        code = snapshot(workdir) if args.snapshot else None
        base = base_env(code, workdir / "pycache")
        needed = args.warmup + args.runs + 1  # one run more for the check
        results = [
            prepare_size(
                n,
                workdir,
                args.seed,
                args.reuse,
                base,
                needed,
                n == sizes[-1] and not args.no_batch,
            )
            for n in sizes
        ]
        references = reference_benches(base)
        benches = references + [bench for r in results for bench in r.benches]
        check_commands(benches, scratch)
        time_rounds(benches, args.runs, args.warmup, scratch, args.seed)
        imports, heavy = help_imports(base), heaviest_help_imports(base)
    after = fingerprint(PACKAGE)
    if code is not None:
        about = f"a snapshot of src/deskcli taken at the start (fingerprint {before})"
        if after != before:
            about += f"; src/deskcli has changed since (now {after})"
    elif after == before:
        about = f"src/deskcli as is (fingerprint {before}, unchanged during the run)"
    else:
        about = (
            f"src/deskcli as is, WARNING: it changed during the run ({before} -> {after}); "
            "the numbers may mix versions (use --snapshot)"
        )
        print(about, file=sys.stderr)
    markdown = report(results, references, imports, heavy, args.runs, args.warmup, code=about)
    print(markdown)
    if args.out:
        args.out.write_text(markdown + "\n")
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
