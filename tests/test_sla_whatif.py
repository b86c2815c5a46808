"""`desk sla what-if`: a priority's recent cases replayed from their events
under other targets, counted met and breached each way; nothing changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.conftest import POSTGRES, Desk

Json = Callable[..., Any]


def at(when: str) -> dict[str, str]:
    return {"DESK_NOW": when}


def opened(dj: Json, customer: str, when: str, priority: str = "urgent") -> int:
    found = dj("case", "open", "-c", customer, "--subject", "s", "--priority", priority,
               env=at(when))  # fmt: skip
    return int(found["id"])


def snapshot(sql: Callable[..., Any]) -> list[Any]:
    return [
        sql('SELECT count(*), sum(version) FROM "case"'),
        sql("SELECT count(*) FROM event"),
        sql("SELECT count(*) FROM case_clock"),
        sql("SELECT * FROM sla_policy ORDER BY priority"),
    ]


def test_what_if_counts_met_and_breached_each_way_and_changes_nothing(
    desk: Desk, dj: Json, customer: str, sql: Callable[..., Any]
) -> None:
    late = opened(dj, customer, "2026-03-02T01:00:00Z")
    opened(dj, customer, "2026-03-02T02:00:00Z")  # never answered
    sooner = opened(dj, customer, "2026-03-02T03:00:00Z")
    opened(dj, customer, "2026-03-02T03:00:00Z", "high")  # another priority
    opened(dj, customer, "2026-01-02T03:00:00Z")  # before the period
    dj("case", "reply", str(late), "hi", env=at("2026-03-02T03:30:00Z"))  # 2.5 h
    dj("case", "reply", str(sooner), "hi", env=at("2026-03-02T04:30:00Z"))  # 1.5 h
    dj("case", "resolve", str(sooner), "--resolution", "ok", env=at("2026-03-02T06:00:00Z"))
    before = snapshot(sql)
    now = at("2026-03-03T00:00:00Z")
    found = dj("sla", "what-if", "--priority", "urgent", "--first-response", "2h",
               "--resolution", "2h", env=now)  # fmt: skip
    assert found == {
        "first_response": {
            "cases": 3,
            "before": {"met": 0, "breached": 3},
            "after": {"met": 1, "breached": 2},
        },
        "next_reply": {
            "cases": 0,
            "before": {"met": 0, "breached": 0},
            "after": {"met": 0, "breached": 0},
        },  # fmt: skip
        # 3 h to resolve: met in 4 h, breached in 2; the others run on, past both.
        "resolution": {
            "cases": 3,
            "before": {"met": 1, "breached": 2},
            "after": {"met": 0, "breached": 3},
        },
    }
    human = desk("sla", "what-if", "--priority", "urgent", "--first-response", "2h", env=now)
    assert human.exit_code == 0, human.stderr
    assert "first response 1h -> 2h" in human.stdout and "3 urgent cases" in human.stdout
    assert "nothing was changed" in human.stdout
    assert snapshot(sql) == before
    # --since narrows the period; the old case joins with a longer one.
    assert dj("sla", "what-if", "--priority", "urgent", "--resolution", "1d", "--since", "2h",
              env=now)["resolution"]["cases"] == 0  # fmt: skip
    assert dj("sla", "what-if", "--priority", "urgent", "--resolution", "1d", "--since", "90d",
              env=now)["resolution"]["cases"] == 4  # fmt: skip


def test_what_if_counts_in_another_calendar(
    dj: Json, customer: str, sql: Callable[..., Any]
) -> None:
    hours = '[{"days": [0, 1, 2, 3, 4], "from": "09:00", "to": "18:00"}]'
    stamp: Any = datetime(2026, 1, 1) if POSTGRES else "2026-01-01 00:00:00.000000"
    sql(
        "INSERT INTO sla_calendar (name, tz, hours, holidays, updated_at)"
        " VALUES ('office', 'Europe/Madrid', :hours, '[]', :stamp)",
        hours=hours,
        stamp=stamp,
    )
    # Friday 17:30 in Madrid, answered Monday 09:20: 40 business minutes.
    case = opened(dj, customer, "2026-03-06T17:30:00+01:00")
    dj("case", "reply", str(case), "hi", env=at("2026-03-09T09:20:00+01:00"))
    found = dj("sla", "what-if", "--priority", "urgent", "--calendar", "office",
               env=at("2026-03-09T12:00:00+01:00"))  # fmt: skip
    assert found["first_response"] == {
        "cases": 1,
        "before": {"met": 0, "breached": 1},
        "after": {"met": 1, "breached": 0},
    }


def test_what_if_refuses_bad_values(desk: Desk) -> None:
    for args, code, words in [
        (("--first-response", "0m"), 2, "--first-response '0m' is no time at all"),
        (("--resolution", "-1h"), 2, "invalid duration '-1h'"),
        (("--resolution", "2x"), 2, "invalid duration '2x'"),
        (("--calendar", "nope"), 3, "no calendar named nope"),
        ((), 2, "say what to change"),
        (("--since", "soon", "--resolution", "1d"), 2, "invalid duration 'soon'"),
    ]:
        result = desk("sla", "what-if", "--priority", "urgent", *args)
        assert result.exit_code == code, (args, result.stderr)
        assert result.stderr.startswith(f"desk: error: {words}"), result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
    unknown = desk("sla", "what-if", "--priority", "asap", "--resolution", "1d")
    assert unknown.exit_code == 2 and "asap" in unknown.stderr
    assert json.loads(desk("case", "list", "--json").stdout) == []
