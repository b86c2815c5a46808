"""`desk report` on the demo desk (issue 14, "Done means"): the last 30 days
of the demo fill every section of the report, every myth check has the
data points it needs, at least one fires, and the HTML page shows what
--json says.  Both backends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk

NOW = "2026-06-01T12:00:00+00:00"


@pytest.fixture
def demo(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> Desk:
    monkeypatch.setenv("DESK_NOW", NOW)
    made = desk("demo")
    assert made.exit_code == 0, made.output
    return desk


def _report(desk: Desk) -> dict[str, Any]:
    result = desk("report", "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _filled(figures: dict[str, Any], *names: str) -> None:
    for name in names:
        assert figures[name] is not None and figures[name] != 0, (name, figures)


def test_the_demo_report_fills_every_section(demo: Desk) -> None:
    kpis = _report(demo)["kpis"]
    volume = kpis["volume"]
    _filled(volume, "opened", "resolved", "closed", "reopened")
    assert sum(volume["backlog"].values()) > 0 and len(volume["by_channel"]) >= 4
    assert sum(day["opened"] for day in volume["by_day"]) == volume["opened"]
    for name in ("first_response", "resolution_time"):
        _filled(kpis[name], "count", "median_seconds", "p90_seconds", "business_p90_seconds")
        assert kpis[name]["business_median_seconds"] is not None
    for clock, figures in kpis["sla"].items():
        assert figures["met"] > 0 and figures["attainment"] is not None, clock
    assert any(figures["breached"] for figures in kpis["sla"].values())
    _filled(kpis["fcr"], "resolved", "first_contact", "share")
    _filled(kpis["reopen_rate"], "reopened", "share")
    _filled(kpis["escalation_rate"], "escalated", "share")
    assert len(kpis["escalation_rate"]["by_team"]) >= 2
    csat = kpis["csat"]
    _filled(csat, "average", "top_box_share", "dissatisfied_share", "response_rate")
    assert csat["count"] >= 30 and csat["root_causes"] and csat["categories"]
    nps = kpis["nps"]
    _filled(nps, "promoters", "passives", "detractors")
    assert nps["count"] >= 30 and nps["meaningful"] and nps["score"] is not None
    handling = kpis["handling"]
    _filled(handling, "total_seconds", "long_tail_share")
    assert handling["cases"] >= 30 and len(handling["by_category"]) >= 4
    for category in handling["by_category"]:
        assert category["target_seconds"] and category["median_seconds"], category
        assert category["over_target_share"] is not None, category
    remedies = kpis["remedies"]
    assert remedies["count"] > 0
    assert {r["kind"] for r in remedies["by_kind"]} >= {"credit", "refund"}
    qa = kpis["qa"]
    _filled(qa, "count", "average", "flagged")
    assert all(v is not None for v in qa["by_pillar"].values()), qa["by_pillar"]
    assert len(qa["by_agent"]) >= 3


def test_every_myth_has_its_data_and_the_incident_fires_myth_1(demo: Desk) -> None:
    data = _report(demo)
    myths = {m["myth"]: m for m in data["myths"]}
    assert sorted(myths) == [1, 2, 3, 4, 5]
    for myth in myths.values():
        assert myth["status"] in ("ok", "flag"), myth
        assert myth["figures"]["data_points"] >= 30, myth
    assert sum(m["status"] == "flag" for m in myths.values()) >= 1
    # The month's incident: the billing batch that ran twice is the most
    # frequent root cause among the dissatisfied, above the 10% line.
    loudest = myths[1]
    assert loudest["status"] == "flag"
    assert loudest["figures"]["dissatisfied_share"] > 0.10
    top = loudest["figures"]["root_causes"][0]
    assert top["root_cause"] == "billing batch ran twice" and top["count"] >= 3
    assert '"billing batch ran twice"' in loudest["verdict"]
    shown = demo("report")
    assert shown.exit_code == 0, shown.output
    assert "not enough data" not in shown.stdout
    assert "billing batch ran twice" in shown.stdout


def test_the_demo_report_page_shows_the_json_in_a_real_browser(demo: Desk, tmp_path: Path) -> None:
    from tests.test_report_html import check_in_browser

    data = _report(demo)
    page = tmp_path / "report.html"
    result = demo("report", "--html", str(page))
    assert result.exit_code == 0, result.output
    check_in_browser(page, data)
