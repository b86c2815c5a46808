"""doctor, backup, shared files, damaged files, batch."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deskcli import store
from tests.conftest import Desk


@pytest.mark.sqlite_only
def test_init_shared_makes_a_group_file(desk: Desk, db_path: Path) -> None:
    assert desk("init", "--shared").exit_code == 0
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o660
    desk("case", "list")
    for side in (
        db_path.with_name(db_path.name + "-wal"),
        db_path.with_name(db_path.name + "-shm"),
    ):
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) & 0o007 == 0


@pytest.mark.sqlite_only
def test_doctor_reports_and_warns(
    desk: Desk, dj: Callable[..., Any], db_path: Path, new_case: Callable[..., int]
) -> None:
    new_case()
    report = dj("doctor")
    assert report["ok"] is True and report["integrity"] == "ok"
    assert report["schema"] == report["program_schema"] == store.SCHEMA_HEAD
    assert report["journal_mode"] == "wal" and report["cases_by_status"] == {"new": 1}
    assert report["database"] == str(db_path) and report["size_bytes"] > 0
    assert report["warnings"] == []
    db_path.chmod(0o666)
    warned = desk("doctor")
    assert warned.exit_code == 0
    assert "writable by every user" in warned.stderr


@pytest.mark.sqlite_only
def test_doctor_warns_about_network_filesystems(
    desk: Desk, new_case: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    new_case()
    monkeypatch.setattr(store, "filesystem_type", lambda _path: "nfs4")
    result = desk("doctor")
    assert result.exit_code == 0
    assert "network filesystem (nfs4)" in result.stderr and "PostgreSQL" in result.stderr


@pytest.mark.sqlite_only
def test_filesystem_type_reads_the_mount_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\nserver:/share /mnt/team nfs4 rw 0 0\n")
    original = Path.read_text
    monkeypatch.setattr(
        Path,
        "read_text",
        lambda self, *a, **k: original(mounts if str(self) == "/proc/mounts" else self, *a, **k),
    )
    assert store.filesystem_type(Path("/mnt/team/desk.db")) == "nfs4"
    assert store.on_network_filesystem(Path("/mnt/team/sub/desk.db"))
    assert store.filesystem_type(Path("/home/ana/desk.db")) == "ext4"
    assert not store.on_network_filesystem(Path("/mnt/teamwork/desk.db"))


@pytest.mark.sqlite_only
def test_new_file_on_a_network_filesystem_is_not_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "on_network_filesystem", lambda _path: True)
    db = store.open_database(str(tmp_path / "nfs.db"))
    with sqlite3.connect(db.path) as conn:  # type: ignore[arg-type]
        assert conn.execute("PRAGMA journal_mode").fetchone() != ("wal",)


@pytest.mark.sqlite_only
def test_doctor_fails_on_a_damaged_file(
    desk: Desk, db_path: Path, dj: Callable[..., Any], customer: str
) -> None:
    for i in range(300):
        dj("case", "open", "-c", customer, "--subject", f"case {i}", "--body", "x" * 200)
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db_path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096  # scribble over a page
    db_path.write_bytes(bytes(data))
    result = desk("doctor")
    assert result.exit_code == 5
    assert result.stderr.count("desk: error:") == 1 and "Traceback" not in result.stderr


@pytest.mark.sqlite_only
def test_truncated_file_is_exit_5_and_left_alone(
    desk: Desk, db_path: Path, dj: Callable[..., Any], customer: str
) -> None:
    for i in range(200):
        dj("case", "open", "-c", customer, "--subject", f"case {i}", "--body", "x" * 300)
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_path.write_bytes(db_path.read_bytes()[: db_path.stat().st_size // 3])
    before = db_path.read_bytes()
    for args in (("case", "list", "--all"), ("case", "open", "-c", customer, "--subject", "x")):
        result = desk(*args)
        assert result.exit_code == 5, (args, result.output)
        assert result.stderr.startswith("desk: error: ") and "Traceback" not in result.stderr
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only
def test_backup_is_a_consistent_copy(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, new_case: Callable[..., int]
) -> None:
    case = new_case("Keep me")
    target = tmp_path / "backup.db"
    result = dj("backup", str(target))
    assert result["backup"] == str(target) and result["size_bytes"] > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copied = dj("--db", str(target), "case", "show", str(case))
    assert copied["subject"] == "Keep me"
    again = desk("backup", str(target))
    assert again.exit_code == 4 and "already exists" in again.stderr
    assert desk("backup", str(target), "--force").exit_code == 0
    assert desk("backup", str(tmp_path / "nope" / "b.db")).exit_code == 2
    assert desk("backup", str(tmp_path)).exit_code == 2


def test_batch_runs_lines_and_reports_each(desk: Desk, dj: Callable[..., Any]) -> None:
    script = "\n".join([
        'customer add --crn C-1 --name "Ana Pérez"',
        "# a comment",
        "",
        'case open -c C-1 --subject "Two charges"',
        'case note 1 "called back"  # trailing comment',
        "case close 1",
        "case list --ids",
        'case note 1 "unbalanced',
        "batch",
        "--as bob case take 1",
    ])  # fmt: skip
    result = desk("batch", input=script + "\n")
    assert result.exit_code == 4  # the first failure's code
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["line"], r["exit"]) for r in lines] == [
        (1, 0), (4, 0), (5, 0), (6, 4), (7, 0), (8, 2), (9, 2), (10, 0),
    ]  # fmt: skip
    assert lines[1]["result"]["subject"] == "Two charges"
    assert "resolve it first" in lines[3]["error"]
    assert lines[4]["result"] == [1]
    assert lines[7]["result"]["assignee"] == "bob"
    assert [e["kind"] for e in dj("case", "show", "1")["events"]] == ["opened", "note", "assigned"]


def test_atomic_batch_is_all_or_nothing(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    good = f'case note {case} "one"\ncase note {case} "two"\n'
    result = desk("batch", "--atomic", input=good)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2
    failing = f'case note {case} "three"\ncase close {case}\ncase note {case} "four"\n'
    refused = desk("batch", "--atomic", input=failing)
    assert refused.exit_code == 4
    assert [json.loads(line)["line"] for line in refused.stdout.splitlines()] == [2]
    assert "undone" in refused.stderr
    notes = [e["body"] for e in dj("case", "show", case)["events"] if e["kind"] == "note"]
    assert notes == ["one", "two"]
