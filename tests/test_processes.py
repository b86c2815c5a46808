"""Real `desk` processes: no terminal, several writers on one file, start-up cost."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DESK, POSTGRES, subprocess_env

ROOT = Path(__file__).resolve().parent.parent


def run(
    db: Path, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DESK, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=subprocess_env(db, **env),
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def test_without_a_terminal_a_missing_value_fails_at_once(db_path: Path) -> None:
    result = run(db_path, "case", "open", "--subject", "no customer given")
    assert result.returncode == 2
    assert result.stderr.startswith("desk: error: Missing option '--customer'")
    empty_stdin = run(db_path, "case", "note", "1", "-", stdin="")
    assert empty_stdin.returncode == 2


@pytest.mark.sqlite_only
def test_pipes_get_plain_text_and_json(db_path: Path) -> None:
    run(db_path, "customer", "add", "--crn", "C-1", "--name", "Ana")
    opened = run(
        db_path, "case", "open", "-c", "C-1", "--subject", "Hello", "--priority", "urgent", "--json"
    )
    assert opened.returncode == 0 and json.loads(opened.stdout)["id"] == 1
    piped = run(db_path, "case", "list", NO_COLOR="")
    assert "Hello" in piped.stdout and "\x1b" not in piped.stdout  # no terminal, no styling
    forced = run(db_path, "case", "list", FORCE_COLOR="1")
    assert "\x1b[1m" in forced.stdout  # styled, as asked ...
    assert not re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;)", forced.stdout)  # ... but NO_COLOR
    unexpected = run(db_path, "case", "show", "1", DESK_DB_URL="sqlite:////nonexistent/dir/x.db")
    assert unexpected.returncode == 2 and "Traceback" not in unexpected.stderr


def test_concurrent_writers_lose_nothing(
    db_path: Path, dj: Callable[..., Any], sql: Callable[..., Any]
) -> None:
    dj("customer", "add", "--crn", "C-1", "--name", "Ana")
    for i in range(4):
        dj("case", "open", "-c", "C-1", "--subject", f"shared {i}")
    writers, per_writer = 4, 50
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.concurrent_writer", f"agent{n}", str(per_writer)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=subprocess_env(db_path, DESK_BUSY_TIMEOUT="60"),
        )
        for n in range(writers)
    ]
    # Two real `desk` executables join in at the same time.
    extra = [
        subprocess.Popen(
            [*DESK, "case", "note", "1", f"cli {n}"],
            env=subprocess_env(db_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results += [json.loads(line) for line in out.splitlines()]
    for proc in extra:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert len(results) == writers * per_writer
    for r in results:
        assert "locked" not in r["stderr"] and "Traceback" not in r["stderr"], r
        if r["args"][3] == "take":
            assert r["exit"] in (0, 4), r
        else:
            assert r["exit"] == 0, r

    ok = Counter(r["args"][3] for r in results if r["exit"] == 0)
    kinds = dict(sql("SELECT kind, count(*) FROM event GROUP BY kind"))
    assert kinds["note"] == ok["note"] + 2
    assert kinds["reply"] == ok["reply"]
    assert kinds["opened"] == ok["open"] + 4
    if not POSTGRES:
        assert sql("PRAGMA integrity_check") == [("ok",)]
    owner_events = sql("SELECT agent FROM event WHERE case_id = 4 AND kind = 'assigned'")
    versions = sql('SELECT sum(version) FROM "case" WHERE id <= 3')[0][0]
    # Exactly one agent took case 4; everyone else was told who owns it.
    assert len(owner_events) == 1
    winner = owner_events[0][0]
    for r in results:
        if r["args"][3] == "take" and r["exit"] == 4:
            assert f"owned by {winner}" in r["stderr"]
    # Every note and reply on the shared cases bumped their version exactly once.
    assert versions == 3 + ok["note"] + 2 + ok["reply"]


def test_help_and_completion_do_not_import_the_database_stack(db_path: Path) -> None:
    probe = (
        "import sys\n"
        "from deskcli.cli import main\n"
        "sys.argv = ['desk'] + sys.argv[1:]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'alembic', 'deskcli.store')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    for args, extra in (
        (["--help"], {}),
        (["case", "--help"], {}),
        ([], {"_DESK_COMPLETE": "complete_bash", "COMP_WORDS": "desk ca", "COMP_CWORD": "1"}),
    ):
        result = subprocess.run(
            [sys.executable, "-c", probe, *args],
            capture_output=True,
            text=True,
            env=subprocess_env(db_path, **extra),
            timeout=60,
        )
        assert result.stderr.endswith("HEAVY="), (args, result.stderr[-300:])
    assert not db_path.exists()  # --help never creates the database


def test_completion_scripts_are_current() -> None:
    names = {"bash": "desk.bash", "zsh": "_desk", "fish": "desk.fish"}
    for shell, name in names.items():
        generated = subprocess.run(
            [*DESK],
            env={**subprocess_env(Path("unused")), "_DESK_COMPLETE": f"source_{shell}"},
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        committed = (ROOT / "completions" / name).read_text()
        assert generated == committed, f"completions/{name} is stale: run `make completions`"
