"""`desk report --html`: the page `render.report_html.page` makes of the report's
JSON.  Well-formed, self-contained (no script, nothing fetched), every user
text escaped, every figure equal to the report's, and rendered by a real
headless browser (Debian's chromium; skipped with the reason when missing).

`check_in_browser(html_path, expected)` is meant for reuse: the end-to-end
test of `desk report --html FILE` calls it with the `--json` of the same run.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from deskcli.render.report_html import NO_DATA, page
from deskcli.sanitize import clean

# User text a hostile or careless agent could type: markup, quotes, entities,
# a terminal escape, a bidi override, a URL that must never be fetched.
HOSTILE = [
    "<script>alert('x')</script>",
    "\"'&<>",
    "<b>bold</b> & <i>it</i>",
    "&amp; &lt;already escaped&gt;",
    '<img src="https://evil.example/x.png" onerror="alert(1)">',
    "line\nbreak\x1b[31m red\u202e gnp.exe",
    "]]><!-- --></style></svg><style>body{background:url(https://evil.example/)}</style>",
    "agent.with.dots%2E",
]


def _days() -> list[dict[str, Any]]:
    opened = [3, 5, 2, 0, 0, 7, 6, 4, 5, 3, 0, 1, 8, 6, 5, 4, 2, 0, 0, 9, 7, 5, 4, 6, 1, 0]
    opened += [4, 6, 5, 3]
    resolved = [1, 4, 3, 1, 0, 5, 6, 5, 4, 2, 1, 0, 6, 7, 4, 5, 3, 0, 1, 6, 8, 4, 5, 5, 2, 0]
    resolved += [3, 5, 6, 2]
    return [
        {"date": f"2026-11-{day + 1:02d}", "opened": o, "resolved": r}
        for day, (o, r) in enumerate(zip(opened, resolved, strict=True))
    ]


def _kpis(categories: list[str], agents: list[str], scale: int = 1) -> dict[str, Any]:
    return {
        "volume": {
            "opened": 121 * scale,
            "resolved": 108 * scale,
            "closed": 97 * scale,
            "reopened": 6,
            "backlog": {"lt_1d": 4, "1_3d": 7, "3_7d": 3, "gt_7d": 2},
            "by_channel": {"email": 61, "phone": 40, "chat": 20},
            "by_day": _days(),
        },
        "first_response": {
            "count": 117,
            "median_seconds": 1830.5,
            "p90_seconds": 14400.0,
            "business_median_seconds": 1200.0,
            "business_p90_seconds": 9000.25,
        },
        "resolution_time": {
            "count": 108,
            "median_seconds": 97200.0,
            "p90_seconds": 432000.0,
            "business_median_seconds": 32400.0,
            "business_p90_seconds": 129600.0,
            "histogram": [
                {"bucket": "lt_1h", "count": 9},
                {"bucket": "1_4h", "count": 14},
                {"bucket": "4_24h", "count": 27},
                {"bucket": "1_3d", "count": 31},
                {"bucket": "3_7d", "count": 19},
                {"bucket": "gt_7d", "count": 8},
            ],
        },
        "sla": {
            "first_response": {"met": 101, "breached": 16, "running": 4, "attainment": 0.8632},
            "next_reply": {"met": 80, "breached": 0, "running": 9, "attainment": 1.0},
            "resolution": {"met": 0, "breached": 0, "running": 13, "attainment": None},
        },
        "fcr": {"resolved": 108, "first_contact": 67, "share": 0.6204},
        "reopen_rate": {"resolved": 108, "reopened": 6, "share": 0.0556},
        "escalation_rate": {
            "opened": 121,
            "escalated": 18,
            "share": 0.1488,
            "by_team": {"billing": 11, agents[0]: 7},
        },
        "csat": {
            "count": 64,
            "average": 4.06,
            "top_box_share": 0.4063,
            "dissatisfied_share": 0.1406,
            "dissatisfied_flag": True,
            "response_rate": 0.5926,
            "root_causes": [
                {"root_cause": "batch ran twice", "count": 5},
                {"root_cause": HOSTILE[0], "count": 3},
                {"root_cause": HOSTILE[1], "count": 1},
            ],
            "distribution": {"1": 5, "2": 4, "3": 6, "4": 23, "5": 26},
            "categories": [
                {"category": categories[1], "count": 4},
                {"category": categories[0], "count": 3},
            ],
        },
        "nps": {
            "count": 22,
            "promoters": 12,
            "passives": 6,
            "detractors": 4,
            "score": 36.4,
            "meaningful": False,
        },
        "handling": {
            "total_seconds": 261900,
            "long_tail_share": 0.5512,
            "cases": 95,
            "by_category": [
                {
                    "category": categories[0],
                    "cases": 40,
                    "median_seconds": 1260.0,
                    "target_seconds": 900,
                    "over_target_share": 0.675,
                    "over_target": 27,
                },
                {
                    "category": categories[1],
                    "cases": 35,
                    "median_seconds": 600.0,
                    "target_seconds": 1800,
                    "over_target_share": 0.0857,
                    "over_target": 3,
                },
                {
                    "category": categories[2],
                    "cases": 20,
                    "median_seconds": 2400.5,
                    "target_seconds": None,
                    "over_target_share": None,
                    "over_target": None,
                },
            ],
        },
        "remedies": {
            "count": 9,
            "by_kind": [
                {"kind": "refund", "currency": "EUR", "count": 5, "total": "184.50"},
                {"kind": "credit", "currency": "USD", "count": 3, "total": "60.00"},
                {"kind": HOSTILE[3], "currency": None, "count": 1, "total": None},
            ],
        },
        "qa": {
            "count": 14,
            "average": 7.45,
            "by_pillar": {
                "personalization": 7.1,
                "integrity": 8.6,
                "expectations": 7.4,
                "resolution": 7.9,
                "time_effort": 6.2,
                "empathy": 7.5,
            },
            "flagged": 1,
            "by_agent": [
                {"agent": agents[0], "count": 8, "average": 8.1, "flagged": 0},
                {"agent": agents[1], "count": 6, "average": 6.58, "flagged": 1},
            ],
        },
    }


CATEGORIES = ["billing", HOSTILE[2], HOSTILE[5]]
AGENTS = [HOSTILE[4], "bea"]

SAMPLE: dict[str, Any] = {
    "period": {"from": "2026-11-01T00:00:00+00:00", "to": "2026-11-30T23:59:59+00:00"},
    "by": "agent",
    "generated_at": "2026-12-01T08:00:00+00:00",
    "calendar": "office, weekend-support",
    "kpis": _kpis(CATEGORIES, AGENTS),
    "myths": [
        {
            "myth": 1,
            "status": "flag",
            "verdict": 'dissatisfied share 14% > 10%: fix the process; top root causes "batch '
            f'ran twice" (5), "{HOSTILE[0]}" (3)',
            "figures": {
                "dissatisfied_share": 0.1406,
                "root_causes": [
                    {"root_cause": "batch ran twice", "count": 5},
                    {"root_cause": HOSTILE[0], "count": 3},
                ],
                "data_points": 64,
            },
        },
        {
            "myth": 2,
            "status": "flag",
            "verdict": "FCR 41%-80% across categories vs 55%-66% across agents: the process, "
            "not the agent, makes the difference",
            "figures": {
                "fcr_share": 0.6204,
                "fcr_range_by_category": [0.41, 0.8],
                "fcr_range_by_agent": [0.55, 0.66],
                "data_points": 108,
            },
        },
        {
            "myth": 3,
            "status": "ok",
            "verdict": "FCR 62% vs CSAT of first-contact cases 4.2 and of the others 3.9",
            "figures": {
                "fcr_share": 0.6204,
                "csat_first_contact": 4.2,
                "csat_others": 3.9,
                "data_points": 64,
            },
        },
        {
            "myth": 4,
            "status": "flag",
            "verdict": "handling time: 40% of cases over target, the slowest 20% of cases "
            "took 55% of the time",
            "figures": {"long_tail_share": 0.5512, "over_target_share": 0.4, "data_points": 95},
        },
        {
            "myth": 5,
            "status": "not_enough_data",
            "verdict": "not enough data: 22 ratings, a verdict needs at least 30",
            "figures": {
                "top_box_share": 0.4063,
                "average": 4.06,
                "second_box_share": None,
                "data_points": 22,
            },
        },
    ],
    "groups": [
        {"key": AGENTS[0], "kpis": _kpis(["billing", HOSTILE[6], "x"], [HOSTILE[7], "bea"])},
        {"key": "bea", "kpis": _kpis(CATEGORIES, AGENTS, scale=2)},
        {"key": None, "kpis": _kpis(CATEGORIES, AGENTS)},
    ],
}


def _empty_kpis() -> dict[str, Any]:
    """A desk with nothing in the period: zeros, nulls and empty lists."""
    times = {
        "count": 0,
        "median_seconds": None,
        "p90_seconds": None,
        "business_median_seconds": None,
        "business_p90_seconds": None,
    }
    clock = {"met": 0, "breached": 0, "running": 0, "attainment": None}
    return {
        "volume": {
            "opened": 0,
            "resolved": 0,
            "closed": 0,
            "reopened": 0,
            "backlog": {"lt_1d": 0, "1_3d": 0, "3_7d": 0, "gt_7d": 0},
            "by_channel": {},
            "by_day": [{"date": "2026-11-30", "opened": 0, "resolved": 0}],
        },
        "first_response": dict(times),
        "resolution_time": {
            **times,
            "histogram": [
                {"bucket": b, "count": 0}
                for b in ("lt_1h", "1_4h", "4_24h", "1_3d", "3_7d", "gt_7d")
            ],
        },
        "sla": {"first_response": dict(clock), "next_reply": dict(clock), "resolution": clock},
        "fcr": {"resolved": 0, "first_contact": 0, "share": None},
        "reopen_rate": {"resolved": 0, "reopened": 0, "share": None},
        "escalation_rate": {"opened": 0, "escalated": 0, "share": None, "by_team": {}},
        "csat": {
            "count": 0,
            "average": None,
            "top_box_share": None,
            "dissatisfied_share": None,
            "dissatisfied_flag": False,
            "response_rate": None,
            "root_causes": [],
            "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
        },
        "nps": {
            "count": 0,
            "promoters": 0,
            "passives": 0,
            "detractors": 0,
            "score": None,
            "meaningful": False,
        },
        "handling": {"total_seconds": 0, "long_tail_share": None, "by_category": []},
        "remedies": {"count": 0, "by_kind": []},
        "qa": {"count": 0, "average": None, "by_pillar": {}, "flagged": 0, "by_agent": []},
    }


EMPTY: dict[str, Any] = {
    "period": {"from": "2026-11-30T00:00:00+00:00", "to": "2026-11-30T23:59:59+00:00"},
    "by": None,
    "generated_at": "2026-12-01T08:00:00+00:00",
    "calendar": "",
    "kpis": _empty_kpis(),
    "myths": [
        {
            "myth": n,
            "status": "not_enough_data",
            "verdict": "not enough data: 0 ratings, a verdict needs at least 30",
            "figures": {"data_points": 0},
        }
        for n in range(1, 6)
    ],
}


# -- reading figures back from a page (the source or a browser's DOM) -------------------


class _Figures(HTMLParser):
    """Every element with data-kpi: (scope, path, JSON value, its text)."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "line", "rect", "path", "circle"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, Any]] = []
        self.tags: list[str] = []
        self._open: list[tuple[str, int]] = []  # (tag, index in found)
        self.text: list[str] = []
        self._texts: dict[int, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if "data-kpi" in found:
            value = json.loads(found["data-value"] or "")
            self.found.append((found.get("data-scope") or "", found["data-kpi"] or "", value))
            self._texts[len(self.found) - 1] = []
            if tag not in self.VOID:
                self._open.append((tag, len(self.found) - 1))
        elif tag not in self.VOID:
            self._open.append((tag, -1))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self._open.pop()

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, _ = self._open.pop()
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for _, index in self._open:
            if index >= 0:
                self._texts[index].append(data)

    def shown(self, index: int) -> str:
        return "".join(self._texts[index])


def read_figures(html_text: str) -> _Figures:
    parser = _Figures()
    parser.feed(html_text)
    parser.close()
    return parser


def _resolve(report: dict[str, Any], scope: str, path: str) -> Any:
    """The value at a figure's path; KeyError when the report has no such field."""
    if scope == "report":
        node: Any = report
    elif scope.startswith("group:"):
        node = report["groups"][int(scope[len("group:") :])]["kpis"]
    else:
        assert scope == "", f"unknown scope {scope!r}"
        node = report["kpis"]
    for segment in path.split("."):
        key = unquote(segment)
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _leaves(node: Any, path: list[str]) -> list[str]:
    if isinstance(node, dict):
        items: list[tuple[str, Any]] = [(str(k), v) for k, v in node.items()]
    elif isinstance(node, list):
        items = [(str(i), v) for i, v in enumerate(node)]
    else:
        return [".".join(path)]
    found = []
    for key, value in items:
        if key == "ids" or key.endswith("_ids"):
            continue
        found += _leaves(value, [*path, key.replace("%", "%25").replace(".", "%2E")])
    return found


def expected_figures(report: dict[str, Any]) -> set[tuple[str, str]]:
    """(scope, path) of every figure of the report: all of it but drill-down id lists."""
    wanted = {("", path) for path in _leaves(report.get("kpis", {}), [])}
    for key in ("period", "calendar", "generated_at", "myths"):
        wanted |= {("report", p) for p in _leaves(report.get(key), [key])}
    if report.get("by"):
        wanted.add(("report", "by"))
        for i, group in enumerate(report.get("groups") or []):
            wanted.add(("report", f"groups.{i}.key"))
            wanted |= {(f"group:{i}", p) for p in _leaves(group["kpis"], [])}
    return wanted


def check_figures(html_text: str, expected: dict[str, Any]) -> _Figures:
    """Every figure on the page equals the report's, and every figure of the report is on it."""
    figures = read_figures(html_text)
    assert figures.found, "no figures (data-kpi) on the page"
    for index, (scope, path, value) in enumerate(figures.found):
        try:
            want = _resolve(expected, scope, path)
        except (KeyError, IndexError, ValueError, TypeError):
            shows = f"the page shows {scope or 'kpis'}:{path}, not in the report"
            raise AssertionError(shows) from None
        assert value == want, f"{scope or 'kpis'}:{path} is {value!r} on the page, {want!r}"
        if want is None:
            assert figures.shown(index) == NO_DATA, (scope, path, figures.shown(index))
    shown = {(scope, path) for scope, path, _ in figures.found}
    missing = expected_figures(expected) - shown
    assert not missing, f"figures of the report not on the page: {sorted(missing)[:10]}"
    return figures


# -- the browser --------------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]
BROWSER_TIMEOUT = 90


def _chromium(html_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip(
            "browser check skipped: Debian's chromium is not installed (.ci/run installs it)"
        )
    profile = html_path.parent / f".chromium-profile-{html_path.stem}"
    command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    try:
        done = subprocess.run(
            [*command, html_path.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=BROWSER_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"browser check skipped: chromium could not be started ({error})")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0 and not done.stdout.strip():
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        pytest.skip(f"browser check skipped: chromium exited {done.returncode} ({tail})")
    return done


def _console(stderr: str) -> list[str]:
    """What the page said on the browser console: CSP violations, load errors."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def check_in_browser(html_path: Path, expected: dict[str, Any]) -> str:
    """Open the page in headless chromium: it renders with nothing blocked or
    failing on the console, the rendered DOM's figures equal `expected` (the
    report's --json), and a screenshot is a real PNG.  Returns the DOM."""
    dumped = _chromium(html_path, "--dump-dom")
    said = _console(dumped.stderr)
    assert not said, "the browser console reported: " + " | ".join(said)
    dom = dumped.stdout
    assert "<main>" in dom, dom[:500]
    check_figures(dom, expected)
    png = html_path.with_suffix(".png")
    shot = _chromium(html_path, f"--screenshot={png}", "--window-size=1200,2000")
    said = _console(shot.stderr)
    assert not said, "the browser console reported: " + " | ".join(said)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, len(data)
    return dom


# -- the tests --------------------------------------------------------------------------

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "section",
    "h1", "h2", "h3", "p", "div", "span", "strong", "table", "thead", "tbody", "tr",
    "th", "td", "ul", "li", "dl", "dt", "dd", "details", "summary",
    "svg", "rect", "line", "text",
}  # fmt: skip


def _tree(html_text: str) -> ET.Element:
    assert html_text.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(html_text.removeprefix("<!DOCTYPE html>\n"))


def test_the_page_is_well_formed_and_fetches_and_runs_nothing() -> None:
    html_text = page(SAMPLE)
    root = _tree(html_text)  # well-formed: every element closed, every entity valid
    tags = {element.tag for element in root.iter()}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert "<script" not in html_text.lower()
    for element in root.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert name not in {"src", "href", "xlink:href", "action", "srcset", "background"}
            if not name.startswith("data-"):  # data-* hold the report's text, inert
                assert "://" not in value and "url(" not in value, (element.tag, name, value)
    style = "".join(e.text or "" for e in root.iter("style"))
    assert "url(" not in style and "@import" not in style and "//" not in style
    csp = [m.get("content") for m in root.iter("meta") if m.get("http-equiv")]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                   "form-action 'none'"]  # fmt: skip


def test_every_user_text_is_escaped_and_shown_as_typed() -> None:
    html_text = page(SAMPLE)
    root = _tree(html_text)
    text = "".join(root.itertext())
    values = [e.get("data-value") for e in root.iter() if e.get("data-value")]
    for hostile in HOSTILE:
        # Shown as text (controls made visible as in the terminal), never as markup...
        assert clean(hostile) in text, hostile
        # ...and its exact value in the figure's data-value.
        assert json.dumps(hostile) in values, hostile
    assert "\x1b" not in html_text and "\u202e" not in html_text
    assert root.find(".//b") is None and root.find(".//img") is None
    # Chart labels are escaped too (the category names are cut to fit).
    labels = "".join("".join(t.itertext()) for t in root.iter("text"))
    assert "<b>bold</b> & <i>it</i>"[:20] in labels


def test_every_figure_equals_the_report_and_none_is_dropped() -> None:
    figures = check_figures(page(SAMPLE), SAMPLE)
    shown = {(scope, path): figures.shown(i) for i, (scope, path, _) in enumerate(figures.found)}
    # Figures read as people read them.
    assert shown[("", "csat.average")] == "4.06"
    assert shown[("", "csat.top_box_share")] == "40.6%"
    assert shown[("", "first_response.median_seconds")] == "31 min"
    assert shown[("", "resolution_time.median_seconds")] == "1 d 03 h"
    assert shown[("", "handling.by_category.0.median_seconds")] == "21 min"
    assert shown[("", "sla.resolution.attainment")] == NO_DATA
    assert shown[("", "remedies.by_kind.0.total")] == "184.50"
    assert shown[("report", "myths.4.status")] == "not enough data"
    assert shown[("group:1", "volume.opened")] == "242"
    # A figure the page has no layout for is still shown.
    assert shown[("", "handling.cases")] == "95"
    assert shown[("", "handling.by_category.0.over_target")] == "27"


def test_a_wrong_or_missing_figure_is_caught() -> None:
    """The check itself can fail: a page of other figures does not pass for this report."""
    changed = copy.deepcopy(SAMPLE)
    changed["kpis"]["csat"]["average"] = 4.07
    with pytest.raises(AssertionError, match="csat.average"):
        check_figures(page(changed), SAMPLE)
    more = copy.deepcopy(SAMPLE)
    more["kpis"]["fcr"]["new_field"] = 3
    with pytest.raises(AssertionError, match="not on the page"):
        check_figures(page(SAMPLE), more)


def _whole_desk(html_text: str) -> str:
    """The page up to the groups (whose KPIs repeat the sections)."""
    return html_text.split("<section><h2>By agent", 1)[0] + "</main></body></html>"


def test_the_dissatisfied_warning_myths_and_nps_note() -> None:
    root = _tree(page(SAMPLE))
    warnings = ["".join(e.itertext()) for e in root.iter() if e.get("class") == "warn"]
    assert len(warnings) == 1 + 3  # the desk's and each group's (all three above 10%)
    assert "More than 10%" in warnings[0]
    myths = [e for e in root.iter("li") if e.get("data-myth")]
    assert [(m.get("data-myth"), m.get("class")) for m in myths] == [
        ("1", "myth flag"),
        ("2", "myth flag"),
        ("3", "myth ok"),
        ("4", "myth flag"),
        ("5", "myth not_enough_data"),
    ]
    assert "the biggest complaint deserves the most attention" in "".join(myths[0].itertext())
    assert "not meaningful" in "".join(root.itertext())
    calm = copy.deepcopy(SAMPLE)
    calm["kpis"]["csat"]["dissatisfied_flag"] = False
    assert 'class="warn"' not in _whole_desk(page(calm))
    assert 'class="warn"' in _whole_desk(page(SAMPLE))


def test_no_data_reads_no_data_and_without_by_there_are_no_groups() -> None:
    html_text = page(EMPTY)
    _tree(html_text)
    check_figures(html_text, EMPTY)
    root = _tree(html_text)
    assert "By " not in "".join("".join(h.itertext()) for h in root.iter("h2"))
    nodata = [e for e in root.iter() if "nodata" in (e.get("class") or "").split()]
    assert len(nodata) > 20
    # The charts of an empty period are empty, not broken.
    assert "Handling time per category: no data" in "".join(root.itertext())
    assert all(float(r.get("height") or 0) == 0 for r in root.iter("rect"))
    # Even a report missing whole sections renders, every figure "no data".
    check = read_figures(page({"kpis": {}, "myths": []}))
    assert {value for _, _, value in check.found} == {None}


def test_charts_draw_the_figures_to_scale() -> None:
    root = _tree(page(SAMPLE))
    svgs = list(root.iter("svg"))
    labels = [s.get("aria-label") for s in svgs[:4]]
    assert labels == [
        "Cases opened and resolved per day",
        "Resolution time of the cases resolved",
        "Ratings from 1 to 5",
        "Handling time per category against target",
    ]

    def bars(svg: ET.Element) -> list[tuple[str, float, float]]:
        return [
            (r.get("data-kpi") or "", json.loads(r.get("data-value") or ""),
             float(r.get("height") or 0) if "handling" not in (r.get("data-kpi") or "")
             else float(r.get("width") or 0))
            for r in svg.iter("rect")
        ]  # fmt: skip

    for svg in svgs[:4]:
        drawn = bars(svg)
        assert drawn
        top = max(v for _, v, _ in drawn)
        longest = max(size for _, _, size in drawn)
        for path, value, size in drawn:
            assert size == pytest.approx(longest * value / top, abs=0.02), path
    volume = bars(svgs[0])
    assert len(volume) == 2 * len(SAMPLE["kpis"]["volume"]["by_day"])
    # Over target in red, a target mark per category that has a target.
    handling = svgs[3]
    classes = [r.get("class") for r in handling.iter("rect")]
    assert classes == ["over", "bar", "bar"]
    assert len([line for line in handling.iter("line") if line.get("class") == "target"]) == 2


def test_the_page_in_a_real_browser(tmp_path: Path) -> None:
    html_path = tmp_path / "report.html"
    html_path.write_text(page(SAMPLE), encoding="utf-8")
    dom = check_in_browser(html_path, SAMPLE)
    # The browser parsed the hostile text as text: no element came from it.
    assert not re.search(r"<(script|img|b|i)[\s>]", dom)


def test_the_browser_check_catches_a_page_that_fetches(tmp_path: Path) -> None:
    """Not vacuous: a page that loads an image from elsewhere fails the check."""
    html_path = tmp_path / "bad.html"
    bad = page(SAMPLE).replace("<main>", '<main><img src="https://example.invalid/x.png"/>')
    html_path.write_text(bad, encoding="utf-8")
    with pytest.raises(AssertionError, match="console reported: .*Content Security Policy"):
        check_in_browser(html_path, SAMPLE)
