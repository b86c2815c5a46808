"""In Spanish, no English word is left in what a person reads: every
command's --help (found by walking the command tree, so a new command is
covered), and a working session with its refusals.  User text, ids, product
names, option names and the values a script types are allowed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from deskcli.catalogs import commands

# Common English words that are not Spanish words.
ENGLISH = set(
    """the and or of to is are was were be been with without for from by on at an it
    its this that these those not only all any none case cases customer customers
    status priority open opened new pending escalated resolved closed assigned
    assignee agent team subject description created updated ago just now due
    breach breached risk search article articles title body rating ratings note
    notes reply usage options arguments commands command show list help message
    exit default required unknown one did you mean missing option argument such
    invalid value should valid integer take owner nobody yes next first last time
    day days hours minutes which what when where who why how has have will can
    cannot must there their your our follow done total found nothing more less
    than then else if but after before since until within every each other
    timeline details event opened channel category tags version history outcome
    urgent high low board text agent file path name phone email date""".split()
)
WORD = re.compile(r"\w+")


def english_words(text: str, allowed: set[str]) -> list[str]:
    """English words in `text`, once user text and what is typed are taken out."""
    text = re.sub(r"-\n\s+", "-", text)  # an option name Click wrapped at its hyphen
    text = re.sub(r"(?m)desk [^\n]*$", " ", text)  # an example command line
    text = re.sub(r"'[^'\n]*'", " ", text)  # a value as typed, quoted
    text = re.sub(r"use uno de estos: [^\n]*", " ", text)  # the values to type
    text = re.sub(r"por\s+omisión:\s+[^\]]*\]", " ", text)  # a default value, as typed
    for known in sorted(allowed, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(known)}(?![\w-])", " ", text)
    text = re.sub(r"\S+…", " ", text)  # a user text cut to fit its column
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"<[^>]*>|\[[^\]]*\|[^\]]*\]", " ", text)  # an option's values
    text = re.sub(r'"\w+"', " ", text)  # a JSON key
    text = re.sub(r"[\w-]+(?=\s+\()", " ", text)  # a typed value, then its meaning
    text = re.sub(r"(?<!\w)-{1,2}[\w-]+", " ", text)  # option names
    text = re.sub(r"\S+[/.@]\S+", " ", text)  # paths, files, emails
    return [w for w in WORD.findall(text) if w.lower() in ENGLISH]


def all_commands() -> list[list[str]]:
    return [path[1:] for path, _command in commands()]


def test_every_command_is_walked() -> None:
    paths = all_commands()
    assert ["case", "list"] in paths and ["sla", "calendar", "set"] in paths
    assert len(paths) > 50


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "desk")
def test_help_is_spanish(desk: Callable[..., Any], path: list[str]) -> None:
    names = {name for sub, _ in commands() for name in sub}  # command names are typed
    result = desk("--lang", "es", *path, "--help")
    assert result.exit_code == 0, result.output
    assert "Uso:" in result.output and "Opciones" in result.output
    assert english_words(result.output, names) == [], result.output


def test_locale_and_env_select_spanish(desk: Callable[..., Any], monkeypatch: Any) -> None:
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert "Mostrar este mensaje y salir." in desk("case", "--help").output
    monkeypatch.setenv("DESK_LANG", "en")  # DESK_LANG wins over the locale
    assert "Show this message and exit." in desk("case", "--help").output
    monkeypatch.setenv("DESK_LANG", "es")
    assert "Uso: desk case" in desk("case", "--help").output


def test_errors_in_spanish_keep_their_exit_codes(desk: Callable[..., Any]) -> None:
    cases = [
        (["case", "show", "9999"], 3, "no existe el caso 9999"),
        (["caso"], 2, "no existe la orden 'caso'"),
        (["case", "list", "--limit", "muchos"], 2, "tiene que ser un número entero"),
        (["case", "list", "--estado"], 2, "opción desconocida: --estado"),
        (["case", "list", "--status", "abiertos"], 2, "valor de estado desconocido: 'abiertos'"),
        (["case", "show"], 2, "falta el argumento 'ID'"),
    ]
    for args, code, words in cases:
        result = desk("--lang", "es", *args)
        assert result.exit_code == code, (args, result.output)
        assert words in result.stderr, (args, result.stderr)
        assert result.stderr.startswith("desk: error: "), result.stderr
        assert english_words(result.stderr, set()) == [], result.stderr
    refused = desk("--lang", "fr", "case", "list")  # no catalog for it: said in English
    assert refused.exit_code == 2 and "unknown language 'fr'" in refused.stderr


def test_a_spanish_session(desk: Callable[..., Any]) -> None:
    """What the session shows today: the refusals and the relative times of a case."""
    desk("customer", "add", "--crn", "C-1", "--name", "Lucía Gómez")
    opened = desk("case", "open", "--customer", "C-1", "--subject", "Cobro duplicado", "--json")
    case_id = json.loads(opened.output)["id"]
    assert desk("--as", "bea", "case", "take", str(case_id)).exit_code == 0
    refused = desk("--lang", "es", "case", "take", str(case_id))
    assert refused.exit_code == 4
    assert f"el caso {case_id} lo tiene bea" in refused.stderr
    assert english_words(refused.stderr, {"bea"}) == [], refused.stderr
    desk("--as", "bea", "case", "resolve", str(case_id), "-r", "Reembolsado")
    again = desk("--lang", "es", "--as", "bea", "case", "resolve", str(case_id), "-r", "otra vez")
    assert again.exit_code == 4
    assert f"el caso {case_id} está resuelto" in again.stderr
    assert english_words(again.stderr, set()) == [], again.stderr
    # JSON stays English whatever the language.
    shown = json.loads(desk("--lang", "es", "case", "show", str(case_id), "--json").output)
    assert shown["status"] == "resolved"


# JSON values that are the program's words (English by design), not user text.
PROGRAM_KEYS = {"status", "priority", "kind", "channel", "state", "outcome", "tier"}


def json_user_words(value: Any, key: str = "") -> set[str]:
    """Every word of the user text in a JSON value (subjects, bodies, names,
    snippets, ...), leaving out the values of PROGRAM_KEYS: those are program
    text even when they sit in a record."""
    if isinstance(value, str):
        return set() if key in PROGRAM_KEYS else set(WORD.findall(value))
    if isinstance(value, dict):
        return {word for k, item in value.items() for word in json_user_words(item, k)}
    if isinstance(value, list):
        return {word for item in value for word in json_user_words(item, key)}
    return set()


SESSION = [
    ["board"],
    ["case", "list", "--all"],
    ["case", "show", "1"],
    ["sla", "breaches"],
    # Snippets of the (English) demo articles: their words come from the JSON of the search.
    ["kb", "search", "router"],
    ["feedback", "due"],
]


@pytest.mark.parametrize("args", SESSION, ids=" ".join)
def test_the_demo_session_is_spanish(desk: Callable[..., Any], args: list[str]) -> None:
    """The screen in Spanish leaves no English word but the user's own: the
    words of the user text the same command gives as JSON (the data the screen
    shows, cut or wrapped to fit), and of the demo's cases."""
    desk("demo")
    # One instant for every run below, so times to a due date compare equal.
    from datetime import UTC, datetime

    now = {"DESK_NOW": datetime.now(UTC).isoformat()}
    user_text = json_user_words(json.loads(desk("case", "list", "--all", "--json").stdout))
    same = desk(*args, "--json", env=now)
    assert same.exit_code == 0, same.output
    user_text |= json_user_words(json.loads(same.stdout))
    result = desk("--lang", "es", *args, env=now)
    assert result.exit_code == 0, result.output
    assert english_words(result.output, user_text) == [], result.output
    # The JSON of the same command is the English one, whatever the language.
    assert desk("--lang", "es", *args, "--json", env=now).stdout == same.stdout


