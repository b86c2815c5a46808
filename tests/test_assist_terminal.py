"""The guided five A's at a real (pseudo-)terminal: answer, interrupt, resume, finish."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import pytest

from deskcli import store
from deskcli.services import cases, customers
from tests.conftest import default_sigint, subprocess_env

# The terminal flow is the same code on every backend (the script paths in
# test_assist.py run on both); these drive it on the SQLite file.
pytestmark = pytest.mark.sqlite_only


def spawn(db: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable, ["-m", "deskcli", *args], env=subprocess_env(db),
        encoding="utf-8", timeout=60, dimensions=(50, 110), preexec_fn=default_sigint,
    )  # fmt: skip


def answer(child: pexpect.spawn, *lines: str) -> None:
    child.expect("> ")
    for line in lines:
        child.sendline(line)
    child.sendline("")


def assist_events(dj: Callable[..., Any], case_id: int) -> list[dict[str, Any]]:
    events = dj("case", "show", str(case_id))["events"]
    return [e for e in events if e["kind"] == "assist_step"]


def test_guided_flow_interrupted_and_resumed(
    db_path: Path, database: Any, dj: Callable[..., Any]
) -> None:
    db = database
    with store.writing(db) as session:
        tx = store.tx_of(session)
        customers.add_customer(tx, crn="C-7", name="Liam [bold]O'Connor[/]")
        old = cases.open_case(tx, agent="bob", customer_crn="C-7", subject="Old router")
        cases.close_cases(tx, agent="bob", ids=[old.case.id or 0], resolution="Replaced it")
        view = cases.open_case(
            tx, agent="bob", customer_crn="C-7", subject="Drops", description="Since Monday"
        )
        # Stored before subjects were checked (control characters are refused now).
        tx.execute(
            'UPDATE "case" SET subject = :subject WHERE id = :id',
            {"subject": "Drops \x1b[31mevery[/] evening", "id": view.case.id},
        )
        case_id = view.case.id

    first = spawn(db_path, "assist", str(case_id))
    first.expect("Step 1/5: Acknowledge")
    first.expect("Let the customer know you have heard them.")
    first.expect_exact("Drops \\x1b[31mevery[/] evening")  # customer text shown literally
    first.expect_exact("Liam [bold]O'Connor[/]")
    first.expect("Old router")  # the customer's history
    time.sleep(1.1)  # some handling time to measure
    answer(first, "I understand: it drops every evening.")
    first.expect("Saved.")
    first.expect("Step 2/5: Apologize")
    answer(first, "-")
    first.expect("Why is no apology needed")
    first.sendline("Nothing went wrong on our side yet")
    first.expect("Step 3/5: Answer")
    first.expect("> ")
    first.sendline("I will check the line tonight")  # typed but not finished ...
    first.sendintr()  # ... and the agent hangs up
    first.expect(pexpect.EOF)
    first.close()
    assert first.exitstatus == 130
    assert "desk assist" in (first.before or "")

    recorded = [e["data"]["step"] for e in assist_events(dj, case_id or 0)]
    assert recorded == ["acknowledge", "apologize"]

    second = spawn(db_path, "assist", str(case_id))
    second.expect("Resuming case")  # resuming says so (the done steps show once, below) ...
    second.expect("Step 3/5: Answer")  # ... and starts at the first unfinished step
    second.expect("I understand: it drops every evening.")  # earlier steps as context
    answer(second, "I will check the line tonight.", "Does it happen on wifi and cable?")
    second.expect("Step 4/5: Analyze")
    answer(second, "Faulty line card at the cabinet")
    second.expect("Step 5/5: Adjust")
    answer(second, "Added the cabinet to the watch list")
    second.expect("What happens to the case now?")
    second.expect(">")
    second.sendline("1")
    second.expect("Resolution:")
    second.sendline("Replaced the line card")
    second.expect("Root cause")
    second.sendline("")
    second.expect("All five steps are done.")
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 0

    shown = dj("case", "show", str(case_id))
    status, root_cause, resolution = shown["status"], shown["root_cause"], shown["resolution"]
    handling, first_response = shown["handling_seconds"], shown["first_response_at"]
    events = assist_events(dj, case_id or 0)
    steps = [(e["data"]["step"], e["data"]["status"], e["body"]) for e in events]
    sessions = len({e["data"]["session"] for e in events})
    assert status == "resolved" and resolution == "Replaced the line card"
    assert root_cause == "Faulty line card at the cabinet"
    assert first_response is not None
    assert handling >= 1  # at least the second we waited, and ...
    assert handling < 120  # ... not the time between the sessions
    assert [s[:2] for s in steps] == [
        ("acknowledge", "done"), ("apologize", "skipped"), ("answer", "done"),
        ("analyze", "done"), ("adjust", "done"),
    ]  # fmt: skip
    assert steps[2][2] == "I will check the line tonight.\nDoes it happen on wifi and cable?"
    assert sessions == 2


def test_guided_flow_in_spanish_and_on_a_closed_case(db_path: Path, database: Any) -> None:
    db = database
    with store.writing(db) as session:
        tx = store.tx_of(session)
        customers.add_customer(tx, crn="C-8", name="Lucía")
        case_id = cases.open_case(tx, agent="a", customer_crn="C-8", subject="Factura").case.id
    child = spawn(db_path, "--lang", "es", "assist", str(case_id))
    child.expect("Paso 1/5: Reconocimiento")
    child.expect("Informe al cliente que lo ha escuchado.")
    child.expect("> ")  # at the prompt, as a person would be
    child.sendintr()
    child.expect(pexpect.EOF)
    with store.writing(db) as session:
        tx = store.tx_of(session)
        cases.close_cases(tx, agent="a", ids=[case_id or 0], resolution="ok")
    closed = spawn(db_path, "assist", str(case_id))
    closed.expect(pexpect.EOF)
    closed.close()
    assert closed.exitstatus == 4
    assert "is closed" in (closed.before or "")


def test_ctrl_c_works_when_the_suite_runs_with_sigint_ignored(
    db_path: Path, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    # A shell without job control starts background jobs (`make test &`) with
    # SIGINT ignored, and a child inherits that: the spawned desk must get the
    # default handling back, or Ctrl-C would do nothing and the test would hang.
    import signal

    case = new_case()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        child = spawn(db_path, "assist", str(case))
    finally:
        signal.signal(signal.SIGINT, previous)
    child.expect("Step 1/5: Acknowledge")
    child.expect("> ")
    child.sendintr()
    child.expect(pexpect.EOF, timeout=15)
    child.close()
    assert child.exitstatus == 130


def test_guided_flow_context_menu_and_ctrl_d(
    db_path: Path, database: Any, dj: Callable[..., Any]
) -> None:
    db = database
    with store.writing(db) as session:
        tx = store.tx_of(session)
        customers.add_customer(tx, crn="C-9", name="Ana")
        case_id = cases.open_case(
            tx, agent="a", customer_crn="C-9", subject="No dial tone",
            description="Line dead since the storm", assignee="sam",
        ).case.id  # fmt: skip
    child = spawn(db_path, "assist", str(case_id))
    child.expect(f"Case {case_id} belongs to sam; you go on without taking it.")
    child.expect("Step 1/5: Acknowledge")
    answer(child, "I hear you: no dial tone.")
    child.expect("Step 2/5: Apologize")
    child.expect("Line dead since the storm")  # every step shows the description
    child.expect("> ")
    child.sendline("Sorry for the trouble.")
    child.expect("> ")
    child.sendeof()  # Ctrl-D after a line: the line is kept, not lost
    child.expect("what you typed is saved as this step")
    child.expect("Step 3/5: Answer")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    steps = [(e["data"]["step"], e["body"]) for e in assist_events(dj, case_id or 0)]
    assert steps == [
        ("acknowledge", "I hear you: no dial tone."),
        ("apologize", "Sorry for the trouble."),
    ]

    resumed = spawn(db_path, "assist", str(case_id))
    answer(resumed, "A technician comes tomorrow.")
    resumed.expect("Step 4/5: Analyze")
    answer(resumed, "Storm damage at the pole")
    resumed.expect("Step 5/5: Adjust")
    resumed.expect("Line dead since the storm")
    answer(resumed, "Pole on the repair list")
    resumed.expect("5\\) leave it open")
    resumed.expect("> ")
    resumed.sendline("9")
    resumed.expect("'9' is not one of the choices: type a number from 1 to 5")
    resumed.expect("> ")
    resumed.sendline("3")
    resumed.expect_exact("A duration (3d) or a date (2026-12-01):")
    resumed.sendline("soon")
    resumed.expect("'soon' is neither a duration nor a date")
    resumed.expect_exact("A duration (3d) or a date (2026-12-01):")
    resumed.sendline("2w")
    resumed.expect("All five steps are done.")
    resumed.expect(pexpect.EOF)
    resumed.close()
    output = resumed.before or ""
    assert resumed.exitstatus == 0
    shown = dj("case", "show", str(case_id))
    assert shown["assignee"] == "sam" and shown["follow_up_at"] is not None
    menu_lines = [line for line in output.splitlines() if ") " in line]
    assert all(len(line) <= 80 for line in menu_lines)


def test_resuming_shows_the_earlier_steps_once_and_enter_leaves_it_open(
    db_path: Path, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = str(new_case())
    dj("assist", case, "--step", "acknowledge", "--text", "Heard you, loud and clear.")
    child = spawn(db_path, "--lang", "es", "assist", case)
    child.expect("Paso 2/5")
    child.expect("> ")
    seen = (child.before or "").count("Heard you, loud and clear.")
    child.sendline("-")  # the prompt is already shown
    child.sendline("")
    child.sendline("nada que lamentar")
    for _ in range(3):
        answer(child, "algo")
    child.expect("dejarlo abierto")
    child.expect("> ")
    menu = child.before or ""
    child.sendline("")  # the default shown in the prompt: leave it open
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert seen == 1
    assert all(len(line) <= 80 for line in menu.splitlines())
    assert dj("case", "show", case)["status"] == "open"
