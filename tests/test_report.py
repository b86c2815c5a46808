"""`desk report`: a small desk with known numbers, built through the command
line with DESK_NOW walking time, and every KPI, myth verdict, drill-down,
group, CSV file and refusal checked exactly (on SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import json
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import POSTGRES, Desk

PERIOD = ("--from", "2026-11-02", "--to", "2026-11-07")
NOW = "2026-11-07T09:00:00"  # Saturday; the week began on Monday 2 November


def at(day: int, hhmm: str) -> str:
    """A time in November 2026 (UTC)."""
    return f"2026-11-{day:02d}T{hhmm}:00"


@pytest.fixture
def run(desk: Desk) -> Callable[..., Any]:
    """Run a command at a time; assert it succeeded; its JSON when asked."""

    def call(when: str, *args: str, as_json: bool = False) -> Any:
        extra = ("--json",) if as_json else ()
        result = desk(*args, *extra, env={"DESK_NOW": when})
        assert result.exit_code == 0, (args, result.output, result.stderr)
        return json.loads(result.stdout) if as_json else result.stdout

    return call


def report(desk: Desk, *args: str, now: str = NOW) -> Any:
    result = desk("report", *args, "--json", env={"DESK_NOW": now})
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def review_row(sql: Callable[..., Any], case_id: int, integrity: int, score: float) -> None:
    """A QA review as the review command stores it (that command is another's)."""
    sql(
        "INSERT INTO case_review (case_id, at, reviewer, reviewer_key, agent, agent_key,"
        " personalization, integrity, expectations, resolution, time_effort, empathy,"
        " professionalism, patience, people_first, score, flagged, comment)"
        " VALUES (:case_id, :at, 'bob', 'bob', 'alice', 'alice', 8, :integrity, 7, 9, 6, 8,"
        " 9, NULL, NULL, :score, :flagged, '')",
        case_id=case_id,
        at="2026-11-06 10:00:00.000000",
        integrity=integrity,
        score=score,
        flagged=integrity < 5,
    )


@pytest.fixture
def week(run: Callable[..., Any], sql: Callable[..., Any]) -> None:
    """Seven cases; the comments give each one's figures (UTC times; normal
    priority counts business time on `office`, Mon-Fri 09:00-17:00 UTC)."""
    run(
        at(1, "08:00"),
        "sla",
        "calendar",
        "set",
        "office",
        "--tz",
        "UTC",
        "--hours",
        "mon-fri 09:00-17:00",
    )
    run(at(1, "08:00"), "sla", "policy", "set", "normal", "--calendar", "office")
    run(at(1, "08:00"), "customer", "add", "--crn", "C-1", "--name", "Ana")
    run(at(1, "08:00"), "report", "target", "set", "Billing", "--handling", "10m")
    run(at(1, "08:00"), "report", "target", "set", "billing", "--handling", "15m")
    run(at(1, "08:00"), "report", "target", "set", "network", "--handling", "10m")
    # Case 7 (created first, id 1 would confuse): opened long before, still open.
    opened = ("case", "open", "--customer", "C-1", "--subject")
    run(
        "2026-10-20T09:00:00",
        *opened,
        "old",
        "--priority",
        "low",
        "--channel",
        "web",
        "--category",
        "other",
    )
    # Case 2 (id 2): first reply 1 h by both clocks (assist), FCR, rated 5/10;
    # handling 600 s.
    run(at(2, "09:00"), *opened, "one", "--category", "billing")
    run(at(2, "10:00"), "assist", "2", "--step", "acknowledge", "--text", "hello")
    run(at(2, "10:10"), "assist", "2", "--step", "apologize", "--skip", "--reason", "none")
    run(
        at(2, "11:00"),
        "case",
        "resolve",
        "2",
        "--resolution",
        "ok",
        "--root-cause",
        "batch ran twice",
    )
    run(at(3, "09:00"), "case", "feedback", "2", "--csat", "5", "--nps", "10")
    # Case 3: first reply after 18 h (2 business hours), a customer message
    # after it (not FCR), resolved after 21 h (5 business hours), rated 2/5,
    # a refund.
    run(at(2, "16:00"), *opened, "two", "--category", "billing", "--channel", "email")
    run(at(3, "10:00"), "case", "reply", "3", "looking")
    run(at(3, "11:00"), "case", "inbound", "3", "still broken")
    run(at(3, "12:00"), "case", "reply", "3", "fixed now")
    run(
        at(3, "13:00"),
        "case",
        "resolve",
        "3",
        "--resolution",
        "ok",
        "--root-cause",
        "router firmware",
    )
    run(at(4, "09:00"), "case", "feedback", "3", "--csat", "2", "--nps", "5")
    run(
        at(4, "09:30"),
        "case",
        "remedy",
        "3",
        "--kind",
        "refund",
        "--amount",
        "12.50",
        "--currency",
        "EUR",
        "--note",
        "sorry",
    )
    # Case 4: high priority (always): first reply 30 min, escalated (not FCR),
    # resolved after 3 h, rated 4/8; handling 300 s.
    run(
        at(3, "09:00"),
        *opened,
        "three",
        "--category",
        "network",
        "--priority",
        "high",
        "--channel",
        "chat",
    )
    run(at(3, "09:30"), "assist", "4", "--step", "acknowledge", "--text", "on it")
    run(at(3, "09:35"), "assist", "4", "--step", "apologize", "--skip", "--reason", "none")
    run(at(3, "10:00"), "case", "escalate", "4", "--to", "tier2", "--reason", "deep")
    run(
        at(3, "12:00"),
        "case",
        "resolve",
        "4",
        "--resolution",
        "ok",
        "--root-cause",
        "router firmware",
    )
    run(at(4, "10:00"), "case", "feedback", "4", "--csat", "4", "--nps", "8")
    # Case 5: first reply 10 min, resolved, reopened 2 h later (not FCR),
    # resolved again: 4 h by the calendar, 2 business hours; rated 1; credits.
    run(at(4, "09:00"), *opened, "four", "--category", "network")
    run(at(4, "09:10"), "case", "reply", "5", "try this")
    run(at(4, "10:00"), "case", "resolve", "5", "--resolution", "ok")
    run(at(4, "12:00"), "case", "reopen", "5", "--reason", "back again")
    run(
        at(4, "13:00"),
        "case",
        "resolve",
        "5",
        "--resolution",
        "ok",
        "--root-cause",
        "router firmware",
    )
    run(at(5, "09:00"), "case", "feedback", "5", "--csat", "1")
    run(
        at(5, "09:10"),
        "case",
        "remedy",
        "5",
        "--kind",
        "credit",
        "--amount",
        "5",
        "--currency",
        "EUR",
        "--note",
        "n",
    )
    run(
        at(5, "09:20"),
        "case",
        "remedy",
        "5",
        "--kind",
        "credit",
        "--amount",
        "2.25",
        "--currency",
        "EUR",
        "--note",
        "n",
    )
    # Case 6: still open; first reply 5 min (assist), handling 1200 s.
    run(at(5, "09:00"), *opened, "five", "--category", "billing", "--channel", "email")
    run(at(5, "09:05"), "assist", "6", "--step", "acknowledge", "--text", "hi")
    run(at(5, "09:25"), "assist", "6", "--step", "apologize", "--skip", "--reason", "none")
    # Case 7: high, never answered: both clocks past due on Saturday.
    run(at(5, "10:00"), *opened, "six", "--priority", "high", "--channel", "chat")
    review_row(sql, 2, 8, 7.5)
    review_row(sql, 3, 3, 0.0)  # integrity below 5: scored 0 and flagged


def test_every_kpi_of_a_known_week(desk: Desk, week: None) -> None:
    data = report(desk, *PERIOD)
    assert data["period"] == {
        "from": "2026-11-02T00:00:00+00:00",
        "to": "2026-11-07T23:59:59+00:00",
    }
    assert data["by"] is None and "groups" not in data
    assert data["generated_at"] == "2026-11-07T09:00:00+00:00"
    assert data["calendar"] == "always, office"
    k = data["kpis"]
    assert set(k) == {
        "volume",
        "first_response",
        "resolution_time",
        "sla",
        "fcr",
        "reopen_rate",
        "escalation_rate",
        "csat",
        "nps",
        "handling",
        "remedies",
        "qa",
    }
    assert k["volume"] == {
        "opened": 6,
        "resolved": 4,
        "closed": 0,
        "reopened": 1,
        "backlog": {"lt_1d": 0, "1_3d": 2, "3_7d": 0, "gt_7d": 1},
        "by_channel": {"chat": 2, "email": 2, "phone": 2},
        "by_day": [
            {"date": "2026-11-02", "opened": 2, "resolved": 1},
            {"date": "2026-11-03", "opened": 1, "resolved": 2},
            {"date": "2026-11-04", "opened": 1, "resolved": 1},
            {"date": "2026-11-05", "opened": 2, "resolved": 0},
            {"date": "2026-11-06", "opened": 0, "resolved": 0},
            {"date": "2026-11-07", "opened": 0, "resolved": 0},
        ],
    }
    # Calendar 300, 600, 1800, 3600, 64800; business 300, 600, 1800, 3600, 7200.
    assert k["first_response"] == {
        "count": 5,
        "median_seconds": 1800.0,
        "p90_seconds": 40320.0,
        "business_median_seconds": 1800.0,
        "business_p90_seconds": 5760.0,
    }
    # Calendar 7200, 10800, 14400, 75600; business 7200, 7200, 10800, 18000.
    assert k["resolution_time"] == {
        "count": 4,
        "median_seconds": 12600.0,
        "p90_seconds": 57240.0,
        "business_median_seconds": 9000.0,
        "business_p90_seconds": 15840.0,
        "histogram": [
            {"bucket": "lt_1h", "count": 0},
            {"bucket": "1_4h", "count": 2},
            {"bucket": "4_24h", "count": 2},
            {"bucket": "1_3d", "count": 0},
            {"bucket": "3_7d", "count": 0},
            {"bucket": "gt_7d", "count": 0},
        ],
    }
    assert k["sla"] == {
        "first_response": {"met": 5, "breached": 1, "running": 0, "attainment": 0.8333},
        "next_reply": {"met": 1, "breached": 0, "running": 0, "attainment": 1.0},
        "resolution": {"met": 4, "breached": 1, "running": 1, "attainment": 0.8},
    }
    assert k["fcr"] == {"resolved": 4, "first_contact": 1, "share": 0.25}
    assert k["reopen_rate"] == {"resolved": 4, "reopened": 1, "share": 0.25}
    assert k["escalation_rate"] == {
        "opened": 6,
        "escalated": 1,
        "share": 0.1667,
        "by_team": {"tier2": 1},
    }
    assert k["csat"] == {
        "count": 4,
        "average": 3.0,
        "top_box_share": 0.25,
        "dissatisfied_share": 0.5,
        "dissatisfied_flag": True,
        "response_rate": 1.0,
        "root_causes": [{"root_cause": "router firmware", "count": 2}],
        "categories": [{"category": "billing", "count": 1}, {"category": "network", "count": 1}],
        "distribution": {"1": 1, "2": 1, "3": 0, "4": 1, "5": 1},
    }
    assert k["nps"] == {
        "count": 3,
        "promoters": 1,
        "passives": 1,
        "detractors": 1,
        "score": 0.0,
        "meaningful": False,
    }
    assert k["handling"] == {
        "cases": 3,
        "total_seconds": 2100.0,
        "long_tail_share": 0.5714,
        "by_category": [
            {
                "category": "billing",
                "cases": 2,
                "median_seconds": 900.0,
                "target_seconds": 900,
                "over_target_share": 0.5,
                "over_target": 1,
            },
            {
                "category": "network",
                "cases": 1,
                "median_seconds": 300.0,
                "target_seconds": 600,
                "over_target_share": 0.0,
                "over_target": 0,
            },
        ],
    }
    assert k["remedies"] == {
        "count": 3,
        "by_kind": [
            {"kind": "credit", "currency": "EUR", "count": 2, "total": "7.25"},
            {"kind": "refund", "currency": "EUR", "count": 1, "total": "12.50"},
        ],
    }
    assert k["qa"] == {
        "count": 2, "average": 3.75, "flagged": 1,
        "by_pillar": {"personalization": 8.0, "integrity": 5.5, "expectations": 7.0,
                      "resolution": 9.0, "time_effort": 6.0, "empathy": 8.0,
                      "professionalism": 9.0, "patience": None, "people_first": None},
        "by_agent": [{"agent": "alice", "count": 2, "average": 3.75, "flagged": 1}],
    }  # fmt: skip


def test_myths_say_not_enough_data_on_a_small_week(desk: Desk, week: None) -> None:
    myths = report(desk, *PERIOD)["myths"]
    assert [m["myth"] for m in myths] == [1, 2, 3, 4, 5]
    assert [m["status"] for m in myths] == ["not_enough_data"] * 5
    assert [m["figures"]["data_points"] for m in myths] == [4, 4, 4, 3, 4]
    assert myths[0]["verdict"] == "not enough data: 4 ratings, a verdict needs at least 30"
    assert myths[0]["figures"]["dissatisfied_share"] == 0.5


@pytest.mark.parametrize(
    ("kpi", "ids"),
    [
        ("volume", [2, 3, 4, 5, 6, 7]),
        ("first_response", [2, 3, 4, 5, 6]),
        ("resolution_time", [2, 3, 4, 5]),
        ("sla", [7]),
        ("fcr", [2]),
        ("reopen_rate", [5]),
        ("escalation_rate", [4]),
        ("csat", [3, 5]),
        ("nps", [3]),
        ("handling", [6]),
        ("remedies", [3, 5]),
        ("qa", [2, 3]),
    ],
)
def test_explain_gives_the_definition_and_the_cases(
    desk: Desk, week: None, kpi: str, ids: list[int]
) -> None:
    from deskcli.services.report import DEFINITIONS

    found = report(desk, *PERIOD, "--explain", kpi)
    assert found == {"kpi": kpi, "definition": DEFINITIONS[kpi], "case_ids": ids}
    shown = desk("report", *PERIOD, "--explain", kpi, env={"DESK_NOW": NOW})
    assert shown.exit_code == 0
    assert DEFINITIONS[kpi][:60] in shown.stdout.replace("\n", " ")
    assert f"cases ({len(ids)}): {', '.join(map(str, ids))}" in shown.stdout


def test_by_category_gives_one_group_per_value(desk: Desk, week: None) -> None:
    data = report(desk, *PERIOD, "--by", "category")
    assert data["by"] == "category"
    groups = {g["key"]: g["kpis"] for g in data["groups"]}
    assert [g["key"] for g in data["groups"]] == ["billing", "network", "other", None]
    billing, network = groups["billing"], groups["network"]
    assert billing["volume"]["opened"] == 3 and billing["volume"]["resolved"] == 2
    assert billing["csat"]["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert billing["handling"]["total_seconds"] == 1800.0
    assert billing["remedies"]["count"] == 1
    assert network["fcr"] == {"resolved": 2, "first_contact": 0, "share": 0.0}
    assert network["escalation_rate"]["by_team"] == {"tier2": 1}
    assert groups["other"]["volume"]["backlog"]["gt_7d"] == 1
    assert groups[None]["sla"]["first_response"]["breached"] == 1
    # The groups add up to the whole.
    assert sum(g["volume"]["opened"] for g in groups.values()) == data["kpis"]["volume"]["opened"]


def test_by_agent_groups_by_assignee_whatever_its_case(desk: Desk, run: Callable[..., Any]) -> None:
    run(at(2, "08:00"), "customer", "add", "--crn", "C-1", "--name", "Ana")
    run(at(2, "09:00"), "case", "open", "--customer", "C-1", "--subject", "a", "--assign", "Bea")
    run(at(2, "09:00"), "case", "open", "--customer", "C-1", "--subject", "b", "--assign", "bea")
    run(at(2, "09:00"), "case", "open", "--customer", "C-1", "--subject", "c")
    groups = report(desk, *PERIOD, "--by", "agent")["groups"]
    assert [(g["key"], g["kpis"]["volume"]["opened"]) for g in groups] == [("Bea", 2), (None, 1)]


def test_since_is_the_default_period(desk: Desk, run: Callable[..., Any]) -> None:
    run(at(1, "08:00"), "customer", "add", "--crn", "C-1", "--name", "Ana")
    run("2026-10-01T09:00:00", "case", "open", "--customer", "C-1", "--subject", "old")
    run(at(5, "09:00"), "case", "open", "--customer", "C-1", "--subject", "new")
    data = report(desk)
    assert data["period"] == {
        "from": "2026-10-08T09:00:00+00:00",
        "to": "2026-11-07T09:00:00+00:00",
    }
    assert data["kpis"]["volume"]["opened"] == 1
    assert len(data["kpis"]["volume"]["by_day"]) == 31
    assert report(desk, "--since", "60d")["kpis"]["volume"]["opened"] == 2


def test_handling_targets_set_and_list(desk: Desk, run: Callable[..., Any]) -> None:
    assert run(NOW, "report", "target", "list", as_json=True) == []
    said = run(NOW, "report", "target", "set", "Billing", "--handling", "10m")
    assert said.strip() == "handling target of Billing: 10 min"
    # The same category whatever its case: replaced, spelled as last typed.
    run(NOW, "report", "target", "set", "billing", "--handling", "15m")
    run(NOW, "--as", "bea", "report", "target", "set", "Network", "--handling", "1h")
    assert run(NOW, "report", "target", "list", as_json=True) == [
        {"category": "billing", "handling_seconds": 900, "set_at": "2026-11-07T09:00:00+00:00",
         "set_by": "alice"},
        {"category": "Network", "handling_seconds": 3600, "set_at": "2026-11-07T09:00:00+00:00",
         "set_by": "bea"},
    ]  # fmt: skip
    listed = run(NOW, "report", "target", "list")
    assert "billing" in listed and "15 min" in listed and "1 h 00 min" in listed


def _two(desk: Desk, *args: str) -> str:
    result = desk(*args, env={"DESK_NOW": NOW})
    assert result.exit_code == 2, (args, result.output, result.stderr)
    assert "Traceback" not in result.output + result.stderr
    assert result.stderr.startswith("desk: error: "), result.stderr
    return result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("report", "--since", "soon"), "invalid duration"),
        (("report", "--since", "0d"), "--since '0d' is no time at all"),
        (("report", "--from", "2026-13-01", "--to", "2026-12-01"), "invalid --from date"),
        (("report", "--from", "2026-11-02", "--to", "yesterday"), "invalid --to date"),
        (("report", "--from", "2026-11-09", "--to", "2026-11-02"), "is before --from"),
        (("report", "--from", "2026-11-02"), "--from and --to go together"),
        (("report", "--since", "7d", "--from", "2026-11-02", "--to", "2026-11-03"), "not both"),
        (("report", "--from", "0001-01-01", "--to", "2026-11-03"), "out of range"),
        (("report", "--by", "planet"), "unknown --by"),
        (("report", "--explain", "happiness"), "unknown KPI"),
        (("report", "--explain", "fcr", "--by", "agent"), "leave out --by"),
        (("report", "target", "set", "billing", "--handling", "0m"), "no time"),
        (("report", "target", "set", "billing", "--handling", "soon"), "invalid --handling"),
        (("report", "target", "set", "  ", "--handling", "15m"), "the category is empty"),
        (("report", "nonsense"), "No such command"),
    ],
)
def test_bad_input_is_exit_2(desk: Desk, args: tuple[str, ...], said: str) -> None:
    assert said in _two(desk, *args)
    assert desk("report", "target", "list", "--json").stdout.strip() == "[]"


