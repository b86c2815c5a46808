"""`desk batch`: many commands in one process, one JSON line each."""

from __future__ import annotations

import io
import json
import re
import shlex
import sys
from collections.abc import Iterator
from contextlib import ExitStack, redirect_stderr, redirect_stdout
from dataclasses import replace
from typing import Annotated, Any

import typer

from deskcli.cli._context import AppContext, require_stdin, state
from deskcli.cli._group import GLOBAL_OPTIONS, hoist_global_options, run_guarded
from deskcli.lang import _, set_language
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
    # --atomic holds its output until the end: as JSON text, a tenth of the
    # memory the parsed records would take over thousands of lines.
    outputs: list[str] = []
    last_line = 0

    def emit(record: dict[str, Any]) -> None:
        nonlocal last_line
        last_line = record["line"]
        if atomic:
            outputs.append(json_text(record))
        else:
            sys.stdout.write(json_text(record) + "\n")
            sys.stdout.flush()

    try:
        with ExitStack() as scope:
            # --atomic: one write transaction for all lines; it rolls back when
            # _Undo (or anything else) leaves it, and commits otherwise.
            session = scope.enter_context(store.writing(database)) if atomic else None
            if not atomic:  # each line its own transaction, all on one connection
                scope.enter_context(store.one_connection(database))
            # What each command gets as its context: this database, this session
            # (with --atomic), the batch's agent and language.
            context = replace(st, session=session)
            scope.enter_context(render.compact_json())  # read back by _parse_output
            runner = _Runner(root, context)
            for number, line in enumerate(_lines(sys.stdin), start=1):
                record = runner.run_line(number, line)
                set_language(st.lang)  # a line's own --lang is for that line only
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
        for text in shown:
            sys.stdout.write(text + "\n")
        if first_failure:
            undone = _("line {line} failed; the batch was undone, nothing changed")
            render.note(undone.format(line=last_line))
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


