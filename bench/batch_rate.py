"""How many commands a second `desk batch` runs, atomic and committing each.

Issue 11's goal: at least 2,000 commands a second with `--atomic` and 1,000
a second committing each, on 10,000 mixed lines (notes, replies, takes,
resolves, closes) against a SQLite file.

It builds one database through the real command line (`desk init`, then
customers and cases opened by one `desk batch --atomic`), keeps it as a
pristine copy, writes the mixed lines (each case gets its note, reply,
take, resolve and close in that order; cases are interleaved), and then,
round-robin, restores the copy and times `desk --db F batch [--atomic] <
lines` as a whole process with /usr/bin/time (wall clock and peak memory).
Every run's output is checked: 10,000 JSON lines, all exit 0.

    .venv/bin/python bench/batch_rate.py                  # 5 runs of each mode
    .venv/bin/python bench/batch_rate.py --runs 3 --lines 2000 --workdir bench-work

Standard library only; it runs the project's `.venv/bin/desk`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESK = ROOT / ".venv" / "bin" / "desk"
TIME = Path("/usr/bin/time")

ATOMIC_GOAL = 2000  # commands a second
EACH_GOAL = 1000


def env_for(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env["DESK_DB"] = str(db)
    env["DESK_AGENT"] = "bench"
    return env


def build(db: Path, customers: int, cases: int, seed: int) -> None:
    """A database of `customers` customers and `cases` new cases, made by desk itself."""
    env = env_for(db)
    subprocess.run([DESK, "init"], env=env, check=True, capture_output=True)
    rng = random.Random(seed)
    lines = [f'customer add --crn C-{n:05d} --name "Customer {n}"' for n in range(1, customers + 1)]
    for n in range(1, cases + 1):
        crn = f"C-{rng.randint(1, customers):05d}"
        lines.append(f'case open -c {crn} --subject "Problem number {n}" --priority normal')
    run = subprocess.run(
        [DESK, "batch", "--atomic"], input="\n".join(lines) + "\n", text=True,
        env=env, capture_output=True,
    )  # fmt: skip
    if run.returncode != 0:
        sys.exit(f"building the database failed: {run.stderr.strip()}")


def mixed_lines(n_lines: int, n_cases: int, seed: int) -> list[str]:
    """`n_lines` commands, five per case (note, reply, take, resolve, close in
    that order, so each is valid in the state the earlier ones leave), with
    the cases interleaved at random."""
    per_case = 5
    wanted = n_lines // per_case
    if wanted > n_cases:
        sys.exit(f"{n_lines} lines need {wanted} cases; build with --cases {wanted} or more")
    rng = random.Random(seed)
    ids = rng.sample(range(1, n_cases + 1), wanted)
    steps = [
        'case note {id} "called the customer back about case {id}"',
        'case reply {id} "We are looking into it and will call you today."',
        "case take {id}",
        'case resolve {id} --resolution "Refunded the double charge"',
        "case close {id}",
    ]
    queues = dict.fromkeys(ids, 0)
    lines: list[str] = []
    active = list(ids)
    while active:
        i = rng.randrange(len(active))
        case_id = active[i]
        lines.append(steps[queues[case_id]].format(id=case_id))
        queues[case_id] += 1
        if queues[case_id] == per_case:
            active[i] = active[-1]
            active.pop()
    return lines


def timed_run(db: Path, lines_file: Path, atomic: bool, expected: int) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, max RSS in KB) of one whole `desk batch`
    process.  CPU time (user + system) is what to compare on a busy machine:
    other processes stretch the wall clock, not it."""
    args = [str(DESK), "--db", str(db), "batch", *(["--atomic"] if atomic else [])]
    report = db.with_suffix(".time")
    with lines_file.open("rb") as stdin:
        if TIME.exists():
            cmd = [str(TIME), "-f", "%e %U %S %M", "-o", str(report), *args]
        else:
            cmd = args
        start = time.perf_counter()
        run = subprocess.run(cmd, stdin=stdin, capture_output=True, env=env_for(db))
        wall = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"desk batch exited {run.returncode}: {run.stderr.decode()[-500:]}")
    records = [json.loads(line) for line in run.stdout.splitlines()]
    if len(records) != expected or any(r["exit"] != 0 for r in records):
        sys.exit(f"desk batch gave {len(records)} records, or a failure, for {expected} lines")
    cpu, rss = float("nan"), 0
    if TIME.exists():
        elapsed, user, system, rss_text = report.read_text().split()[-4:]
        wall, cpu, rss = float(elapsed), float(user) + float(system), int(rss_text)
    return wall, cpu, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--mode", choices=("both", "atomic", "each"), default="both", help="which runs to time"
    )
    options = parser.parse_args()
    work = options.workdir or Path(tempfile.mkdtemp(prefix="desk-batch-rate-"))
    work.mkdir(parents=True, exist_ok=True)
    pristine = work / "pristine.db"
    if not pristine.exists():
        build(pristine, options.customers, options.cases, options.seed)
    lines = mixed_lines(options.lines, options.cases, options.seed)
    lines_file = work / "lines.txt"
    lines_file.write_text("\n".join(lines) + "\n")
    modes = {"atomic": [True], "each": [False], "both": [True, False]}[options.mode]
    results: dict[bool, list[tuple[float, float, int]]] = {atomic: [] for atomic in modes}
    target = work / "run.db"
    for _ in range(options.runs):  # round-robin: a noisy moment hits both modes
        for atomic in modes:
            for side in ("", "-wal", "-shm"):
                Path(f"{target}{side}").unlink(missing_ok=True)
            shutil.copyfile(pristine, target)
            results[atomic].append(timed_run(target, lines_file, atomic, len(lines)))
    print(f"desk batch, {len(lines):,} mixed lines, {options.cases:,} cases, {options.runs} runs")
    for atomic, timings in results.items():
        seconds = [wall for wall, _, _ in timings]
        median = statistics.median(seconds)
        cpu = statistics.median(c for _, c, _ in timings)
        rate = len(lines) / median
        goal = ATOMIC_GOAL if atomic else EACH_GOAL
        name = "--atomic" if atomic else "commit each"
        print(
            f"  {name:12} median {median:6.2f} s  {rate:6.0f} commands/s  "
            f"(CPU {cpu:.2f} s: {len(lines) / cpu:.0f}/s; "
            f"runs {', '.join(f'{s:.2f}' for s in seconds)}; "
            f"max RSS {max(r for _, _, r in timings) / 1024:.0f} MB)  "
            f"goal {goal}/s: {'met' if rate >= goal else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
