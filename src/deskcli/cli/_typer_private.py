"""Typer's private names desk needs, from the one place that may reach them.

Typer (0.29+) vendors Click as its private package `typer._click` and
re-exports only some of it (`typer.BadParameter`, `typer.Abort`, ...), not the
classes desk needs to map every parse failure to one line and an exit code
(ClickException, UsageError, NoArgsIsHelpError).  Nor has it a public hook for
how an option's value is coerced, which desk replaces to keep Pydantic out of
everyday commands (see _group.py).  There is no public way to name these, so
this adapter is the only module that imports Typer's private parts; if Typer
renames them, only this file changes (tests/test_no_pydantic.py pins them).
"""

from collections.abc import Callable

import typer.core
from typer._click.core import Command, Context
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer._click.utils import PacifyFlushWrapper
from typer._click.utils import _escape_control_characters as escape_control_characters
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_choice
from typer.core import _TyperParameter as TyperParameter


def translate_typer_words(translate: Callable[[str], str]) -> None:
    """Typer words its help ("Options", "[default: x]") through the standard
    library's global gettext; send those words to desk's catalogs instead."""
    typer.core._ = translate  # type: ignore[assignment,attr-defined]


__all__ = [
    "ClickException",
    "Command",
    "Context",
    "NoArgsIsHelpError",
    "PacifyFlushWrapper",
    "RuntimeParam",
    "TyperParameter",
    "TypeDescriptor",
    "UsageError",
    "build_runtime_param",
    "coerce_cli_choice",
    "escape_control_characters",
    "translate_typer_words",
]
