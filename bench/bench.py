"""Benchmark the `desk` command line on a small and a large database.

Builds one SQLite database per size (1,000 and 100,000 cases by default): the
schema comes from `desk --db FILE init` (the Alembic migrations), the rows
from one bulk `executemany` transaction with the standard library's sqlite3.
Then it times whole `desk` processes, the way people and scripts run them,
and compares them with the floor: the bare cost of starting Python and
importing Typer and SQLModel.

Timing uses hyperfine when it is on PATH (`apt-get install hyperfine`) and
otherwise (or with --no-hyperfine) a round-robin `time.perf_counter` loop
around `subprocess.run`.  Commands that write restore the database from a
pristine copy before every run, outside the timed region (hyperfine
`--prepare`).  With --snapshot it runs a copy of src/deskcli taken at the
start, for when someone is editing src/ during the run.

    .venv/bin/python bench/bench.py                       # full run, Markdown on stdout
    .venv/bin/python bench/bench.py --out bench/RESULTS.md
    .venv/bin/python bench/bench.py --runs 5 --sizes 1000,20000 --workdir /tmp/deskbench

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DESK = VENV_BIN / "desk"
PYTHON = VENV_BIN / "python"

FLOOR = "import typer, sqlmodel"  # python -c FLOOR: the cost every command pays
BATCH_LINES = 1000
BULK_CLOSE = 10_000  # cases closed by the bulk-close benchmark

# -- goals ------------------------------------------------------------------

HELP_MAX_FLOOR_RATIO = 0.5
READ_MAX_FLOOR_RATIO = 1.3
READ_MAX_GROWTH = 1.15  # big DB / small DB
BULK_MAX_RATIO = 2.0  # close BULK_CLOSE / close 1

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
)
EVENT_COLUMNS = ("case_id", "at", "agent", "kind", "body", "data")


@dataclass
class Rows:
    customers: list[tuple[object, ...]] = field(default_factory=list)
    cases: list[tuple[object, ...]] = field(default_factory=list)
    events: list[tuple[object, ...]] = field(default_factory=list)


def generate(n_cases: int, seed: int) -> Rows:
    """Customers, cases and 2-4 timeline events per case, over the last two years."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = Rows()
    n_customers = max(10, n_cases // 100)
    for cid in range(1, n_customers + 1):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        created = now - timedelta(days=730 + rng.uniform(0, 365))
        email = f"customer{cid}@example.com" if rng.random() < 0.9 else None
        phone = f"+1 555 {cid:06d}" if rng.random() < 0.7 else None
        rows.customers.append((cid, f"C-{100000 + cid}", name, email, phone, _ts(created)))

    span = 730 * 86400
    offsets = sorted(rng.uniform(60, span) for _ in range(n_cases))
    statuses = _statuses(rng, n_cases)
    for case_id, (offset, status) in enumerate(
        zip(reversed(offsets), statuses, strict=True), start=1
    ):
        created = now - timedelta(seconds=offset)
        rows.cases.append(_case(rng, case_id, n_customers, status, created, now, rows.events))
    return rows


def _case(
    rng: random.Random,
    case_id: int,
    n_customers: int,
    status: str,
    created: datetime,
    now: datetime,
    events: list[tuple[object, ...]],
) -> tuple[object, ...]:
    """One case row; appends its events to `events`."""
    subject, description, category = rng.choice(PROBLEMS)
    channel, priority = _pick(rng, CHANNELS), _pick(rng, PRIORITIES)
    # A few customers have many cases.
    customer_id = int(n_customers * rng.random() ** 1.5) + 1
    agent = rng.choice(AGENTS)
    team, tier = TEAMS.get(category), 1

    def later(start: datetime, low_hours: float, high_hours: float) -> datetime:
        return min(now, start + timedelta(hours=rng.uniform(low_hours, high_hours)))

    first_event = len(events)

    def event(at: datetime, kind: str, body: str, data: dict[str, object] | None) -> datetime:
        events.append((case_id, _ts(at), agent, kind, body, json.dumps(data) if data else None))
        return at

    opened = {"channel": channel, "priority": priority, "customer": f"C-{100000 + customer_id}"}
    last = event(created, "opened", subject, opened)
    assignee = None if status == "new" else agent
    first_response = resolved = closed = follow_up = None
    resolution = root_cause = None
    if status == "new":
        last = event(later(last, 0.1, 4), "note", "Customer called again.", None)
    elif status in ("open", "pending", "escalated", "resolved"):
        last = event(later(last, 0.05, 2), "assigned", agent, {"from": None, "to": agent})
    if status in ("open", "pending", "resolved", "closed"):
        first_response = last = event(
            later(last, 0.1, 8), "reply", "We are looking into it.", {"first": True}
        )
    if status == "pending":
        change = {"from": "open", "to": "pending"}
        last = event(later(last, 0.1, 24), "status", "Waiting for the bank statement.", change)
    elif status == "escalated":
        team, tier, assignee = "tier2", 2, None
        data = {"from_team": TEAMS.get(category), "to": team, "tier": 2, "from_assignee": agent}
        last = event(later(last, 1, 48), "escalated", "Needs a specialist.", data)
    elif status in ("resolved", "closed"):
        resolution, root_cause = rng.choice(RESOLUTIONS)
        data = {"root_cause": root_cause, "from": "open"}
        resolved = last = event(later(last, 1, 240), "resolved", resolution, data)
        if status == "closed":
            closed = last = event(later(last, 24, 168), "closed", "", {"bulk": False})
        elif rng.random() < 0.1:
            follow_up = resolved + timedelta(days=3)
    version = len(events) - first_event  # one write per event
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
    )