def test_the_atomic_batch_note_is_spanish(desk: Callable[..., Any]) -> None:
    """The note of an undone --atomic batch is in the batch's language; its
    JSON records name the same line and exit code in both languages."""
    desk("customer", "add", "--crn", "C-1", "--name", "Lucía Gómez")
    opened = desk("case", "open", "--customer", "C-1", "--subject", "Cobro duplicado", "--json")
    case_id = json.loads(opened.stdout)["id"]
    lines = f'case note {case_id} "uno"\ncase show 9999\n'
    english = desk("batch", "--atomic", input=lines)
    spanish = desk("--lang", "es", "batch", "--atomic", input=lines)
    assert english.exit_code == spanish.exit_code == 3, spanish.output
    assert "line 2 failed; the batch was undone" in english.stderr
    assert "la línea 2 ha fallado; se ha deshecho el lote" in spanish.stderr
    note = [line for line in spanish.stderr.splitlines() if "lote" in line]
    assert note and english_words("\n".join(note), set()) == [], spanish.stderr
    shown = [json.loads(line) for line in spanish.stdout.splitlines()]
    assert [(r["line"], r["exit"]) for r in shown] == [(2, 3)]
    # JSON is English in every language, a line's error included.
    assert spanish.stdout == english.stdout
    assert shown[0]["error"] == "no case 9999"


def zsh_completions(db: Any, words: str, **env: str) -> str:
    """What zsh's completion reads: each value, then its description."""
    import subprocess

    from tests.conftest import DESK, subprocess_env

    extra = {"_DESK_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
    result = subprocess.run(
        DESK, env=subprocess_env(db, **extra, **env), capture_output=True, text=True, timeout=60
    )
    return re.sub(r"\\+:", ":", result.stdout)  # zsh's escaped colons


@pytest.mark.sqlite_only  # completion reads SQLite files only (see cli/_complete.py)
def test_completion_help_is_spanish(db_path: Any, dj: Callable[..., Any]) -> None:
    """Tab completion shows a case's and an article's status in the user's
    language beside the id (the description zsh and fish print)."""
    dj("customer", "add", "--crn", "C-1", "--name", "Ana")
    dj("case", "open", "-c", "C-1", "--subject", "Cobro doble")
    dj("kb", "add", "--title", "Router sin luz", "--body", "Reinicie el router.")
    cases = zsh_completions(db_path, "desk case show ", LANG="es_ES.UTF-8")
    assert "nuevo: Cobro doble" in cases, cases
    assert "new: Cobro doble" in zsh_completions(db_path, "desk case show ", LANG="C")
    articles = zsh_completions(db_path, "desk kb show ", DESK_LANG="es")
    assert "publicado: Router sin luz" in articles, articles
    assert "published: Router sin luz" in zsh_completions(db_path, "desk kb show ")
