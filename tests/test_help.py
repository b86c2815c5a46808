"""Every command has help, and asking for help is never an error."""

from __future__ import annotations

from collections.abc import Callable

from typer.main import get_command

from deskcli.cli import app
from tests.conftest import Desk


def all_commands() -> list[list[str]]:
    root = get_command(app)
    found: list[list[str]] = []
    for name in root.list_commands(None):  # type: ignore[attr-defined]
        command = root.get_command(None, name)  # type: ignore[attr-defined]
        found.append([name])
        if hasattr(command, "list_commands"):
            found += [[name, sub] for sub in command.list_commands(None)]
    return found


def test_every_command_has_help(desk: Desk) -> None:
    commands = all_commands()
    assert ["case", "close"] in commands and ["assist"] in commands and len(commands) > 20
    for path in commands:
        result = desk(*path, "--help")
        assert result.exit_code == 0, path
        assert result.stdout.startswith("Usage: desk " + " ".join(path)), path
        description = result.stdout.split("\n\n")[1].strip()
        assert len(description) > 10, path


def test_no_arguments_shows_help(desk: Desk) -> None:
    for args in ([], ["customer"]):
        result = desk(*args)
        assert result.exit_code == 0
        assert result.stdout.startswith("Usage: desk")
        assert result.stderr == ""


def test_bare_case_lists_active_cases(desk: Desk, new_case: Callable[..., int]) -> None:
    new_case("Printer on fire")
    result = desk("case")
    assert result.exit_code == 0 and "Printer on fire" in result.stdout


def test_typos_get_a_suggestion(desk: Desk) -> None:
    result = desk("cse", "list")
    assert result.exit_code == 2 and "Did you mean 'case'?" in result.stderr
    result = desk("case", "lsit")
    assert result.exit_code == 2 and "Did you mean 'list'?" in result.stderr


def test_version(desk: Desk) -> None:
    from deskcli import __version__

    result = desk("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"desk {__version__}"
