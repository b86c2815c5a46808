"""What a person at a real terminal sees (a pseudo-terminal via pexpect)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pexpect

from deskcli import store
from deskcli.services import cases, customers
from tests.conftest import default_sigint, subprocess_env


def test_long_bulk_close_shows_progress_on_a_terminal(db_path: Path, database: Any) -> None:
    db = database
    with store.writing(db) as session:
        tx = store.tx_of(session)
        customers.add_customer(tx, crn="C-1", name="Ana")
        for i in range(2100):
            case_id = cases.open_case(tx, agent="seed", customer_crn="C-1", subject=f"s{i}").case.id
            cases.resolve(tx, agent="seed", case_id=case_id or 0, resolution="fixed")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "deskcli", "case", "close", "--status", "resolved"],
        env=subprocess_env(db_path),
        encoding="utf-8",
        timeout=120,
        dimensions=(24, 100),
        preexec_fn=default_sigint,
    )
    child.expect("Closed 2100 case")
    output = child.before
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Closing" in output  # the progress bar was drawn (then cleared)


def test_terminal_output_is_styled_but_user_text_stays_literal(
    db_path: Path, database: Any
) -> None:
    db = database
    with store.writing(db) as session:
        tx = store.tx_of(session)
        customers.add_customer(tx, crn="C-1", name="Ana")
        view = cases.open_case(tx, agent="a", customer_crn="C-1", subject="x")
        # Stored before subjects were checked (control characters are refused now).
        tx.execute(
            'UPDATE "case" SET subject = :subject WHERE id = :id',
            {"subject": "[red]x[/] \x1b[5mblink", "id": view.case.id},
        )
    env = subprocess_env(db_path)
    env.pop("NO_COLOR")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "deskcli", "case", "list"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(24, 120),
        preexec_fn=default_sigint,
    )
    child.expect(pexpect.EOF)
    output = child.before
    assert "[red]x[/] \\x1b[5mblink" in output
    assert "\x1b[5m" not in output
