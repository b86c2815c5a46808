"""`desk board --live`: the full-screen board, driven in-process by Textual's
pilot (keys, actions through the services, refusals, refresh from another
process), and as the real command at a terminal (tmux, a pseudo-terminal)
and without one."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pexpect
import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from deskcli.cli._context import AppContext
from deskcli.live.app import LiveBoard
from deskcli.live.screens import HelpScreen
from tests.conftest import DESK, Desk, default_sigint, subprocess_env

Scenario = Callable[[LiveBoard, Pilot[None]], Awaitable[None]]


def drive(scenario: Scenario, size: tuple[int, int] = (160, 50)) -> LiveBoard:
    """Run the app on the test's database (either backend) as alice, let
    `scenario` press keys, and return the app once it has stopped."""
    st = AppContext(
        db_path=os.environ["DESK_DB"], db_url=os.environ.get("DESK_DB_URL"), agent="alice"
    )
    app = LiveBoard(st)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())
    return app


def shown(app: LiveBoard, widget: str) -> str:
    content = app.query_one(widget, Static).content
    return content.plain if isinstance(content, Text) else str(content)


def rows(app: LiveBoard) -> dict[str, list[str]]:
    """The table's rows by key (case id, or group:STATUS), as plain text."""
    table: DataTable[Any] = app.query_one("#table", DataTable)
    return {
        str(row.key.value): [cell.plain for cell in table.get_row(row.key)]
        for row in table.ordered_rows
    }


