"""Parsing desk's options imports no Pydantic (issue 11).

Typer coerces every non-flag value through a Pydantic TypeAdapter; desk's
parameters (cli/_group.py) coerce their plain types with the standard
library instead, in Typer's exact words.  These tests run real processes and
look at `sys.modules` after the command line is parsed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer._coercion import build_runtime_param

from deskcli.cli import app
from tests.conftest import Desk, subprocess_env

WATCHED = ("pydantic", "pydantic_core", "sqlalchemy", "sqlmodel", "alembic", "rich")

# Parses a command line down to its last command (every value coerced,
# defaults included) without running any command's body, then prints the
# watched packages that were imported.
PARSE_ONLY = f"""
import sys
import typer.main
from deskcli.cli import app
from deskcli.cli._group import hoist_global_options

command = typer.main.get_command(app)
ctx = command.make_context("desk", hoist_global_options(sys.argv[1:]))
while hasattr(command, "resolve_command") and (ctx._protected_args or ctx.args):
    name, command, rest = command.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
    ctx = command.make_context(name, rest, parent=ctx)
print(ctx.command_path, sorted(ctx.params.items(), key=str))
loaded = {{m.split(".")[0] for m in sys.modules}}
print("LOADED=" + ",".join(m for m in {WATCHED!r} if m in loaded))
"""

# The whole command line through desk's entry point (errors included).
MAIN = f"""
import sys
from deskcli.cli import main
sys.argv = ["desk"] + sys.argv[1:]
try:
    main()
except SystemExit as exc:
    sys.stderr.write("EXIT=%s\\n" % exc.code)
