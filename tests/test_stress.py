"""Concurrency and crash safety under load (tests/stress_writer.py holds the kit).

- Eight writer processes, 200 mixed writes each, on overlapping cases of one
  file: every success is in the database exactly once, every refusal is a
  clean exit 4, versions count the changes, nobody sees "database is locked".
- `desk case close --status resolved` on 10,000 cases, killed with SIGKILL at
  random moments: the file is never damaged and the close is all or nothing.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DESK, subprocess_env
from tests.stress_writer import (
    build_resolved_db,
    check_writes,
    fresh_copy,
    kill_state,
    read_results,
    wal_bytes,
)

# Both scenarios read the SQLite file directly; the PostgreSQL run covers
# concurrent writers in tests/test_processes.py.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parent.parent

WRITERS, WRITES, SHARED = 8, 200, 6
KILL_CASES, KILL_TRIALS, AIMED_TRIALS = 10_000, 24, 8
CLOSE = ["case", "close", "--status", "resolved"]


def test_eight_writers_lose_nothing_and_refuse_cleanly(
    db_path: Path, dj: Callable[..., Any]
) -> None:
    started = time.monotonic()
    dj("customer", "add", "--crn", "C-1", "--name", "Ana")
    for n in range(1, SHARED + 1):
        assert dj("case", "open", "-c", "C-1", "--subject", f"shared {n}")["id"] == n
    with closing(sqlite3.connect(db_path)) as conn:
        baseline = conn.execute("SELECT max(id) FROM event").fetchone()[0]
    seed = int(os.environ.get("STRESS_SEED", random.randrange(1_000_000)))
    print(f"\nwriters seed {seed} (STRESS_SEED={seed} repeats the plans)")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.stress_writer", f"w{n}", str(WRITES), str(seed + n)]
            + [str(SHARED)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=subprocess_env(db_path, DESK_BUSY_TIMEOUT="60"),
        )
        for n in range(WRITERS)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err, err
        results += read_results(out.splitlines())
    elapsed = time.monotonic() - started
    assert len(results) == WRITERS * WRITES

    outcome = check_writes(db_path, results, baseline)
    print(f"{len(results)} writes by {WRITERS} processes in {elapsed:.1f} s")
    for key, n in sorted(outcome.tally.items()):
        print(f"  {key}: {n}")
    assert not outcome.problems, "\n".join(outcome.problems[:40])

    # Every event is one a success wrote: setup + one per change (+ one per case
    # a close resolved on the way); no-op takes and already closed cases write none.
    changes = sum(outcome.tally[f"{op} ok"] for op in ("open", "note", "escalate", "resolve"))
    changes += outcome.tally["reopen ok"] + outcome.tally["take ok"]
    changes += outcome.tally["cases closed"] + outcome.tally["cases resolved+closed in one step"]
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT count(*) FROM event").fetchone()[0] == baseline + changes
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    exits = Counter(r["exit"] for r in results)
    assert set(exits) <= {0, 4}, exits
    # The mix really did collide: every kind of write succeeded and refusals happened.
    for op in ("open", "note", "take", "escalate", "resolve", "close", "reopen"):
        assert outcome.tally[f"{op} ok"] > 0, op
    assert outcome.tally["take refused: owned by another"] > 0
    assert exits[4] > 0
    assert outcome.tally["cases resolved+closed in one step"] > 0
    assert outcome.tally["events matched"] == outcome.tally["events written"]


@pytest.fixture(scope="session")
def resolved_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10,000 resolved cases, built once per session; trials copy it."""
    path = tmp_path_factory.mktemp("kill") / "template.db"
    build_resolved_db(path, KILL_CASES, subprocess_env(path))
    return path


def test_killed_bulk_close_is_all_or_nothing(resolved_template: Path, tmp_path: Path) -> None:
    work = tmp_path / "trial.db"
    env = subprocess_env(work, DESK_AGENT="closer")

    def start(*extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*DESK, *CLOSE, *extra],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def timed(*extra: str) -> float:
        fresh_copy(resolved_template, work)
        began = time.monotonic()
        proc = start(*extra)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        return time.monotonic() - began

    # One full close, timed: the delays spread over the whole run.  A dry run
    # does everything but write, so the writing happens between the two times.
    full_run = timed()
    assert kill_state(work, KILL_CASES) == ("all", [])
    dry_run = timed("--dry-run")
    assert kill_state(work, KILL_CASES) == ("none", [])

    seed = int(os.environ.get("STRESS_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    delays = [rng.uniform(0, 1.2 * full_run) for _ in range(KILL_TRIALS)]
    # A few more aimed at the write itself, where a non-atomic close would show.
    delays += [rng.uniform(0.85 * dry_run, full_run) for _ in range(AIMED_TRIALS)]
    tally: Counter[str] = Counter()
    for trial, delay in enumerate(delays):
        fresh_copy(resolved_template, work)
        proc = start()
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        where = f"trial {trial} (seed {seed}, kill after {delay:.3f} s)"
        if finished:
            assert proc.returncode == 0, f"{where}: {err!r}"
        else:
            assert proc.returncode in (-signal.SIGKILL, 0), f"{where}: {proc.returncode} {err!r}"
        mid_write = wal_bytes(work) > 0
        state, problems = kill_state(work, KILL_CASES)
        assert not problems, f"{where}: {problems}"
        assert state == "all" or proc.returncode != 0, f"{where}: exit 0 but nothing closed"
        how = "finished" if finished else "killed"
        if state == "none" and mid_write:
            how = "killed mid-write"
        tally[f"{state} closed ({how})"] += 1
        # The file is still usable, and agrees with what sqlite3 saw.
        listed = subprocess.run(
            [*DESK, "case", "list", "--status", "resolved", "--ids"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert listed.returncode == 0, f"{where}: {listed.stderr!r}"
        assert len(listed.stdout.split()) == (KILL_CASES if state == "none" else 0), where
        assert "locked" not in listed.stderr and "Traceback" not in listed.stderr, where
        if how == "killed mid-write" or (state == "none" and tally[f"none closed ({how})"] <= 5):
            # The killed writer left no lock or half-written log behind: closing works.
            again = start()
            _, err = again.communicate(timeout=120)
            assert again.returncode == 0, f"{where}, closing again: {err!r}"
            assert kill_state(work, KILL_CASES) == ("all", []), where

    print(f"\nclose of {KILL_CASES:,} cases: {full_run:.2f} s (dry run {dry_run:.2f} s)")
    print(f"{KILL_TRIALS} kill -9 trials at 0..{1.2 * full_run:.2f} s, {AIMED_TRIALS} at ", end="")
    print(f"{0.85 * dry_run:.2f}..{full_run:.2f} s (seed {seed}):")
    for key, n in sorted(tally.items()):
        print(f"  {key}: {n}")
    assert sum(tally.values()) == KILL_TRIALS + AIMED_TRIALS