async def until(pilot: Pilot[None], check: Callable[[], bool], seconds: float) -> float:
    """Wait (letting the app run) until `check()` holds; how long it took."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not seen within {seconds} s")
        await pilot.pause(0.05)
    return time.monotonic() - start


def events(dj: Callable[..., Any], case_id: int) -> list[dict[str, Any]]:
    return list(dj("case", "show", str(case_id))["events"])


def test_keys_move_and_take(desk: Desk, dj: Callable[..., Any], new_case: Any) -> None:
    first = new_case("Router down", "--priority", "urgent")
    second = new_case("Slow line", "--priority", "high")

    async def scenario(app: LiveBoard, pilot: Pilot[None]) -> None:
        assert set(rows(app)) == {"group:new", str(first), str(second)}
        assert app.selected_id() == first  # the group's heading is skipped
        assert "Router down" in shown(app, "#detail")
        await pilot.press("j")
        assert app.selected_id() == second
        assert "Slow line" in shown(app, "#detail")
        await pilot.press("k", "down")
        assert app.selected_id() == second
        await pilot.press("t")
        assert shown(app, "#message") == f"Case {second} is yours (open)."
        # The take is on screen at once: the case is in the open group, still selected.
        assert rows(app)[str(second)][6] == "alice"
        assert app.selected_id() == second
        await pilot.press("q")

    app = drive(scenario)
    assert app.return_code == 0
    assert dj("case", "show", str(second))["assignee"] == "alice"
    assert dj("case", "show", str(first))["assignee"] is None


def test_a_refusal_shows_its_line_and_changes_nothing(
    desk: Desk, dj: Callable[..., Any], new_case: Any
) -> None:
    case_id = new_case()
    assert desk("case", "take", str(case_id), "--as", "bob").exit_code == 0

    async def scenario(app: LiveBoard, pilot: Pilot[None]) -> None:
        await pilot.press("t")
        assert shown(app, "#message").startswith(f"error: case {case_id} is owned by bob")
        await pilot.press("e", *"billing", "enter", "enter")  # no reason: refused
        assert shown(app, "#message") == "error: the reason must not be empty"
        assert app.is_running and app.screen is app.screen_stack[0]
        await pilot.press("q")

    drive(scenario)
    found = dj("case", "show", str(case_id))
    assert found["assignee"] == "bob" and found["status"] == "open"
    assert [e["kind"] for e in found["events"]] == ["opened", "assigned"]


def test_note_reply_and_escalate_go_through_the_services(
    desk: Desk, dj: Callable[..., Any], new_case: Any
) -> None:
    case_id = new_case("Charged twice")
    note = "[bold]checked[/bold] \x1b[31mthe batch"

    async def scenario(app: LiveBoard, pilot: Pilot[None]) -> None:
        await pilot.press("n")
        app.screen.query_one("#field0").value = note  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app, "#message") == f"Note added to case {case_id}."
        detail = shown(app, "#detail")
        assert "[bold]checked[/bold] \\x1b[31mthe batch" in detail  # inert
        assert "\x1b" not in detail
        await pilot.press("r", *"Refunding now", "enter")
        assert shown(app, "#message") == f"Reply recorded on case {case_id} (open)."
        await pilot.press("n", *"never mind", "escape")
        assert shown(app, "#message") == "Nothing changed."
        await pilot.press("e", *"billing", "enter", *"above my limit", "enter")
        assert shown(app, "#message") == f"Case {case_id} escalated to billing (tier 2)."
        assert rows(app)[str(case_id)][3] == "escalated"
        await pilot.press("q")

    drive(scenario)
    found = events(dj, case_id)
    assert [(e["kind"], e["body"]) for e in found[1:]] == [
        ("note", note),
        ("reply", "Refunding now"),
        ("escalated", "above my limit"),
    ]
    assert all(e["agent"] == "alice" for e in found)


def test_filter_mine_grouping_and_help(desk: Desk, new_case: Any) -> None:
    router = new_case("Router down", "--priority", "high")
    bill = new_case("Bill too high", "--priority", "urgent")
    mine = new_case("Mine", "--me")
    assert desk("case", "escalate", str(bill), "--to", "billing", "--reason", "x").exit_code == 0

    async def scenario(app: LiveBoard, pilot: Pilot[None]) -> None:
        cases = {str(router), str(bill), str(mine)}
        assert set(rows(app)) == cases | {"group:new", "group:open", "group:escalated"}
        await pilot.press("slash", *"ROUTER", "enter", "enter", "enter", "enter")
        assert set(rows(app)) == {"group:new", str(router)}
        assert "filter: text 'ROUTER'" in shown(app, "#header")
        await pilot.press("slash", "ctrl+u", "enter", "enter", *"Billing", "enter", "enter")
        assert set(rows(app)) == {"group:escalated", str(bill)}
        await pilot.press("slash", "ctrl+u", "enter", "enter", "ctrl+u", "enter", *"hgih")
        await pilot.press("enter")
        assert shown(app, "#message").startswith(
            "error: unknown priority 'hgih' (did you mean 'high'?)"
        )
        assert set(rows(app)) == {"group:escalated", str(bill)}  # the filter stays as it was
        await pilot.press("slash", "enter", "enter", "ctrl+u", "enter", "ctrl+u", "enter")
        assert set(rows(app)) == cases | {"group:new", "group:open", "group:escalated"}
        await pilot.press("m")
        assert set(rows(app)) == {"group:open", str(mine)}
        assert "mine (alice)" in shown(app, "#header")
        await pilot.press("m", "s")
        assert set(rows(app)) == cases  # one list by due time: no group headings
        assert "by SLA due time" in shown(app, "#header")
        await pilot.press("s")
        assert "group:new" in rows(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")

    assert drive(scenario).return_code == 0


def test_enter_opens_the_whole_case(desk: Desk, new_case: Any) -> None:
    case_id = new_case("Router down")
    for n in range(8):
        assert desk("case", "note", str(case_id), f"note {n}").exit_code == 0

    async def scenario(app: LiveBoard, pilot: Pilot[None]) -> None:
        assert "Last events (5 of 9)" in shown(app, "#detail")
        await pilot.press("enter")
        text = app.screen.query_one("#case", Static).content
        assert isinstance(text, Text) and "Timeline" in text.plain
        assert all(f"note {n}" in text.plain for n in range(8))
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]
        await pilot.press("q")

    drive(scenario)


def _desk_process(*args: str) -> None:
    env = subprocess_env(Path(os.environ["DESK_DB"]))
    run = subprocess.run([*DESK, *args], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_a_change_from_another_process_shows_within_two_seconds(new_case: Any) -> None:
    first = new_case("Router down", "--priority", "urgent")
    second = new_case("Slow line")

    async def scenario(app: LiveBoard, pilot: Pilot[None]) -> None:
        await pilot.pause(1.0)
        idle = app.reloads
        await pilot.pause(1.5)
        assert app.reloads == idle  # nothing changed: nothing read again
        await asyncio.to_thread(_desk_process, "case", "note", str(first), "from elsewhere")
        took = await until(pilot, lambda: "from elsewhere" in shown(app, "#detail"), 2.0)
        assert app.reloads == idle + 1, took
        await asyncio.to_thread(_desk_process, "case", "take", str(second), "--as", "bob")
        await until(pilot, lambda: rows(app)[str(second)][6] == "bob", 2.0)
        assert app.selected_id() == first
        await pilot.press("q")

    drive(scenario)


def test_selection_and_scroll_survive_a_refresh(
    desk: Desk, dj: Callable[..., Any], customer: str
) -> None:
    lines = "\n".join(f"case open --customer {customer} --subject 'Case {n}'" for n in range(1, 61))
    assert desk("batch", input=lines).exit_code == 0

    async def scenario(app: LiveBoard, pilot: Pilot[None]) -> None:
        table: DataTable[Any] = app.query_one("#table", DataTable)
        for _ in range(40):
            await pilot.press("j")
        await pilot.pause()
        selected, scrolled = app.selected_id(), table.scroll_y
        assert selected is not None and scrolled > 0
        before = app.reloads
        await asyncio.to_thread(_desk_process, "case", "open", "--customer", customer,
                                "--subject", "Newest")  # fmt: skip
        await until(pilot, lambda: app.reloads > before, 2.0)
        await pilot.pause()
        assert "Newest" in " ".join(cells[5] for cells in rows(app).values())
        assert app.selected_id() == selected
        assert table.scroll_y == scrolled
        await pilot.press("q")

    drive(scenario, size=(140, 24))


def test_user_text_is_inert(desk: Desk, customer: str) -> None:
    subject = "[red]x[/red] blink"
    body = "line one\n\x1b[5mblink[/]"
    args = ("case", "open", "--customer", customer, "--subject", subject, "--body", body)
    assert desk(*args).exit_code == 0
    assert desk("case", "take", "1", "--as", "[b]eve[/b]").exit_code == 0

    async def scenario(app: LiveBoard, pilot: Pilot[None]) -> None:
        cells = rows(app)["1"]
        assert cells[5] == subject
        assert cells[6] == "[b]eve[/b]"
        detail = shown(app, "#detail")
        assert subject in detail and "\\x1b[5mblink[/]" in detail
        assert "\x1b" not in detail
        await pilot.press("q")

    drive(scenario)


# -- the real command ---------------------------------------------------------------


def test_without_a_terminal_it_prints_the_board(desk: Desk, new_case: Any) -> None:
    new_case("Router down")
    result = desk("board", "--live")  # CliRunner: no terminal
    assert result.exit_code == 0, result.output
    assert result.stdout == desk("board").stdout
    assert "Router down" in result.stdout
    env = subprocess_env(Path(os.environ["DESK_DB"]))
    run = subprocess.run(
        [*DESK, "board", "--live"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and "Active cases" in run.stdout and "Router down" in run.stdout


def test_live_and_json_together_are_refused(desk: Desk) -> None:
    result = desk("board", "--live", "--json")
    assert result.exit_code == 2
    assert "desk: error: use either --live or --json, not both" in result.stderr


BLOCK_TEXTUAL = """
import sys
sys.modules["textual"] = None  # as if it were not installed
from deskcli.cli import main
sys.argv = ["desk", *sys.argv[1:]]
main()
"""


def test_missing_textual_says_how_to_install_it(new_case: Any) -> None:
    new_case()
    child = pexpect.spawn(
        sys.executable,
        ["-c", BLOCK_TEXTUAL, "board", "--live"],
        env=subprocess_env(Path(os.environ["DESK_DB"])),
        encoding="utf-8",
        timeout=60,
        dimensions=(24, 120),
        preexec_fn=default_sigint,
    )
    child.expect(pexpect.EOF)
    child.close()
    output = child.before
    assert "desk: error: desk board --live needs Textual, which is not installed" in output
    assert "pip install -e '.[live]'" in output
    assert "Traceback" not in output
    assert child.exitstatus == 2


def _tmux(socket: Path, *args: str, env: dict[str, str] | None = None) -> str:
    run = subprocess.run(
        ["tmux", "-S", str(socket), *args], capture_output=True, text=True, env=env, timeout=30
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_at_a_real_terminal_it_starts_and_quits_with_q(
    new_case: Any, tmp_path: Path, customer: str
) -> None:
    new_case("Router down", "--priority", "urgent")
    socket = tmp_path / f"tmux-{uuid.uuid4().hex[:8]}"
    env = subprocess_env(Path(os.environ["DESK_DB"]), TERM="xterm-256color")
    command = " ".join([sys.executable, "-m", "deskcli", "board", "--live"])
    shell = f'{command}; echo "EXIT $?"; sleep 60'
    _tmux(socket, "new-session", "-d", "-x", "120", "-y", "30", shell, env=env)
    try:
        deadline = time.monotonic() + 30
        screen = ""
        # The screen draws in parts: wait for the list and the key line both.
        wanted = ("Router down", "Active cases", "t Take", "q Quit")
        while not all(part in screen for part in wanted):
            assert time.monotonic() < deadline, screen
            time.sleep(0.2)
            screen = _tmux(socket, "capture-pane", "-p")
        # A change by another process shows on the real screen too.
        _desk_process("case", "take", "1", "--as", "bob")
        deadline = time.monotonic() + 5
        while "bob" not in screen:
            assert time.monotonic() < deadline, screen
            time.sleep(0.2)
            screen = _tmux(socket, "capture-pane", "-p")
        _tmux(socket, "send-keys", "q")
        deadline = time.monotonic() + 15
        while "EXIT" not in screen:
            assert time.monotonic() < deadline, screen
            time.sleep(0.2)
            screen = _tmux(socket, "capture-pane", "-p")
        assert "EXIT 0" in screen
    finally:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True, timeout=30)
