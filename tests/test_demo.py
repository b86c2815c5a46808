from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk


def test_demo_fills_a_database_and_shows_the_board(desk: Desk, dj: Callable[..., Any]) -> None:
    result = desk("demo")
    assert result.exit_code == 0, result.output
    assert "Demo database with 40 cases" in result.stdout
    assert "Active cases:" in result.stdout
    every = dj("case", "list", "--all")
    assert len(every) == 40
    statuses = {c["status"] for c in every}
    assert {"new", "open", "escalated", "resolved", "closed"} <= statuses
    assert len({c["customer_crn"] for c in every}) >= 5
    assert len({c["channel"] for c in every}) >= 4
    assert any(c["tier"] > 1 for c in every)
    again = desk("demo")
    assert "already filled" in again.stdout
    assert len(dj("case", "list", "--all")) == 40


@pytest.mark.sqlite_only
def test_demo_without_db_uses_its_own_file(desk: Desk, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.delenv("DESK_DB")
    result = desk("demo")
    assert result.exit_code == 0, result.output
    demo_file = tmp_path / "xdg" / "desk" / "demo.db"
    assert demo_file.exists()
    assert not (tmp_path / "xdg" / "desk" / "desk.db").exists()
    assert desk("demo", "--fresh").exit_code == 0


def test_board_json(dj: Callable[..., Any], new_case: Callable[..., int]) -> None:
    urgent = new_case("down", "--priority", "urgent")
    normal = new_case("slow")
    board = dj("board")
    assert board["counts"] == {"new": 2, "open": 0, "pending": 0, "escalated": 0}
    assert [c["id"] for c in board["cases"]["new"]] == [urgent, normal]
    assert board["follow_ups_due"] == 0


def test_demo_resolutions_fit_their_cases(desk: Desk, dj: Callable[..., Any]) -> None:
    from deskcli.services.demo import FIXES, PROBLEMS

    assert desk("demo").exit_code == 0
    ended = dj("case", "list", "--status", "resolved", "--status", "closed")
    assert len(ended) >= 5
    categories = {subject: category for subject, _, category, _, _ in PROBLEMS}
    assert set(FIXES) == set(categories)  # every subject has its own fixes
    for case in ended:
        fixes = FIXES[case["subject"]]
        assert case["category"] == categories[case["subject"]]
        assert (case["resolution"], case["root_cause"]) in fixes, case


@pytest.mark.sqlite_only
def test_demo_says_where_its_file_is_and_how_to_run_desk(
    desk: Desk, tmp_path: Path, monkeypatch: Any
) -> None:
    import os
    import sys

    monkeypatch.delenv("DESK_DB")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # desk is not on PATH, as after make demo
    result = desk("demo")
    demo_file = tmp_path / "xdg" / "desk" / "demo.db"
    bin_dir = os.path.relpath(Path(sys.executable).parent)
    assert f"Demo database with 40 cases: {demo_file}" in result.stdout
    assert f"Try: DESK_DB={demo_file} {bin_dir}/desk case list" in result.stdout
    assert f". {bin_dir}/activate" in result.stdout
