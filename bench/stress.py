"""Stress `desk`: kill -9 during a bulk close, and many concurrent writers.

Two scenarios, the long versions of tests/test_stress.py (same kit:
tests/stress_writer.py):

kill   Builds a database of --cases resolved cases once (schema from
       `desk --db FILE init`, rows with sqlite3 in one transaction), times one
       full `desk case close --status resolved`, then for each of --trials
       trials starts that close on a fresh copy, waits a random delay of
       0 .. --spread x the full run, and sends SIGKILL; then --aimed more trials
       with delays between the times of a --dry-run and of a full run, where
       the writing happens.  After each trial:
       `PRAGMA integrity_check` is ok, and either every case is closed with
       one 'closed' event each, or none is and there is no 'closed' event;
       `desk case list --status resolved --ids` still works.
writers
       --writers processes (python -m tests.stress_writer) each run --writes
       random mixed commands (open, note, take, escalate, resolve, close,
       reopen) on --shared shared cases plus their own, on one file.  Every
       success must be in the database exactly once, every refusal a clean
       exit 4, versions must count the changes, nobody may see a lock error.
       With --db-url, on that (empty) database instead, e.g. PostgreSQL
       (the kill scenario needs a SQLite file and is skipped).

Prints a tally per scenario; exits 1 when any check failed.

    .venv/bin/python bench/stress.py                      # both, 200 kill trials
    .venv/bin/python bench/stress.py kill --trials 500 --cases 20000
    .venv/bin/python bench/stress.py writers --writers 16 --writes 500 --shared 4
    .venv/bin/python bench/stress.py writers --db-url postgresql+psycopg://u@host/emptydb

Standard library only; it runs the project's venv Python.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
DESK = [PYTHON, "-m", "deskcli"]


def kit() -> ModuleType:
    """tests/stress_writer.py: the writer, its checker and the kill helpers."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("tests.stress_writer")


