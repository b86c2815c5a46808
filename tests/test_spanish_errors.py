"""The storage, path, stdin and text-limit errors in Spanish: the same exit
codes and `desk: error:` prefix as in English, and no English word left (the
path, the values as typed and option names aside)."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DESK, Desk, subprocess_env
from tests.test_spanish import english_words


def spanish_error(result: Any, code: int, *words: str) -> str:
    """The error's lines, after checking the exit code, the prefix, that
    `words` are there and that nothing English is."""
    stderr = result.stderr
    assert result.exit_code == code, stderr
    assert stderr.startswith("desk: error: "), stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in stderr, stderr
    text = stderr.replace("desk: error:", " ").replace("desk: ", " ")
    assert english_words(text, set()) == [], stderr
    return stderr


@pytest.mark.sqlite_only
def test_a_locked_database(desk: Desk, db_path: Path, new_case: Callable[..., int]) -> None:
    case = new_case()
    holder = sqlite3.connect(db_path)
    try:
        holder.execute("BEGIN IMMEDIATE")
        result = desk(
            "--lang", "es", "case", "note", str(case), "hola", env={"DESK_BUSY_TIMEOUT": "0"}
        )
        spanish_error(result, 5, "está bloqueada", "inténtelo de nuevo")
        english = desk("case", "note", str(case), "hola", env={"DESK_BUSY_TIMEOUT": "0"})
        assert english.exit_code == 5 and "is locked" in english.stderr
    finally:
        holder.rollback()
        holder.close()


def test_a_schema_newer_than_the_program(desk: Desk, sql: Callable[..., Any]) -> None:
    assert desk("init").exit_code == 0
    sql("UPDATE alembic_version SET version_num = '9999'")
    result = desk("--lang", "es", "case", "list")
    spanish_error(result, 5, "(9999) es más reciente", "actualice deskcli")


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_desk(desk: Desk, db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite at all, just some text" * 50)
    result = desk("--lang", "es", "case", "list")
    stderr = spanish_error(result, 5, "no es una base de datos de desk", "copia de seguridad")
    assert stderr.startswith(f"desk: error: {db_path} no es")


@pytest.mark.sqlite_only
def test_a_directory_and_a_missing_directory(desk: Desk, tmp_path: Path) -> None:
    result = desk("--lang", "es", "--db", str(tmp_path), "case", "list")
    spanish_error(result, 2, "es un directorio")
    result = desk("--lang", "es", "--db", str(tmp_path / "no" / "desk.db"), "case", "list")
    spanish_error(result, 2, "no existe", "cree antes el directorio")


def test_a_bad_busy_timeout(desk: Desk) -> None:
    result = desk("--lang", "es", "case", "list", env={"DESK_BUSY_TIMEOUT": "abc"})
    spanish_error(result, 2, "número de segundos entre 0 y 3600")


def test_empty_texts(desk: Desk, new_case: Callable[..., int]) -> None:
    case = str(new_case())
    spanish_error(desk("--lang", "es", "case", "note", case, "  "), 2, "la nota no puede")
    spanish_error(desk("--lang", "es", "case", "reply", case, ""), 2, "la respuesta no puede")
    result = desk("--lang", "es", "case", "resolve", case, "--resolution", " ")
    spanish_error(result, 2, "--resolution no puede quedar en blanco")
    english = desk("case", "note", case, "  ")
    assert english.exit_code == 2 and "the note must not be empty" in english.stderr
    result = desk("--lang", "es", "case", "open", "-c", "C-1", "--subject", " ")
    spanish_error(result, 2, "el asunto no puede quedar en blanco")


def test_too_long_texts(desk: Desk, new_case: Callable[..., int]) -> None:
    case = str(new_case())
    result = desk("--lang", "es", "case", "open", "-c", "C-1", "--subject", "x" * 201)
    spanish_error(result, 2, "el asunto tiene 201 caracteres; el límite es 200", "acórtelo")
    result = desk("--lang", "es", "case", "open", "-c", "C-1", "--subject", "a\nb")
    spanish_error(result, 2, "el asunto debe ocupar una sola línea", "la descripción")
    result = desk("--lang", "es", "case", "escalate", case, "--to", "t" * 101, "--reason", "r")
    spanish_error(result, 2, "el equipo tiene 101 caracteres")
    result = desk("--lang", "es", "case", "list", "--search", "s" * 1001)
    spanish_error(result, 2, "--search tiene 1,001 caracteres", "fragmento")
    english = desk("case", "open", "-c", "C-1", "--subject", "x" * 201)
    assert "the subject is 201 characters long; the limit is 200" in english.stderr


def test_bad_case_ids_on_stdin_and_a_missing_customer(desk: Desk) -> None:
    result = desk("--lang", "es", "case", "close", "--from-stdin", "-r", "x", input="7\nabc\n")
    spanish_error(result, 2, "línea 2 de la entrada estándar", "números enteros")
    result = desk("--lang", "es", "case", "list", "--customer", "C-404")
    spanish_error(result, 3, "ningún cliente con el CRN C-404", "dé de alta uno")


@pytest.mark.parametrize(
    "args",
    [["case", "note", "{case}", "-"], ["case", "resolve", "{case}", "--resolution", "-"]],
)
def test_a_closed_stdin(db_path: Path, new_case: Callable[..., int], args: list[str]) -> None:
    case = new_case()
    command = [a.format(case=case) for a in args]
    # `<&-` closes descriptor 0, as cron or a service manager may.
    result = subprocess.run(
        ["sh", "-c", '"$@" <&-', "sh", *DESK, "--lang", "es", *command],
        env=subprocess_env(db_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("desk: error: ") and "está cerrada" in lines[0], lines
    assert english_words(result.stderr.replace("desk: error:", " "), set()) == [], lines