def test_terminal_layout_is_plain_with_charts_and_inert_text(
    desk: Desk, run: Callable[..., Any]
) -> None:
    run(at(1, "08:00"), "customer", "add", "--crn", "C-1", "--name", "Ana")
    run(
        at(2, "09:00"),
        "case",
        "open",
        "--customer",
        "C-1",
        "--subject",
        "a",
        "--category",
        "[bold]x[/bold]",
    )
    run(
        at(3, "09:00"),
        "case",
        "open",
        "--customer",
        "C-1",
        "--subject",
        "b",
        "--category",
        "[bold]x[/bold]",
    )
    run(at(3, "09:05"), "assist", "2", "--step", "acknowledge", "--text", "hi")
    run(at(3, "09:25"), "assist", "2", "--step", "apologize", "--skip", "--reason", "none")
    result = desk("report", *PERIOD, env={"DESK_NOW": NOW})
    assert result.exit_code == 0
    text = result.stdout
    assert "\x1b" not in text  # no terminal: no styling
    assert "per day 2026-11-02 ██▁▁▁▁ 2026-11-07 (opened)" in text
    assert "[bold]x[/bold]  ████████████████████████  median 20 min (1 cases; no target)" in text
    assert "What the numbers say" in text
    assert "1. the loudest complaint deserves the most attention: [not_enough_data]" in text


