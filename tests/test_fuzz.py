"""Fuzzing the command line: Hypothesis builds argument vectors from the real
command tree (every command, its options and arguments) with hostile values,
and no vector may end in exit 1 ("a bug") or print a traceback.

Bounded and reproducible: a fixed number of examples with `derandomize=True`
(the same vectors on every run and in CI), fewer on PostgreSQL, where each
command costs more.  DESK_FUZZ_EXAMPLES=5000 runs a longer search.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskcli.cli import app
from tests.conftest import DESK, POSTGRES, Desk, subprocess_env

# DESK_FUZZ_EXAMPLES runs more (still the same sequence for the same number).
EXAMPLES = int(os.environ.get("DESK_FUZZ_EXAMPLES") or (120 if POSTGRES else 400))

# Commands left out: `demo` builds a whole demo database (seconds per run), and
# `batch` runs command lines of its own (its own tests cover it).  `--db` is
# left out so that every vector runs on the test's database.
SKIPPED_COMMANDS = {("demo",), ("batch",)}
SKIPPED_OPTIONS = {"--db", "--help", "-h", "--version", "--install-completion",
                   "--show-completion"}  # fmt: skip
# Exit codes a hostile command line may end with: ok, usage, not found, conflict.
DOCUMENTED = {0, 2, 3, 4}


def _tree() -> list[tuple[tuple[str, ...], list[Any]]]:
    """Every runnable command path with its parameters, from the real app."""
    import typer.main

    found: list[tuple[tuple[str, ...], list[Any]]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if hasattr(command, "list_commands"):
            for name in command.list_commands(None):
                walk(command.get_command(None, name), (*path, name))
            if path:  # `desk case` alone lists cases
                found.append((path, list(command.params)))
            return
        if path not in SKIPPED_COMMANDS:
            found.append((path, list(command.params)))

    walk(typer.main.get_command(app), ())
    return found


TREE = _tree()
GLOBAL = {"--as": ["bob", "", " ", "x\udcff", "a\x00"], "--lang": ["es", "en", "zz"]}

HUGE = ["99999999999999999999", str(2**63), str(2**63 - 1), str(2**31), "1" * 5000]
NUMBERS = ["1", "2", "0", "-1", "-99999999999999999999", "1.5", "1e9", "0x10", "²", "١", " 1 "]
DURATIONS = ["3d", "0m", "1000000d", "99999999w", "36500d", "36501d", "5min", "-3d", "3x", "d"]
DATES = [
    "2026-12-01",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00+01:00",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-12-01T09:00:00+25:00",
    "1899-12-31T23:00-05:00",
]
WEIRD = [
    "",
    " ",
    "-",
    "--",
    "caf\udce9",
    "C-\udcff",
    "\ud800",
    "a\x00b",
    "\x1b[31mred",
    "line\nbreak",
    "\u202eevil",
    "[bold]x[/]",
    "%_\\",
    "Ünïcødé 😀",
    "a" * 2000,
    "C-1",
    "alice",
    "billing",
    "resolve",
    "acknowledge",
    "jsonl",
    "csv",
    "newest",
    "high",
    "resolved",
    "email",
]
VALUES = st.one_of(
    st.sampled_from(HUGE + NUMBERS + DURATIONS + DATES + WEIRD),
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


# Half the values fit the parameter (so commands get past parsing, into the
# services and the database); the other half are anything from VALUES.
PLAUSIBLE = {
    "case_id": HUGE + NUMBERS,
    "case_ids": HUGE + NUMBERS,
    "if_version": HUGE + NUMBERS,
    "limit": HUGE + NUMBERS,
    "older_than": DURATIONS,
    "in_": DURATIONS,
    "follow_up": DURATIONS,
    "on": DATES,
    "customer": ["C-1", "C-2", "C-\udcff"],
    "crn": ["C-1", "C-2", "C-\udcff"],
}


def _value(param: Any, draw: Any) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    choices = [str(c) for c in getattr(descriptor, "choices", None) or ()]
    plausible = choices or PLAUSIBLE.get(param.name, []) + ["1", "2", "x", "-"]
    return str(draw(st.one_of(st.sampled_from(plausible), VALUES)))


def _option_words(param: Any, draw: Any) -> list[str]:
    name = draw(st.sampled_from([o for o in param.opts if o not in SKIPPED_OPTIONS]))
    return [name] if param.is_flag else [name, _value(param, draw)]


@st.composite
def command_lines(draw: Any) -> list[str]:
    path, params = draw(st.sampled_from(TREE))
    words = list(path)
    options = [p for p in params if getattr(p, "opts", None) and p.param_type_name == "option"]
    options = [p for p in options if set(p.opts) - SKIPPED_OPTIONS]
    arguments = [p for p in params if p.param_type_name == "argument"]
    for _ in range(draw(st.integers(0, 4))):
        if options:
            words += _option_words(draw(st.sampled_from(options)), draw)
    for argument in arguments:
        several = argument.nargs != 1
        count = draw(st.integers(0, 2)) if several else draw(st.sampled_from([1, 1, 0]))
        words += [_value(argument, draw) for _ in range(count)]
    if draw(st.integers(0, 4)) == 0:
        flag = draw(st.sampled_from(sorted(GLOBAL)))
        words += [flag, draw(st.sampled_from(GLOBAL[flag]))]
    return words


STDIN = st.one_of(
    st.none(),
    st.sampled_from(["1\n", "²\n", "x\n", "", "caf\xe9", '{"acknowledge": "hi"}']),
    st.binary(max_size=16),
)


@pytest.fixture
def seeded(desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    """A database with a customer and cases in a few states; files a command
    writes (export --out, backup) land in the test's directory."""
    monkeypatch.chdir(tmp_path)
    for args in (
        ("customer", "add", "--crn", "C-1", "--name", "Ana"),
        ("case", "open", "-c", "C-1", "--subject", "one"),
        ("case", "open", "-c", "C-1", "--subject", "two"),
        ("case", "resolve", "2", "-r", "done"),
    ):
        assert desk(*args).exit_code == 0
    return desk


