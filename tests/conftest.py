"""Every test gets its own real SQLite file (DESK_DB) and a plain, colourless,
fixed-width environment.  `desk(...)` runs the real command line in-process
through Typer's CliRunner; tests/test_processes.py runs real subprocesses."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from deskcli.cli import app

DESK = [sys.executable, "-m", "deskcli"]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "desk.db"
    monkeypatch.setenv("DESK_DB", str(db))
    monkeypatch.setenv("DESK_AGENT", "alice")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    for name in ("DESK_DB_URL", "DESK_LANG", "DESK_DEBUG", "DESK_BUSY_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return db


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


def subprocess_env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESK_")}
    env.update({"DESK_DB": str(db), "DESK_AGENT": "alice", "NO_COLOR": "1", "COLUMNS": "120"})
    env.update(extra)
    return env
