"""A closed standard input (`desk ... <&-`, as cron or a service manager may
start a command; Python then has sys.stdin None) is "not a terminal": the
state is printed, and whatever needs text on stdin is a clean exit 2."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DESK, subprocess_env


def run_closed(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # `<&-` closes descriptor 0 (stdin=DEVNULL would leave it open on /dev/null).
    return subprocess.run(
        ["sh", "-c", '"$@" <&-', "sh", *DESK, *args],
        env=subprocess_env(db), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_assist_with_stdin_closed_prints_the_state(
    db_path: Path, new_case: Callable[..., int]
) -> None:
    case = new_case()
    result = run_closed(db_path, "assist", str(case))
    assert result.returncode == 0, result.stderr
    assert "Next step: Acknowledge" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    "args",
    [
        ["assist", "{case}", "--step", "acknowledge", "--text", "-"],
        ["assist", "{case}", "--answers", "-"],
        ["case", "note", "{case}", "-"],
        ["case", "reply", "{case}", "-"],
        ["case", "open", "--customer", "C-1", "--subject", "x", "--body", "-"],
        ["case", "resolve", "{case}", "--resolution", "-"],
        ["case", "close", "--from-stdin"],
        ["import", "-"],
        ["batch"],
    ],
)
def test_reading_a_closed_stdin_is_exit_2(
    db_path: Path, new_case: Callable[..., int], args: list[str]
) -> None:
    case = new_case()
    result = run_closed(db_path, *(a.format(case=case) for a in args))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("desk: error: ") and "stdin is closed" in lines[0], lines
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [("case", "list"), ("case", "list", "--json"), ("case", "show", "1"), ("board",),
     ("assist", "1"), ("case", "list", "--help"), ("--help",)],
    ids=" ".join,
)  # fmt: skip
def test_a_reader_that_goes_away_is_not_an_error(
    db_path: Path, new_case: Callable[..., int], args: tuple[str, ...]
) -> None:
    # `desk case list | head -1`: the reader stops reading; desk's output has
    # nowhere to go, which is not a failure (exit 0, nothing on stderr).
    new_case()
    child = subprocess.Popen(
        [*DESK, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, env=subprocess_env(db_path),
    )  # fmt: skip
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    stderr = child.stderr.read()
    assert child.wait(timeout=60) == 0 and stderr == b"", stderr
