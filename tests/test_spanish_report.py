"""In Spanish, the report, the QA reviews and their refusals: no English word
left in what a person reads (user text, ids and typed values allowed), and
the JSON of the same commands unchanged (English, the same keys and values)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Desk
from tests.test_report import PERIOD, _thirty
from tests.test_spanish import english_words

NOW = "2026-11-07T09:00:00"
# What the thirty cases of tests.test_report._thirty type: agents, categories,
# root causes, resolutions, the team escalated to.
USER_TEXT = {"alice", "bob", "a", "b", "batch ran twice", "fine", "ok", "tier2", "Ana", "C-1"}


@pytest.fixture
def run(desk: Desk) -> Callable[..., Any]:
    def call(when: str, *args: str) -> str:
        result = desk(*args, env={"DESK_NOW": when})
        assert result.exit_code == 0, (args, result.output, result.stderr)
        return result.stdout

    return call


@pytest.fixture
def thirty(run: Callable[..., Any]) -> None:
    """Thirty rated, handled cases (every myth flags), a handling target and a review."""
    _thirty(run)
    run(NOW, "report", "target", "set", "a", "--handling", "5m")
    scores = ["--personalization", "8", "--integrity", "3", "--expectations", "7"]
    scores += ["--resolution", "9", "--time-effort", "6", "--empathy", "8"]
    run(NOW, "--as", "maria", "case", "review", "1", *scores, "--comment", "ok")


def spanish(desk: Desk, *args: str) -> str:
    result = desk("--lang", "es", *args, env={"DESK_NOW": NOW})
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result.stdout


def test_the_report_is_spanish_and_its_json_english(desk: Desk, thirty: None) -> None:
    shown = spanish(desk, "report", *PERIOD)
    assert english_words(shown, USER_TEXT) == [], shown
    for words in (
        "Informe del 2026-11-02",
        "Lo que dicen las cifras",
        "1. la queja más grande merece la mayor atención: [alerta] clientes insatisfechos 13% "
        '> 10 %: corrija el proceso; principales causas raíz "batch ran twice" (4)',
        "el 20% de casos más lento se llevó el 83% del tiempo",
        "resolver no es satisfacer; acertar a la primera, sí",
        "atención: más del 10% de las valoraciones son de clientes insatisfechos",
        "por pilar: personalización 8.0, integridad 3.0",
        "objetivo 5 min",
    ):
        assert words in shown, (words, shown)
    english = desk("report", *PERIOD, "--json", env={"DESK_NOW": NOW}).stdout
    assert desk("--lang", "es", "report", *PERIOD, "--json", env={"DESK_NOW": NOW}).stdout == (
        english
    )
    myths = {m["myth"]: m for m in json.loads(english)["myths"]}
    assert myths[1]["verdict"].startswith("dissatisfied share 13% > 10%: fix the process")
    assert myths[4]["verdict"] == (
        "handling time: 0% of cases over target, the slowest 20% of cases took 83% of the time"
    )
    by_team = spanish(desk, "report", *PERIOD, "--by", "category")
    assert "== categoría: a ==" in by_team
    assert english_words(by_team, USER_TEXT) == [], by_team


def test_explain_and_targets_are_spanish(desk: Desk, thirty: None) -> None:
    shown = spanish(desk, "report", *PERIOD, "--explain", "handling")
    assert "Tiempo de atención: los segundos de los pasos de las cinco A" in shown
    assert "se llevó el 20% de casos más lento" in shown and "casos (6): " in shown
    assert english_words(shown, {"handling", "ceil"}) == [], shown
    found = json.loads(spanish(desk, "report", *PERIOD, "--explain", "handling", "--json"))
    assert found["definition"].startswith("Handling time: the seconds of the five A's steps")
    assert "the slowest 20% of cases" in found["definition"]
    listed = spanish(desk, "report", "target", "list")
    assert "(fijado por" in listed and english_words(listed, USER_TEXT) == [], listed
    said = spanish(desk, "report", "target", "set", "b", "--handling", "10m")
    assert english_words(said, USER_TEXT) == [], said


def test_reviews_are_spanish(desk: Desk, thirty: None) -> None:
    listed = spanish(desk, "review", "list")
    assert "Cuándo" in listed and "Revisor" in listed and "MARCADA" in listed
    assert english_words(listed, USER_TEXT | {"maria"}) == [], listed
    scores = ["--personalization", "9", "--integrity", "9", "--expectations", "9"]
    scores += ["--resolution", "9", "--time-effort", "9", "--empathy", "9"]
    again = desk("--lang", "es", "--as", "maria", "case", "review", "1", *scores,
                 env={"DESK_NOW": NOW})  # fmt: skip
    assert again.exit_code == 4
    assert "desk: error: maria ya revisó el caso 1 (puntuación 0.0, marcada," in again.stderr
    assert "use --replace para sustituir esa revisión" in again.stderr
    assert english_words(again.stderr, {"maria"}) == [], again.stderr
    replaced = spanish(desk, "--as", "maria", "case", "review", "1", *scores, "--replace")
    assert replaced.startswith("Revisión sustituida en el caso 1 de alice: puntuación 9.0.")
    shown = spanish(desk, "case", "show", "1")
    assert "Revisiones de calidad" in shown and "tiempo y esfuerzo 9" in shown


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["report", "--since", "7d", "--from", "2026-11-01"], "use --since o --from/--to"),
        (["report", "--from", "2026-11-01"], "--from y --to van juntos"),
        (["report", "--from", "2026-11-09", "--to", "2026-11-01"], "es anterior a --from"),
        (["report", "--from", "1-11-2026", "--to", "2026-11-09"], "no válida: '1-11-2026'"),
        (["report", "--by", "mood"], "valor de --by desconocido: 'mood'"),
        (["report", "--explain", "joy"], "KPI desconocido: 'joy'"),
        (
            ["case", "review", "1", "--personalization", "11", "--integrity", "9"]
            + ["--expectations", "9", "--resolution", "9", "--time-effort", "9", "--empathy", "9"],
            "--personalization admite un número entero de 0 a 10, no '11'",
        ),
    ],
)
def test_refusals_are_spanish(desk: Desk, args: list[str], said: str) -> None:
    result = desk("--lang", "es", *args)
    assert result.exit_code == 2, result.output
    assert said in result.stderr, result.stderr
    assert english_words(result.stderr, {"mood", "joy"}) == [], result.stderr


@pytest.mark.sqlite_only  # a second desk file, and desk backup copies SQLite files
def test_init_doctor_backup_export_import_are_spanish(
    desk: Desk, thirty: None, tmp_path: Any
) -> None:
    allowed = {str(tmp_path), "ext4", "tmpfs", "xfs", "btrfs", "overlay", "wal", "0o600"}
    export = tmp_path / "desk.jsonl"
    said = spanish(desk, "export", "--out", str(export))
    assert (
        said.startswith("Exportado a ") and "30 casos" in said and "1 revisión de calidad" in said
    )
    assert english_words(said, allowed) == [], said
    other = tmp_path / "other.db"
    created = desk("--lang", "es", "--db", str(other), "init")
    assert created.stdout.startswith("Base de datos creada: ")
    imported = desk("--lang", "es", "--db", str(other), "import", str(export))
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout.startswith("Importado: 1 cliente, 30 casos, ")
    assert english_words(imported.stdout, allowed) == [], imported.stdout
    again = desk("--lang", "es", "--db", str(other), "import", str(export))
    assert " ya estaban." in again.stdout and english_words(again.stdout, allowed) == []
    doctor = desk("--lang", "es", "--db", str(other), "doctor")
    assert doctor.exit_code == 0 and "Modo de registro" in doctor.stdout
    assert "Todo en orden." in doctor.stdout
    assert english_words(doctor.stdout, allowed) == [], doctor.stdout
    copy = desk("--lang", "es", "--db", str(other), "backup", str(tmp_path / "copy.db"))
    assert copy.exit_code == 0 and copy.stdout.startswith("Copia de ")
    refused = desk("--lang", "es", "--db", str(other), "backup", str(tmp_path / "copy.db"))
    assert refused.exit_code == 4
    assert "ya existe" in refused.stderr and "use --force para sustituirlo" in refused.stderr
    assert english_words(refused.stderr, allowed) == [], refused.stderr
    # The same commands' JSON stays English.
    shown = json.loads(desk("--lang", "es", "--db", str(other), "doctor", "--json").stdout)
    assert shown["integrity"] == "ok" and shown["warnings"] == []


@pytest.mark.sqlite_only
def test_a_doctor_warning_is_spanish_and_english_in_json(desk: Desk, db_path: Any) -> None:
    desk("init")
    db_path.chmod(0o666)
    shown = desk("--lang", "es", "doctor")
    assert (
        "desk: aviso: " in shown.stderr and "lo puede modificar cualquier usuario" in shown.stderr
    )
    assert english_words(shown.stderr, {str(db_path)}) == [], shown.stderr
    data = json.loads(desk("--lang", "es", "doctor", "--json").stdout)
    assert data["warnings"][0].endswith(
        "is writable by every user on this machine; chmod 600 it (or 660 for a team group: "
        "desk init --shared)"
    )