class _Runner:
    """Runs the batch's lines.  Each line is split once and its command found
    once (cached by its words); a line without global options then runs its
    command under contexts made once for the whole batch, not under a new
    `desk` and group context parsed per line.  The root and group callbacks
    skipped that way do nothing for a line naming a command: the root's
    (language, agent, database) ran once when the batch started."""

    def __init__(self, root: Any, context: AppContext) -> None:
        self.root = root
        self.context = context
        self.contexts: dict[tuple[str, ...], Any] = {}
        self.commands: dict[tuple[str, ...], tuple[Any, int, bool] | None] = {}

    def run_line(self, number: int, line: str | UnicodeDecodeError) -> dict[str, Any] | None:
        """Run one line; None for a blank line or a comment."""
        if isinstance(line, UnicodeDecodeError):
            return {"line": number, "exit": 2, "error": "the line is not valid UTF-8 text"}
        try:
            words = _split(line)
        except ValueError as exc:
            return {"line": number, "exit": 2, "error": f"cannot parse the line: {exc}"}
        if words[:1] == ["desk"]:  # pasted from a shell: `desk case note 1 hi`
            words = words[1:]
        if not words:
            return None
        if words[0] == "batch":
            return {"line": number, "exit": 2, "error": "'batch' cannot run inside desk batch"}
        found = None if _names_global_option(words) else self._command(words)
        takes_json = found[2] if found is not None else _takes_json(self.root, words)
        ids = not {"--ids", "-q"}.isdisjoint(words)
        if takes_json and not ids and "--json" not in words:
            words.append("--json")
        out, err = io.StringIO(), io.StringIO()
        stdin, sys.stdin = sys.stdin, _StdinOfTheBatch()
        # A line's output is JSON, its error included: English in every
        # language, like all JSON (a line's own --lang still wins).
        set_language("en")
        try:
            with redirect_stdout(out), redirect_stderr(err):
                if found is None:  # global options on the line: the whole command line
                    args = ["--lang", "en", *words]
                    code = self.root.main(args=args, standalone_mode=False, obj=self.context)
                else:
                    command, depth, _json = found
                    code = run_guarded(lambda: self._invoke(command, words[:depth], words[depth:]))
        finally:
            sys.stdin = stdin
        record: dict[str, Any] = {"line": number, "exit": int(code)}
        if code == 0:
            record["result"] = _parse_output(out.getvalue().strip(), ids=ids)
        else:
            message = err.getvalue().strip().splitlines()
            first = message[0] if message else f"exit {code}"
            record["error"] = first.removeprefix("desk: error: ")
        return record

    def _command(self, words: list[str]) -> tuple[Any, int, bool] | None:
        """(the command the leading words name, how many words name it,
        whether it takes --json); None when they name no runnable command
        (the whole command line then says why, as `desk` would)."""
        path = []
        for word in words:
            if word.startswith("-"):
                break
            path.append(word)
            key = tuple(path)
            if key not in self.commands:
                self.commands[key] = self._find(key)
            found = self.commands[key]
            if found is None or not hasattr(found[0], "get_command"):
                return found
        return None  # a group without a command: its help or its default

    def _find(self, path: tuple[str, ...]) -> tuple[Any, int, bool] | None:
        parent = self.commands.get(path[:-1]) if len(path) > 1 else (self.root, 0, False)
        if parent is None or not hasattr(parent[0], "get_command"):
            return None
        command = parent[0].get_command(None, path[-1])
        if command is None:
            return None
        return command, len(path), _has_json_option(command)

    def _parent(self, path: tuple[str, ...]) -> Any:
        """The context of the group `path` names, made once, with the batch's
        AppContext as its root's object."""
        if path not in self.contexts:
            # Made, not parsed: the groups' options were the batch's own (root)
            # or there are none, and a group parses no arguments here.
            if not path:
                group, name, extra = self.root, "desk", {"obj": self.context}
            else:
                found = self.commands[path]
                assert found is not None
                group, name, extra = found[0], path[-1], {"parent": self._parent(path[:-1])}
            settings = {**group.context_settings, **extra}
            self.contexts[path] = group.context_class(group, info_name=name, **settings)
        return self.contexts[path]

    def _invoke(self, command: Any, path: list[str], args: list[str]) -> Any:
        """Parse and run one command as `desk` would (DeskGroup.invoke, then
        Typer's main without standalone mode): the same exit codes."""
        from deskcli.errors import Interrupted

        parent = self._parent(tuple(path[:-1]))
        try:
            with command.make_context(path[-1], args, parent=parent) as ctx:
                try:
                    return command.invoke(ctx)
                except KeyboardInterrupt:
                    raise Interrupted.in_a_command() from None
        except EOFError as exc:
            sys.stderr.write("\n")
            raise typer.Abort() from exc
        except KeyboardInterrupt:  # while parsing
            return 130
        except typer.Exit as exc:  # --help, or a command's own exit code
            return exc.exit_code


# shlex.split (whitespace_split, POSIX) splits on these four characters only;
# a line without escapes or comments (`case take 12`, `case note 12 "called
# back"`) splits the same way by regular expressions, at a fraction of shlex's
# cost: a word is a run of unquoted text and quoted strings, whose quotes go.
_SHLEX_SPACE = " \t\r\n"
_SHLEX_WORD = re.compile(r"[^ \t\r\n]+")
_QUOTED_WORD = re.compile(r"""(?:[^ \t\r\n"']+|"[^"]*"|'[^']*')+""")
_WORD_PART = re.compile(r""""([^"]*)"|'([^']*)'|([^"']+)""")


def _split(line: str) -> list[str]:
    """The line's words, as shlex.split(line, comments=True) gives them."""
    if "\\" in line or "#" in line:
        return shlex.split(line, comments=True)
    if '"' not in line and "'" not in line:
        return _SHLEX_WORD.findall(line)
    words, end = [], 0
    for word in _QUOTED_WORD.finditer(line):
        if line[end : word.start()].strip(_SHLEX_SPACE):
            return shlex.split(line, comments=True)  # a quote left open: shlex says so
        words.append("".join("".join(part) for part in _WORD_PART.findall(word.group())))
        end = word.end()
    if line[end:].strip(_SHLEX_SPACE):
        return shlex.split(line, comments=True)
    return words


def _names_global_option(words: list[str]) -> bool:
    """Whether the line gives --as, --db or --lang (before any `--`)."""
    for word in words:
        if word == "--":
            return False
        if word.split("=", 1)[0] in GLOBAL_OPTIONS:
            return True
    return False


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
    return _has_json_option(command)


def _has_json_option(command: Any) -> bool:
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
