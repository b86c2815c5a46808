"""Imports run one way: cli -> services -> store/models; render never imports
services; the stdlib-only modules import nothing of the database stack."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "deskcli"
STDLIB_ONLY = [
    "domain.py",
    "shapes.py",
    "errors.py",
    "times.py",
    "sanitize.py",
    "safefile.py",
    "dbpolicy.py",
    "folding.py",
    "location.py",
    "workflow/state.py",
    "reads/__init__.py",
    "reads/filters.py",
    "reads/queries.py",
    "reads/rows.py",
    "reads/source.py",
    "sla/replay.py",
    "sla/whatif.py",
]
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "rich", "typer")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((SRC / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("services"), ids=lambda p: p.name)
def test_services_import_neither_cli_nor_render(path: Path) -> None:
    upward = {n for n in _imports(path) if n.startswith(("deskcli.cli", "deskcli.render"))}
    assert not upward


@pytest.mark.parametrize("path", _modules("render"), ids=lambda p: p.name)
def test_render_never_imports_services_or_cli(path: Path) -> None:
    upward = {n for n in _imports(path) if n.startswith(("deskcli.services", "deskcli.cli"))}
    assert not upward


@pytest.mark.parametrize("name", STDLIB_ONLY)
def test_stdlib_only_modules_stay_so(name: str) -> None:
    imported = _imports(SRC / name)
    assert not {n for n in imported if n.split(".")[0] in HEAVY}
    assert not {n for n in imported if n.startswith(("deskcli.services", "deskcli.cli"))}


@pytest.mark.parametrize("name", ["store.py", "models.py", "location.py", *STDLIB_ONLY])
def test_lower_layers_never_import_upward(name: str) -> None:
    upward = {
        n
        for n in _imports(SRC / name)
        if n.startswith(("deskcli.services", "deskcli.cli", "deskcli.render"))
    }
    assert not upward


def test_every_render_name_is_found_where_the_package_says() -> None:
    """deskcli.render loads its names on first use: each one it exports is in
    its table of topics, and the topic's module has it."""
    import deskcli.render as render

    assert sorted(render.__all__) == sorted(render._HOME)
    # A name that were also a topic's module would be shadowed by the module
    # once it is imported.
    assert not set(render._HOME) & set(render._TOPICS)
    for name in render.__all__:
        assert callable(getattr(render, name)), name
