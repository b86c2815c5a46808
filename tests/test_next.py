"""`desk next`: the most urgent case nobody owns, taken through `desk case
take`'s service; `--peek` changes nothing; eight agents at once get eight
different cases, on both backends."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.conftest import POSTGRES, Desk, subprocess_env

Json = Callable[..., Any]
DAY = "2026-03-02"


def at(hour: int, minute: int = 0) -> dict[str, str]:
    return {"DESK_NOW": f"{DAY}T{hour:02d}:{minute:02d}:00+00:00"}


def set_due(sql: Callable[..., Any], case_id: int, hhmm: str) -> None:
    """The case's earliest running due time, as the write path's clocks store
    it (stated here so the order under test does not hang on the policies)."""
    text = f"{DAY} {hhmm}:00"
    value: Any = datetime.fromisoformat(text) if POSTGRES else text + ".000000"
    sql('UPDATE "case" SET due_at = :due WHERE id = :case_id', due=value, case_id=case_id)


def clear_due(sql: Callable[..., Any]) -> None:
    sql('UPDATE "case" SET due_at = NULL')


def opened(dj: Json, customer: str, subject: str, priority: str, hour: int, *extra: str) -> int:
    found = dj("case", "open", "-c", customer, "--subject", subject, "--priority", priority,
               *extra, env=at(hour))  # fmt: skip
    return int(found["id"])


def test_next_takes_the_earliest_due_then_priority_then_age(
    desk: Desk, dj: Json, customer: str, sql: Callable[..., Any]
) -> None:
    ids = {
        "low due 10:00": opened(dj, customer, "a", "low", 6),
        "normal due 09:00, newer": opened(dj, customer, "b", "normal", 7),
        "urgent due 09:00": opened(dj, customer, "c", "urgent", 7),
        "urgent, no due": opened(dj, customer, "d", "urgent", 7),
        "high, no due, newer": opened(dj, customer, "e", "high", 7),
        "high, no due, older": opened(dj, customer, "f", "high", 5),
        "owned, due first": opened(dj, customer, "g", "urgent", 5, "--assign", "bob"),
        "resolved, due first": opened(dj, customer, "h", "urgent", 5),
        "normal due 09:00, older": opened(dj, customer, "i", "normal", 6),
    }
    dj("case", "resolve", str(ids["resolved, due first"]), "--resolution", "done")
    clear_due(sql)  # whatever clocks the write path keeps: the due times below
    for name, hhmm in [
        ("low due 10:00", "10:00"),
        ("normal due 09:00, newer", "09:00"),
        ("urgent due 09:00", "09:00"),
        ("owned, due first", "07:00"),
        ("resolved, due first", "07:00"),
        ("normal due 09:00, older", "09:00"),
    ]:
        set_due(sql, ids[name], hhmm)
    peeked = dj("next", "--peek")
    assert peeked["id"] == ids["urgent due 09:00"] and peeked["assignee"] is None
    assert peeked["version"] == 1  # nothing changed
    assert dj("next", "--peek")["id"] == peeked["id"]
    human = desk("next", "--peek")
    assert human.exit_code == 0 and f"case {peeked['id']}" in human.stdout
    assert "not taken" in human.stdout and dj("case", "show", str(peeked["id"]))["version"] == 1
    order = [
        "urgent due 09:00",
        "normal due 09:00, older",
        "normal due 09:00, newer",
        "low due 10:00",
        "urgent, no due",
        "high, no due, older",
        "high, no due, newer",
    ]
    taken = [dj("next")["id"] for _ in order]
    assert taken == [ids[name] for name in order]
    for case_id in taken:
        case = dj("case", "show", str(case_id))
        assert case["assignee"] == "alice" and case["status"] == "open"
    nothing = desk("next")
    assert nothing.exit_code == 3 and nothing.stdout == ""
    assert nothing.stderr.startswith("desk: error: no case is waiting")
    assert len(nothing.stderr.splitlines()) == 1
    peek_nothing = desk("next", "--peek", "--json")
    assert peek_nothing.exit_code == 3 and peek_nothing.stdout == ""


def test_next_takes_as_desk_case_take_does(
    desk: Desk, dj: Json, new_case: Callable[..., int]
) -> None:
    first, second = new_case("one"), new_case("two")
    took = dj("case", "take", str(first))
    nexted = dj("next")
    assert nexted["id"] == second
    assert (nexted["assignee"], nexted["status"], nexted["version"]) == (
        took["assignee"],
        took["status"],
        took["version"],
    )
    events = [dj("case", "show", str(i))["events"][-1] for i in (first, second)]
    assert [(e["kind"], e["agent"], e["body"], e["data"]) for e in events] == [
        ("assigned", "alice", "alice", {"from": None, "to": "alice", "status": "open"})
    ] * 2
    shown = desk("next")
    assert shown.exit_code == 3


def test_next_by_team(desk: Desk, dj: Json, new_case: Callable[..., int]) -> None:
    plain, billed = new_case("plain"), new_case("billed")
    dj("case", "escalate", str(billed), "--to", "Billing", "--reason", "refund")
    assert dj("next", "--team", "billing", "--peek")["id"] == billed  # any case of the name
    other = desk("next", "--team", "shipping")
    assert other.exit_code == 3 and "in team shipping" in other.stderr
    assert len(other.stderr.splitlines()) == 1
    case = dj("next", "--team", "BILLING", "--as", "bea")
    assert (case["id"], case["assignee"], case["status"]) == (billed, "bea", "escalated")
    assert dj("next")["id"] == plain


GO = """
import os, sys, time
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.002)
from deskcli.cli import main
sys.argv = ["desk", "next", "--json"]
main()
"""


def test_eight_agents_at_once_get_eight_different_cases(
    db_path: Path, dj: Json, new_case: Callable[..., int], tmp_path: Path
) -> None:
    for n in range(8):
        new_case(f"case {n}", "--priority", ("urgent", "high")[n % 2])
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", GO, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=subprocess_env(db_path, DESK_AGENT=f"agent{n}", DESK_BUSY_TIMEOUT="60"),
        )
        for n in range(8)
    ]
    time.sleep(1.5)  # every process has started and waits at the line
    go.write_text("go")
    got: dict[str, int] = {}
    for n, proc in enumerate(procs):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        got[f"agent{n}"] = json.loads(out)["id"]
    assert sorted(got.values()) == list(range(1, 9))
    for agent, case_id in got.items():
        case = dj("case", "show", str(case_id))
        assert case["assignee"] == agent
        assert [e["agent"] for e in case["events"] if e["kind"] == "assigned"] == [agent]
