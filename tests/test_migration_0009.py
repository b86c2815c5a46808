"""Schema 0009 (issue 13) gives the cases of an older database their clocks:
each case's events replayed under the seeded policies, active cases with
running clocks and a due time, resolved and closed cases with their
historical verdicts; a chunk of cases at a time."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from deskcli.dbpolicy import SCHEMA_HEAD
from tests.conftest import Desk

NOW = "2026-03-10T12:00:00+00:00"  # DESK_NOW while the file is upgraded

INSERT_CASE = (
    'INSERT INTO "case" (customer_id, subject, description, channel, category, priority,'
    " status, assignee, team, tier, created_at, updated_at, first_response_at, resolved_at,"
    " closed_at, resolution, root_cause, follow_up_at, reopen_count, handling_seconds,"
    " assignee_key, team_key, search_text, version) VALUES (1, :subject, '', 'phone', NULL,"
    " :priority, :status, NULL, NULL, 1, :created, :created, NULL, NULL, NULL, NULL, NULL,"
    " NULL, 0, 0, NULL, NULL, '', 1)"
)
INSERT_EVENT = (
    "INSERT INTO event (case_id, at, agent, kind, body, data)"
    " VALUES (:case_id, :at, 'alice', :kind, '', :data)"
)

# (priority now, status now, events as (kind, "YYYY-MM-DD HH:MM", data JSON or None))
CASES: list[tuple[str, str, list[tuple[str, str, str | None]]]] = [
    # 1: active, nobody answered yet: both clocks run.
    ("urgent", "new", [("opened", "2026-03-10 10:00", '{"priority": "urgent"}')]),
    # 2: resolved: answered late (5 h of a 4 h target), resolved in time (1 d).
    (
        "high",
        "resolved",
        [
            ("opened", "2026-03-02 08:00", '{"priority": "high"}'),
            ("reply", "2026-03-02 13:00", '{"first": true}'),
            ("resolved", "2026-03-02 20:00", '{"from": "open"}'),
        ],
    ),
    # 3: pending after 2 h: resolution paused, first response met, no due time.
    (
        "normal",
        "pending",
        [
            ("opened", "2026-03-09 08:00", None),  # older events said no priority
            ("reply", "2026-03-09 09:00", None),
            ("status", "2026-03-09 10:00", '{"from": "open", "to": "pending"}'),
        ],
    ),
    # 4: closed after a reopen: 3 h, then 2 h of the 4 h urgent target: breached.
    (
        "urgent",
        "closed",
        [
            ("opened", "2026-03-03 08:00", '{"priority": "urgent"}'),
            ("reply", "2026-03-03 08:30", None),
            ("resolved", "2026-03-03 11:00", '{"from": "open"}'),
            ("reopened", "2026-03-04 08:00", '{"from": "resolved"}'),
            ("resolved", "2026-03-04 10:00", '{"from": "open"}'),
            ("closed", "2026-03-05 08:00", None),
        ],
    ),
    # 5: the customer wrote after the answer (next reply, cycle 1, runs); the
    # priority went from low to high, counted from the clocks' start.
    (
        "high",
        "open",
        [
            ("opened", "2026-03-10 06:00", '{"priority": "low"}'),
            ("reply", "2026-03-10 07:00", None),
            ("edited", "2026-03-10 08:00", '{"priority": {"from": "low", "to": "high"}}'),
            ("inbound", "2026-03-10 11:00", '{"channel": "email", "from": "open", "to": "open"}'),
        ],
    ),
]
BULK = 1234  # more than two chunks of the backfill


def _url(db_path: Path) -> str:
    return os.environ.get("DESK_DB_URL") or f"sqlite:///{db_path}"


def _made_at_0008(db_path: Path) -> None:
    engine = create_engine(_url(db_path))
    config = Config()
    config.set_main_option("script_location", "deskcli:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        connection.execute(
            text(
                "INSERT INTO customer (crn, crn_key, name, email, phone, created_at, search_text)"
                " VALUES ('C-1', 'c-1', 'Ana', NULL, NULL, '2026-01-01 00:00:00.000000', 'ana')"
            )
        )
        case_id = 0
        for priority, status, events in CASES:
            case_id += 1
            created = events[0][1] + ":00.000000"
            connection.execute(
                text(INSERT_CASE),
                {"subject": f"case {case_id}", "priority": priority, "status": status,
                 "created": created},
            )  # fmt: skip
            connection.execute(
                text(INSERT_EVENT),
                [
                    {"case_id": case_id, "at": at + ":00.000000", "kind": kind, "data": data}
                    for kind, at, data in events
                ],
            )
        bulk = [
            {"subject": f"bulk {n}", "priority": "low", "status": "open",
             "created": f"2026-03-0{1 + n % 9} 08:00:00.000000"}
            for n in range(BULK)
        ]  # fmt: skip
        connection.execute(text(INSERT_CASE), bulk)
        connection.execute(
            text(
                "INSERT INTO event (case_id, at, agent, kind, body, data)"
                " SELECT id, created_at, 'alice', 'opened', subject, NULL FROM \"case\""
                " WHERE subject LIKE 'bulk %'"
            )
        )
    engine.dispose()


def _rows(db_path: Path, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(_url(db_path))
    with engine.connect() as connection:
        found = [tuple(row) for row in connection.execute(text(sql), params)]
    engine.dispose()
    return found


def _t(value: Any) -> str | None:
    """A stored time as "YYYY-MM-DD HH:MM[:SS]" (SQLite gives text, PostgreSQL datetimes)."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return when.strftime("%Y-%m-%d %H:%M:%S").removesuffix(":00")


