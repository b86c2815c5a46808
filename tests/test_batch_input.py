"""`desk batch`: stdin belongs to the batch, whatever its lines ask for."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import DESK, Desk, subprocess_env


def _records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_dash_inside_a_batch_is_refused_and_the_batch_goes_on(
    db_path: Path, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = new_case()
    script = (
        f"case note {case} -\n"
        f'case note {case} "x"\n'
        f"case reply {case} -\n"
        "case open -c C-1 --subject third --body -\n"
        "case close --from-stdin\n"
        "import -\n"
        f"assist {case} --answers -\n"
        "case open -c C-1 --subject fourth\n"
    )
    run = subprocess.run(
        [*DESK, "batch"], input=script.encode(), capture_output=True,
        env=subprocess_env(db_path), timeout=60,
    )  # fmt: skip
    records = _records(run.stdout.decode())
    assert [(r["line"], r["exit"]) for r in records] == [
        (1, 2), (2, 0), (3, 2), (4, 2), (5, 2), (6, 2), (7, 2), (8, 0),
    ]  # fmt: skip
    assert "stdin" in records[0]["error"]
    assert run.returncode == 2
    notes = [e["body"] for e in dj("case", "show", str(case))["events"] if e["kind"] == "note"]
    assert notes == ["x"]
    subjects = [c["subject"] for c in dj("case", "list")]
    assert sorted(subjects) == ["Charged twice", "fourth"]


def test_atomic_batch_with_a_dash_is_undone(
    desk: Desk, dj: Callable[..., Any], new_case: Callable[..., int]
) -> None:
    case = new_case()
    result = desk("batch", "--atomic", input=f'case note {case} "one"\ncase note {case} -\nx\n')
    assert result.exit_code == 2
    assert [r["line"] for r in _records(result.stdout)] == [2]
    assert not [e for e in dj("case", "show", str(case))["events"] if e["kind"] == "note"]


def test_a_leading_desk_is_accepted(desk: Desk, new_case: Callable[..., int]) -> None:
    case = new_case()
    result = desk("batch", input=f'desk case note {case} "pasted from a shell"\n')
    assert result.exit_code == 0, result.stdout
    assert _records(result.stdout)[0]["result"]["version"] == 2


def test_a_line_that_is_not_utf8_is_refused_alone(db_path: Path, desk: Desk) -> None:
    assert desk("customer", "add", "--crn", "C-1", "--name", "Ana").exit_code == 0
    script = b'case open -c C-1 --subject "caf\xe9"\ncase open -c C-1 --subject ok\n'
    run = subprocess.run(
        [*DESK, "batch"], input=script, capture_output=True, env=subprocess_env(db_path),
        timeout=60,
    )  # fmt: skip
    records = _records(run.stdout.decode())
    assert [(r["line"], r["exit"]) for r in records] == [(1, 2), (2, 0)]
    assert "UTF-8" in records[0]["error"]
    assert run.returncode == 2 and b"Traceback" not in run.stderr


def test_the_batch_agent_is_a_value_not_a_word_on_each_line(
    db_path: Path, new_case: Callable[..., int], dj: Callable[..., Any]
) -> None:
    # The batch's agent is handed to each command as a value: a line whose
    # text happens to be "--as" (after `--`) is still the batch agent's, and
    # only a real --as option on the line acts as someone else.
    case = new_case()
    script = (
        f"case note {case} --json -- --as\n"
        f"case note {case} --json -- --as=x\n"
        f"case note {case} hi --as bea\n"
    )
    for flags in ([], ["--atomic"]):
        run = subprocess.run(
            [*DESK, "--as", "kim", "batch", *flags], input=script.encode(),
            capture_output=True, env=subprocess_env(db_path), timeout=60,
        )  # fmt: skip
        assert [r["exit"] for r in _records(run.stdout.decode())] == [0, 0, 0], run.stderr
    notes = [e for e in dj("case", "show", str(case))["events"] if e["kind"] == "note"]
    assert [(e["agent"], e["body"]) for e in notes] == [
        ("kim", "--as"), ("kim", "--as=x"), ("bea", "hi"),
    ] * 2  # fmt: skip
