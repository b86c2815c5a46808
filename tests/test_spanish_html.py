"""`desk --lang es report --html FILE`: the page in Spanish, with the same
figures as `--json` (which stays English) and no English word left but the
user's own text."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from deskcli import lang
from deskcli.render.report_html import NO_DATA
from tests import test_report_html
from tests.test_report_html import check_figures, check_in_browser
from tests.test_spanish import english_words, json_user_words


class _Shown(HTMLParser):
    """What a person reads on the page: its text, its tooltips and chart labels
    (styles left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        self.parts += [value or "" for name, value in attrs if name == "aria-label"]

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.parts.append(data)


def shown_text(html_text: str) -> str:
    parser = _Shown()
    parser.feed(html_text)
    parser.close()
    return "\n".join(parser.parts)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """One clock for the demo and both runs: the JSON and the page cover the same period."""
    monkeypatch.setenv("DESK_NOW", "2026-06-01T12:00:00+00:00")


@pytest.fixture
def spanish_no_data(monkeypatch: pytest.MonkeyPatch) -> str:
    """check_figures reads an empty figure as the page's "no data": in Spanish."""
    shown = lang.catalog("es").gettext(NO_DATA)
    assert shown != NO_DATA
    monkeypatch.setattr(test_report_html, "NO_DATA", shown)
    return shown


def _report(desk: Callable[..., Any], tmp_path: Path, *args: str) -> tuple[dict[str, Any], str]:
    page = tmp_path / "informe.html"
    data = desk("report", *args, "--json")
    assert data.exit_code == 0, data.output
    made = desk("--lang", "es", "report", *args, "--html", str(page))
    assert made.exit_code == 0, made.output
    return json.loads(data.stdout), page.read_text(encoding="utf-8")


@pytest.mark.parametrize("by", [[], ["--by", "agent"]], ids=["desk", "by agent"])
def test_the_demo_report_page_is_spanish(
    desk: Callable[..., Any], tmp_path: Path, spanish_no_data: str, by: list[str]
) -> None:
    desk("demo")
    report, html_text = _report(desk, tmp_path, *by)
    assert html_text.startswith('<!DOCTYPE html>\n<html lang="es">'), html_text[:80]
    assert "<title>Informe del servicio de atención al cliente</title>" in html_text
    check_figures(html_text, report)  # the figures are the JSON's, whatever the language
    text = shown_text(html_text)
    for words in ("Lo que dicen las cifras", "Satisfacción del cliente", "Mito", "Volumen"):
        assert words in text, words
    # The user's words (categories, agents, teams, root causes, the calendar's name).
    user = json_user_words({k: v for k, v in report.items() if k != "myths"})
    user |= json_user_words([m["figures"] for m in report["myths"]])
    assert english_words(text, user) == [], [
        line for line in text.splitlines() if english_words(line, user)
    ]
    # The JSON stays English in Spanish.
    again = desk("--lang", "es", "report", *by, "--json")
    assert json.loads(again.stdout)["myths"] == report["myths"]


def test_an_empty_report_page_reads_sin_datos(
    desk: Callable[..., Any], tmp_path: Path, spanish_no_data: str
) -> None:
    report, html_text = _report(desk, tmp_path)
    check_figures(html_text, report)
    text = shown_text(html_text)
    assert spanish_no_data in text and "no data" not in text
    assert english_words(text, json_user_words(report)) == [], text


def test_the_spanish_page_in_a_real_browser(
    desk: Callable[..., Any], tmp_path: Path, spanish_no_data: str
) -> None:
    desk("demo")
    report, html_text = _report(desk, tmp_path)
    page = tmp_path / "informe.html"
    dom = check_in_browser(page, report)
    assert 'lang="es"' in dom and "Lo que dicen las cifras" in dom