loaded = {{m.split(".")[0] for m in sys.modules}}
sys.stderr.write("LOADED=" + ",".join(m for m in {WATCHED!r} if m in loaded))
"""


def _run(probe: str, db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=subprocess_env(db, **env),
        stdin=subprocess.DEVNULL,
    )


EVERYDAY_READS = [
    # every filter of `desk case list`: enums (repeated), strings, a ranged int
    [
        "case", "list", "--status", "open", "-s", "pending", "--priority", "high",
        "--channel", "email", "--assignee", "bea", "--customer", "C-1", "--category",
        "billing", "--team", "billing", "--older-than", "7d", "--search", "refund",
        "--tag", "vip", "-t", "late", "--sort", "priority", "--limit", "5", "--json",
    ],
    ["--db", "x.db", "--as", "bea", "--lang", "es", "case", "list", "--mine", "--ids"],
    ["case", "list", "--unassigned", "-n", "0", "--all"],
    ["case"],
    ["case", "show", "12", "--json"],
    ["case", "show", "9223372036854775807", "--full"],
    ["board", "--json"],
    ["follow-ups", "--due", "--limit", "3", "--ids"],
    ["customer", "show", "C-1", "--limit", "5", "--json"],
    ["customer", "list", "--search", "ana", "--limit", "3"],
    ["case", "close", "1", "2", "3", "--status", "resolved", "--dry-run", "--json"],
    ["case", "take", "4", "--as", "bob", "--if-version", "2"],
]  # fmt: skip


@pytest.mark.parametrize("args", EVERYDAY_READS, ids=lambda a: " ".join(a)[:40])
def test_parsing_everyday_command_lines_imports_no_pydantic(db_path: Path, args: list[str]) -> None:
    result = _run(PARSE_ONLY, db_path, *args)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-1] == "LOADED=", (args, result.stdout)


def test_parsed_values_are_typed_as_before(db_path: Path) -> None:
    result = _run(PARSE_ONLY, db_path, *EVERYDAY_READS[0])
    parsed = result.stdout.splitlines()[0]
    assert parsed.startswith("desk case list ")
    for shown in (
        "('limit', 5)",
        "('sort', <SortKey.PRIORITY: 'priority'>)",
        "('status', [<Status.OPEN: 'open'>, <Status.PENDING: 'pending'>])",
        "('priority', [<Priority.HIGH: 'high'>])",
        "('channel', <Channel.EMAIL: 'email'>)",
        "('tag', ['vip', 'late'])",
        "('search', 'refund')",
        "('as_json', True)",
        "('ids', False)",
    ):
        assert shown in parsed, (shown, parsed)
    ids = _run(PARSE_ONLY, db_path, "case", "close", "1", "2", "3").stdout.splitlines()[0]
    assert "('case_ids', [1, 2, 3])" in ids and "('status', ())" in ids


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["case", "list", "--limit", "abc"],
            "Invalid value for '--limit' / '-n': "
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            ["case", "list", "--priority", "high", "--limit", "-1"],
            "Invalid value for '--limit' / '-n': Input should be greater than or equal to 0",
        ),
        (
            ["case", "show", "99999999999999999999"],
            "Invalid value for 'ID': Input should be less than or equal to 9223372036854775807",
        ),
        (
            ["case", "close", "5", "0"],
            "Invalid value for 'ID': Input should be greater than or equal to 1",
        ),
        (
            ["case", "list", "--sort", "priority", "--status", "open", "--status", "bogus"],
            "unknown status 'bogus'; use one of: new, open, pending, escalated, resolved, closed",
        ),
        (
            ["case", "list", "--priority", "HIGH"],
            "unknown priority 'HIGH' (did you mean 'high'?); use one of: low, normal, high, urgent",
        ),
        (
            ["case", "list", "--channel", "fax\x1b[2J"],
            "unknown channel 'fax\\x1b[2J'; use one of: phone, email, chat, social, in_person, web",
        ),
    ],
)
def test_bad_values_are_refused_in_the_same_words_without_pydantic(
    db_path: Path, args: list[str], message: str
) -> None:
    result = _run(MAIN, db_path, *args)
    lines = result.stderr.splitlines()
    assert lines[0] == f"desk: error: {message}", result.stderr
    assert lines[1].startswith("hint: see 'desk ")
    assert "EXIT=2" in lines and lines[-1] == "LOADED=", result.stderr
    assert not db_path.exists()


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--help"], {}),
        (["case", "list", "--help"], {}),
        ([], {"_DESK_COMPLETE": "complete_bash", "COMP_WORDS": "desk ca", "COMP_CWORD": "1"}),
        (
            [],
            {
                "_DESK_COMPLETE": "complete_bash",
                "COMP_WORDS": "desk case list --limit 5 --status ",
                "COMP_CWORD": "6",
            },
        ),
    ],
)
def test_help_and_completion_import_no_pydantic(
    db_path: Path, args: list[str], env: dict[str, str]
) -> None:
    result = _run(MAIN, db_path, *args, **env)
    assert "EXIT=0" in result.stderr.splitlines(), result.stderr
    assert result.stderr.endswith("LOADED="), result.stderr[-500:]
    assert result.stdout


# -- the same results and words as Typer's own (Pydantic) coercion ----------

VALUES = [
    "5", "0", "-1", "+7", "007", " 5", "5 ", "5.0", "5.5", "1_000", "1e3", "0x10", "", " ",
    "abc", "٥", "５", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
    "1" * 5000, "a" * 5000, "open", "OPEN", "Open", "high", "priority", "follow-up",
    "email", "in_person", "csv", "json", "bogus", "é", "x\x00y", "x\x1b[31m", "\udcff",
    "it's", 'say "hi"',
]  # fmt: skip


def _every_param() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []

    def walk(command: Any, path: str) -> None:
        found.extend((f"{path} {p.name}", p) for p in command.params)
        for name in getattr(command, "list_commands", lambda _ctx: [])(None):
            walk(command.get_command(None, name), f"{path} {name}")

    walk(typer.main.get_command(app), "desk")
    return found


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        result = runtime.coerce(value, param=param, ctx=ctx)
    except typer.BadParameter as exc:
        return "refused", exc.format_message()
    return type(result).__name__, result


def test_every_param_coerces_like_typer() -> None:
    """For every parameter of every command, the values a user may type give
    what Typer's own coercion gives: the same value and type, or the same
    refusal word for word."""
    params = _every_param()
    assert len(params) > 100
    compared = 0
    for where, param in params:
        desc = param.type_descriptor
        if desc.annotation is bool:
            continue  # flags: Click gives them bools, which skip coercion
        ctx = typer.Context(typer.main.get_command(app), info_name="desk")
        ours, typers = param.get_runtime_param(), build_runtime_param(desc)
        multi = param.multiple or param.nargs == -1
        for value in VALUES:
            given = (value, "open") if multi else value
            assert _outcome(ours, given, param, ctx) == _outcome(typers, given, param, ctx), (
                where,
                value,
            )
            compared += 1
        if param.default is not None:
            default = param.default
            assert _outcome(ours, default, param, ctx) == _outcome(typers, default, param, ctx)
        assert _outcome(ours, None, param, ctx) == _outcome(typers, None, param, ctx)
    assert compared > 3000


def test_values_in_unusual_shapes_still_work_as_typer_takes_them(
    dj: Callable[..., Any], desk: Desk, customer: str
) -> None:
    """What the plain coercion leaves to Typer (" 2", "1_0", "2.0") is still
    taken, on a real database, with the same cases and the same refusals."""
    for n in range(3):
        dj("case", "open", "-c", customer, "--subject", f"case {n}", "--priority", "high")
    assert [c["id"] for c in dj("case", "list", "--limit", "2.0", "--sort", "id")] == [1, 2]
    assert [c["id"] for c in dj("case", "list", "-n", " 1_0", "--sort", "id")] == [1, 2, 3]
    assert dj("case", "show", " 2 ")["id"] == 2
    closing = desk("case", "close", "1", "3.0", "--dry-run")
    assert closing.exit_code == 4 and "2 cases are not resolved (1, 3)" in closing.stderr
    refused = desk("case", "list", "--limit", "2.5")
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        "desk: error: Invalid value for '--limit' / '-n': "
        "Input should be a valid integer, unable to parse string as an integer\n"
    )
