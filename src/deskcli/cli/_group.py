"""Errors to exit codes, in one place (like httpie's core.raw_main ladder).

Every failure reaches the user as one line on stderr, `desk: error: ...`,
plus an optional `hint: ...` line, and a documented exit code.  Tracebacks
only with DESK_DEBUG=1.
"""

from __future__ import annotations

import ast
import inspect
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any, get_args

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from deskcli.cli._typer_private import (
    Command,
    RuntimeParam,
    TypeDescriptor,
    TyperParameter,
    build_runtime_param,
    coerce_cli_choice,
    escape_control_characters,
    translate_typer_words,
)
from deskcli.errors import DeskError, ExitCode, Interrupted, unknown_choice
from deskcli.lang import N_, _, detect, language, set_language
from deskcli.sanitize import one_line

translate_typer_words(_)  # "Options", "Arguments", "[default: ...]", "[required]"


def print_error(message: str, hint: str | None = None) -> None:
    # One line each, whatever they echo: a value holding a newline must not
    # be able to print a second, forged "desk: error:" line.
    sys.stderr.write(_("desk: error: {message}").format(message=one_line(message)) + "\n")
    if hint:
        sys.stderr.write(_("hint: {hint}").format(hint=one_line(hint)) + "\n")
    sys.stderr.flush()


