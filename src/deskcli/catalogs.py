"""Every message a person may read, for the catalogs (`make catalogs`, and
tests/test_catalogs.py which checks each catalog has them all).

Two sources: the strings marked in the code (`_("...")`, `N_("...")`,
`t("...")`, both messages of `n_("...", "...", n)`), found by Babel's
extractor; and the help texts of the command tree (docstrings, `help=`,
metavars), found by walking it, so a new command's help needs no marker.
Needs Babel (the `test` extra); never imported by a command line.

    python -m deskcli.catalogs build/deskcli.pot
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).resolve().parent
KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "t": None, "n_": (1, 2)}


def marked() -> set[str]:
    """The messages marked in the source."""
    from babel.messages.extract import extract_from_file

    found: set[str] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            # n_(singular, plural, n): both are messages of their own.
            found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def commands() -> Iterator[tuple[list[str], Any]]:
    """Every command and group of `desk`, with its path (["desk", "case", "list"])."""
    from typer.main import get_command

    from deskcli.cli import app
    from deskcli.cli._typer_private import Context

    def walk(command: Any, context: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        yield path, command
        if hasattr(command, "list_commands"):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                if sub is not None and not sub.hidden:
                    yield from walk(
                        sub, Context(sub, parent=context, info_name=name), [*path, name]
                    )

    root = get_command(app)
    yield from walk(root, Context(root, info_name="desk"), ["desk"])


def help_texts() -> set[str]:
    """What the command tree shows in its help, as cli/_group.py looks it up."""
    from deskcli.cli._group import help_key

    found: set[str] = set()
    for _path, command in commands():
        for text in (command.help, command.short_help, command.epilog):
            if text:
                found.add(help_key(text))
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            if getattr(param, "help", None):
                found.add(help_key(param.help))
            if param.metavar:
                found.add(param.metavar)
            elif param.param_type_name == "argument":
                found.add((param.name or "").upper())
    return found


def messages() -> set[str]:
    return marked() | help_texts()


def write_template(out: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    template = Catalog(project="deskcli")
    for message in sorted(messages()):
        template.add(message)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True)


if __name__ == "__main__":
    write_template(Path(sys.argv[1]))
