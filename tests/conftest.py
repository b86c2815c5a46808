"""Every test gets its own real database and a plain, colourless, fixed-width
environment.  `desk(...)` runs the real command line in-process through
Typer's CliRunner; tests/test_processes.py runs real subprocesses.

Backends: a SQLite file (DESK_DB) by default; with DESK_TEST_BACKEND=postgres
a fresh PostgreSQL database per test (DESK_DB_URL) on a private server that
tests/pgserver.py starts on loopback (or the server DESK_TEST_PG_URL names).
Tests about SQLite files themselves are marked `sqlite_only`.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from deskcli.cli import app
from deskcli.lang import set_language
from tests import pgserver

DESK = [sys.executable, "-m", "deskcli"]
BACKEND = os.environ.get("DESK_TEST_BACKEND", "sqlite")
POSTGRES = BACKEND == "postgres"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if POSTGRES:
        skip = pytest.mark.skip(reason="about SQLite files; not run against PostgreSQL")
        for item in items:
            if item.get_closest_marker("sqlite_only"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def pg_base_url() -> Any:
    """The URL of a PostgreSQL server without a database name."""
    given = os.environ.get("DESK_TEST_PG_URL")
    if given:
        yield given
        return
    server, reason = pgserver.start()
    if server is None:
        pytest.skip(f"PostgreSQL run skipped: {reason}")
    yield server.url
    server.stop()


def _pg_admin(base_url: str, statement: str) -> None:
    import psycopg

    plain = base_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain + "postgres", autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


@pytest.fixture
def second_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """A second, empty database on the test's backend, as an environment."""
    if not POSTGRES:
        yield {"DESK_DB": str(tmp_path / "second.db")}
        return
    base = request.getfixturevalue("pg_base_url")
    name = "t_" + uuid.uuid4().hex[:16]
    _pg_admin(base, f"CREATE DATABASE {name}")
    yield {"DESK_DB_URL": base + name}
    _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(autouse=True)
def isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Any:
    db = tmp_path / "desk.db"
    monkeypatch.setenv("DESK_DB", str(db))
    monkeypatch.setenv("DESK_AGENT", "alice")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("LANG", "C.UTF-8")  # English unless a test asks for a language
    set_language("en")  # a command line's language is process-wide; CliRunner runs in-process
    for name in ("DESK_DB_URL", "DESK_LANG", "DESK_DEBUG", "DESK_BUSY_TIMEOUT", "LC_ALL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    if not POSTGRES or request.node.get_closest_marker("sqlite_only"):
        yield db
        return
    base = request.getfixturevalue("pg_base_url")
    name = "t_" + uuid.uuid4().hex[:16]
    _pg_admin(base, f"CREATE DATABASE {name}")
    monkeypatch.setenv("DESK_DB_URL", base + name)
    yield db
    _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def database(isolated: Path) -> Any:
    """The test's database, opened (and migrated) through the store."""
    from deskcli import store

    return store.open_database(str(isolated), os.environ.get("DESK_DB_URL"))


@pytest.fixture
def sql(database: Any) -> Callable[..., list[Any]]:
    """Run a query on the test's database, whatever the backend."""
    from sqlalchemy import text

    def run(statement: str, **params: Any) -> list[Any]:
        with database.engine.connect() as connection:
            result = connection.execute(text(statement), params)
            rows = list(result) if result.returns_rows else []
            connection.commit()
            return rows

    return run


@pytest.fixture
def db_path(isolated: Path) -> Path:
    return isolated


Desk = Callable[..., Result]


@pytest.fixture
def desk() -> Desk:
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return run


@pytest.fixture
def dj(desk: Desk) -> Callable[..., Any]:
    """Run a command with --json, assert it succeeded, return the parsed JSON."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        result = desk(*args, "--json", input=input, env=env)
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout)

    return run


@pytest.fixture
def customer(dj: Callable[..., Any]) -> str:
    dj("customer", "add", "--crn", "C-1", "--name", "Ana Pérez", "--email", "ana@example.com")
    return "C-1"


@pytest.fixture
def new_case(dj: Callable[..., Any], customer: str) -> Callable[..., int]:
    def make(subject: str = "Charged twice", *extra: str) -> int:
        return int(dj("case", "open", "--customer", customer, "--subject", subject, *extra)["id"])

    return make


def default_sigint() -> None:
    """preexec_fn for spawned children: default SIGINT handling.  A shell
    without job control starts background jobs (`make test &`) with SIGINT
    ignored and children inherit it, so Ctrl-C tests would hang otherwise."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def subprocess_env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env.update({"DESK_DB": str(db), "DESK_AGENT": "alice", "NO_COLOR": "1", "COLUMNS": "120"})
    if os.environ.get("DESK_DB_URL"):
        env["DESK_DB_URL"] = os.environ["DESK_DB_URL"]
    env.update(extra)
    return env