def test_csv_writes_one_guarded_file_per_table(
    desk: Desk, run: Callable[..., Any], tmp_path: Path
) -> None:
    run(at(1, "08:00"), "customer", "add", "--crn", "C-1", "--name", "Ana")
    run(
        at(2, "09:00"),
        "case",
        "open",
        "--customer",
        "C-1",
        "--subject",
        "a",
        "--category",
        "@SUM(A1)",
    )
    run(
        at(2, "10:00"),
        "case",
        "resolve",
        "1",
        "--resolution",
        "ok",
        "--root-cause",
        '=HYPERLINK("http://x")',
    )
    run(at(3, "10:00"), "case", "feedback", "1", "--csat", "1")
    out = tmp_path / "report"
    result = desk("report", *PERIOD, "--csv", str(out), "--by", "category",
                  env={"DESK_NOW": NOW})  # fmt: skip
    assert result.exit_code == 0, result.output + result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([
        "summary.csv", "volume_by_day.csv", "resolution_histogram.csv",
        "dissatisfied_root_causes.csv", "handling_by_category.csv", "remedies.csv",
        "qa_by_agent.csv", "myths.csv", "groups.csv",
    ])  # fmt: skip

    def rows(name: str) -> list[list[str]]:
        with (out / name).open(newline="", encoding="utf-8") as f:
            return list(csv.reader(f))

    assert rows("dissatisfied_root_causes.csv") == [
        ["root_cause", "count"],
        ['\'=HYPERLINK("http://x")', "1"],
    ]
    assert ["volume", "opened", "1"] in rows("summary.csv")
    assert ["csat", "dissatisfied_flag", "True"] in rows("summary.csv")
    assert ["'@SUM(A1)", "volume", "opened", "1"] in rows("groups.csv")
    assert rows("volume_by_day.csv")[1] == ["2026-11-02", "1", "1"]
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b'"kpi","measure","value"\r\n')


