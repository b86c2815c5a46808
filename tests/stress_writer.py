"""Stress kit: a writer process, its checker, and the kill -9 helpers.

Used by tests/test_stress.py and bench/stress.py.

Writer: python -m tests.stress_writer AGENT COUNT SEED SHARED  (cwd = repo root)
    Runs COUNT random mixed `desk` commands in this process, each through the
    real command line with --json (its own engine and transaction, as separate
    `desk` runs would), on the shared cases 1..SHARED and on the cases this
    writer opens, and prints one JSON line per command:
    {"agent", "i", "op", "target", "text", "ids", "args", "exit", "stdout", "stderr"}.
    Every note, reason, resolution and subject is unique ("... AGENT-i"), so
    the checker can find the event each successful command wrote.
Churn:  python -m tests.stress_writer churn AGENT SECONDS SHARED
    Writes for SECONDS (opens, notes, resolve/close/reopen of the shared
    cases), for tests that read while others write.

`check_writes` matches every successful command to the event it wrote (and
every event written during the run to exactly one successful command),
replays each case's version from its events, and checks refusals.
`build_resolved_db` and `kill_state` serve the kill -9 trials.

Standard library only, apart from the command line the writer drives (and
psycopg, to check a PostgreSQL database).
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CUSTOMER = "C-1"
TEAMS = ("billing", "network-ops", "tier2")
# op -> weight.  Closing and reopening keep cases cycling through every status.
OPS = {
    "open": 7,
    "note": 18,
    "take": 20,
    "escalate": 10,
    "resolve": 13,
    "close": 14,
    "reopen": 18,
}


# -- the writer ----------------------------------------------------------------


def plan(agent: str, i: int, rng: random.Random, shared: int, own: list[int]) -> dict[str, Any]:
    """The i-th command of `agent`: mostly on the shared cases, some on its own."""
    op = rng.choices(list(OPS), weights=list(OPS.values()))[0]
    pool = own if own and rng.random() < 0.3 else list(range(1, shared + 1))
    target = rng.choice(pool)
    tag = f"{agent}-{i}"
    step: dict[str, Any] = {"op": op, "target": target, "text": None, "ids": [target]}
    if op == "open":
        step.update(target=None, ids=[], text=f"subject {tag}")
        args = ["case", "open", "-c", CUSTOMER, "--subject", step["text"]]
    elif op == "note":
        step["text"] = f"note {tag}"
        args = ["case", "note", str(target), step["text"]]
    elif op == "take":
        args = ["case", "take", str(target)]  # no --steal: ownership conflicts happen
    elif op == "escalate":
        step["text"] = f"reason {tag}"
        args = [
            "case",
            "escalate",
            str(target),
            "--to",
            rng.choice(TEAMS),
            "--reason",
            step["text"],
        ]
    elif op == "resolve":
        step["text"] = f"resolution {tag}"
        args = ["case", "resolve", str(target), "--resolution", step["text"]]
    elif op == "reopen":
        step["text"] = f"reopen {tag}"
        args = ["case", "reopen", str(target), "--reason", step["text"]]
    else:  # close: one id, several ids, or several ids resolved and closed in one step
        kind = rng.random()
        if kind < 0.5:
            args = ["case", "close", str(target)]
        else:
            everything = sorted({*range(1, shared + 1), *own})
            step["ids"] = sorted(rng.sample(everything, min(len(everything), rng.randint(2, 3))))
            args = ["case", "close", *map(str, step["ids"])]
            if kind >= 0.75:
                step["text"] = f"bulk {tag}"
                args += ["--resolution", step["text"]]
    step["args"] = ["--as", agent, *args, "--json"]
    return step


class DeskRunner:
    """Runs `desk` command lines in this process, as separate `desk` runs would,
    and disposes of the engine each one opened: kept, they would hold one
    server connection per command (PostgreSQL: "too many clients")."""

    def __init__(self) -> None:
        from typer.main import get_command

        from deskcli import store
        from deskcli.cli import app

        self.command = get_command(app)
        self.opened: list[Any] = []
        self._open = store.open_database

        def tracked(*args: Any, **kwargs: Any) -> Any:
            database = self._open(*args, **kwargs)
            self.opened.append(database)
            return database

        store.open_database = tracked  # type: ignore[assignment]

    def run(self, args: list[str]) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = self.command.main(args=args, prog_name="desk", standalone_mode=False)
        finally:
            while self.opened:
                self.opened.pop().engine.dispose()
        return code, out.getvalue(), err.getvalue()


def main() -> None:
    if sys.argv[1] == "churn":
        churn(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
        return
    agent, count, seed, shared = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    runner = DeskRunner()
    own: list[int] = []
    for i in range(count):
        step = plan(agent, i, rng, shared, own)
        code, out, err = runner.run(step["args"])
        if step["op"] == "open" and code == 0:
            own.append(int(json.loads(out)["id"]))
        record = {"agent": agent, "i": i, **step, "exit": code}
        record.update(stdout=out, stderr=err)
        print(json.dumps(record), flush=True)


def churn(agent: str, seconds: float, shared: int) -> None:
    """Writes for `seconds`: opens cases (with a note) and moves the shared
    cases 1..SHARED through resolve, close and reopen.  Prints its tally."""
    import time

    runner = DeskRunner()
    deadline = time.monotonic() + seconds
    rng = random.Random(agent)
    tally: Counter[int] = Counter()
    i = 0
    while time.monotonic() < deadline:
        i += 1
        code, out, _err = runner.run(
            ["--as", agent, "case", "open", "-c", CUSTOMER, "--subject", f"churn {agent}-{i}"]
            + ["--json"]
        )
        tally[code] += 1
        if code == 0:
            note = ["case", "note", str(json.loads(out)["id"]), f"n {agent}-{i}"]
            tally[runner.run(note)[0]] += 1
        target = str(rng.randint(1, shared))
        for args in (
            ["case", "resolve", target, "--resolution", f"r {agent}-{i}"],
            ["case", "close", target],
            ["case", "reopen", target, "--reason", f"again {agent}-{i}"],
        ):
            tally[runner.run(["--as", agent, *args])[0]] += 1
    print(json.dumps({"agent": agent, "exits": tally}), flush=True)


# -- checking the writers' work ---------------------------------------------------


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    tally: Counter[str] = field(default_factory=Counter)

    def problem(self, text: str) -> None:
        self.problems.append(text)


@dataclass
class Ev:
    id: int
    case_id: int
    at: str
    agent: str
    kind: str
    body: str
    data: dict[str, Any]
    version: int = 0  # the case's version after the change that wrote this event


_NUM = r"(\d+)"
_ACTIVE = "(new|open|pending|escalated)"
_REOPEN_FIRST = r"reopen it first: desk case reopen \1 --reason TEXT"
# What each command may be refused with (exit 4), as the first line of stderr.
REFUSALS: dict[str, list[str]] = {
    "take": [
        rf"case {_NUM} is owned by (\S+)",
        rf"case {_NUM} is (?:resolved|closed); {_REOPEN_FIRST}",
    ],
    "escalate": [rf"case {_NUM} is (?:resolved|closed); {_REOPEN_FIRST}"],
    "resolve": [
        rf"case {_NUM} is resolved; it is already resolved; close it with desk case close \1",
        rf"case {_NUM} is closed; {_REOPEN_FIRST}",
    ],
    "reopen": [rf"case {_NUM} is {_ACTIVE}; only resolved or closed cases can be reopened"],
    "close": [
        rf"case {_NUM} is {_ACTIVE}; resolve it first, or pass --resolution to resolve and "
        "close in one step",
        r"(\d+) cases are not resolved \([\d, ]+\); resolve them first, or pass --resolution "
        "to resolve and close in one step",
    ],
}


def read_results(lines: Iterable[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines if line.strip()]


def connect(db: Path | str) -> Any:
    """A DB-API connection to the SQLite file `db`, or to the PostgreSQL
    database the SQLAlchemy URL `db` names (psycopg)."""
    if isinstance(db, str) and "://" in db:
        import psycopg

        return psycopg.connect(re.sub(r"^postgresql\+\w+://", "postgresql://", db))
    return sqlite3.connect(db)


def load_events(conn: Any) -> dict[int, list[Ev]]:
    """Every case's events in order, each with the version its change produced.

    One change is one version: a bulk close that resolves a case writes a
    'resolved' (data has "bulk") and a 'closed' event in one step.
    """
    by_case: dict[int, list[Ev]] = defaultdict(list)
    rows = conn.execute("SELECT id, case_id, at, agent, kind, body, data FROM event ORDER BY id")
    for eid, case_id, at, agent, kind, body, data in rows:
        # PostgreSQL's driver returns the JSON column parsed already.
        parsed = json.loads(data or "null") if isinstance(data, str | None) else data
        by_case[case_id].append(Ev(eid, case_id, str(at), agent, kind, body, parsed or {}))
    for events in by_case.values():
        version = 0
        for n, ev in enumerate(events):
            prev = events[n - 1] if n else None
            same_step = (
                ev.kind == "closed"
                and prev is not None
                and prev.kind == "resolved"
                and "bulk" in prev.data
                and prev.at == ev.at
            )
            version += 0 if same_step else 1
            ev.version = version
    return by_case


def check_writes(db: Path | str, results: list[dict[str, Any]], baseline_event: int) -> Outcome:
    """Check the writers' results against the database.  Events with an id up to
    `baseline_event` were there before the writers started, each one change
    (the setup opens cases and does nothing else)."""
    outcome = Outcome()
    problem = outcome.problem
    agents = {r["agent"] for r in results}
    conn = connect(db)
    try:
        if isinstance(conn, sqlite3.Connection):
            integrity = conn.execute("PRAGMA integrity_check").fetchall()
            if integrity != [("ok",)]:
                problem(f"integrity_check: {integrity[:5]}")
        by_case = load_events(conn)
        cases = {
            cid: (version, status, assignee)
            for cid, version, status, assignee in conn.execute(
                'SELECT id, version, status, assignee FROM "case"'
            )
        }
    finally:
        conn.close()
    events = {ev.id: ev for evs in by_case.values() for ev in evs}
    # The event of each (case, version); a bulk resolve+close is its 'resolved' event.
    at_version: dict[tuple[int, int], Ev] = {}
    for ev in events.values():
        at_version.setdefault((ev.case_id, ev.version), ev)

    # Versions (1 + one per change), status and owner, replayed from the events.
    for cid, (version, status, assignee) in cases.items():
        evs = by_case.get(cid, [])
        if not evs or evs[0].kind != "opened":
            problem(f"case {cid}: first event is not 'opened': {evs[:1]}")
        replayed = evs[-1].version if evs else 0
        if version != replayed:
            problem(f"case {cid}: version {version}, but its events make {replayed} changes")
        if (status, assignee) != replay_state(evs):
            problem(f"case {cid}: is {status} owned by {assignee}; events say {replay_state(evs)}")

    claimed: dict[int, str] = {}
    # Who changed each case: the commands that wrote its events.
    changers: dict[int, set[str]] = defaultdict(set)
    for ev in events.values():
        if ev.id <= baseline_event:
            changers[ev.case_id].add(f"setup#{ev.id}")

    def claim(ev: Ev, r: dict[str, Any]) -> None:
        who = f"{r['agent']}#{r['i']}"
        if ev.id in claimed:
            problem(f"event {ev.id} ({ev.kind}) matched by {claimed[ev.id]} and {who}")
        claimed[ev.id] = who
        changers[ev.case_id].add(who)

    def describe(r: dict[str, Any]) -> str:
        return f"{r['agent']}#{r['i']} {' '.join(r['args'])} (exit {r['exit']})"

    # Exit codes, messages, and the event each successful command wrote.
    closes: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for r in results:
        op, code, err = r["op"], r["exit"], r["stderr"]
        if "database is locked" in err.lower() or "traceback" in err.lower():
            problem(f"{describe(r)}: stderr {err!r}")
        if code == 4:
            outcome.tally[f"{op} refused"] += 1
            _check_refusal(r, agents, by_case, outcome)
            continue
        if code != 0:
            problem(f"{describe(r)}: unexpected exit code; stderr {err!r}")
            continue
        try:
            out = json.loads(r["stdout"])
        except ValueError:
            problem(f"{describe(r)}: stdout is not JSON: {r['stdout']!r}")
            continue
        if op == "close":
            closes.append((r, out))
            continue
        case_id = int(out["id"]) if op == "open" else r["target"]
        if op != "open" and out.get("id") != case_id:
            problem(f"{describe(r)}: printed case {out.get('id')}")
            continue
        found = at_version.get((case_id, out["version"]))
        if op == "take":
            if out["assignee"] != r["agent"]:
                problem(f"{describe(r)}: took it, yet the assignee is {out['assignee']}")
            if (
                found is not None
                and found.kind == "assigned"
                and found.agent == found.body == r["agent"]
                and found.id not in claimed
            ):
                claim(found, r)
                outcome.tally["take ok"] += 1
                continue
            # A take by the owner changes nothing: then the case must have been
            # theirs at the version it printed.
            owner = _owner_at(by_case.get(case_id, []), out["version"])
            if owner != r["agent"]:
                problem(f"{describe(r)}: no assignment at version {out['version']} (owner {owner})")
            outcome.tally["take no-op (already theirs)"] += 1
            continue
        outcome.tally[f"{op} ok"] += 1
        kind = {
            "open": "opened",
            "note": "note",
            "escalate": "escalated",
            "resolve": "resolved",
            "reopen": "reopened",
        }[op]
        if found is None or (found.kind, found.body, found.agent) != (kind, r["text"], r["agent"]):
            problem(f"{describe(r)}: version {out['version']} of case {case_id} is {found}")
            continue
        claim(found, r)
        expected = {
            "escalate": {"status": "escalated", "assignee": None},
            "resolve": {"status": "resolved", "resolution": r["text"]},
            "reopen": {"status": "open", "resolution": None},
        }.get(op, {})
        for key, value in expected.items():
            if out[key] != value:
                problem(f"{describe(r)}: printed {key}={out[key]!r}, expected {value!r}")

    # Closes that resolved cases first: their unique resolution dates them.
    closes.sort(key=lambda pair: not pair[1]["resolved"])
    for r, out in closes:
        _check_close(r, out, by_case, claim, claimed, outcome, describe)

    # A case's version counts the commands that changed it (its open included).
    for cid, (version, _status, _assignee) in cases.items():
        if version != len(changers[cid]):
            problem(f"case {cid}: version {version}, changed by {len(changers[cid])} commands")
    for ev in events.values():
        if ev.id > baseline_event and ev.id not in claimed:
            problem(
                f"event {ev.id} ({ev.kind} by {ev.agent} on case {ev.case_id}) matches no success"
            )
    ok_opens = outcome.tally["open ok"]
    setup_opens = sum(
        1 for ev in events.values() if ev.kind == "opened" and ev.id <= baseline_event
    )
    opened = sum(1 for ev in events.values() if ev.kind == "opened")
    if opened != ok_opens + setup_opens:
        problem(f"{opened} 'opened' events for {ok_opens} opens (+{setup_opens} before)")
    notes = Counter(ev.body for ev in events.values() if ev.kind == "note")
    doubled = [text for text, n in notes.items() if n > 1]
    if doubled:
        problem(f"notes written twice: {doubled[:5]}")
    outcome.tally["events written"] = sum(1 for ev in events.values() if ev.id > baseline_event)
    outcome.tally["events matched"] = len(claimed)
    return outcome


def replay_state(events: list[Ev]) -> tuple[str, str | None]:
    """The status and owner a case's events lead to (for the writers' commands)."""
    status, owner = "new", None
    for ev in events:
        if ev.kind == "assigned":
            owner, status = ev.body, ev.data.get("status", "open")
        elif ev.kind == "escalated":
            owner, status = None, "escalated"
        elif ev.kind in ("resolved", "closed"):
            status = ev.kind
        elif ev.kind == "reopened":
            status = "open"
    return status, owner


def _owner_at(events: list[Ev], version: int) -> str | None:
    """Who owned the case at `version`, from its assignment and escalation events."""
    owner = None
    for ev in events:
        if ev.version > version:
            break
        if ev.kind == "assigned":
            owner = ev.body
        elif ev.kind == "escalated":
            owner = None
    return owner


def _check_refusal(
    r: dict[str, Any], agents: set[str], by_case: Mapping[int, list[Ev]], outcome: Outcome
) -> None:
    lines = r["stderr"].splitlines()
    who = f"{r['agent']}#{r['i']} {' '.join(r['args'])}"
    if not lines or not lines[0].startswith("desk: error: "):
        outcome.problem(f"{who}: refused without 'desk: error:': {r['stderr']!r}")
        return
    if len(lines) > 2 or (len(lines) == 2 and not lines[1].startswith("hint: ")):
        outcome.problem(f"{who}: more than one error line: {r['stderr']!r}")
    message = lines[0].removeprefix("desk: error: ")
    patterns = REFUSALS.get(r["op"], [])
    if r["op"] == "close" and r["text"] is not None:
        patterns = []  # --resolution resolves whatever is active: never refused
    match = next((m for p in patterns if (m := re.fullmatch(p, message))), None)
    if match is None:
        outcome.problem(f"{who}: exit 4 with an unexpected message: {message!r}")
        return
    if r["op"] == "close":
        if "cases are not resolved" in message:
            listed = {int(i) for i in re.findall(r"\d+", message.split("(", 1)[1].split(")")[0])}
            if not listed <= set(r["ids"]):
                outcome.problem(f"{who}: names cases it was not given: {message!r}")
        elif int(match.group(1)) not in r["ids"]:
            outcome.problem(f"{who}: names a case it was not given: {message!r}")
        return
    if int(match.group(1)) != r["target"]:
        outcome.problem(f"{who}: names another case: {message!r}")
    if "owned by" in message:
        owner = match.group(2)
        took = any(
            ev.kind == "assigned" and ev.body == owner for ev in by_case.get(r["target"], [])
        )
        if owner == r["agent"] or owner not in agents or not took:
            outcome.problem(f"{who}: refused for an owner who never took it: {message!r}")
        outcome.tally["take refused: owned by another"] += 1


def _check_close(
    r: dict[str, Any],
    out: dict[str, Any],
    by_case: Mapping[int, list[Ev]],
    claim: Any,
    claimed: Mapping[int, str],
    outcome: Outcome,
    describe: Any,
) -> None:
    """A successful close: each closed case has one 'closed' event by the agent,
    all from one transaction (one timestamp), resolved ones a 'resolved' too."""
    outcome.tally["close ok"] += 1
    closed, resolved, already = out["closed"], out["resolved"], out["already_closed"]
    if sorted({*closed, *already}) != sorted(set(r["ids"])) or set(closed) & set(already):
        outcome.problem(f"{describe(r)}: summary {out} does not cover {r['ids']}")
        return
    if resolved and r["text"] is None:
        outcome.problem(f"{describe(r)}: resolved {resolved} without --resolution")
    outcome.tally["cases closed"] += len(closed)
    outcome.tally["cases resolved+closed in one step"] += len(resolved)
    outcome.tally["cases already closed"] += len(already)
    if not closed:
        return
    agent = r["agent"]

    def candidates(case_id: int) -> list[Ev]:
        return [
            ev
            for ev in by_case.get(case_id, [])
            if ev.kind == "closed" and ev.agent == agent and ev.id not in claimed
        ]

    if resolved:  # the 'resolved' event (unique text) dates the whole close
        anchor = [
            ev.at
            for ev in by_case.get(resolved[0], [])
            if (ev.kind, ev.body, ev.agent) == ("resolved", r["text"], agent)
        ]
        stamps = anchor[:1]
    else:  # this writer's closes come in order: the earliest unmatched one
        stamps = sorted({ev.at for ev in candidates(closed[0])})
    for stamp in stamps:
        picked = [next((ev for ev in candidates(c) if ev.at == stamp), None) for c in closed]
        if any(ev is None for ev in picked):
            continue
        for case_id, ev in zip(closed, picked, strict=True):
            assert ev is not None
            if case_id in resolved:
                evs = by_case[case_id]
                index = evs.index(ev)
                before = evs[index - 1] if index else None
                expected = ("resolved", r["text"], agent, stamp)
                if (
                    before is None
                    or (before.kind, before.body, before.agent, before.at) != expected
                ):
                    outcome.problem(
                        f"{describe(r)}: case {case_id} was closed without its 'resolved'"
                    )
                    continue
                claim(before, r)
            claim(ev, r)
        return
    outcome.problem(f"{describe(r)}: no 'closed' events by {agent} for all of {closed} at one time")


# -- kill -9 trials --------------------------------------------------------------


def _ts(value: datetime) -> str:
    """Naive UTC text, as SQLAlchemy stores DateTime on SQLite."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def build_resolved_db(path: Path, n_cases: int, env: Mapping[str, str]) -> None:
    """A database of `n_cases` resolved cases (each 'opened' then 'resolved',
    version 2): schema from `desk --db PATH init`, rows in one transaction,
    then checkpointed so the file alone is the whole database."""
    subprocess.run(
        [sys.executable, "-m", "deskcli", "--db", str(path), "init"],
        env=dict(env),
        check=True,
        capture_output=True,
        timeout=120,
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    customers = [
        (c, f"C-{c}", f"Customer {c}", _ts(now - timedelta(days=400))) for c in range(1, 101)
    ]
    cases, events = [], []
    for cid in range(1, n_cases + 1):
        opened = now - timedelta(days=30, seconds=cid)
        resolved = opened + timedelta(hours=5)
        cases.append(
            (cid, 1 + cid % 100, f"Problem {cid}", "", "email", "normal", "resolved", "agent01",
             1, _ts(opened), _ts(resolved), _ts(resolved), "Fixed it", 0, 2)
        )  # fmt: skip
        data = json.dumps(
            {"channel": "email", "priority": "normal", "customer": f"C-{1 + cid % 100}"}
        )
        events.append((cid, _ts(opened), "agent01", "opened", f"Problem {cid}", data))
        data = json.dumps({"root_cause": None, "from": "open"})
        events.append((cid, _ts(resolved), "agent01", "resolved", "Fixed it", data))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO customer (id, crn, name, created_at) VALUES (?, ?, ?, ?)", customers
        )
        conn.executemany(
            'INSERT INTO "case" (id, customer_id, subject, description, channel, priority, status, '
            "assignee, tier, created_at, updated_at, resolved_at, resolution, reopen_count, "
            "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            cases,
        )
        conn.executemany(
            "INSERT INTO event (case_id, at, agent, kind, body, data) VALUES (?, ?, ?, ?, ?, ?)",
            events,
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def fresh_copy(template: Path, target: Path) -> None:
    """The template (checkpointed, so no -wal to carry) as a new file."""
    for sidecar in sidecars(template):
        if sidecar.exists() and sidecar.stat().st_size:
            raise RuntimeError(f"{sidecar} is not empty: checkpoint the template first")
    for leftover in (target, *sidecars(target)):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(template, target)


def wal_bytes(path: Path) -> int:
    """Size of the -wal file: after a kill with nothing committed, more than 0
    means the close had begun writing (SQLite spills a big transaction's pages
    to the log before it commits)."""
    wal = sidecars(path)[0]
    return wal.stat().st_size if wal.exists() else 0


def kill_state(path: Path, n_cases: int) -> tuple[str, list[str]]:
    """After a bulk close of `n_cases` resolved cases was killed: 'none' or 'all'
    closed, and the problems found (damage, or a partial close)."""
    problems: list[str] = []
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:5]}")
        statuses = dict(conn.execute('SELECT status, count(*) FROM "case" GROUP BY status'))
        kinds = dict(conn.execute("SELECT kind, count(*) FROM event GROUP BY kind"))
        versions = conn.execute('SELECT min(version), max(version) FROM "case"').fetchone()
        closed_at = conn.execute(
            'SELECT count(*) FROM "case" WHERE closed_at IS NOT NULL'
        ).fetchone()
    finally:
        conn.close()
    closed, events = statuses.get("closed", 0), kinds.get("closed", 0)
    if closed == events == 0 and statuses == {"resolved": n_cases}:
        state, expected_version = "none", 2
    elif closed == events == n_cases and statuses == {"closed": n_cases}:
        state, expected_version = "all", 3
    else:
        return "partial", [*problems, f"partial close: cases {statuses}, events {kinds}"]
    if tuple(versions) != (expected_version, expected_version):
        problems.append(f"{state} closed, but versions range {versions}")
    if closed_at[0] != closed:
        problems.append(f"{closed} closed cases but {closed_at[0]} with closed_at")
    if kinds.get("opened") != n_cases or kinds.get("resolved") != n_cases:
        problems.append(f"events changed: {kinds}")
    return state, problems


if __name__ == "__main__":
    main()