def build_database(path: Path, n_cases: int, seed: int, env: dict[str, str]) -> None:
    """`desk init` for the schema, then one bulk insert transaction."""
    for leftover in (path, *_sidecars(path)):
        leftover.unlink(missing_ok=True)
    subprocess.run(
        [str(DESK), "--db", str(path), "init"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    rows = generate(n_cases, seed)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        for table, columns, values in (
            ("customer", CUSTOMER_COLUMNS, rows.customers),
            ('"case"', CASE_COLUMNS, rows.cases),
            ("event", EVENT_COLUMNS, rows.events),
        ):
            # Columns by name: later migrations may add columns (with defaults).
            names, marks = ", ".join(columns), ", ".join("?" * len(columns))
            connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
        _fill_derived(connection)
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _fill_derived(connection: sqlite3.Connection) -> None:
    """The derived columns desk keeps itself (name keys, folded search text),
    computed with desk's own folding, as its write path and import do."""
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    from deskcli.folding import SEARCHED_EVENT_KINDS, name_key, search_text

    customers = connection.execute("SELECT id, crn, name, email, phone FROM customer").fetchall()
    connection.executemany(
        "UPDATE customer SET crn_key = ?, search_text = ? WHERE id = ?",
        [(name_key(crn), search_text((crn, *rest)), cid) for cid, crn, *rest in customers],
    )
    bodies: dict[int, list[str]] = {}
    marks = ", ".join("?" * len(SEARCHED_EVENT_KINDS))
    for case_id, body in connection.execute(
        f"SELECT case_id, body FROM event WHERE kind IN ({marks}) ORDER BY id",
        SEARCHED_EVENT_KINDS,
    ):
        bodies.setdefault(case_id, []).append(body)
    cases = connection.execute(
        'SELECT id, subject, description, resolution, assignee, team FROM "case"'
    ).fetchall()
    connection.executemany(
        'UPDATE "case" SET assignee_key = ?, team_key = ?, search_text = ? WHERE id = ?',
        [
            (name_key(who), name_key(team),
             search_text((subject, text, resolution, *bodies.get(cid, ()))), cid)
            for cid, subject, text, resolution, who, team in cases
        ],
    )  # fmt: skip


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
    shutil.copyfile(pristine, target)
    for sidecar in _sidecars(target):
        sidecar.unlink(missing_ok=True)


def restore_command(pristine: Path, target: Path) -> str:
    """`restore` as a command line, for hyperfine --prepare (works with -N)."""
    wal, shm = _sidecars(target)
    script = f"cp -f {shlex.quote(str(pristine))} {shlex.quote(str(target))}"
    script += f" && rm -f {shlex.quote(str(wal))} {shlex.quote(str(shm))}"
    return shlex.join(["sh", "-c", script])


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# -- timing -----------------------------------------------------------------


@dataclass
class Bench:
    key: str
    label: str
    argv: list[str]
    env: dict[str, str]
    stdin: Path | None = None
    restore: tuple[Path, Path] | None = None  # (pristine, working copy) before each run
    size: int = 0  # cases in the database


@dataclass
class Timing:
    times_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def low(self) -> float:
        return min(self.times_ms)

    @property
    def high(self) -> float:
        return max(self.times_ms)


class Timer:
    """Runs each benchmark `warmup` + `runs` times and keeps the last `runs`.

    hyperfine times one command after the other.  The built-in loop goes round
    robin instead (one run of every command per round), so load from other
    programs that comes and goes hits all commands alike.
    """

    def __init__(self, runs: int, warmup: int, use_hyperfine: bool, scratch: Path) -> None:
        self.runs, self.warmup, self.scratch = runs, warmup, scratch
        self.hyperfine = shutil.which("hyperfine") if use_hyperfine else None

    @property
    def method(self) -> str:
        if not self.hyperfine:
            return "built-in round-robin loop (time.perf_counter around subprocess.run)"
        version = subprocess.run([self.hyperfine, "--version"], capture_output=True, text=True)
        return version.stdout.strip() + " (one command after the other)"

    def time_all(self, benches: list[Bench]) -> list[Timing]:
        if self.hyperfine:
            return [self._hyperfine(bench) for bench in benches]
        times_ms: list[list[float]] = [[] for _ in benches]
        for round_ in range(self.warmup + self.runs):
            for bench, kept in zip(benches, times_ms, strict=True):
                elapsed = self._run_once(bench)
                if round_ >= self.warmup:
                    kept.append(elapsed)
            print(f"  round {round_ + 1} of {self.warmup + self.runs} done", file=sys.stderr)
        return [Timing(kept) for kept in times_ms]

    def _hyperfine(self, bench: Bench) -> Timing:
        assert self.hyperfine is not None
        export = self.scratch / "hyperfine.json"
        command = [self.hyperfine, "--style", "none", "--export-json", str(export)]
        command += ["--runs", str(self.runs), "--warmup", str(self.warmup)]
        if bench.restore:
            command += ["--prepare", restore_command(*bench.restore)]
        if bench.stdin is None:
            command += ["-N", shlex.join(bench.argv)]
        else:  # hyperfine 1.15 has no --input: redirect in its shell (spawn time subtracted)
            command.append(f"{shlex.join(bench.argv)} < {shlex.quote(str(bench.stdin))}")
        subprocess.run(command, env=bench.env, check=True, stdout=subprocess.DEVNULL)
        result = json.loads(export.read_text())["results"][0]
        timing = Timing([t * 1000 for t in result["times"]])
        print(f"  {bench.size:>7,}  {bench.label:<50} {timing.median:8.1f} ms", file=sys.stderr)
        return timing

    def _run_once(self, bench: Bench) -> float:
        """One run in ms; the restore (if any) happens before the clock starts."""
        if bench.restore:
            restore(*bench.restore)
        with _stdin(bench.stdin) as stdin:
            start = time.perf_counter()
            process = subprocess.run(
                bench.argv, env=bench.env, stdin=stdin, stdout=subprocess.DEVNULL
            )
            elapsed = time.perf_counter() - start
        if process.returncode != 0:
            raise SystemExit(f"{shlex.join(bench.argv)} failed ({process.returncode})")
        return elapsed * 1000


@contextmanager
def _stdin(path: Path | None) -> Iterator[int]:
    if path is None:
        yield subprocess.DEVNULL
        return
    with path.open("rb") as handle:
        yield handle.fileno()


# -- one database size ------------------------------------------------------


@dataclass
class SizeResult:
    n_cases: int
    benches: list[Bench]
    notes: list[str]
    timings: dict[str, Timing] = field(default_factory=dict)


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


def desk(*args: str, env: dict[str, str], stdin: Path | None = None) -> str:
    """Run desk once (outside any timing) and return its stdout; fail loudly."""
    with _stdin(stdin) as handle:
        process = subprocess.run(
            [str(DESK), *args], env=env, stdin=handle, capture_output=True, text=True
        )
    if process.returncode != 0:
        raise SystemExit(f"desk {shlex.join(args)} failed: {process.stderr.strip()}")
    return process.stdout


def prepare_size(
    n_cases: int, workdir: Path, seed: int, reuse: bool, base: dict[str, str]
) -> SizeResult:
    """Build (or reuse) the database of one size and the commands to time on it."""
    pristine = workdir / f"cases-{n_cases}.db"
    working = workdir / f"cases-{n_cases}.work.db"
    env = desk_env(base, pristine)
    if not (reuse and _case_count(pristine) == n_cases):
        start = time.perf_counter()
        build_database(pristine, n_cases, seed, env)
        print(f"built {pristine} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    counts = dict(query(pristine, 'SELECT status, count(*) FROM "case" GROUP BY status'))
    n_events = query(pristine, "SELECT count(*) FROM event")[0][0]
    size_mb = pristine.stat().st_size / 1e6
    notes = [
        f"{sum(counts.values()):,} cases ({', '.join(f'{s} {c:,}' for s, c in counts.items())}), "
        f"{n_events:,} events, {size_mb:.0f} MB"
    ]

    show_id = n_cases // 2
    resolved_id = query(
        pristine,
        "SELECT id FROM \"case\" WHERE status = 'resolved' ORDER BY abs(id - ?) LIMIT 1",
        show_id,
    )[0][0]
    restore(pristine, working)
    write_env = desk_env(base, working)
    desk_bin = str(DESK)
    benches = [
        Bench("floor", f"floor: python -c '{FLOOR}'", [str(PYTHON), "-c", FLOOR], env),
        Bench("help", "desk --help", [desk_bin, "--help"], env),
        Bench(
            "list", "desk case list --limit 20", [desk_bin, "case", "list", "--limit", "20"], env
        ),
        Bench("show", "desk case show ID", [desk_bin, "case", "show", str(show_id)], env),
        Bench(
            "list_json",
            "desk case list --json --status open --limit 50",
            [desk_bin, "case", "list", "--json", "--status", "open", "--limit", "50"],
            env,
        ),
        # Searching folded text: a word no case holds scans every case (the
        # worst case); a word in many notes stops at the first 50 rows.
        Bench(
            "search_none",
            "desk case list --all --search WORD (no match)",
            [desk_bin, "case", "list", "--all", "--search", SEARCH_MISS],
            env,
        ),
        Bench(
            "search_hit",
            "desk case list --all --search WORD (in notes)",
            [desk_bin, "case", "list", "--all", "--search", SEARCH_HIT],
            env,
        ),
        Bench(
            "close_1",
            "desk case close ID (1 resolved case)",
            [desk_bin, "case", "close", str(resolved_id)],
            write_env,
            restore=(pristine, working),
        ),
    ]
    ids = desk(
        "case", "list", "--status", "resolved", "--ids", "--limit", str(BULK_CLOSE), env=env
    ).split()
    if len(ids) >= BULK_CLOSE:
        ids_file = workdir / f"resolved-ids-{n_cases}.txt"
        ids_file.write_text("\n".join(ids) + "\n")
        benches.append(
            Bench(
                "close_bulk",
                f"desk case close --from-stdin ({BULK_CLOSE:,} ids)",
                [desk_bin, "case", "close", "--from-stdin"],
                write_env,
                stdin=ids_file,
                restore=(pristine, working),
            )
        )
    else:
        notes.append(f"close of {BULK_CLOSE:,} skipped: only {len(ids):,} resolved cases")

    # Tab completion of a case id: the whole program runs on every Tab.
    complete_env = {**env, "_DESK_COMPLETE": "complete_bash", "COMP_WORDS": "desk case show ",
                    "COMP_CWORD": "3"}  # fmt: skip
    benches.append(Bench("complete", "Tab: `desk case show <Tab>`", [desk_bin], complete_env))
    # A script's many small writes through one `desk batch` process.
    batch_file = workdir / f"batch-{n_cases}.txt"
    batch_file.write_text(
        "".join(f'case note {show_id} "bench note {i}"\n' for i in range(BATCH_LINES))
    )
    benches.append(
        Bench(
            "batch",
            f"`desk batch` ({BATCH_LINES:,} notes)",
            [desk_bin, "batch"],
            write_env,
            stdin=batch_file,
            restore=(pristine, working),
        )
    )
    benches.append(
        Bench(
            "batch_atomic",
            f"`desk batch --atomic` ({BATCH_LINES:,} notes)",
            [desk_bin, "batch", "--atomic"],
            write_env,
            stdin=batch_file,
            restore=(pristine, working),
        )
    )
    for bench in benches:
        bench.size = n_cases
    check_commands(benches, pristine, working, env, show_id)
    return SizeResult(n_cases, benches, notes)


def time_all(results: list[SizeResult], timer: Timer) -> None:
    """Time every command, command by command with all sizes back to back."""
    keys = dict.fromkeys(bench.key for r in results for bench in r.benches)
    order = [(r, b) for key in keys for r in results for b in r.benches if b.key == key]
    timings = timer.time_all([bench for _, bench in order])
    for (r, bench), timing in zip(order, timings, strict=True):
        r.timings[bench.key] = timing
        if bench.restore:
            restore(*bench.restore)


def check_commands(
    benches: list[Bench],
    pristine: Path,
    working: Path,
    env: dict[str, str],
    show_id: int,
) -> None:
    """Run every command once and check it did the work being timed."""
    listed = desk("case", "list", "--limit", "20", env=env)
    assert listed.strip(), "case list printed nothing"
    shown = desk("case", "show", str(show_id), env=env)
    assert str(show_id) in shown, "case show does not show the case"
    records = json.loads(
        desk("case", "list", "--json", "--status", "open", "--limit", "50", env=env)
    )
    assert len(records) == 50 and all(r["status"] == "open" for r in records)
    found = desk("case", "list", "--all", "--ids", "--search", SEARCH_HIT, env=env).split()
    assert found, f"--search {SEARCH_HIT} found nothing"
    missed = desk("case", "list", "--all", "--ids", "--search", SEARCH_MISS, env=env).split()
    assert not missed, f"--search {SEARCH_MISS} found something"
    completed = desk(env={**env, "_DESK_COMPLETE": "complete_bash",
                          "COMP_WORDS": "desk case show ", "COMP_CWORD": "3"}).split()  # fmt: skip
    assert completed and all(i.isdigit() for i in completed), "completion offered no case ids"
    for bench in benches:
        if bench.key.startswith("batch"):
            restore(pristine, working)
            desk(*bench.argv[1:], env=bench.env, stdin=bench.stdin)
            notes = query(working, "SELECT count(*) FROM event WHERE body LIKE 'bench note %'")
            assert notes[0][0] == BATCH_LINES, f"batch recorded {notes[0][0]} notes"
            continue
        if not bench.restore:
            continue
        restore(pristine, working)
        before = query(working, "SELECT count(*) FROM \"case\" WHERE status = 'closed'")[0][0]
        desk(*bench.argv[1:], env=bench.env, stdin=bench.stdin)
        after = query(working, "SELECT count(*) FROM \"case\" WHERE status = 'closed'")[0][0]
        expected = BULK_CLOSE if bench.stdin else 1
        assert after - before == expected, f"{bench.label}: closed {after - before} cases"
    restore(pristine, working)


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
    return f"{n // 1000}k" if n % 1000 == 0 and n >= 1000 else str(n)


def machine() -> list[str]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    version = subprocess.run([str(PYTHON), "--version"], capture_output=True, text=True)
    return [
        f"- date: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- CPU: {cpu}, nproc: {nproc or os.cpu_count()}",
        f"- OS: {platform.platform()}",
        f"- Python (venv): {version.stdout.strip()}, SQLite {sqlite3.sqlite_version}",
    ]


NOISY = 1.2  # max / min of the runs above which a row is marked noisy


def _spread(timing: Timing) -> str:
    text = f"{timing.low:.0f}–{timing.high:.0f}"
    return text + " (noisy)" if timing.high > NOISY * timing.low else text


def report(
    results: list[SizeResult],
    imports: dict[str, bool],
    heavy: list[tuple[str, float]],
    timer: Timer,
    code: str,
) -> str:
    small, big = results[0], results[-1]
    s, b = short(small.n_cases), short(big.n_cases)
    keys = list(dict.fromkeys(key for r in results for key in r.timings))
    label_of = {
        "floor": "floor: `python -c 'import typer, sqlmodel'`",
        "help": "`desk --help`",
        "list": "`desk case list --limit 20`",
        "show": "`desk case show ID`",
        "list_json": "`desk case list --json --status open --limit 50`",
        "search_none": f"`desk case list --all --search {SEARCH_MISS}` (no match: every case)",
        "search_hit": f"`desk case list --all --search '{SEARCH_HIT}'` (in notes)",
        "close_1": "`desk case close ID` (1 resolved case)",
        "close_bulk": f"`desk case close --from-stdin` ({BULK_CLOSE:,} ids)",
        "complete": "Tab: `desk case show <Tab>` (bash, case ids from the database)",
        "batch": f"`desk batch` ({BATCH_LINES:,} `case note` lines, a commit each)",
        "batch_atomic": f"`desk batch --atomic` ({BATCH_LINES:,} `case note` lines, one commit)",
    }

    def cell(result: SizeResult, key: str, fmt: str = "{:.0f}") -> str:
        timing = result.timings.get(key)
        return fmt.format(timing.median) if timing else "—"

    def ratio(result: SizeResult, key: str, base: str = "floor") -> float | None:
        timing = result.timings.get(key)
        return timing.median / result.timings[base].median if timing else None

    def fmt_ratio(value: float | None) -> str:
        return f"{value:.2f}" if value is not None else "—"

    lines = ["# desk benchmark results", "", "## Machine", "", *machine()]
    lines += [f"- timing: {timer.method}; {timer.warmup} warm-ups, {timer.runs} runs per command"]
    lines += [f"- code: {code}"]
    lines += ["", "## Databases", ""]
    lines += [f"- {short(r.n_cases)}: {note}" for r in results for note in r.notes]
    lines += [
        "",
        "## Median wall time (ms)",
        "",
        f"| command | {s} | {b} | ×floor {s} | ×floor {b} | {b}/{s} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key in keys:
        growth = None
        if key in small.timings and key in big.timings:
            growth = big.timings[key].median / small.timings[key].median
        lines.append(
            f"| {label_of.get(key, key)} | {cell(small, key)} | {cell(big, key)} "
            f"| {fmt_ratio(ratio(small, key))} | {fmt_ratio(ratio(big, key))} "
            f"| {fmt_ratio(growth)} |"
        )
    bulk_ratio = ratio(big, "close_bulk", base="close_1")
    lines += ["", f"close {BULK_CLOSE:,} / close 1 ({b}): {fmt_ratio(bulk_ratio)}"]
    for key, what in (("batch", "`desk batch`"), ("batch_atomic", "`desk batch --atomic`")):
        if key in big.timings:
            per_second = BATCH_LINES / (big.timings[key].median / 1000)
            lines += [f"{what} ({b}): {per_second:,.0f} commands per second, start-up included"]

    lines += ["", "## Spread: min–max (ms)", "", f"| command | {s} | {b} |", "|---|---:|---:|"]
    for key in keys:
        spread = [_spread(r.timings[key]) if key in r.timings else "—" for r in (small, big)]
        lines.append(f"| {label_of.get(key, key)} | {spread[0]} | {spread[1]} |")
    lines += ["", f"(noisy: the slowest run took over {NOISY:.0%} of the fastest)"]

    lines += ["", "## `desk --help` imports", ""]
    lines += ["- heavy packages loaded: " + ", ".join(f"{k}={v}" for k, v in imports.items())]
    lines += ["- heaviest top-level imports (cumulative, one run, `-X importtime`): "]
    lines[-1] += ", ".join(f"{name} {ms:.0f} ms" for name, ms in heavy)

    lines += ["", "## Goals", "", "```", *goals(results, imports), "```", ""]
    return "\n".join(lines)


def goals(results: list[SizeResult], imports: dict[str, bool]) -> list[str]:
    small, big = results[0], results[-1]
    lines = []

    def verdict(ok: bool, text: str) -> None:
        lines.append(f"{'PASS' if ok else 'FAIL'}  {text}")

    for r in results:
        help_ratio = r.timings["help"].median / r.timings["floor"].median
        verdict(
            help_ratio < HELP_MAX_FLOOR_RATIO,
            f"desk --help < {HELP_MAX_FLOOR_RATIO} × floor at {short(r.n_cases)}: "
            f"{help_ratio:.2f} × floor",
        )
    verdict(not imports["sqlalchemy"], f"desk --help does not import sqlalchemy: {imports}")
    for key, name in (("list", "case list"), ("show", "case show"), ("list_json", "list --json")):
        for r in results:
            value = r.timings[key].median / r.timings["floor"].median
            verdict(
                value <= READ_MAX_FLOOR_RATIO,
                f"{name} <= {READ_MAX_FLOOR_RATIO} × floor at {short(r.n_cases)}: "
                f"{value:.2f} × floor ({r.timings[key].median:.0f} ms)",
            )
        growth = big.timings[key].median / small.timings[key].median
        verdict(
            growth <= READ_MAX_GROWTH,
            f"{name} at {short(big.n_cases)} within {READ_MAX_GROWTH - 1:.0%} of "
            f"{short(small.n_cases)}: {growth:.2f}×",
        )
    if "close_bulk" in big.timings:
        bulk = big.timings["close_bulk"].median / big.timings["close_1"].median
        verdict(
            bulk < BULK_MAX_RATIO,
            f"close {BULK_CLOSE:,} < {BULK_MAX_RATIO} × close 1 at {short(big.n_cases)}: "
            f"{bulk:.2f}× ({big.timings['close_bulk'].median:.0f} ms vs "
            f"{big.timings['close_1'].median:.0f} ms)",
        )
    else:
        lines.append(f"SKIP  close {BULK_CLOSE:,}: the biggest database has too few resolved")
    return lines


# -- the code under test ------------------------------------------------------

PACKAGE = ROOT / "src" / "deskcli"
SEARCH_HIT = "Called AGAIN"  # in the notes of new cases, in another case
SEARCH_MISS = "xyzzy"


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
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command (10)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (2)")
    parser.add_argument("--sizes", default="1000,100000", help="cases per database (1000,100000)")
    parser.add_argument("--workdir", type=Path, help="keep the databases here (default: temp)")
    parser.add_argument("--reuse", action="store_true", help="reuse databases in --workdir")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the data")
    parser.add_argument("--no-hyperfine", action="store_true", help="use the built-in loop")
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
    with tempfile.TemporaryDirectory(prefix="deskbench-") as temp:
        workdir = args.workdir or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        scratch = Path(temp) / "hyperfine"
        scratch.mkdir(exist_ok=True)
        timer = Timer(args.runs, args.warmup, not args.no_hyperfine, scratch)
        print(f"timing with {timer.method}", file=sys.stderr)
        before = fingerprint(PACKAGE)
        code = snapshot(workdir) if args.snapshot else None
        base = base_env(code, workdir / "pycache")
        results = [prepare_size(n, workdir, args.seed, args.reuse, base) for n in sizes]
        time_all(results, timer)
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
    markdown = report(results, imports, heavy, timer, about)
    print(markdown)
    if args.out:
        args.out.write_text(markdown + "\n")
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
