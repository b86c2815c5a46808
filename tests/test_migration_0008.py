"""Schema 0008 (issue 12) upgrades a database made at 0006 without losing
anything: its customers, cases, events and tags read the same, and the new
fields start empty."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from deskcli.dbpolicy import SCHEMA_HEAD
from tests.conftest import Desk

# Ids come from the tables' sequences (1 in a new database), as desk leaves them.
BEFORE = [
    "INSERT INTO customer (crn, crn_key, name, email, phone, created_at, search_text)"
    " VALUES ('C-1', 'c-1', 'Ana Pérez', 'ana@example.com', NULL,"
    " '2026-01-02 03:04:05.000000', 'c-1 ana perez')",
    'INSERT INTO "case" (customer_id, subject, description, channel, category, priority,'
    " status, assignee, team, tier, created_at, updated_at, first_response_at, resolved_at,"
    " closed_at, resolution, root_cause, follow_up_at, reopen_count, handling_seconds,"
    " assignee_key, team_key, search_text, version) VALUES (1, 'Charged twice', 'twice',"
    " 'phone', 'billing', 'high', 'resolved', 'bea', 'billing', 2, '2026-01-02 03:04:05.000000',"
    " '2026-01-03 03:04:05.000000', NULL, '2026-01-03 03:04:05.000000', NULL, 'Refunded', NULL,"
    " NULL, 0, 42, 'bea', 'billing', 'charged twice', 3)",
    "INSERT INTO event (case_id, at, agent, kind, body, data) VALUES"
    " (1, '2026-01-02 03:04:05.000000', 'alice', 'opened', 'Charged twice', NULL),"
    " (1, '2026-01-03 03:04:05.000000', 'bea', 'resolved', 'Refunded', NULL)",
    "INSERT INTO case_tag (case_id, tag_key, tag) VALUES (1, 'vip', 'VIP')",
]


def _url(db_path: Path) -> str:
    return os.environ.get("DESK_DB_URL") or f"sqlite:///{db_path}"


def _revision(db_path: Path) -> str | None:
    engine = create_engine(_url(db_path))
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return revision


def _made_at_0006(db_path: Path) -> None:
    engine = create_engine(_url(db_path))
    config = Config()
    config.set_main_option("script_location", "deskcli:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        for statement in BEFORE:
            connection.execute(text(statement))
    engine.dispose()
    assert _revision(db_path) == "0006"


def test_a_database_at_0006_upgrades_without_losing_anything(
    db_path: Path, desk: Desk, dj: Callable[..., Any]
) -> None:
    _made_at_0006(db_path)
    case = dj("case", "show", "1")
    assert _revision(db_path) == SCHEMA_HEAD
    assert case["subject"] == "Charged twice" and case["status"] == "resolved"
    assert (case["assignee"], case["team"], case["tier"]) == ("bea", "billing", 2)
    assert case["handling_seconds"] == 42 and case["version"] == 3 and case["tags"] == ["VIP"]
    assert [e["kind"] for e in case["events"]] == ["opened", "resolved"]
    assert (case["last_inbound_at"], case["csat"], case["nps"]) == (None, None, None)
    customer = dj("customer", "show", "c-1")
    assert customer["name"] == "Ana Pérez" and customer["case_count"] == 1
    assert customer["ratings"]["count"] == 0 and customer["remedies"] == []
    assert [c["id"] for c in dj("case", "list", "--all", "--search", "twice")] == [1]
    # The upgraded database takes the new records.
    rated = dj("case", "feedback", "1", "--csat", "5")
    assert rated["csat"] == 5 and rated["version"] == 4
    assert dj("feedback", "list", "--agent", "bea", "--since", "36500d")[0]["case_id"] == 1