def test_csv_into_a_file_is_refused(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert "is not a directory" in _two(desk, "report", "--csv", str(target))
    assert target.read_text() == "x"


def _thirty(run: Callable[..., Any]) -> None:
    """30 resolved cases, all rated and handled: categories a (first contact,
    rated 5 or 4) and b (escalated, rated 4 or 2), alternately alice's and
    bob's; 24 handled for 60 s, 6 for 1200 s."""
    run(at(1, "08:00"), "customer", "add", "--crn", "C-1", "--name", "Ana")
    ratings = [5] * 10 + [4] * 10 + [4] * 6 + [2] * 4
    for i, csat in enumerate(ratings):
        case_id = i + 1
        base = f"2026-11-02T{9 + i // 6:02d}:{(i % 6) * 10:02d}"
        first_contact = i < 20
        category = "a" if first_contact else "b"
        agent = "alice" if i % 2 else "bob"
        spent = 1200 if i >= 24 else 60
        run(
            base + ":00",
            "case",
            "open",
            "--customer",
            "C-1",
            "--subject",
            f"s{i}",
            "--category",
            category,
            "--assign",
            agent,
        )
        run(base + ":01", "assist", str(case_id), "--step", "acknowledge", "--text", "hi")
        later = f"2026-11-02T{9 + i // 6:02d}:{(i % 6) * 10:02d}:01"
        from datetime import datetime, timedelta

        step_at = (datetime.fromisoformat(later) + timedelta(seconds=spent)).isoformat()
        run(step_at, "assist", str(case_id), "--step", "apologize", "--skip", "--reason", "n")
        if not first_contact:
            run(step_at, "case", "escalate", str(case_id), "--to", "tier2", "--reason", "r")
        run(
            step_at,
            "case",
            "resolve",
            str(case_id),
            "--resolution",
            "ok",
            "--root-cause",
            "batch ran twice" if csat <= 2 else "fine",
        )
        run(at(4, "09:00"), "case", "feedback", str(case_id), "--csat", str(csat))


def test_myth_checks_flag_with_enough_data(desk: Desk, run: Callable[..., Any]) -> None:
    _thirty(run)
    data = report(desk, *PERIOD)
    myths = {m["myth"]: m for m in data["myths"]}
    assert {n: m["status"] for n, m in myths.items()} == {
        1: "flag",
        2: "flag",
        3: "flag",
        4: "flag",
        5: "flag",
    }
    assert myths[1]["verdict"] == (
        'dissatisfied share 13% > 10%: fix the process; top root causes "batch ran twice" (4)'
    )
    assert myths[1]["figures"]["dissatisfied_share"] == 0.1333
    assert myths[2]["figures"]["fcr_range_by_category"] == [0.0, 1.0]
    assert myths[2]["figures"]["fcr_range_by_agent"] == [1.0, 1.0]
    assert myths[3]["figures"] == {
        "fcr_share": 0.6667,
        "csat_first_contact": 4.5,
        "csat_others": 3.2,
        "data_points": 30,
    }
    assert myths[3]["verdict"].startswith(
        "FCR 67% vs CSAT of first-contact cases 4.5 and of the others 3.2"
    )
    # 24 x 60 s and 6 x 1200 s: the slowest six took 7200 of 8640 s.
    assert myths[4]["figures"] == {
        "long_tail_share": 0.8333,
        "over_target_share": None,
        "data_points": 30,
    }
    assert myths[4]["verdict"] == (
        "handling time: - of cases over target, the slowest 20% of cases took 83% of the time"
    )
    assert myths[5]["figures"] == {
        "top_box_share": 0.3333,
        "average": 4.07,
        "second_box_share": 0.5333,
        "data_points": 30,
    }
    assert data["kpis"]["handling"]["long_tail_share"] == 0.8333


def test_myth_checks_ok_when_the_numbers_are_fine(desk: Desk, run: Callable[..., Any]) -> None:
    run(at(1, "08:00"), "customer", "add", "--crn", "C-1", "--name", "Ana")
    for i in range(30):
        run(f"2026-11-02T09:{i:02d}:00", "case", "open", "--customer", "C-1", "--subject", "s")
        run(f"2026-11-02T10:{i:02d}:00", "case", "resolve", str(i + 1), "--resolution", "ok")
        run(at(3, "09:00"), "case", "feedback", str(i + 1), "--csat", "5" if i < 28 else "1")
    myths = {m["myth"]: m for m in report(desk, *PERIOD)["myths"]}
    assert myths[1]["status"] == "ok"
    assert myths[1]["verdict"] == (
        "dissatisfied share 7% <= 10%: complaints are the edge, not the process"
    )
    assert myths[2]["status"] == "ok"  # one category, no agent: nothing to compare
    assert myths[3]["status"] == "ok"  # every case first contact
    assert myths[4]["status"] == "not_enough_data"  # nobody recorded handling time
    assert myths[5]["status"] == "ok"


@pytest.mark.skipif(POSTGRES, reason="about the SQLite read path")
def test_report_reads_without_the_database_stack(desk: Desk, week: None, db_path: Path) -> None:
    import subprocess

    from tests.conftest import subprocess_env
    from tests.test_read_path import PROBE

    env = subprocess_env(db_path, DESK_NOW=NOW)
    run = subprocess.run(
        [sys.executable, "-c", PROBE, "report", *PERIOD, "--json"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    loaded = set(run.stderr.rsplit("LOADED ", 1)[1].split())
    assert not loaded & {"sqlalchemy", "sqlmodel", "pydantic", "alembic", "rich"}


def test_the_html_page_matches_the_json_in_a_real_browser(
    desk: Desk, week: None, tmp_path: Path
) -> None:
    """`--html FILE` writes the page of the very report `--json` prints: its
    figures, read back from the DOM chromium renders, are the JSON's."""
    from tests.test_report_html import check_in_browser

    data = report(desk)
    page = tmp_path / "report.html"
    result = desk("report", "--html", str(page), env={"DESK_NOW": NOW})
    assert result.exit_code == 0, result.stderr
    assert f"wrote the report's page to {page}" in result.stderr
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    check_in_browser(page, data)


def test_html_is_never_written_over_the_desk_or_into_a_directory(
    desk: Desk, week: None, tmp_path: Path
) -> None:
    import os

    database = None if POSTGRES else os.environ.get("DESK_DB")  # a server is no file
    targets = [str(tmp_path)] + ([database] if database else [])
    for target in targets:
        result = desk("report", "--html", target)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith("desk: error: ") and "--html" in result.stderr
    assert desk("report", "--explain", "fcr", "--html", "x.html").exit_code == 2


def test_the_readme_publishes_every_definition() -> None:
    """The definitions `--explain` shows are the README's, word for word."""
    from deskcli.services.report import DEFINITIONS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for kpi, definition in DEFINITIONS.items():
        assert f"- **`{kpi}`**: {definition}" in readme, kpi
