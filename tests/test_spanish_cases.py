"""The case screens in Spanish: the list, the board, a case with its whole
timeline, the customer page, follow-ups, the verbs' confirmations and the
read/write path's refusals leave no English word outside user text; the
JSON of the same commands is the English one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.test_spanish import english_words

# Fixed clock: the cases are minutes old, so no service-level clock is
# breached or at risk (those words are the SLA screens', tested there).
NOW = "2026-03-02T10:00:00+00:00"
USER_TEXT = {
    "C-7",
    "Lucía Gómez",
    "lucia@example.com",
    "Cobro duplicado en la factura",
    "Me han cobrado dos veces",
    "bea",
    "ana",
    "facturación",
    "billing",
    "vip",
    "Lo reviso ahora mismo",
    "Revisando el cargo",
    "Reembolsado el segundo cargo",
    "Error al emitir",
    "Sigue igual",
    "Llamar para confirmar",
    "Gracias",
    "EUR",
    "CSAT",
    "NPS",
}


def sla_rows_removed(text: str) -> str:
    """The case panel's service-level rows are the SLA screens' (tested there)."""
    return re.sub(r"(?m)^.*\bSLA\b.*$", "", text)


@pytest.fixture
def desk_es(desk: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    monkeypatch.setenv("DESK_NOW", NOW)
    return desk


def spanish(desk: Callable[..., Any], *args: str, code: int = 0) -> str:
    result = desk("--lang", "es", *args)
    assert result.exit_code == code, (args, result.output, result.stderr)
    shown = sla_rows_removed(result.output if code == 0 else result.stderr)
    assert english_words(shown, USER_TEXT) == [], (args, shown)
    return shown


def build(desk: Callable[..., Any]) -> int:
    """One case through most verbs, confirmations checked in Spanish."""
    said = spanish(
        desk,
        "customer",
        "add",
        "--crn",
        "C-7",
        "--name",
        "Lucía Gómez",
        "--email",
        "lucia@example.com",
    )
    assert "Cliente C-7 dado de alta (Lucía Gómez)." in said
    opened = desk(
        "case",
        "open",
        "--customer",
        "C-7",
        "--subject",
        "Cobro duplicado en la factura",
        "--body",
        "Me han cobrado dos veces",
        "--channel",
        "phone",
        "--priority",
        "high",
        "--json",
    )
    case_id = int(json.loads(opened.output)["id"])
    n = str(case_id)
    assert "es suyo (abierto)" in spanish(desk, "--as", "bea", "case", "take", n)
    assert "etiquetado: vip" in spanish(desk, "case", "tag", n, "vip")
    spanish(desk, "case", "tag", n, "vip")  # already there: "no se ha cambiado nada"
    spanish(desk, "case", "edit", n, "--category", "billing")
    spanish(desk, "--as", "bea", "case", "reply", n, "Lo reviso ahora mismo")
    spanish(desk, "--as", "bea", "case", "note", n, "Revisando el cargo")
    spanish(desk, "--as", "bea", "case", "pending", n, "--reason", "Gracias")
    spanish(desk, "--as", "bea", "case", "resume", n)
    spanish(desk, "--as", "bea", "case", "inbound", n, "Sigue igual")
    spanish(
        desk,
        "--as",
        "bea",
        "case",
        "resolve",
        n,
        "--resolution",
        "Reembolsado el segundo cargo",
        "--root-cause",
        "Error al emitir",
    )
    spanish(desk, "--as", "ana", "case", "reopen", n, "--reason", "Sigue igual")
    spanish(
        desk, "--as", "bea", "case", "resolve", n, "--resolution", "Reembolsado el segundo cargo"
    )
    spanish(
        desk,
        "case",
        "remedy",
        n,
        "--kind",
        "refund",
        "--note",
        "Gracias",
        "--amount",
        "10",
        "--currency",
        "EUR",
    )
    spanish(desk, "case", "follow-up", n, "--in", "3d", "--note", "Llamar para confirmar")
    return case_id


def test_the_case_screens_are_spanish(desk_es: Callable[..., Any]) -> None:
    case_id = build(desk_es)
    n = str(case_id)
    shown = spanish(desk_es, "case", "show", n)
    for words in (
        f"Caso {case_id}",
        "Asunto",
        "Cronología",
        "nadie -> bea",
        "(teléfono, alta)",
        "Causa raíz",
        "Reabierto",
        "1 vez",
        "programado para el",
        "reembolso 10 EUR",
        "estaba resuelto",
    ):
        assert words in shown, (words, shown)
    listed = spanish(desk_es, "case", "list", "--all")
    assert "Asignado" in listed and "Vence" in listed
    spanish(desk_es, "case", "list")  # no active case: "Ningún caso coincide."
    spanish(desk_es, "board")
    customer = spanish(desk_es, "customer", "show", "C-7")
    assert "Casos, del más reciente al más antiguo" in customer
    assert "Compensaciones" in customer
    spanish(desk_es, "customer", "list")
    follow = spanish(desk_es, "follow-ups")
    assert "Vence" in follow
    assert "No toca ningún seguimiento" in spanish(desk_es, "follow-ups", "--due")
    spanish(desk_es, "case", "follow-up", n, "--done")
    spanish(desk_es, "--as", "bea", "case", "close", n, "--dry-run")
    assert "Cerrado 1 caso" in spanish(desk_es, "--as", "bea", "case", "close", n)


def test_refusals_of_the_read_write_path_are_spanish(desk_es: Callable[..., Any]) -> None:
    case_id = build(desk_es)
    n = str(case_id)
    refusals = [
        (["case", "follow-up", n, "--on", "2020-01-01"], 2, "ya ha pasado"),
        (["case", "follow-up", n, "--in", "3 años"], 2, "plazo no válido"),
        (["case", "follow-up", n, "--on", "mañana"], 2, "fecha no válida"),
        (["case", "edit", n], 2, "indique qué cambiar"),
        (["case", "edit", n, "--subject", "x", "--if-version", "1"], 4, "desde la versión 1"),
        (["case", "tag", n, "dos palabras"], 2, "etiqueta no válida"),
        (["customer", "add", "--crn", "C-7", "--name", "Otra"], 4, "ya existe un cliente"),
        (["customer", "add", "--crn", "C-8", "--name", "Otra", "--email", "x"], 2, "correo"),
        (["case", "close", "9998", "9999"], 3, "no existen los casos 9998, 9999"),
        (["next"], 3, "ningún caso espera"),
    ]
    for args, code, words in refusals:
        said = spanish(desk_es, *args, code=code)
        assert words in said, (args, said)
        assert said.startswith("desk: error: "), said
    opened = [
        json.loads(desk_es("case", "open", "--customer", "C-7", "--subject", s, "--json").output)
        for s in ("Cobro duplicado en la factura", "Gracias")
    ]
    ids = [str(record["id"]) for record in opened]
    refused = spanish(desk_es, "case", "close", *ids, code=4)
    assert f"2 casos no están resueltos ({', '.join(ids)}); resuélvalos antes" in refused
    assert "resuélvalo antes" in spanish(desk_es, "case", "close", ids[0], code=4)


def test_json_stays_english(desk_es: Callable[..., Any]) -> None:
    case_id = build(desk_es)
    for args in (
        ["case", "show", str(case_id)],
        ["case", "list", "--all"],
        ["board"],
        ["customer", "show", "C-7"],
        ["follow-ups"],
    ):
        english = desk_es(*args, "--json")
        spanish_json = desk_es("--lang", "es", *args, "--json")
        assert english.exit_code == spanish_json.exit_code == 0, english.output
        assert spanish_json.output == english.output
    shown = json.loads(desk_es("--lang", "es", "case", "show", str(case_id), "--json").output)
    assert shown["status"] == "resolved" and shown["channel"] == "phone"
