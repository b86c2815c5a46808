"""`desk batch` runs many commands cheaply (issue 11) and keeps every guarantee
of running them one by one: versions, events, tags, refusals, rollback."""

from __future__ import annotations

import json
import shlex
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk, subprocess_env

# Runs `desk` in this process with SQLAlchemy's pool events counted: how many
# times a connection was taken from the pool, and how many were opened.
_COUNTING_DESK = """
import sys
from sqlalchemy import event
from sqlalchemy.pool import Pool

counts = {"checkout": 0, "connect": 0}
event.listen(Pool, "checkout", lambda *a: counts.__setitem__("checkout", counts["checkout"] + 1))
event.listen(Pool, "connect", lambda *a: counts.__setitem__("connect", counts["connect"] + 1))
from deskcli.cli import app
try:
    app(args=sys.argv[1:], prog_name="desk")
except SystemExit as exc:
    code = exc.code
sys.stderr.write("COUNTS %d %d\\n" % (counts["checkout"], counts["connect"]))
sys.exit(code)
"""


def _records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def _mixed_lines(case_ids: list[int]) -> str:
    """A note, a reply, a take, a resolve and a close on each case, interleaved."""
    steps = [
        'case note {id} "called back"',
        'case reply {id} "We are on it."',
        "case take {id}",
        'case resolve {id} --resolution "Refunded"',
        "case close {id}",
    ]
    return "".join(step.format(id=i) + "\n" for step in steps for i in case_ids)


def test_batch_without_atomic_keeps_one_connection(
    db_path: Path, new_case: Callable[..., int]
) -> None:
    cases = [new_case(f"case {n}") for n in range(4)]
    run = subprocess.run(
        [sys.executable, "-c", _COUNTING_DESK, "batch"], input=_mixed_lines(cases).encode(),
        capture_output=True, env=subprocess_env(db_path), timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert [r["exit"] for r in _records(run.stdout.decode())] == [0] * 20
    counts = [line for line in run.stderr.decode().splitlines() if line.startswith("COUNTS")]
    checkouts, connects = map(int, counts[0].split()[1:])
    # One for opening the database (its schema check), one kept for all 20
    # lines: not one per line.
    assert checkouts <= 2, checkouts
    assert connects <= 2, connects


def test_mixed_batch_writes_what_the_commands_write_one_by_one(
    db_path: Path, desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    # The same lines through `desk batch` (atomic, then committing each) and
    # one command at a time give the same cases and the same timelines.
    groups = {
        name: [new_case(f"{name} {n}") for n in range(3)] for name in ("atomic", "each", "one")
    }
    for flags, name in ((["--atomic"], "atomic"), ([], "each")):
        result = desk("batch", *flags, input=_mixed_lines(groups[name]))
        assert result.exit_code == 0, result.stdout + result.stderr
        records = _records(result.stdout)
        assert [r["exit"] for r in records] == [0] * 15
        closes = [r["result"] for r in records if r["result"].get("closed") is not None]
        assert sorted(i for c in closes for i in c["closed"]) == sorted(groups[name])
    for line in _mixed_lines(groups["one"]).splitlines():
        assert desk(*shlex.split(line)).exit_code == 0

    def shape(case_id: int) -> tuple[Any, ...]:
        shown = dj("case", "show", str(case_id))
        # all but the first event, `opened`, whose body is the subject
        events = [(e["kind"], e["agent"], e["body"]) for e in shown["events"][1:]]
        fields = {k: shown[k] for k in ("status", "assignee", "version", "resolution", "tags")}
        return tuple(sorted(fields.items())), tuple(events)

    shapes = {name: [shape(i) for i in ids] for name, ids in groups.items()}
    assert shapes["atomic"] == shapes["one"]
    assert shapes["each"] == shapes["one"]
    assert shapes["one"][0][0][-1] == ("version", 6)


def test_batch_results_carry_the_tags_and_refuse_a_stale_version(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = new_case()
    assert desk("case", "tag", str(case), "VIP", "refund").exit_code == 0
    version = dj("case", "show", str(case))["version"]
    script = (
        f'case note {case} "first" --if-version {version}\n'
        f'case note {case} "second" --if-version {version}\n'
        f"case take {case}\n"
    )
    for flags in (["--atomic"], []):
        result = desk("batch", *flags, input=script)
        records = _records(result.stdout)
        if flags:  # the stale line undoes the batch and alone is shown
            assert [(r["line"], r["exit"]) for r in records] == [(2, 4)]
            continue
        assert [r["exit"] for r in records] == [0, 4, 0]
        assert records[0]["result"]["tags"] == ["refund", "VIP"]
        assert records[2]["result"]["tags"] == ["refund", "VIP"]
        assert "since version" in records[1]["error"]
        assert result.exit_code == 4
    notes = [e["body"] for e in dj("case", "show", str(case))["events"] if e["kind"] == "note"]
    assert notes == ["first"]


@pytest.mark.sqlite_only
def test_a_wal_file_commits_without_waiting_for_the_disk(tmp_path: Path) -> None:
    # synchronous = NORMAL is durable across a crash of the program in WAL
    # mode; a file in another journal mode keeps FULL (2), where it is not.
    from deskcli import store

    db_path = tmp_path / "sync.db"

    def synchronous(path: Path) -> int:
        db = store.open_database(str(path))
        try:
            with store.writing(db) as session:
                return int(session.connection().exec_driver_sql("PRAGMA synchronous").scalar())
        finally:
            db.engine.dispose()

    assert synchronous(db_path) == 1
    with sqlite3.connect(db_path) as raw:
        raw.execute("PRAGMA journal_mode = DELETE")
    raw.close()
    assert synchronous(db_path) == 2


def test_lines_split_as_a_shell_would_whatever_their_characters() -> None:
    # Plain lines take a quicker way than shlex; every line must still split
    # exactly as shlex.split(line, comments=True) splits it (or fail as it does).
    import random

    from deskcli.cli.batch import _split

    rng = random.Random(11)
    alphabet = "ab \t\r\n\x0b\x0c\u00a0\u2028\x1c-#\"'\\é"
    lines = ["case take 5", 'case note 5 "a b"', "a # c", "a\x0bb c", "  ", '""', "'' x"]
    lines += ["note 5 \"a b\"c'd e'", 'x "open', "x 'it''s'", 'a"b"c "" \'\'', "é 'ü\tö'"]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    for line in lines:
        try:
            expected: object = shlex.split(line, comments=True)
        except ValueError:
            expected = ValueError
        try:
            got: object = _split(line)
        except ValueError:
            got = ValueError
        assert got == expected, repr(line)
