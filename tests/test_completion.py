"""Tab completion from the database, in a real process, without SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import subprocess_env

pytestmark = pytest.mark.sqlite_only  # completion reads SQLite files directly

PROBE = (
    "import sys\n"
    "from deskcli.cli import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    "sys.stderr.write('SQLALCHEMY=%s' % ('sqlalchemy' in sys.modules))\n"
)


def complete(db: Path, words: str, **env: str) -> tuple[list[str], str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    extra = {"_DESK_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60,
        env=subprocess_env(db, **extra, **env),
    )  # fmt: skip
    return result.stdout.split(), result.stderr


def seed(dj: Callable[..., Any]) -> None:
    dj("customer", "add", "--crn", "C-100", "--name", "Ana")
    dj("customer", "add", "--crn", "C-200", "--name", "Bob")
    dj("customer", "add", "--crn", "X-1", "--name", "Xu")
    for subject in ("a", "b", "c"):
        dj("case", "open", "-c", "C-100", "--subject", subject, "--category", "billing")
    dj("case", "assign", "1", "--to", "maria")
    dj("case", "escalate", "2", "--to", "network-ops", "--reason", "line")
    dj("case", "close", "3", "--resolution", "done")


def test_completes_values_from_the_database(db_path: Path, dj: Callable[..., Any]) -> None:
    seed(dj)
    ids, err = complete(db_path, "desk case show ")
    assert ids == ["2", "1", "3"]  # active cases first, newest first
    assert err.endswith("SQLALCHEMY=False")
    assert complete(db_path, "desk case note 1")[0] == ["1"]
    assert complete(db_path, "desk case list --customer C-")[0] == ["C-100", "C-200"]
    assert complete(db_path, "desk customer show X")[0] == ["X-1"]
    assert complete(db_path, "desk case list --assignee m")[0] == ["maria"]
    assert complete(db_path, "desk case escalate 1 --to net")[0] == ["network-ops"]
    assert complete(db_path, "desk case list --category ")[0] == ["billing"]
    assert complete(db_path, "desk case ")[0][:3] == ["open", "list", "show"]


def test_completion_never_creates_the_database(db_path: Path) -> None:
    ids, err = complete(db_path, "desk case show ")
    assert ids == [] and err.endswith("SQLALCHEMY=False")
    assert not db_path.exists()


def test_completion_honours_db_on_the_command_line(
    db_path: Path, dj: Callable[..., Any], tmp_path: Path
) -> None:
    seed(dj)
    other = tmp_path / "other.db"
    ids, _ = complete(other, f"desk --db {db_path} case show ")
    assert ids == ["2", "1", "3"]


def test_names_complete_whatever_their_case(db_path: Path, dj: Callable[..., Any]) -> None:
    seed(dj)
    dj("case", "assign", "2", "--to", "Maria")  # the same agent: the first spelling stays
    assert complete(db_path, "desk case list --customer c-")[0] == ["c-100", "c-200"]
    assert complete(db_path, "desk case list --assignee MA")[0] == ["MAria"]
    assert complete(db_path, "desk case list --team NET")[0] == ["NETwork-ops"]


def zsh_complete(db: Path, words: str) -> str:
    """What zsh is given: each value with its help."""
    extra = {"_DESK_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60,
        env=subprocess_env(db, **extra),
    )  # fmt: skip
    assert result.stderr.endswith("SQLALCHEMY=False")
    return result.stdout


def test_article_ids_complete_with_their_titles(db_path: Path, dj: Callable[..., Any]) -> None:
    for title in ("Wi-Fi drops", "Refunds", "Old one"):
        dj("kb", "add", "--title", title, "--body", "text")
    dj("kb", "archive", "3")
    for command in ("show", "edit", "archive"):
        ids, err = complete(db_path, f"desk kb {command} ")
        assert ids == ["2", "1", "3"] and err.endswith("SQLALCHEMY=False")  # archived last
    assert complete(db_path, "desk kb show 1")[0] == ["1"]
    zsh = zsh_complete(db_path, "desk kb show ")
    assert r'"2":"published\\: Refunds"' in zsh and r'"3":"archived\\: Old one"' in zsh


def test_usable_article_ids_complete_where_an_article_is_used(
    db_path: Path, dj: Callable[..., Any]
) -> None:
    """use-article and resolve --article offer what may be used: published
    articles first, then drafts, never archived ones."""
    seed(dj)
    for title in ("Wi-Fi drops", "Refunds", "Old one", "Half done"):
        dj(
            "kb",
            "add",
            "--title",
            title,
            "--body",
            "text",
            *(["--draft"] if "Half" in title else []),
        )
    dj("kb", "archive", "3")
    for words in ("desk case use-article 1 ", "desk case resolve 1 --article "):
        ids, err = complete(db_path, words)
        assert ids == ["2", "1", "4"] and err.endswith("SQLALCHEMY=False"), words
    assert complete(db_path, "desk case use-article 1 4")[0] == ["4"]
    assert complete(db_path, "desk case use-article 1 x")[0] == []
    zsh = zsh_complete(db_path, "desk case use-article 1 ")
    assert r'"2":"published\\: Refunds"' in zsh and r'"4":"draft\\: Half done"' in zsh
    assert "Old one" not in zsh
