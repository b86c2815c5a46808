"""Files nobody can clobber or redirect, and nothing left behind (issue 8,
items 4, 5, 6 and 9): backup and export targets, temporary files, new
database files, and a full disk."""

from __future__ import annotations

import errno
import io
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from deskcli import outfiles
from tests.conftest import DESK, Desk, subprocess_env


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def crns(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [crn for (crn,) in db.execute("SELECT crn FROM customer ORDER BY crn")]


# -- item 4: backup never writes over the database or its side files ---------


@pytest.mark.sqlite_only
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_backup_refuses_the_database_and_its_side_files(
    desk: Desk, dj: Callable[..., Any], customer: str, db_path: Path, tmp_path: Path, suffix: str
) -> None:
    own = db_path.with_name(db_path.name + suffix)
    link = tmp_path / f"link{suffix}.db"
    link.symlink_to(own)
    for target in (own, link):
        result = desk("backup", str(target), "--force")
        assert result.exit_code == 2, (target, result.output)
        assert result.stderr.startswith(f"desk: error: {target} is the database or one of its")
    assert link.is_symlink()
    assert [c["crn"] for c in dj("customer", "list")] == [customer]
    assert dj("doctor")["integrity"] == "ok"


@pytest.mark.sqlite_only
def test_backup_refuses_a_hard_link_to_the_database(
    desk: Desk, customer: str, db_path: Path, tmp_path: Path
) -> None:
    twin = tmp_path / "twin.db"
    os.link(db_path, twin)
    result = desk("backup", str(twin), "--force")
    assert result.exit_code == 2 and "is the database" in result.stderr


# -- item 5: private temp files, no link followed, cleanup -------------------


@pytest.mark.sqlite_only
def test_backup_temp_file_is_private_and_unpredictable(
    desk: Desk,
    customer: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An attacker who plants a link at the old predictable temp name, just as
    # the backup starts writing, must not get another file overwritten.
    victim = tmp_path / "victim.db"
    with closing(sqlite3.connect(victim)) as db:
        db.execute("CREATE TABLE precious (x)")
        db.commit()
    before = victim.read_bytes()
    out = tmp_path / "bk.db"
    seen: list[os.stat_result] = []
    connect = sqlite3.connect

    def racing_connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if not kwargs.get("uri"):  # the backup's target
            seen.append(os.lstat(database))
            planted = tmp_path / ".bk.db.partial"
            planted.unlink(missing_ok=True)
            if str(database) == str(planted):
                os.unlink(database)  # the old code's file: swapped for a link
            planted.symlink_to(victim)
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", racing_connect)
    result = desk("backup", str(out), "--force")
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == before
    assert stat.S_ISREG(seen[0].st_mode) and stat.S_IMODE(seen[0].st_mode) == 0o600
    assert not out.is_symlink() and crns(out) == [customer]


@pytest.mark.sqlite_only
def test_backup_replaces_a_symlink_at_the_final_name(
    dj: Callable[..., Any], customer: str, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    out = tmp_path / "bk.db"
    out.symlink_to(victim)
    dj("backup", str(out), "--force")
    assert victim.read_text() == "keep"
    assert not out.is_symlink() and stat.S_IMODE(out.lstat().st_mode) == 0o600
    assert crns(out) == [customer]
    dangling = tmp_path / "dangling.db"
    dangling.symlink_to(tmp_path / "nowhere.db")
    assert dj("backup", str(dangling), "--force")["size_bytes"] > 0
    assert not dangling.is_symlink() and not (tmp_path / "nowhere.db").exists()


# A probe that runs desk with SQLite's or the export's writer sending the
# process SIGTERM halfway, as `kill` would.
SIGTERM_PROBE = """
import os, signal, sqlite3, sys
from deskcli.cli import main
from deskcli.services import export
WHERE = sys.argv[1]
class Killed(sqlite3.Connection):
    def execute(self, sql, *args):
        if sql.startswith("PRAGMA quick_check"):
            os.kill(os.getpid(), signal.SIGTERM)
        return super().execute(sql, *args)
connect = sqlite3.connect
def killing_connect(database, *args, **kwargs):
    if not kwargs.get("uri"):
        kwargs["factory"] = Killed
    return connect(database, *args, **kwargs)
sqlite3.connect = killing_connect
write_jsonl = export.write_jsonl
def killing_write_jsonl(session, write):
    write(b"half an export\\n")
    os.kill(os.getpid(), signal.SIGTERM)
    return write_jsonl(session, write)
export.write_jsonl = killing_write_jsonl
sys.argv = ["desk", *sys.argv[2:]]
main()
"""


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "command", [["backup", "bk.db"], ["export", "--out", "bk.jsonl"]], ids=["backup", "export"]
)
def test_sigterm_leaves_no_temp_file(
    dj: Callable[..., Any], customer: str, db_path: Path, tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", SIGTERM_PROBE, str(out), *command], capture_output=True,
        text=True, timeout=60, cwd=out, env=subprocess_env(db_path),
    )  # fmt: skip
    assert result.returncode == 130, result.stderr
    assert result.stderr.startswith("desk: error: interrupted")
    assert list(out.iterdir()) == []


def test_export_replaces_a_symlink_instead_of_writing_through_it(
    dj: Callable[..., Any], customer: str, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    out = tmp_path / "desk.jsonl"
    out.symlink_to(victim)
    dj("export", "--out", str(out))
    assert victim.read_text() == "keep"
    assert not out.is_symlink() and stat.S_IMODE(out.lstat().st_mode) == 0o600
    assert b'"crn":"C-1"' in out.read_bytes().replace(b" ", b"")


@pytest.mark.sqlite_only
def test_export_refuses_the_database_journal_through_a_link(
    desk: Desk, customer: str, db_path: Path, tmp_path: Path
) -> None:
    link = tmp_path / "j.jsonl"
    link.symlink_to(db_path.with_name(db_path.name + "-journal"))
    result = desk("export", "--out", str(link))
    assert result.exit_code == 2 and "is the desk's own database" in result.stderr


# -- item 6: new database files are private; only regular files are databases


@pytest.mark.sqlite_only
def test_dangling_symlink_as_db_creates_a_private_file(
    desk: Desk, tmp_path: Path, umask_022: None
) -> None:
    link = tmp_path / "link.db"
    target = tmp_path / "real.db"
    link.symlink_to(target)
    result = desk("--db", str(link), "init")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.is_file()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    desk("--db", str(link), "customer", "add", "--crn", "C-1", "--name", "Ana")
    assert crns(target) == ["C-1"]


@pytest.mark.sqlite_only
def test_new_database_is_0600_whatever_the_umask(
    desk: Desk, tmp_path: Path, umask_022: None
) -> None:
    path = tmp_path / "new#1.db"
    assert desk("--db", str(path), "init").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "link-to-device"])
def test_db_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "not-a-file.db"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "device":
        path = Path(os.devnull)
    else:
        path.symlink_to(os.devnull)
    before = set(tmp_path.iterdir())
    result = subprocess.run(
        [*DESK, "--db", str(path), "case", "list"], capture_output=True, text=True,
        timeout=30, env=subprocess_env(path),
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("desk: error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # the error and its hint
    assert set(tmp_path.iterdir()) == before  # no -journal beside it
    assert not Path(os.devnull + "-journal").exists()


# -- item 9: a full disk during export is exit 5, and nothing is left --------


def test_export_to_a_full_stdout_is_exit_5(
    dj: Callable[..., Any], customer: str, db_path: Path
) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    for i in range(300):  # more than one buffer's worth
        dj("customer", "add", "--crn", f"X-{i}", "--name", "N" * 100)
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [*DESK, "export"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
            env=subprocess_env(db_path),
        )  # fmt: skip
    assert result.returncode == 5, result.stderr
    assert result.stderr.splitlines() == [
        "desk: error: cannot write the export to stdout: No space left on device"
    ]


class _FullDisk(io.FileIO):
    """A file on a disk that is full: every write fails with ENOSPC."""

    def write(self, _data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_to_a_full_disk_is_exit_5_and_leaves_nothing(
    desk: Desk,
    dj: Callable[..., Any],
    customer: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / ("desk.jsonl" if fmt == "jsonl" else "csv")
    dj("export", "--format", fmt, "--out", str(out))  # an earlier export, kept
    before = {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()}
    dj("customer", "add", "--crn", "C-2", "--name", "Bo")
    monkeypatch.setattr(outfiles, "open_temp", lambda fd: io.BufferedWriter(_FullDisk(fd, "w")))
    result = desk("export", "--format", fmt, "--out", str(out))
    assert result.exit_code == 5, result.output
    assert result.stderr.splitlines() == [
        f"desk: error: cannot write {out}: No space left on device"
    ]
    assert {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()} == before
