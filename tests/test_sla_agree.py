"""The clocks the write path keeps event by event (services.sla_clocks) are
the clocks a replay of the case's timeline gives (sla.replay, which the 0009
backfill and `desk sla what-if` use): checked after every step of scripted
sessions through the command line, on office hours across a weekend and a
DST night, with pauses, customer messages, a priority change and a reopen."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from deskcli.reads.rows import to_time
from deskcli.services.sla_config import calendar_of
from deskcli.sla.replay import Event, Terms, replay

Json = Callable[..., Any]
Sql = Callable[..., list[Any]]

OFFICE_HOURS = '[{"days": [0, 1, 2, 3, 4], "from": "09:00", "to": "18:00"}]'
COLUMNS = ("name", "cycle", "target_seconds", "calendar", "started_at", "segment_started_at",
           "due_at", "stopped_at", "paused", "breached")  # fmt: skip


def madrid(text: str) -> dict[str, str]:
    offset = "+02:00" if "2026-03-29 03:00" <= text < "2026-10-25" else "+01:00"
    return {"DESK_NOW": text.replace(" ", "T") + ":00" + offset}


@pytest.fixture
def office(sql: Sql) -> None:
    """High priority on Madrid office hours, 1 h to reply, 4 h to resolve, 2 h for a next reply."""
    sql(
        "INSERT INTO sla_calendar (name, tz, hours, holidays, updated_at) VALUES"
        f" ('office', 'Europe/Madrid', '{OFFICE_HOURS}', '[\"2026-03-30\"]', '2026-01-01')"
    )
    sql(
        "UPDATE sla_policy SET calendar = 'office', first_response_seconds = 3600,"
        " resolution_seconds = 14400, next_reply_seconds = 7200 WHERE priority = 'high'"
    )


def _terms(sql: Sql) -> dict[str, Terms]:
    calendars = {
        row[0]: calendar_of(*row)
        for row in sql("SELECT name, tz, hours, holidays FROM sla_calendar")
    }
    return {
        priority: Terms(first, next_reply, resolution, calendars[calendar])
        for priority, first, next_reply, resolution, calendar in sql(
            "SELECT priority, first_response_seconds, next_reply_seconds, resolution_seconds,"
            " calendar FROM sla_policy"
        )
    }


def _value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name.endswith("_at"):
        return to_time(value)
    if name in ("paused", "breached"):
        return bool(value)
    return value


def assert_agree(sql: Sql, case_id: int, now: str, step: str) -> None:
    stored = [
        {name: _value(name, v) for name, v in zip((*COLUMNS, "used_seconds"), row, strict=True)}
        for row in sql(
            f"SELECT {', '.join(COLUMNS)}, used_seconds FROM case_clock"
            " WHERE case_id = :case_id ORDER BY name, cycle",
            case_id=case_id,
        )
    ]
    events = [
        Event(kind, to_time(at), json.loads(data) if isinstance(data, str) else data)
        for kind, at, data in sql(
            "SELECT kind, at, data FROM event WHERE case_id = :case_id ORDER BY id",
            case_id=case_id,
        )
    ]
    priority = sql('SELECT priority FROM "case" WHERE id = :case_id', case_id=case_id)[0][0]
    at = datetime.fromisoformat(madrid(now)["DESK_NOW"]).astimezone(UTC)
    replayed = sorted(
        (run.row() for run in replay(events, _terms(sql), at, priority=priority).runs),
        key=lambda run: (run["name"], run["cycle"]),
    )
    assert [{c: r[c] for c in COLUMNS} for r in stored] == [
        {c: _value(c, r[c]) for c in COLUMNS} for r in replayed
    ], step
    for kept, again in zip(stored, replayed, strict=True):
        assert kept["used_seconds"] == pytest.approx(again["used_seconds"], abs=0.01), step
    due = sql('SELECT due_at FROM "case" WHERE id = :case_id', case_id=case_id)[0][0]
    running = [r["due_at"] for r in replayed if r["stopped_at"] is None and r["due_at"]]
    assert _value("due_at", due) == (min(running) if running else None), step


def test_a_long_session_keeps_the_clocks_a_replay_gives(
    dj: Json, sql: Sql, customer: str, office: None
) -> None:
    steps: list[tuple[str, tuple[str, ...]]] = [
        ("2026-03-26 17:30", ("case", "open", "-c", customer, "--subject", "Router down",
                              "--priority", "high")),
        ("2026-03-26 17:50", ("case", "take", "{id}")),
        ("2026-03-27 09:40", ("case", "reply", "{id}", "Looking at it")),
        ("2026-03-27 10:00", ("case", "inbound", "{id}", "Still down")),
        ("2026-03-27 16:00", ("case", "pending", "{id}", "--reason", "waiting for a photo")),
        # Pending over a weekend, a DST night (29 March) and a holiday (30 March).
        ("2026-03-31 10:15", ("case", "inbound", "{id}", "Here is the photo")),
        ("2026-03-31 10:30", ("case", "edit", "{id}", "--priority", "normal")),
        ("2026-03-31 11:00", ("case", "reply", "{id}", "Thanks, checking")),
        ("2026-03-31 12:00", ("case", "escalate", "{id}", "--to", "tier2", "--reason", "line")),
        ("2026-04-01 09:00", ("case", "edit", "{id}", "--priority", "high")),
        ("2026-04-01 15:00", ("case", "resolve", "{id}", "--resolution", "Replaced the card")),
        ("2026-04-01 16:00", ("case", "inbound", "{id}", "Works, thanks")),
        ("2026-04-02 09:30", ("case", "reopen", "{id}", "--reason", "down again")),
        ("2026-04-02 10:00", ("case", "inbound", "{id}", "Down again since 9")),
        ("2026-04-02 11:30", ("case", "reply", "{id}", "On it")),
        ("2026-04-03 17:00", ("case", "close", "{id}", "--resolution", "Swapped the router")),
    ]  # fmt: skip
    case_id = 0
    for when, words in steps:
        args = [w.replace("{id}", str(case_id)) for w in words]
        result = dj(*args, env=madrid(when))
        case_id = case_id or result["id"]
        assert_agree(sql, case_id, when, " ".join(args))
        assert_agree(sql, case_id, "2026-04-10 12:00", f"later, after {' '.join(args)}")


def test_a_case_resolved_without_a_reply_stops_every_clock(
    dj: Json, sql: Sql, customer: str, office: None
) -> None:
    case_id = dj("case", "open", "-c", customer, "--subject", "Bill", "--priority", "high",
                 env=madrid("2026-03-26 12:00"))["id"]  # fmt: skip
    dj(
        "case",
        "resolve",
        str(case_id),
        "--resolution",
        "Self-solved",
        env=madrid("2026-03-26 14:00"),
    )
    dj("case", "inbound", str(case_id), "One more thing", env=madrid("2026-03-26 15:00"))
    assert_agree(sql, case_id, "2026-03-27 12:00", "resolved, then a message")
    clocks = dj("case", "show", str(case_id), env=madrid("2026-03-27 12:00"))["sla"]
    assert clocks["next_reply"] is None and clocks["first_response"]["stopped_at"] is not None
