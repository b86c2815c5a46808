"""Bad input and bad files: one line on stderr, a documented exit code, no
traceback, nothing written."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deskcli import store
from tests.conftest import Desk


@pytest.mark.parametrize(
    "args",
    [
        ("case", "list", "--bogus"),
        ("case", "list", "--priority", "extreme"),
        ("case", "list", "--status", "done"),
        ("case", "show", "abc"),
        ("case", "show", "0"),
        ("case", "open", "--customer", "C-1"),
        ("case", "list", "--older-than", "yesterday"),
        ("case", "list", "--mine", "--unassigned"),
        ("nosuchcommand",),
        ("--lang", "fr", "case", "list"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(desk: Desk, args: tuple[str, ...]) -> None:
    result = desk(*args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith("desk: error: ")
    assert len(lines) <= 2 and all(line.startswith(("desk: error:", "hint:")) for line in lines)
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_empty_texts_are_refused(desk: Desk, new_case: Callable[..., int]) -> None:
    case = str(new_case())
    assert desk("case", "note", case, "   ").exit_code == 2
    assert desk("case", "resolve", case, "--resolution", "").exit_code == 2
    assert desk("case", "escalate", case, "--to", "", "--reason", "x").exit_code == 2


def test_user_text_is_never_markup_or_escape_sequences(
    desk: Desk, dj: Callable[..., Any], sql: Callable[..., Any]
) -> None:
    dj("customer", "add", "--crn", "C-[b]", "--name", "[bold red]Evil[/] \x1b]0;pwned\x07")
    subject = "[bold red]x[/] \x1b[31mred\x1b[0m [/] \u202eabc"
    case = dj("case", "open", "-c", "C-[b]", "--subject", "x", "--body", "[link=x]y[/link]")
    # Subjects with control characters are refused since issue 10; one stored
    # before must still be returned exactly and shown safely.
    sql('UPDATE "case" SET subject = :s', s=subject)
    assert dj("case", "show", str(case["id"]))["subject"] == subject
    dj("case", "note", str(case["id"]), "[/]\x1b[2J")
    for args in (
        ("case", "list"),
        ("case", "show", str(case["id"])),
        ("customer", "show", "C-[b]"),
        ("customer", "list"),
        ("board",),
    ):
        result = desk(*args)
        assert result.exit_code == 0, (args, result.output)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\u202e" not in result.stdout
    shown = desk("case", "show", str(case["id"])).stdout
    assert "[bold red]x[/]" in shown and "\\x1b[31mred" in shown and "\\u202eabc" in shown
    assert "[link=x]y[/link]" in shown and "[/]\\x1b[2J" in shown
    assert "[bold red]Evil[/] \\x1b]0;pwned\\x07" in desk("customer", "show", "C-[b]").stdout


def test_errors_quote_user_text_safely(desk: Desk) -> None:
    result = desk("customer", "show", "\x1b[2J")
    assert result.exit_code == 3
    assert "\x1b" not in result.stderr and "\\x1b[2J" in result.stderr


def test_schema_newer_than_the_program_is_exit_5(desk: Desk, sql: Callable[..., Any]) -> None:
    assert desk("init").exit_code == 0
    sql("UPDATE alembic_version SET version_num = '9999'")
    result = desk("case", "list")
    assert result.exit_code == 5
    assert "newer than this desk program" in result.stderr
    assert sql("SELECT version_num FROM alembic_version") == [("9999",)]


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_is_exit_5(desk: Desk, db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite at all, just some text" * 50)
    before = db_path.read_bytes()
    result = desk("case", "list")
    assert result.exit_code == 5
    assert result.stderr.startswith(f"desk: error: {db_path} is not a desk database")
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only
@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_database_is_exit_5(
    desk: Desk, dj: Callable[..., Any], db_path: Path, customer: str
) -> None:
    db_path.chmod(stat.S_IRUSR)
    result = desk("case", "open", "-c", customer, "--subject", "x")
    assert result.exit_code == 5 and "read-only" in result.stderr


@pytest.mark.sqlite_only
def test_read_only_database_via_uri_is_exit_5(desk: Desk, db_path: Path, customer: str) -> None:
    # Works as root too: SQLite itself opens the file read-only.
    result = desk(
        "case",
        "open",
        "-c",
        customer,
        "--subject",
        "x",
        env={"DESK_DB_URL": f"sqlite:///file:{db_path}?mode=ro&uri=true"},
    )
    assert result.exit_code == 5, result.output
    assert "read-only" in result.stderr


@pytest.mark.sqlite_only
def test_directory_or_missing_parent_is_exit_2(desk: Desk, tmp_path: Path) -> None:
    as_dir = desk("--db", str(tmp_path), "case", "list")
    assert as_dir.exit_code == 2 and "is a directory" in as_dir.stderr
    missing = desk("--db", str(tmp_path / "nope" / "desk.db"), "case", "list")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "nope").exists()


@pytest.mark.sqlite_only
def test_new_database_is_private_to_its_owner(desk: Desk, db_path: Path) -> None:
    assert desk("init").exit_code == 0
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


@pytest.mark.sqlite_only
def test_init_reports_where_and_is_idempotent(
    desk: Desk, dj: Callable[..., Any], db_path: Path
) -> None:
    first = dj("init")
    assert first == {"database": str(db_path), "schema": store.SCHEMA_HEAD, "created": True}
    assert dj("init")["created"] is False
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.sqlite_only
def test_database_is_created_on_first_use(desk: Desk, db_path: Path) -> None:
    assert not db_path.exists()
    result = desk("case", "list")
    assert result.exit_code == 0 and db_path.exists()


def test_bad_database_url_is_exit_2(desk: Desk) -> None:
    result = desk("case", "list", env={"DESK_DB_URL": "nosuchdb://x"})
    assert result.exit_code == 2 and "cannot use database URL" in result.stderr


def test_ctrl_c_says_so_and_exits_130(
    desk: Desk,
    dj: Callable[..., Any],
    new_case: Callable[..., int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from deskcli import render

    case = str(new_case())
    dj("case", "resolve", case, "--resolution", "fixed")

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "close_summary", interrupted)  # Ctrl-C after the commit
    result = desk("case", "close", case)
    assert result.exit_code == 130
    assert result.stderr.splitlines()[0] == "desk: error: interrupted"
    assert "entirely or not at all" in result.stderr
    assert dj("case", "show", case)["status"] == "closed"
