"""`desk batch`: many commands in one process, one JSON line each."""

from __future__ import annotations

import io
import json
import shlex
import sys
from collections.abc import Iterator
from contextlib import ExitStack, redirect_stderr, redirect_stdout
from dataclasses import replace
from typing import Annotated, Any

import typer

from deskcli.cli._context import AppContext, require_stdin, state
from deskcli.cli._group import GLOBAL_OPTIONS, hoist_global_options
from deskcli.sanitize import json_text


def batch(
    ctx: typer.Context,
    atomic: Annotated[
        bool,
        typer.Option("--atomic", help="Run everything in one transaction: any failure undoes all."),
    ] = False,
) -> None:
    """Run desk commands read from stdin, one a line, in one process.

    Lines are desk commands without the leading `desk`, quoted like a shell
    (`case note 12 "called back"`); blank lines and `# comments` are skipped.
    Each command prints one JSON line: {"line": n, "exit": code, "result": ...}
    or {"line": n, "exit": code, "error": "..."}.  Commands that take --json
    run with it.  Without --atomic every command commits on its own and the
    batch goes on after a failure; it exits with the first failure's code.
    With --atomic the batch stops at the first failure, undoes everything and
    prints only that line's result.

    \b
    Example: desk case list --status resolved --ids | sed 's/^/case close /' | desk batch --atomic
    """
    from deskcli import render, store
    from deskcli.errors import InvalidValue

    require_stdin("desk batch")
    if sys.stdin.isatty():
        raise InvalidValue("desk batch reads commands from stdin", hint="desk batch < commands.txt")
    st = state(ctx)
    database = st.database()
    root = ctx.find_root().command
    first_failure = 0
    outputs: list[dict[str, Any]] = []

    def emit(record: dict[str, Any]) -> None:
        if atomic:
            outputs.append(record)
        else:
            sys.stdout.write(json_text(record) + "\n")
            sys.stdout.flush()

    try:
        with ExitStack() as scope:
            # --atomic: one write transaction for all lines; it rolls back when
            # _Undo (or anything else) leaves it, and commits otherwise.
            session = scope.enter_context(store.writing(database)) if atomic else None
            # What each command gets as its context: this database, this session
            # (with --atomic), the batch's agent and language.
            context = replace(st, session=session)
            for number, line in enumerate(_lines(sys.stdin), start=1):
                record = _run_line(root, number, line, context)
                if record is None:
                    continue
                emit(record)
                if record["exit"] != 0 and not first_failure:
                    first_failure = record["exit"]
                    if atomic:
                        raise _Undo
    except _Undo:
        pass
    if atomic:
        shown = outputs[-1:] if first_failure else outputs
        for record in shown:
            sys.stdout.write(json_text(record) + "\n")
        if first_failure:
            render.note(f"line {outputs[-1]['line']} failed; the batch was undone, nothing changed")
    if first_failure:
        raise typer.Exit(first_failure)


class _Undo(Exception):
    """Leaves the atomic batch's transaction so that it rolls back."""


def _lines(stdin: Any) -> Iterator[str | UnicodeDecodeError]:
    """The batch's lines; a line that is not UTF-8 comes as its decoding error."""
    raw = getattr(stdin, "buffer", None)
    if raw is None:  # a text stream without bytes underneath (tests, wrappers)
        yield from stdin
        return
    for line in raw:
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield exc


class _StdinOfTheBatch:
    """Stands in for stdin while a batch line runs: stdin holds the batch's own
    lines, so a `-` argument must not read (and swallow) the lines after it."""

    def isatty(self) -> bool:
        return False

    def _refuse(self, *_args: object) -> Any:
        from deskcli.errors import InvalidValue

        raise InvalidValue(
            "'-' reads stdin, which holds the batch's commands; give the text on the line"
        )

    read = readline = readlines = __iter__ = __next__ = _refuse

    @property
    def buffer(self) -> Any:
        return self._refuse()


def _run_line(
    root: Any, number: int, line: str | UnicodeDecodeError, context: AppContext
) -> dict[str, Any] | None:
    """Run one line; None for a blank line or a comment."""
    if isinstance(line, UnicodeDecodeError):
        return {"line": number, "exit": 2, "error": "the line is not valid UTF-8 text"}
    try:
        words = shlex.split(line, comments=True)
    except ValueError as exc:
        return {"line": number, "exit": 2, "error": f"cannot parse the line: {exc}"}
    if words[:1] == ["desk"]:  # pasted from a shell: `desk case note 1 hi`
        words = words[1:]
    if not words:
        return None
    if words[0] == "batch":
        return {"line": number, "exit": 2, "error": "'batch' cannot run inside desk batch"}
    if _takes_json(root, words) and not {"--json", "--ids", "-q"} & set(words):
        words.append("--json")
    out, err = io.StringIO(), io.StringIO()
    stdin, sys.stdin = sys.stdin, _StdinOfTheBatch()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = root.main(args=words, standalone_mode=False, obj=context)
    finally:
        sys.stdin = stdin
    record: dict[str, Any] = {"line": number, "exit": int(code)}
    if code == 0:
        text = out.getvalue().strip()
        record["result"] = _parse_output(text, ids={"--ids", "-q"} & set(words) != set())
    else:
        message = err.getvalue().strip().splitlines()
        first = message[0] if message else f"exit {code}"
        record["error"] = first.removeprefix("desk: error: ")
    return record


def _takes_json(root: Any, words: list[str]) -> bool:
    """Whether the command these words name has a --json option."""
    command = root
    names = hoist_global_options(words)
    while names[:1] and names[0].split("=")[0] in GLOBAL_OPTIONS:  # skip `--as bob` and the like
        names = names[1:] if "=" in names[0] else names[2:]
    for word in names:
        if word.startswith("-") or not hasattr(command, "get_command"):
            break
        found = command.get_command(None, word)
        if found is None:
            return False
        command = found
    return any("--json" in getattr(param, "opts", ()) for param in command.params)


def _parse_output(text: str, *, ids: bool) -> Any:
    """`--ids` output as a list of numbers, JSON output as data, else the text."""
    if ids:
        return [int(i) for i in text.split()]
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