def _check(result: Any, words: list[str]) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, (words, output)
    assert result.exit_code in DOCUMENTED, (words, result.exit_code, output[-2000:])


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(words=command_lines(), stdin=STDIN)
def test_no_command_line_is_a_bug(seeded: Desk, words: list[str], stdin: Any) -> None:
    _check(seeded(*words, input=stdin), words)


BYTE_VECTORS = [
    ["case", "note", "1", b"caf\xe9"],
    ["case", "reply", "1", b"\xff\xfe"],
    ["customer", "add", "--crn", b"C-\xff", "--name", "x"],
    ["customer", "edit", "C-1", "--name", b"\xc3"],
    ["case", "list", "--search", b"\xff"],
    ["customer", "list", "--search", b"\xed\xa0\x80"],  # an encoded surrogate
    ["case", "open", "-c", "C-1", "--subject", b"\x80", "--category", b"\xff"],
    ["--as", b"\xff", "case", "take", "1"],
    ["case", "follow-up", "1", "--on", b"2026-12-01\xff"],
    ["case", "list", "--older-than", b"3\xffd"],
]


@pytest.mark.parametrize("words", BYTE_VECTORS, ids=lambda w: " ".join(map(str, w))[:40])
def test_bytes_in_argv_are_not_a_bug(db_path: Path, words: list[Any]) -> None:
    """Bytes that are not UTF-8 only reach a real process's argv."""
    env = subprocess_env(db_path)
    setup = [DESK + ["customer", "add", "--crn", "C-1", "--name", "Ana"],
             DESK + ["case", "open", "-c", "C-1", "--subject", "s"]]  # fmt: skip
    for command in setup:
        subprocess.run(command, env=env, capture_output=True, check=True, timeout=60)
    result = subprocess.run(
        [*DESK, *words], env=env, capture_output=True, timeout=60, cwd=db_path.parent
    )
    assert b"Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (words, result.returncode, result.stderr)
    assert result.stderr.startswith(b"desk: error: ") and len(result.stderr.splitlines()) <= 2
    assert os.path.exists(db_path) or POSTGRES