def _clocks(db_path: Path, case_id: int) -> list[tuple[Any, ...]]:
    found = _rows(
        db_path,
        "SELECT name, cycle, target_seconds, calendar, started_at, segment_started_at,"
        " used_seconds, due_at, stopped_at, paused, breached FROM case_clock"
        " WHERE case_id = :case_id ORDER BY name, cycle",
        case_id=case_id,
    )
    return [
        (name, cycle, target, calendar, _t(started), _t(segment), used, _t(due), _t(stopped),
         bool(paused), bool(breached))
        for name, cycle, target, calendar, started, segment, used, due, stopped, paused, breached
        in found
    ]  # fmt: skip


def test_an_older_database_gets_the_clocks_its_events_give(
    db_path: Path, desk: Desk, dj: Callable[..., Any]
) -> None:
    _made_at_0008(db_path)
    shown = dj("case", "show", "1", env={"DESK_NOW": NOW})  # the first command upgrades it
    assert shown["subject"] == "case 1"
    assert _rows(db_path, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    H = 3600
    assert _clocks(db_path, 1) == [
        ("first_response", 0, H, "always", "2026-03-10 10:00", "2026-03-10 10:00", 0.0,
         "2026-03-10 11:00", None, False, False),
        ("resolution", 0, 4 * H, "always", "2026-03-10 10:00", "2026-03-10 10:00", 0.0,
         "2026-03-10 14:00", None, False, False),
    ]  # fmt: skip
    # Resolved: the verdicts as they were.  The late answer is breached, the
    # resolution met; both keep their due times.
    assert _clocks(db_path, 2) == [
        ("first_response", 0, 4 * H, "always", "2026-03-02 08:00", None, 5.0 * H,
         "2026-03-02 12:00", "2026-03-02 13:00", False, True),
        ("resolution", 0, 86400, "always", "2026-03-02 08:00", None, 12.0 * H,
         "2026-03-03 08:00", "2026-03-02 20:00", False, False),
    ]  # fmt: skip
    # Pending: the resolution clock is paused with 2 h used and no due time.
    assert _clocks(db_path, 3) == [
        ("first_response", 0, 8 * H, "always", "2026-03-09 08:00", None, 1.0 * H,
         "2026-03-09 16:00", "2026-03-09 09:00", False, False),
        ("resolution", 0, 3 * 86400, "always", "2026-03-09 08:00", None, 2.0 * H, None, None,
         True, False),
    ]  # fmt: skip
    # Closed after a reopen: 3 h + 2 h of 4 h; the second run was due at 09:00.
    assert _clocks(db_path, 4)[1] == (
        "resolution", 0, 4 * H, "always", "2026-03-03 08:00", None, 5.0 * H,
        "2026-03-04 09:00", "2026-03-04 10:00", False, True,
    )  # fmt: skip
    # The priority change counts from the start: high's 1 d resolution from 06:00.
    assert _clocks(db_path, 5) == [
        ("first_response", 0, 86400, "always", "2026-03-10 06:00", None, 1.0 * H,
         "2026-03-11 06:00", "2026-03-10 07:00", False, False),
        ("next_reply", 1, 4 * H, "always", "2026-03-10 11:00", "2026-03-10 11:00", 0.0,
         "2026-03-10 15:00", None, False, False),
        ("resolution", 0, 86400, "always", "2026-03-10 06:00", "2026-03-10 06:00", 0.0,
         "2026-03-11 06:00", None, False, False),
    ]  # fmt: skip
    due = dict(_rows(db_path, 'SELECT id, due_at FROM "case" WHERE id <= 5'))
    assert {case_id: _t(at) for case_id, at in due.items()} == {
        1: "2026-03-10 11:00",
        2: None,
        3: None,
        4: None,
        5: "2026-03-10 15:00",
    }


def test_the_backfill_reaches_every_case_past_its_chunks(
    db_path: Path, dj: Callable[..., Any]
) -> None:
    _made_at_0008(db_path)
    dj("case", "show", "1", env={"DESK_NOW": NOW})
    counted = _rows(
        db_path,
        "SELECT count(*), count(c.due_at), min(k.target_seconds), max(k.target_seconds)"
        ' FROM "case" c JOIN case_clock k ON k.case_id = c.id'
        " WHERE c.subject LIKE 'bulk %'",
    )
    assert counted == [(2 * BULK, 2 * BULK, 86400, 5 * 86400)]
    # The last case of the last chunk: low's first response, a day after it opened.
    last = _rows(db_path, 'SELECT created_at, due_at FROM "case" ORDER BY id DESC LIMIT 1')
    created, due = (_parse(value) for value in last[0])
    assert due - created == timedelta(days=1)


def _parse(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
