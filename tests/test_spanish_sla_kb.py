"""Service levels, the knowledge base and feedback in Spanish (issue 15): every
screen, confirmation and refusal of these commands, on the demo desk and on a
desk built with the CLI, leaves no English word in what a person reads, and
the JSON of the same commands is the English one, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.test_spanish import WORD, english_words

Desk = Callable[..., Any]

# The time the demo desk is built at and read at: relative times and clocks
# come out the same in both languages.
NOW = "2026-12-01T09:00:00+00:00"


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value (user text, names, ids, typed values)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def user_text(desk: Desk, *, every_word: bool = False) -> set[str]:
    """What the desk's people wrote (subjects, titles, comments, names...),
    whole and word by word, taken from the JSON of the demo desk; with
    `every_word`, each of their words however short (for screens that cut
    user text to fit a column, where a whole text cannot be matched)."""
    found: set[str] = set()
    for args in (
        ["case", "list", "--all"],
        ["kb", "list", "--status", "draft", "--status", "published", "--status", "archived"],
        ["feedback", "list", "--since", "3650d"],
        ["sla", "calendar", "list"],
        ["customer", "list"],
    ):
        result = desk(*args, "--json")
        assert result.exit_code == 0, result.output
        for text in _strings(json.loads(result.stdout)):
            found.add(text)
            found.update(text.split())
            if every_word:
                found.update(WORD.findall(text))
    for article in json.loads(desk("kb", "list", "--json").stdout):
        found.update(desk("kb", "show", str(article["id"]), "--json").stdout.split())
    return found if every_word else {text for text in found if len(text) > 2}


def article_words(desk: Desk) -> set[str]:
    """Every word of the articles, short ones too: `kb search` shows parts of
    their bodies and `kb show` a whole one, wrapped to the screen."""
    found: set[str] = set()
    for article in json.loads(desk("kb", "list", "--json").stdout):
        shown = json.loads(desk("kb", "show", str(article["id"]), "--json").stdout)
        found.update(WORD.findall(shown["body"] + " " + shown["title"]))
    return found


@pytest.fixture
def demo(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    monkeypatch.setenv("DESK_NOW", NOW)
    assert desk("demo").exit_code == 0
    return user_text(desk)


SCREENS = [
    ["sla", "breaches"],
    ["sla", "breaches", "--at-risk", "1d"],
    ["sla", "explain", "1"],
    ["sla", "explain", "3"],
    ["sla", "explain", "24"],
    ["sla", "policy", "list"],
    ["sla", "calendar", "list"],
    ["sla", "calendar", "show", "weekend-support"],
    ["sla", "what-if", "--priority", "high", "--first-response", "1h", "--calendar", "office"],
    ["sla", "what-if", "--priority", "urgent", "--resolution", "8h"],
    ["kb", "list"],
    ["kb", "search", "router"],
    ["kb", "show", "2", "--history"],
    ["kb", "gaps"],
    ["feedback", "due"],
    ["feedback", "list", "--since", "3650d"],
]


@pytest.mark.parametrize("args", SCREENS, ids=" ".join)
def test_screens_are_spanish_and_json_stays_english(
    desk: Desk, demo: set[str], args: list[str]
) -> None:
    english = desk(*args)
    spanish = desk("--lang", "es", *args)
    assert spanish.exit_code == english.exit_code == 0, spanish.output + spanish.stderr
    assert spanish.stdout != english.stdout
    cut = args[:2] in (["kb", "list"], ["feedback", "list"])  # titles, comments cut to fit
    if args[1] in ("search", "show"):
        allowed = demo | article_words(desk)
    elif cut:
        allowed = demo | user_text(desk, every_word=True)
    else:
        allowed = demo
    assert english_words(spanish.stdout + spanish.stderr, allowed) == [], spanish.stdout
    if args[:2] == ["kb", "search"]:
        return  # every search is logged: its JSON is compared below, once
    assert desk("--lang", "es", *args, "--json").stdout == desk(*args, "--json").stdout


def test_the_sla_words_people_read(desk: Desk, demo: set[str]) -> None:
    breaches = desk("--lang", "es", "sla", "breaches", "--at-risk", "1d").stdout
    for words in ("Plazo", "Vence", "Asignado", "incumplido hace", "en riesgo: vence en"):
        assert words in breaches, breaches
    explained = desk("--lang", "es", "sla", "explain", "1").stdout
    for words in ("Caso 1: prioridad normal, estado abierto.", "de horario laboral", "consumido"):
        assert words in explained, explained
    # The rest of `desk case show` is render.cases' (another part of issue
    # 15): here its clock rows and the articles that may help.
    for case_id in ("3", "24", "41"):
        shown = desk("--lang", "es", "case", "show", case_id).stdout
        clocks = [line for line in shown.splitlines() if "ANS " in line]
        assert clocks, shown
        assert english_words("\n".join(clocks), demo) == [], clocks
    shown = desk("--lang", "es", "case", "show", "41").stdout
    assert "ANS primera respuesta" in shown and "vence en" in shown, shown
    helps = shown[shown.index("Artículos que pueden ayudar") :]
    assert "desk case use-article 41 ID registra su uso" in helps, helps
    assert english_words(helps, demo) == [], helps
    searched = desk("--lang", "es", "kb", "search", "router", "--json").stdout
    assert json.loads(searched) == json.loads(desk("kb", "search", "router", "--json").stdout)


def test_empty_lists_are_spanish(desk: Desk) -> None:
    gaps = desk("--lang", "es", "kb", "gaps").stdout
    assert "Todos los casos resueltos desde el" in gaps and "Ninguna búsqueda" in gaps, gaps
    assert english_words(gaps, set()) == [], gaps
    expected = {
        ("sla", "breaches"): "Ningún plazo ha vencido.",
        ("sla", "breaches", "--at-risk", "2h"): "Ningún plazo ha vencido ni vence en 2h.",
        ("kb", "list"): "Ningún artículo coincide.",
        ("kb", "search", "router"): "Ningún artículo coincide.",
        ("feedback", "due"): "Ningún caso está pendiente de una llamada de valoración.",
        ("feedback", "list"): "No hay valoraciones en ese plazo.",
    }
    for args, words in expected.items():
        result = desk("--lang", "es", *args)
        assert result.exit_code == 0, result.output
        assert words in result.stdout, (args, result.stdout)
        assert english_words(result.stdout, set()) == [], result.stdout


def _check(desk: Desk, args: list[str], code: int, words: str, allowed: set[str]) -> None:
    result = desk("--lang", "es", *args)
    assert result.exit_code == code, (args, result.output, result.stderr)
    said = result.stdout + result.stderr
    assert words in said, (args, said)
    assert english_words(said, allowed) == [], (args, said)


def test_sla_settings_confirm_and_refuse_in_spanish(desk: Desk) -> None:
    hours = ["--hours", "mon-fri 09:00-18:00"]
    steps: list[tuple[list[str], int, str]] = [
        (["sla", "calendar", "set", "madrid", "--tz", "Mars/Base", *hours], 2,
         "zona horaria desconocida 'Mars/Base'"),
        (["sla", "calendar", "set", "madrid", "--tz", "UTC", "--hours", "mon-frx 09:00-18:00"], 2,
         "días no válidos en el horario"),
        (["sla", "calendar", "set", "madrid", "--tz", "UTC", "--hours", "fri-mon 09:00-18:00"], 2,
         "va hacia atrás"),
        (["sla", "calendar", "set", "madrid", "--tz", "UTC", "--hours", "mon 09:00-08:00"], 2,
         "el final tiene que ser posterior al inicio"),
        (["sla", "calendar", "set", "madrid", "--tz", "UTC", "--hours", "mon 09:00-25:00"], 2,
         "hora no válida en el horario"),
        (["sla", "calendar", "set", "madrid", "--tz", "UTC", "--hours", "lunes"], 2,
         "horario no válido 'lunes'"),
        (["sla", "calendar", "set", "madrid", "--tz", "UTC", *hours, "--hours", "fri 10:00-12:00"],
         2, "se solapan en fri"),
        (["sla", "calendar", "set", "madrid", "--tz", "UTC", *hours, "--holiday", "2026-13-01"], 2,
         "festivo no válido '2026-13-01'"),
        (["sla", "calendar", "set", "madrid", "--tz", "UTC"], 2,
         "un calendario necesita su horario de apertura"),
        (["sla", "calendar", "set", "mi calendario", "--tz", "UTC", *hours], 2,
         "nombre de calendario no válido"),
        (["sla", "calendar", "set", "always", "--tz", "UTC", *hours], 4,
         "viene incluido (24x7, UTC) y no se puede cambiar"),
        (["sla", "calendar", "set", "madrid", "--tz", "Europe/Madrid", *hours,
          "--holiday", "2026-12-25"], 0,
         "Calendario madrid añadido (Europe/Madrid: mon-fri 09:00-18:00; 1 festivo)."),
        (["sla", "calendar", "set", "madrid", "--tz", "Europe/Madrid", *hours], 0,
         "Calendario madrid sustituido (Europe/Madrid: mon-fri 09:00-18:00; 0 festivos);"
         " 0 plazos en curso recalculados."),
        (["sla", "calendar", "show", "madrid"], 0, "Festivos"),
        (["sla", "calendar", "show", "sevilla"], 3, "no existe el calendario sevilla"),
        (["sla", "policy", "set", "high"], 2, "nada que cambiar"),
        (["sla", "policy", "set", "high", "--first-response", "0m"], 2,
         "un objetivo tiene que ser mayor que cero"),
        (["sla", "policy", "set", "high", "--first-response", "pronto"], 2,
         "--first-response no válido: 'pronto'"),
        (["sla", "policy", "set", "high", "--resolution", "5000d"], 2, "es demasiado largo"),
        (["sla", "policy", "set", "high", "--calendar", "sevilla"], 3,
         "no existe el calendario sevilla"),
        (["sla", "policy", "set", "high", "--first-response", "3h", "--calendar", "madrid"], 0,
         "Política de la prioridad alta: primera respuesta 3h, siguiente respuesta"),
        (["sla", "what-if", "--priority", "high"], 2, "indique qué cambiar"),
        (["sla", "what-if", "--priority", "high", "--resolution", "0h"], 2,
         "--resolution '0h' no es ningún plazo"),
        (["sla", "what-if", "--priority", "high", "--resolution", "1d"], 0,
         "0 casos de prioridad alta abiertos desde el"),
        (["sla", "breaches", "--at-risk", "0m"], 2,
         "--at-risk tiene que ser una duración mayor que cero"),
        (["sla", "explain", "99"], 3, "no existe el caso 99"),
    ]  # fmt: skip
    for args, code, words in steps:
        _check(desk, args, code, words, {"madrid", "sevilla", "Mars/Base", "Europe/Madrid"})
    shown = desk("sla", "calendar", "show", "madrid", "--json").stdout
    assert json.loads(shown)["holidays"] == []  # JSON keeps its English keys


def test_kb_confirms_and_refuses_in_spanish(desk: Desk) -> None:
    desk("customer", "add", "--crn", "C-1", "--name", "Lucía Gómez")
    opened = desk("case", "open", "--customer", "C-1", "--subject", "Cobro duplicado", "--json")
    case_id = str(json.loads(opened.stdout)["id"])
    desk("case", "resolve", case_id, "-r", "Reembolsado", "--root-cause", "cobro repetido")
    allowed = {"Cobro", "duplicado", "Reembolsado", "Factura"}
    steps: list[tuple[list[str], int, str]] = [
        (["kb", "add", "--title", "Factura", "--body", "Se reenvía."], 0,
         "Artículo 1 añadido (publicado)."),
        (["kb", "edit", "1"], 2, "indique qué cambiar"),
        (["kb", "edit", "1", "--publish", "--draft"], 2, "use --publish o --draft, no ambos"),
        (["kb", "edit", "1", "--title", "Factura"], 0,
         "el artículo 1 ya dice eso; no se ha cambiado nada"),
        (["kb", "edit", "1", "--draft", "--tag", "cobros"], 0,
         "Artículo 1 modificado (etiquetas, estado)."),
        (["kb", "edit", "1", "--title", "Otra", "--if-version", "1"], 4,
         "desde la versión 1; ahora va por la versión 2"),
        (["kb", "show", "1", "--history"], 0, "estado: \"publicado\" -> \"borrador\""),
        (["kb", "archive", "1"], 0, "Artículo 1 archivado."),
        (["kb", "archive", "1"], 0, "el artículo 1 ya está archivado"),
        (["case", "use-article", case_id, "1"], 4, "el artículo 1 está archivado"),
        (["kb", "show", "7"], 3, "no existe el artículo 7"),
        (["kb", "search", " "], 2, "la búsqueda no puede estar vacía"),
        (["kb", "search", "x" * 1001], 2, "caracteres; el límite es"),
        (["kb", "list", "--json", "--ids"], 2, "use --json o --ids, no ambos"),
        (["kb", "promote", case_id], 0,
         f"Borrador de artículo 2 creado a partir del caso {case_id}."),
        (["kb", "promote", case_id], 4, f"el caso {case_id} ya es el artículo 2 (borrador)"),
        (["kb", "show", "2"], 0, "Causa raíz:"),
    ]  # fmt: skip
    for args, code, words in steps:
        _check(desk, args, code, words, {*allowed, "x" * 1001})
    # The promoted article's headings are the English ones for an English desk.
    article = json.loads(desk("kb", "show", "2", "--json").stdout)
    assert "Resolución:" in article["body"] and article["status"] == "draft"


def test_feedback_refusals_in_spanish(desk: Desk) -> None:
    desk("customer", "add", "--crn", "C-1", "--name", "Lucía Gómez")
    opened = desk("case", "open", "--customer", "C-1", "--subject", "Cobro duplicado", "--json")
    case_id = str(json.loads(opened.stdout)["id"])
    desk("case", "resolve", case_id, "-r", "Reembolsado")
    assert desk("case", "feedback", case_id, "--csat", "4", "--nps", "8").exit_code == 0
    remedy = ["case", "remedy", case_id, "--kind", "credit", "--note", "cortesía"]
    steps: list[tuple[list[str], int, str]] = [
        (["case", "feedback", case_id, "--csat", "5"], 4,
         f"el caso {case_id} ya tiene una valoración de esta resolución (CSAT 4, NPS 8, "),
        ([*remedy, "--amount", "12.50"], 2, "--amount y --currency van juntos"),
        ([*remedy, "--amount", "doce", "--currency", "EUR"], 2,
         "--amount tiene que ser un número decimal positivo como 12.50, no 'doce'"),
        ([*remedy, "--amount", "1.23456", "--currency", "EUR"], 2,
         "--amount admite como mucho 4 decimales, no 1.23456"),
        ([*remedy, "--amount", "0", "--currency", "EUR"], 2,
         "--amount tiene que ser mayor que 0 y menor que"),
        ([*remedy, "--amount", "1", "--currency", "EU"], 2,
         "--currency tiene que ser un código de tres letras como EUR o USD, no 'EU'"),
        (["case", "follow-up", case_id, "--done", "--nps", "3"], 2,
         "--nps y --comment necesitan --csat (la valoración a la que pertenecen)"),
        (["feedback", "due", "--json", "--ids"], 2, "use --json o --ids, no ambos"),
    ]  # fmt: skip
    for args, code, words in steps:
        _check(desk, args, code, words, {"cortesía"})
    rated = json.loads(desk("--lang", "es", "feedback", "list", "--json").stdout)
    assert rated[0]["nps_class"] == "passive"  # JSON keeps its English values
