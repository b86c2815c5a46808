"""A database path means exactly that file, whatever characters it holds:
`#`, `?` and `%xx` are not URL syntax to desk (issue 8, item 2)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk, subprocess_env

pytestmark = pytest.mark.sqlite_only  # about SQLite file names

ODD_NAMES = ["dir#1/team.db", "a?b.db", "p%41.db", "q%3Fx?mode=ro&uri=true#f.db", "sp ace;&=.db"]


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_path_means_exactly_that_file(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    work = tmp_path / "work"
    (work / name).parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(work)
    assert dj("--db", name, "init")["created"] is True
    dj("--db", name, "customer", "add", "--crn", "C-1", "--name", "Ana")
    assert [c["crn"] for c in dj("--db", name, "customer", "list")] == ["C-1"]
    report = dj("--db", name, "doctor")
    assert report["database"] == name and report["integrity"] == "ok"
    assert report["journal_mode"] == "wal"
    backup = dj("--db", name, "backup", "bk.db")
    assert backup["size_bytes"] > 0
    with closing(sqlite3.connect(work / "bk.db")) as copy:
        assert copy.execute("SELECT crn FROM customer").fetchall() == [("C-1",)]
    with closing(sqlite3.connect(work / name)) as original:
        assert original.execute("SELECT crn FROM customer").fetchall() == [("C-1",)]
    assert stat.S_IMODE((work / name).stat().st_mode) == 0o600
    sides = {name + "-wal", name + "-shm"}
    assert files_under(work) - sides == {name, "bk.db"}  # no stray file (`dir`, `a`, `pA.db`)


def test_odd_path_in_desk_db_url_is_unquoted_like_sqlalchemy(
    dj: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a URL, %xx is an escape: sqlite:///p%2541.db is the file p%41.db.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DESK_DB_URL", "sqlite:///p%2541.db")
    dj("customer", "add", "--crn", "C-1", "--name", "Ana")
    assert (tmp_path / "p%41.db").is_file() and not (tmp_path / "pA.db").exists()
    assert dj("doctor")["database"] == "p%41.db"


@pytest.mark.parametrize("name", ["dir#1/team.db", "a?b.db", "p%41.db"])
def test_completion_reads_the_odd_path(
    dj: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    db = tmp_path / name
    db.parent.mkdir(parents=True, exist_ok=True)
    dj("--db", str(db), "customer", "add", "--crn", "C-100", "--name", "Ana")
    before = files_under(tmp_path)
    extra = {"_DESK_COMPLETE": "complete_bash", "COMP_WORDS": "desk customer show C-"}
    result = subprocess.run(
        [sys.executable, "-m", "deskcli"], capture_output=True, text=True, timeout=60,
        env=subprocess_env(db, COMP_CWORD="3", **extra),
    )  # fmt: skip
    assert result.stdout.split() == ["C-100"], result.stderr
    assert files_under(tmp_path) == before


def test_demo_at_an_odd_path(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DESK_DB")
    # the default demo file lives in the data directory, here one with a '#'
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data#1?x%41"))
    result = desk("demo")
    assert result.exit_code == 0, result.stderr
    demo = tmp_path / "data#1?x%41" / "desk" / "demo.db"
    with closing(sqlite3.connect(demo)) as db:
        assert db.execute('SELECT count(*) FROM "case"').fetchone()[0] > 0
    assert files_under(tmp_path) <= {
        os.path.relpath(demo, tmp_path) + suffix for suffix in ("", "-wal", "-shm")
    }