def env_for(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env.update({"DESK_DB": str(db), "DESK_AGENT": "stress", "NO_COLOR": "1", "COLUMNS": "120"})
    env.update(extra)
    return env


def desk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DESK, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


# -- kill -9 during a bulk close ----------------------------------------------


def kill_scenario(args: argparse.Namespace, workdir: Path) -> list[str]:
    stress = kit()
    template, work = workdir / "resolved.db", workdir / "trial.db"
    started = time.monotonic()
    stress.build_resolved_db(template, args.cases, env_for(template))
    print(f"built {args.cases:,} resolved cases in {time.monotonic() - started:.1f} s")
    env = env_for(work, DESK_AGENT="closer")
    close = [*DESK, "case", "close", "--status", "resolved"]

    def start(*extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*close, *extra],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def timed(*extra: str) -> tuple[float, str]:
        """Seconds one whole run takes, and the state it leaves."""
        stress.fresh_copy(template, work)
        began = time.monotonic()
        proc = start(*extra)
        _, err = proc.communicate(timeout=300)
        seconds = time.monotonic() - began
        state, found = stress.kill_state(work, args.cases)
        if proc.returncode != 0 or found:
            raise SystemExit(f"{close + list(extra)} failed ({proc.returncode}): {err!r} {found}")
        return seconds, state

    full_run, full_state = timed()
    dry_run, dry_state = timed("--dry-run")  # everything but the writing
    if (full_state, dry_state) != ("all", "none"):
        return [f"a full close left {full_state} closed, a dry run {dry_state}"]
    print(f"one full close: {full_run:.2f} s, a dry run: {dry_run:.2f} s")

    rng = random.Random(args.seed)
    delays = [(rng.uniform(0, args.spread * full_run), "spread") for _ in range(args.trials)]
    # Aimed at the write itself (between the dry run's time and the full run's).
    delays += [(rng.uniform(0.85 * dry_run, full_run), "aimed") for _ in range(args.aimed)]
    problems: list[str] = []
    tally: Counter[tuple[str, str]] = Counter()
    when: dict[tuple[str, str], list[float]] = {}
    for trial, (delay, kind) in enumerate(delays):
        stress.fresh_copy(template, work)
        proc = start()
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
        where = f"trial {trial} (kill after {delay:.3f} s)"
        if proc.returncode not in (0, -signal.SIGKILL):
            problems.append(f"{where}: exit {proc.returncode}: {err.decode()!r}")
        mid_write = stress.wal_bytes(work) > 0
        state, found = stress.kill_state(work, args.cases)
        problems += [f"{where}: {p}" for p in found]
        if state != "all" and proc.returncode == 0:
            problems.append(f"{where}: exit 0 but nothing closed")
        how = "finished" if finished else "killed"
        if state == "none" and mid_write:
            how = "killed mid-write"
        key = (kind, f"{state} closed ({how})")
        tally[key] += 1
        when.setdefault(key, []).append(delay)
        listed = desk(env, "case", "list", "--status", "resolved", "--ids")
        if listed.returncode != 0:
            problems.append(f"{where}: case list exit {listed.returncode}: {listed.stderr!r}")
        elif len(listed.stdout.split()) != (args.cases if state == "none" else 0):
            problems.append(f"{where}: case list shows {len(listed.stdout.split())} resolved")
        if args.progress and (trial + 1) % 25 == 0:
            print(f"  {trial + 1} of {len(delays)} trials done", file=sys.stderr)

    print(
        f"\nkill -9 trials (seed {args.seed}): {args.trials} spread over "
        f"0 .. {args.spread * full_run:.2f} s, {args.aimed} aimed at "
        f"{0.85 * dry_run:.2f} .. {full_run:.2f} s"
    )
    for (kind, label), n in sorted(tally.items(), key=lambda item: (item[0][0] != "spread", item)):
        seen = when[(kind, label)]
        print(f"  {kind:<7} {label:<32} {n:>5}   kill after {min(seen):.3f} .. {max(seen):.3f} s")
    return problems


# -- concurrent writers --------------------------------------------------------


def writers_scenario(args: argparse.Namespace, workdir: Path) -> list[str]:
    stress = kit()
    db = workdir / "writers.db"
    for leftover in (db, *stress.sidecars(db)):
        leftover.unlink(missing_ok=True)
    env = env_for(db, DESK_BUSY_TIMEOUT=str(args.busy_timeout))
    if args.db_url:
        env["DESK_DB_URL"] = args.db_url
    target: Path | str = args.db_url or db
    setup = [["customer", "add", "--crn", stress.CUSTOMER, "--name", "Ana"]]
    for n in range(1, args.shared + 1):
        setup.append(["case", "open", "-c", stress.CUSTOMER, "--subject", f"shared {n}"])
    for command in setup:
        done = desk(env, *command)
        if done.returncode != 0:
            return [f"setup {command}: {done.stderr!r}"]
    with closing(stress.connect(target)) as conn:
        baseline = conn.execute("SELECT max(id) FROM event").fetchone()[0]

    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [PYTHON, "-m", "tests.stress_writer", f"w{n}", str(args.writes)]
            + [str(args.seed + n), str(args.shared)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for n in range(args.writers)
    ]
    problems: list[str] = []
    results = []
    for n, proc in enumerate(procs):
        out, err = proc.communicate()
        if proc.returncode != 0 or "Traceback" in err or "locked" in err:
            problems.append(f"writer w{n}: exit {proc.returncode}: {err[-2000:]!r}")
        results += stress.read_results(out.splitlines())
    elapsed = time.monotonic() - started
    if len(results) != args.writers * args.writes:
        problems.append(f"{len(results)} results for {args.writers * args.writes} writes")

    outcome = stress.check_writes(target, results, baseline)
    exits = Counter(r["exit"] for r in results)
    print(
        f"\n{len(results)} writes by {args.writers} processes on {args.shared} shared cases "
        f"in {elapsed:.1f} s ({len(results) / elapsed:.0f} writes/s; seed {args.seed})"
    )
    print(f"  exit codes: {dict(sorted(exits.items()))}")
    for key, n in sorted(outcome.tally.items()):
        print(f"  {key:<36} {n:>6}")
    found: list[str] = outcome.problems
    return problems + found


# -- main -------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenario", nargs="?", choices=("all", "kill", "writers"), default="all", help="(all)"
    )
    parser.add_argument("--trials", type=int, default=200, help="kill -9 trials (200)")
    parser.add_argument(
        "--aimed", type=int, default=50, help="more kill -9 trials aimed at the write (50)"
    )
    parser.add_argument("--cases", type=int, default=10_000, help="resolved cases to close")
    parser.add_argument(
        "--spread", type=float, default=1.2, help="kill delays up to this x a full close (1.2)"
    )
    parser.add_argument("--writers", type=int, default=8, help="writer processes (8)")
    parser.add_argument("--writes", type=int, default=200, help="commands per writer (200)")
    parser.add_argument("--shared", type=int, default=6, help="cases all writers share (6)")
    parser.add_argument("--busy-timeout", type=float, default=60, help="DESK_BUSY_TIMEOUT (60)")
    parser.add_argument("--seed", type=int, help="random seed (default: random, printed)")
    parser.add_argument("--workdir", type=Path, help="keep the databases here (default: temp)")
    parser.add_argument("--progress", action="store_true", help="report every 25 kill trials")
    parser.add_argument(
        "--db-url", help="writers on this empty database (a SQLAlchemy URL) instead of a file"
    )
    args = parser.parse_args()
    if args.seed is None:
        args.seed = random.randrange(1_000_000)

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="deskstress-") as temp:
        workdir = args.workdir or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.scenario in ("all", "writers"):
            problems += writers_scenario(args, workdir)
        if args.scenario in ("all", "kill") and args.db_url:
            print("\nkill: skipped (it needs a SQLite file; --db-url names another database)")
        elif args.scenario in ("all", "kill"):
            problems += kill_scenario(args, workdir)
    if problems:
        print(f"\nFAIL: {len(problems)} problem(s)")
        for text in problems[:50]:
            print(f"  {text}")
        raise SystemExit(1)
    print("\nPASS: nothing lost, duplicated, half-done or damaged")


if __name__ == "__main__":
    main()