# -- what people read of the command tree, in their language -------------------
#
# Help texts (docstrings, `help=`) stay English in the source and are
# translated here, when shown, so a command module is the same object in any
# language; deskcli/catalogs.py extracts them from the command tree.  The
# words Typer and its Click put around them are these (Typer's own
# `_("Options")` calls go through `_` too, above).
FRAMEWORK_WORDS = (
    N_("Usage: "),
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("Commands"),
    N_("Options"),
    N_("Arguments"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Show this message and exit."),
    N_("TEXT"),
    N_("INTEGER"),
    N_("BOOLEAN"),
    N_("FLOAT"),
    N_("PATH"),
    N_("FILENAME"),
)


def help_key(text: str) -> str:
    """The catalog's message for a help text: as Click shows it (dedented)."""
    return inspect.cleandoc(text)


def shown(text: str | None) -> str | None:
    """A help text (or metavar) in the reader's language."""
    return _(help_key(text)) if text else text


@contextmanager
def _in_language(obj: Any, *names: str) -> Iterator[None]:
    """Show `obj`'s help attributes translated while Click formats them."""
    saved = {name: getattr(obj, name, None) for name in names}
    for name, value in saved.items():
        setattr(obj, name, shown(value))
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(obj, name, value)


# Global options that take a value; they may also be given after the command
# (`desk case take 12 --as bob`), as agents naturally type them.
GLOBAL_OPTIONS = ("--db", "--as", "--lang")


def hoist_global_options(args: Sequence[str]) -> list[str]:
    """Move global options found after the command name to the front."""
    front: list[str] = []
    rest: list[str] = []
    items = list(args)
    i = 0
    while i < len(items):
        arg = items[i]
        if arg == "--":
            rest.extend(items[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and rest:
            if "=" in arg:
                front.append(arg)
            elif i + 1 < len(items):
                front.extend(items[i : i + 2])
                i += 1
            else:
                rest.append(arg)  # let the parser report the missing value
        else:
            rest.append(arg)
        i += 1
    return front + rest


# -- values without Pydantic --------------------------------------------------
#
# Typer coerces every value that is not a flag through a Pydantic TypeAdapter,
# even an unset one: importing pydantic and building the adapters cost ~65 ms
# a command line (`desk case list` with five options: 140 ms to parse, 74 ms
# without), a fifth of the stack's import floor (issue 11).  desk's values are
# strings, integers (with a range), enums, flags and lists of those: they are
# coerced here with the standard library, in Typer's exact words.  A value in
# an unusual shape (" 5", "5.0", "1_000", a huge number) goes to Typer's own
# coercion, so what it accepts and how it refuses stay Typer's; so does any
# other type.  Typer has no public hook for this: the private names imported
# above are pinned by tests/test_no_pydantic.py, which also compares both
# coercions on every parameter of every command.

_PLAIN_INT = re.compile(r"[+-]?[0-9]{1,4000}")
_NOT_AN_INT = "Input should be a valid integer, unable to parse string as an integer"


class _Unusual(Exception):
    """A value this module leaves to Typer's coercion."""


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """Typer's coercion of a str, int, enum or flag (or a list of them), without Pydantic."""

    leaf: type
    is_list: bool
    choices: tuple[Any, ...]  # an enum's members, else ()

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            if self.is_list:
                items = value if isinstance(value, list | tuple) else [value]
                return [self._coerce_one(item, ctx) for item in items]
            return self._coerce_one(value, ctx)
        except _Unusual:
            typers = build_runtime_param(param.type_descriptor)
            return typers._coerce_value(value, param=param, ctx=ctx)
        except ValueError as exc:
            raise typer.BadParameter(
                escape_control_characters(str(exc)), ctx=ctx, param=param
            ) from None

    def _coerce_one(self, value: Any, ctx: Any) -> Any:
        if self.leaf in (str, bool):
            if isinstance(value, self.leaf):
                return value
            raise _Unusual  # a flag's value from anywhere but Click's parser, bytes
        if self.leaf is int:
            return self._integer(value)
        try:
            return coerce_cli_choice(
                value,
                choices=self.choices,
                case_sensitive=self.parameter_info.case_sensitive,
                ctx=ctx,
            )
        except ValueError as exc:
            raise ValueError(f"Value error, {exc}") from None  # as Pydantic words it

    def _integer(self, value: Any) -> int:
        if isinstance(value, str) and _PLAIN_INT.fullmatch(value):
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _hopeless_int(value):
            raise ValueError(_NOT_AN_INT)
        else:
            raise _Unusual
        low, high = self.parameter_info.min, self.parameter_info.max
        if low is not None and number < low:
            raise ValueError(f"Input should be greater than or equal to {low}")
        if high is not None and number > high:
            raise ValueError(f"Input should be less than or equal to {high}")
        return number


def _hopeless_int(text: str) -> bool:
    """No digit of any script, short and valid UTF-8: no parser takes it as a
    number (Pydantic words a long one, or one it cannot decode, otherwise)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return len(text) <= 1000 and not any(map(str.isdigit, text))


def plain_runtime_param(described: TypeDescriptor) -> RuntimeParam:
    """The coercion of a parameter: the plain one above when its type allows."""
    info = described.parameter_info
    leaf = get_args(described.annotation)[0] if described.is_list else described.annotation
    plain = (
        described.file_annotation is None
        and not described.is_path
        and info.parser is None
        and isinstance(leaf, type)
        and (
            leaf in (str, bool)
            or issubclass(leaf, Enum)
            or (
                leaf is int
                and not info.clamp
                and all(type(bound) is int for bound in (info.min, info.max) if bound is not None)
            )
        )
    )
    if not plain:
        return build_runtime_param(described)
    return PlainRuntimeParam(
        annotation=described.annotation,
        parameter_info=info,
        leaf=leaf,
        is_list=described.is_list,
        choices=tuple(leaf) if issubclass(leaf, Enum) else (),
    )


class _PlainValues(TyperParameter):
    def get_runtime_param(self) -> RuntimeParam:
        if self._runtime_param is None:
            self._runtime_param = plain_runtime_param(self.type_descriptor)
        return self._runtime_param


# -- help that says what a value means -------------------------------------------


class MeaningArgument(_PlainValues, TyperArgument):
    """An argument whose help says what it is (`ID`, `TEXT`), where Typer would
    add its type and range (`{ID}`, `ID <int range> [1<=x<=...]`); its value
    is coerced without Pydantic (above)."""

    def _usage_display_name(self) -> str:
        name = _(self.metavar or (self.name or "").upper())
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def _rich_display_name(self) -> str:
        return _(self.metavar or (self.name or "").upper())

    def display_type_rich(self, ctx: Any) -> str | None:  # noqa: ARG002 - Click passes it
        return None

    def get_help_record(self, ctx: Any) -> Any:
        with _in_language(self, "help"):
            return super().get_help_record(ctx)

    def _get_number_range_help_str(self) -> str | None:
        return None


class MeaningOption(_PlainValues, TyperOption):
    """An option whose help says what its value is: a number without a metavar
    is `N`, and no range is printed (out of range is still exit 2, saying it);
    its value is coerced without Pydantic (above)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        described = self.type_descriptor
        if self.metavar is None and (described.is_ranged or described.annotation is int):
            return "N"
        shown_type = super().display_type_rich(ctx)
        return _(shown_type) if shown_type else shown_type

    def get_help_record(self, ctx: Any) -> Any:
        with _in_language(self, "help"):
            return super().get_help_record(ctx)

    def _get_number_range_help_str(self) -> str | None:
        return None


def _mean(param: Any) -> None:
    if type(param) is TyperArgument:
        param.__class__ = MeaningArgument
    elif type(param) is TyperOption:
        param.__class__ = MeaningOption


class _MeaningParams(Command):
    """Also the parameters Typer adds late (--help, --install-completion) get
    the help and the coercion above: even their unset value would otherwise
    build a Pydantic adapter."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        for param in params:
            _mean(param)
        return params

    # What a person reads, in their language (see FRAMEWORK_WORDS above).
    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = [_(piece) for piece in self.collect_usage_pieces(ctx)]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        with _in_language(self, "help"):
            super().format_help_text(ctx, formatter)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        with _in_language(self, "epilog"):
            super().format_epilog(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _in_language(self, "help", "short_help"):
            return str(super().get_short_help_str(limit))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option


class MeaningCommand(_MeaningParams, TyperCommand):
    pass


class MeaningGroup(_MeaningParams, TyperGroup):
    pass


def plain_help(command: Any) -> Any:
    """Give `command`'s parameters (and, for a group, its commands') the help
    and the coercion above."""
    if type(command) is TyperCommand:
        command.__class__ = MeaningCommand
    elif type(command) is TyperGroup:
        command.__class__ = MeaningGroup
    for param in getattr(command, "params", ()):
        _mean(param)
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
    return command


class LazyGroup(_MeaningParams, TyperGroup):
    """A group that builds each command only when it is used: Typer's cost of
    turning a function into a command (~1.5 ms each) is paid for one command,
    not for all of them."""

    # name -> "module:attribute", a Typer app (a group) or a command function;
    # a bare "attribute" is in the module that defines the group.
    lazy_commands: dict[str, str] = {}

    def list_commands(self, _ctx: Any) -> list[str]:
        return list(self.lazy_commands)

    def get_command(self, _ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            target = self.lazy_commands[cmd_name]
            if ":" not in target:
                target = f"{type(self).__module__}:{target}"
            self.commands[cmd_name] = _load_command(cmd_name, target)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # Click cuts each command's description to what fits beside its name
        # ("answer,..."); show the whole first sentence and let it wrap.
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from difflib import get_close_matches

        from deskcli.cli._typer_private import UsageError

        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            matches = get_close_matches(args[0], list(self.lazy_commands)) if args else []
            if matches and "Did you mean" not in exc.message:
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {matches[0]!r}?"
            raise


class DeskGroup(LazyGroup):
    """The root group; also maps every error to one line and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        # Typer turns Ctrl-C into a silent exit 130; say what it means instead.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted.in_a_command() from None

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if args is None:
            args = sys.argv[1:]
        # Help texts and parse errors are shown before the root callback
        # reads --lang: the language is known from the raw command line.
        set_language(detect(args))
        code = run_guarded(
            lambda: super(DeskGroup, self).main(
                args=hoist_global_options(args),
                prog_name=prog_name or "desk",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        )
        if standalone_mode:
            sys.exit(code)
        return code


def _load_command(name: str, target: str) -> Any:
    from importlib import import_module

    from typer.main import get_command

    module_name, attribute = target.split(":")
    obj = getattr(import_module(module_name), attribute)
    if not isinstance(obj, typer.Typer):
        single = typer.Typer(rich_markup_mode=None, add_completion=False)
        single.command(name)(obj)
        obj = single
    command = plain_help(get_command(obj))
    command.name = name
    return command


def run_guarded(call: Any) -> int:
    """Run the command line; return the exit code after reporting any error."""
    from deskcli.cli._typer_private import (
        ClickException,
        NoArgsIsHelpError,
        PacifyFlushWrapper,
        UsageError,
    )

    try:
        result = call()
        return result if isinstance(result, int) else ExitCode.OK
    except DeskError as exc:
        if os.environ.get("DESK_DEBUG") == "1":
            raise
        exc.localize(_)
        print_error(exc.message, exc.hint)
        return int(exc.exit_code)
    except NoArgsIsHelpError as exc:
        # `desk` or `desk customer` alone: the help, as asked for, not an error.
        if exc.ctx is not None:
            sys.stdout.write(exc.ctx.get_help() + "\n")
        return int(ExitCode.OK)
    except UsageError as exc:
        hint = None
        if exc.ctx is not None:
            hint = _("see '{command} --help'").format(command=exc.ctx.command_path)
        print_error(_choice_message(exc) or click_words(_first_line(exc.format_message())), hint)
        return int(ExitCode.USAGE)
    except ClickException as exc:
        print_error(click_words(_first_line(exc.format_message())))
        return exc.exit_code
    except typer.Abort:
        print_error(_("aborted"))
        return 130
    except KeyboardInterrupt:  # outside a command (while parsing)
        print_error(_("interrupted"))
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (`desk case list | head`): not an error.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
        return int(ExitCode.OK)
    except SystemExit:
        # Click turns that same closed pipe into exit 1, once it has wrapped
        # stdout so that the final flush stays quiet.
        if isinstance(sys.stdout, PacifyFlushWrapper):
            return int(ExitCode.OK)
        raise
    except Exception as exc:
        if os.environ.get("DESK_DEBUG") == "1":
            raise
        print_error(
            _("unexpected error: {error}").format(error=f"{type(exc).__name__}: {exc}"),
            _("this is a bug; DESK_DEBUG=1 shows the traceback"),
        )
        return int(ExitCode.UNEXPECTED)


# How Typer words a value outside an enum's choices (with pydantic's prefix).
_NOT_ONE_OF = re.compile(r"^(?:Value error, )?('(?:[^'\\]|\\.)*') is not one of (.*)\.$")


def _choice_message(exc: Exception) -> str | None:
    """Every choice option's refusal in desk's words (errors.unknown_choice),
    in one place instead of per option; None for other usage errors."""
    param = getattr(exc, "param", None)
    found = _NOT_ONE_OF.match(str(getattr(exc, "message", "")))
    if param is None or found is None:
        return None
    try:
        value = ast.literal_eval(found.group(1))
        choices = ast.literal_eval(f"[{found.group(2)}]")
    except (SyntaxError, ValueError):
        return None
    # The option's own word (--format), not the function's parameter name.
    names = [*getattr(param, "opts", ()), param.name or "value"]
    what = max(names, key=len).lstrip("-").replace("_", " ").replace("-", " ")
    return unknown_choice(what, str(value), [str(c) for c in choices])


# Typer's Click words its parse errors in English f-strings, with no catalog:
# each shape is matched here and said again through desk's catalogs.
_CLICK_SHAPES = (
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)",
        N_("no such option: {name} (possible options: {options})"),
    ),
    (r"No such option: (?P<name>\S+)", N_("no such option: {name}")),
    (r"Missing option '(?P<name>[^']+)'\.", N_("missing option '{name}'")),
    (r"Missing argument '(?P<name>[^']+)'\.", N_("missing argument '{name}'")),
    (r"Missing parameter: (?P<name>.+)", N_("missing parameter: {name}")),
    (
        r"Got unexpected extra arguments? \((?P<args>.*)\)",
        N_("unexpected extra arguments ({args})"),
    ),
    (r"Option '(?P<name>[^']+)' requires an argument\.", N_("option '{name}' needs a value")),
    (
        r"Option '(?P<name>[^']+)' requires (?P<n>\d+) arguments\.",
        N_("option '{name}' needs {n} values"),
    ),
    (r"Option '(?P<name>[^']+)' does not take a value\.", N_("option '{name}' takes no value")),
    (
        r"No such command '(?P<name>[^']+)'\. Did you mean '(?P<close>[^']+)'\?",
        N_("no such command '{name}'; did you mean '{close}'?"),
    ),
    (r"No such command '(?P<name>[^']+)'\.", N_("no such command '{name}'")),
    (r"Missing command\.", N_("missing command")),
    (
        r"Invalid value for (?P<name>.+?): (?P<reason>.*)",
        N_("invalid value for {name}: {reason}"),
    ),
    (r"Invalid value: (?P<reason>.*)", N_("invalid value: {reason}")),
    (r"Input should be a valid integer.*", N_("it must be a whole number")),
    (r"Input should be greater than or equal to (?P<low>\S+)", N_("it must be {low} or more")),
    (r"Input should be less than or equal to (?P<high>\S+)", N_("it must be {high} or less")),
)


def click_words(message: str) -> str:
    """A parse error of Typer's Click in the reader's language (in English,
    Typer's own words, as scripts and tests know them)."""
    if language() == "en":
        return message
    for pattern, template in _CLICK_SHAPES:
        found = re.fullmatch(pattern, message.strip())
        if found:
            parts = {
                key: click_words(value) if key == "reason" else value
                for key, value in found.groupdict().items()
            }
            return _(template).format(**parts)
    return message


def _first_line(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return " ".join(lines) if lines else "invalid usage"
