"""Storage hardening (issue 8): one snapshot per read, no password in any
message, damaged values are exit 5 and named by doctor, DESK_BUSY_TIMEOUT
validated and 0 meaning "don't wait" on both backends, odd databases refused."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import DESK, POSTGRES, Desk, _pg_admin, subprocess_env

ROOT = Path(__file__).resolve().parent.parent


def run_desk(env: dict[str, str], *args: str, cwd: Path | None = None) -> Any:
    return subprocess.run(
        [*DESK, *args], env=env, capture_output=True, text=True, timeout=120, cwd=cwd
    )


# -- item 3: one snapshot per read scope ----------------------------------------


@pytest.fixture
def fresh_env(
    db_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], dict[str, str]]]:
    """Makes the environment of another, empty database on the same backend."""
    made: list[str] = []
    base = request.getfixturevalue("pg_base_url") if POSTGRES else ""

    def make() -> dict[str, str]:
        name = f"f_{uuid.uuid4().hex[:16]}"
        env = subprocess_env(db_path.with_name(f"{name}.db"))
        env.pop("DESK_DB_URL", None)
        if POSTGRES:
            _pg_admin(base, f"CREATE DATABASE {name}")
            made.append(name)
            env["DESK_DB_URL"] = base + name
        return env

    yield make
    for name in made:
        _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


SHARED = 3


def _old_cases(first: int, count: int) -> list[str]:
    """Export lines of `count` closed cases of C-1 (one event each)."""
    at = "2024-01-02T03:04:05+00:00"
    lines = []
    for n in range(first, first + count):
        case = {
            "type": "case", "id": n, "customer_crn": "C-1", "subject": f"old {n}",
            "description": "", "channel": "phone", "category": None, "priority": "normal",
            "status": "new", "assignee": None, "team": None, "tier": 1, "created_at": at,
            "updated_at": at, "first_response_at": None, "resolved_at": None, "closed_at": None,
            "resolution": None, "root_cause": None, "follow_up_at": None, "reopen_count": 0,
            "handling_seconds": 0, "version": 1,
        }  # fmt: skip
        event = {
            "type": "event", "id": 100_000 + n, "case_id": n, "at": at, "agent": "old",
            "kind": "opened", "body": f"old {n}", "data": {"channel": "phone"},
        }  # fmt: skip
        lines += [json.dumps(case) + "\n", json.dumps(event) + "\n"]
    return lines


STATUS_AFTER = {"resolved": "resolved", "closed": "closed", "reopened": "open"}


def test_exports_and_shows_during_writes_are_one_snapshot(
    db_path: Path, dj: Callable[..., Any], fresh_env: Callable[[], dict[str, str]]
) -> None:
    dj("customer", "add", "--crn", "C-1", "--name", "Ana")
    for n in range(SHARED):
        dj("case", "open", "-c", "C-1", "--subject", f"shared {n}")
    dj("import", "-", input="".join(_old_cases(SHARED + 1, 3000)))  # exports take a while
    env = subprocess_env(db_path, DESK_BUSY_TIMEOUT="60")
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.stress_writer", "churn", f"w{n}", "8", str(SHARED)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for n in range(3)
    ]
    exports: list[str] = []
    shows: list[dict[str, Any]] = []
    try:
        time.sleep(1.0)  # let the writers get going
        while any(w.poll() is None for w in writers) and len(exports) < 6:
            done = run_desk(env, "export")
            assert done.returncode == 0, done.stderr
            exports.append(done.stdout)
            for case_id in range(1, SHARED + 1):
                shown = run_desk(env, "case", "show", str(case_id), "--json")
                assert shown.returncode == 0, shown.stderr
                shows.append(json.loads(shown.stdout))
    finally:
        outputs = [w.communicate(timeout=120) for w in writers]
    for w, (out, err) in zip(writers, outputs, strict=True):
        assert w.returncode == 0, err
        assert json.loads(out)["exits"].get("0", 0) > 0, out
    assert exports
    for export in exports:
        # A torn export (events of cases it does not hold) is refused by import.
        done = subprocess.run(
            [*DESK, "import", "-"], input=export, env=fresh_env(), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    for shown in shows:
        changes = [e["kind"] for e in shown["events"] if e["kind"] in STATUS_AFTER]
        if changes:
            assert shown["status"] == STATUS_AFTER[changes[-1]], (shown["status"], changes)


# -- item 7: the password is never printed -------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://desk:S3cret@127.0.0.1:1/x",
        "postgresql+psycopg://desk:S3cret@127.0.0.1:1/x",
        "postgresql+psycopg://desk:S3cret@127.0.0.1:notaport/x",
        "postgresql+nosuchdriver://u:S3cret@h/x",
        "post gres://desk:S3cret@h/x",
        "postgresql+psycopg://desk:S3cret@/x?host=/nonexistent-dir",
        "postgresql+psycopg://desk:S3cr@t@127.0.0.1:1/x",
    ],
)
def test_the_database_password_is_never_printed(db_path: Path, url: str) -> None:
    done = run_desk(subprocess_env(db_path, DESK_DB_URL=url), "case", "list")
    assert done.returncode in (2, 5), done.stderr
    assert done.stderr.startswith("desk: error: "), done.stderr
    for secret in ("S3cret", "S3cr@t"):
        assert secret not in done.stdout + done.stderr


# -- item 11: damaged values --------------------------------------------------------

DAMAGE = [
    ("UPDATE \"case\" SET created_at = 'garbage' WHERE id = 2", "case 2, column created_at"),
    ("UPDATE event SET data = '{bad' WHERE case_id = 2", "column data"),
    ("UPDATE \"case\" SET subject = x'00ff' WHERE id = 2", "case 2, column subject"),
    ("UPDATE \"case\" SET version = 'abc' WHERE id = 2", "case 2, column version"),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("statement", "named"), DAMAGE)
def test_damaged_values_are_exit_5_and_doctor_names_them(
    db_path: Path, desk: Desk, new_case: Callable[..., int], statement: str, named: str
) -> None:
    new_case("fine")
    new_case("damaged")
    with sqlite3.connect(db_path) as conn:
        conn.execute(statement)
    commands: list[tuple[str, ...]] = [("case", "show", "2"), ("case", "show", "2", "--json")]
    if "event" not in statement:  # a note does not read the case's events
        commands += [("case", "note", "2", "hello"), ("case", "list")]
    if "version" not in statement:  # export copies a version without loading the case
        commands.append(("export",))
    for args in commands:
        result = desk(*args)
        assert result.exit_code == 5, (args, result.output, result.stderr)
        assert "damaged value in" in result.stderr and "desk doctor" in result.stderr, args
        assert "column" in result.stderr, args
    result = desk("doctor", "--json")
    assert result.exit_code == 5
    problems = json.loads(result.stdout)["problems"]
    assert any(named in p for p in problems), problems


@pytest.mark.sqlite_only
def test_doctor_passes_a_healthy_database(desk: Desk, new_case: Callable[..., int]) -> None:
    new_case("fine")
    desk("case", "note", "1", "hello")
    result = desk("doctor", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["problems"] == []


# -- item 12: busy timeout, odd databases --------------------------------------------


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "-1", "3601", "", "1e400"])
def test_busy_timeout_must_be_seconds_from_0_to_3600(desk: Desk, customer: str, value: str) -> None:
    result = desk("case", "list", env={"DESK_BUSY_TIMEOUT": value})
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert "DESK_BUSY_TIMEOUT" in result.stderr and "3600" in result.stderr


@pytest.mark.parametrize("value", ["0", "0.0000001"])
def test_busy_timeout_0_does_not_wait_on_either_backend(
    db_path: Path, database: Any, new_case: Callable[..., int], value: str
) -> None:
    new_case()
    holder = database.engine.connect().execution_options(desk_write=True)
    try:
        holder.begin()
        # Hold the write lock (SQLite) or the case's row lock (PostgreSQL).
        if POSTGRES:
            holder.execute(text('SELECT id FROM "case" WHERE id = 1 FOR UPDATE'))
        else:
            holder.execute(text("UPDATE customer SET name = name"))
        started = time.monotonic()
        done = subprocess.run(
            [*DESK, "case", "note", "1", "waiting?"],
            env=subprocess_env(db_path, DESK_BUSY_TIMEOUT=value),
            capture_output=True,
            text=True,
            timeout=30,
        )
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode == 5, done.stderr
    assert "locked" in done.stderr
    assert elapsed < 10


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite://", "sqlite:///file::memory:"])
def test_in_memory_databases_are_refused(tmp_path: Path, url: str) -> None:
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    done = run_desk(subprocess_env(tmp_path / "x.db", DESK_DB_URL=url), "init", cwd=workdir)
    assert done.returncode == 2, done.stderr
    assert "in-memory" in done.stderr
    assert list(workdir.iterdir()) == []


@pytest.mark.sqlite_only
def test_desk_tables_without_a_schema_version_are_exit_5(
    db_path: Path, desk: Desk, customer: str
) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TABLE alembic_version")
    result = desk("case", "list")
    assert result.exit_code == 5, result.stderr
    assert "alembic_version" in result.stderr
    assert "already exists" not in result.stderr


# -- the stress writer closes what it opens ----------------------------------------


def test_the_stress_writer_does_not_leak_connections(db_path: Path, dj: Callable[..., Any]) -> None:
    """Past max_connections (200 on the test server) a leak is "too many clients"."""
    dj("customer", "add", "--crn", "C-1", "--name", "Ana")
    dj("case", "open", "-c", "C-1", "--subject", "shared")
    count = 230 if POSTGRES else 40
    done = subprocess.run(
        [sys.executable, "-m", "tests.stress_writer", "w0", str(count), "7", "1"],
        env=subprocess_env(db_path, DESK_BUSY_TIMEOUT="60"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == count
    failed = [r for r in records if r["exit"] not in (0, 4)]
    assert not failed, failed[:3]


def test_password_masking_leaves_plain_messages_alone() -> None:
    from deskcli.store import mask_password

    assert mask_password("no url here", None) == "no url here"
    masked = mask_password("failed for postgresql://u:pw@h/x", "postgresql://u:pw@h/x")
    assert masked == "failed for postgresql://u:***@h/x"
