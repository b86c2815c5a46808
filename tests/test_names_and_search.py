"""Issue 10, items 4 and 5: names match case-insensitively (stored as first
typed), and searches fold case and accents, also in notes, replies and the
resolution.  Through the real command line, on both backends."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from deskcli.folding import search_fold
from tests.conftest import Desk

Dj = Callable[..., Any]


def _ids(desk: Desk, *args: str) -> list[int]:
    result = desk("case", "list", "--all", "--ids", *args)
    assert result.exit_code == 0, result.output + result.stderr
    return [int(line) for line in result.stdout.split()]


# -- item 4: CRNs, agents and teams -----------------------------------------


def test_a_crn_is_found_whatever_its_case(desk: Desk, dj: Dj) -> None:
    dj("customer", "add", "--crn", "C-1001", "--name", "Ana Pérez")
    shown = dj("customer", "show", "c-1001")
    assert shown["crn"] == "C-1001"
    case_id = dj("case", "open", "--customer", "c-1001", "--subject", "Charged twice")["id"]
    assert dj("case", "show", str(case_id))["customer_crn"] == "C-1001"
    assert _ids(desk, "--customer", "c-1001") == [case_id]


def test_a_crn_differing_only_by_case_is_a_duplicate(desk: Desk, dj: Dj) -> None:
    dj("customer", "add", "--crn", "C-1001", "--name", "Ana Pérez")
    result = desk("customer", "add", "--crn", "c-1001", "--name", "Someone Else")
    assert result.exit_code == 4, result.output
    assert "already exists" in result.stderr
    dj("customer", "add", "--crn", "C-2", "--name", "Bea")
    result = desk("customer", "edit", "C-2", "--crn", "C-1001".lower())
    assert result.exit_code == 4, result.output
    # Renaming a CRN to another spelling of itself is allowed.
    assert dj("customer", "edit", "C-2", "--crn", "c-2")["crn"] == "c-2"
    assert len(dj("customer", "list")) == 2


def test_the_database_refuses_a_crn_differing_only_by_case(desk: Desk, dj: Dj, sql: Any) -> None:
    from sqlalchemy.exc import IntegrityError

    dj("customer", "add", "--crn", "C-1001", "--name", "Ana Pérez")
    with pytest.raises(IntegrityError):
        sql(
            "INSERT INTO customer (crn, crn_key, name, created_at, search_text) "
            "VALUES ('c-1001', 'c-1001', 'x', '2026-01-01 00:00:00', '')"
        )


def test_take_as_the_owner_in_another_case(
    desk: Desk, dj: Dj, new_case: Callable[..., int]
) -> None:
    case_id = str(new_case())
    dj("case", "assign", case_id, "--to", "Sam")
    events = len(dj("case", "show", case_id)["events"])
    result = desk("case", "take", case_id, "--as", "sam", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    after = dj("case", "show", case_id)
    assert after["assignee"] == "Sam"
    assert len(after["events"]) == events  # no new assigned event
    # Assigning to another spelling of the owner changes nothing either.
    assert dj("case", "assign", case_id, "--to", "SAM")["assignee"] == "Sam"
    assert len(dj("case", "show", case_id)["events"]) == events


def test_names_keep_their_first_spelling(dj: Dj, new_case: Callable[..., int]) -> None:
    first, second = str(new_case()), str(new_case("Second"))
    dj("case", "escalate", first, "--to", "billing", "--reason", "refund")
    escalated = dj("case", "escalate", second, "--to", "Billing", "--reason", "refund")
    assert escalated["team"] == "billing"
    dj("case", "assign", first, "--to", "Sam")
    assert dj("case", "assign", second, "--to", "SAM")["assignee"] == "Sam"


def test_filters_match_names_whatever_their_case(
    desk: Desk, dj: Dj, new_case: Callable[..., int]
) -> None:
    first, second = new_case(), new_case("Second")
    dj("case", "assign", str(first), "--to", "Sam")
    dj("case", "escalate", str(second), "--to", "billing", "--reason", "refund")
    assert _ids(desk, "--assignee", "SAM") == [first]
    assert _ids(desk, "--team", "BILLING") == [second]
    assert _ids(desk, "--mine", "--as", "sAm") == [first]


@pytest.mark.sqlite_only
def test_name_filters_use_an_index(database: Any) -> None:
    from deskcli.reads.filters import CaseFilter
    from deskcli.reads.queries import _where
    from deskcli.reads.source import open_sqlite

    source = open_sqlite(database.path)
    assert source is not None
    try:
        for filters in (CaseFilter(assignee="SAM"), CaseFilter(team="BILLING")):
            where, params = _where(source, filters)
            plan = source.rows(f'EXPLAIN QUERY PLAN SELECT c.id FROM "case" c{where}', params)
            details = " ".join(str(row[-1]) for row in plan)
            assert "INDEX ix_case_" in details and "_key" in details, details
    finally:
        source.close()


def test_import_matches_customers_by_crn_whatever_its_case(
    desk: Desk, dj: Dj, tmp_path: Path
) -> None:
    dj("customer", "add", "--crn", "C-1001", "--name", "Ana Pérez")
    exported = tmp_path / "out.jsonl"
    assert desk("export", "--out", str(exported)).exit_code == 0
    customer = json.loads(exported.read_text().splitlines()[0])
    created = customer["created_at"]
    lines = [
        {**customer, "crn": "c-1001"},
        {"type": "case", "id": 7, "customer_crn": "c-1001", "subject": "Imported",
         "description": "", "channel": "phone", "category": None, "priority": "normal",
         "status": "new", "assignee": None, "team": None, "tier": 1,
         "created_at": created, "updated_at": created, "first_response_at": None,
         "resolved_at": None, "closed_at": None, "resolution": None, "root_cause": None,
         "follow_up_at": None, "reopen_count": 0, "handling_seconds": 0, "version": 1},
    ]  # fmt: skip
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = desk("import", str(path), "--json")
    assert result.exit_code == 0, result.output + result.stderr
    assert len(dj("customer", "list")) == 1
    assert dj("case", "show", "7")["customer_crn"] == "C-1001"
    assert _ids(desk, "--search", "imported") == [7]
    # Two spellings of one CRN in one file: the second line is refused.
    twice = tmp_path / "twice.jsonl"
    other = {**lines[0], "crn": "X-1"}
    twice.write_text(json.dumps(other) + "\n" + json.dumps({**other, "crn": "x-1"}) + "\n")
    result = desk("import", str(twice))
    assert result.exit_code == 2, result.output
    assert "again" in result.stderr


# -- item 5: search ------------------------------------------------------------


def test_fold_ignores_case_and_accents() -> None:
    assert search_fold("José Ñúñez") == "jose nunez"
    assert search_fold("ESTÁ") == "esta"
    assert search_fold("Straße") == "strasse"


def test_customer_search_folds_case_and_accents(dj: Dj) -> None:
    dj("customer", "add", "--crn", "C-1", "--name", "José Ñúñez")
    dj("customer", "add", "--crn", "C-2", "--name", "Ana Pérez", "--email", "ANA@example.com")
    assert [c["crn"] for c in dj("customer", "list", "--search", "jose")] == ["C-1"]
    assert [c["crn"] for c in dj("customer", "list", "--search", "NUNEZ")] == ["C-1"]
    assert [c["crn"] for c in dj("customer", "list", "--search", "pérez")] == ["C-2"]
    assert [c["crn"] for c in dj("customer", "list", "--search", "ana@")] == ["C-2"]
    dj("customer", "edit", "C-2", "--name", "Zoë Ávila")
    assert [c["crn"] for c in dj("customer", "list", "--search", "zoe avila")] == ["C-2"]


def test_case_search_folds_and_looks_in_the_whole_conversation(
    desk: Desk, dj: Dj, new_case: Callable[..., int]
) -> None:
    accented = new_case("La factura está mal")
    in_note, in_reply, resolved = new_case("One"), new_case("Two"), new_case("Three")
    new_case("Unrelated")
    dj("case", "note", str(in_note), "El cliente llamó: TARIFA incorrecta")
    dj("case", "reply", str(in_reply), "Le devolvemos el importe de la tarifa")
    dj("case", "resolve", str(resolved), "--resolution", "Tarifa corregida")
    assert _ids(desk, "--search", "esta") == [accented]
    assert _ids(desk, "--search", "ESTÁ MAL") == [accented]
    assert sorted(_ids(desk, "--search", "tarifa")) == sorted([in_note, in_reply, resolved])
    assert _ids(desk, "--search", "llamo") == [in_note]
    # Reopening drops the resolution from what is searched.
    dj("case", "reopen", str(resolved), "--reason", "not fixed")
    assert sorted(_ids(desk, "--search", "tarifa")) == sorted([in_note, in_reply])
    # Closing with a resolution in one step makes it searchable too.
    dj("case", "close", str(resolved), "--resolution", "Bono regalado")
    assert _ids(desk, "--search", "bono") == [resolved]
    # A wildcard in the query is literal text.
    assert _ids(desk, "--search", "%") == []


def test_case_search_help_says_where_it_looks(desk: Desk) -> None:
    result = desk("case", "list", "--help")
    assert result.exit_code == 0
    flat = " ".join(result.stdout.split())
    assert "notes" in flat and "replies" in flat and "resolution" in flat


# -- the migration -------------------------------------------------------------


def _url(db_path: Path) -> str:
    return os.environ.get("DESK_DB_URL") or f"sqlite:///{db_path}"


def _database_at_0003(db_path: Path) -> None:
    """A database as deskcli left it at revision 0003, with data in it."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "deskcli:migrations")
    engine = create_engine(_url(db_path))
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        at = "2026-01-02 03:04:05"
        connection.execute(
            text(
                "INSERT INTO customer (id, crn, name, email, phone, created_at) VALUES "
                "(1, 'C-1', 'José Ñúñez', NULL, NULL, :at), "
                "(2, 'c-1', 'Another spelling', NULL, NULL, :at), "
                "(3, 'C-3', 'Ana Pérez', NULL, NULL, :at)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                'INSERT INTO "case" (id, customer_id, subject, description, channel, category, '
                "priority, status, assignee, team, tier, created_at, updated_at, resolution, "
                "reopen_count, version, handling_seconds) VALUES "
                "(1, 1, 'Factura está mal', 'Cobro doble', 'phone', NULL, 'normal', 'open', "
                "'Sam', 'Billing', 2, :at, :at, NULL, 0, 3, 0), "
                "(2, 3, 'Línea caída', '', 'phone', NULL, 'normal', 'resolved', NULL, NULL, "
                "1, :at, :at, 'Router reiniciado', 0, 2, 0)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO event (case_id, at, agent, kind, body, data) VALUES "
                "(1, :at, 'alice', 'opened', 'Factura está mal', NULL), "
                "(1, :at, 'alice', 'note', 'Habló con Ñoño', NULL), "
                "(2, :at, 'alice', 'reply', 'Lo siento mucho', NULL)"
            ),
            {"at": at},
        )
    engine.dispose()


def test_upgrading_a_0003_database_keeps_everything_and_searches_old_rows(
    desk: Desk, dj: Dj, db_path: Path
) -> None:
    _database_at_0003(db_path)
    assert _ids(desk, "--search", "esta") == [1]  # the first command upgrades
    assert _ids(desk, "--search", "nono") == [1]
    assert _ids(desk, "--search", "siento") == [2]
    assert _ids(desk, "--search", "reiniciado") == [2]
    assert _ids(desk, "--assignee", "SAM") == [1]
    assert _ids(desk, "--team", "billing") == [1]
    # Both case-only-different CRNs survive; each is found by its own
    # spelling, and another spelling finds the oldest.
    assert sorted(c["crn"] for c in dj("customer", "list")) == ["C-1", "C-3", "c-1"]
    assert dj("customer", "show", "c-1")["name"] == "Another spelling"
    assert dj("customer", "show", "C-1")["name"] == "José Ñúñez"
    assert [c["crn"] for c in dj("customer", "list", "--search", "jose nunez")] == ["C-1"]
    shown = dj("case", "show", "1")
    assert (shown["subject"], shown["version"], len(shown["events"])) == (
        "Factura está mal",
        3,
        2,
    )
    assert desk("customer", "add", "--crn", "C-3".lower(), "--name", "x").exit_code == 4


@pytest.mark.sqlite_only
def test_upgrading_a_0003_database_with_a_damaged_value_names_it(desk: Desk, db_path: Path) -> None:
    # SQLite keeps whatever was written: the upgrade's folding must not stumble
    # on a BLOB subject or agent; the damaged value is then named, exit 5.
    _database_at_0003(db_path)
    with sqlite3.connect(db_path) as connection:
        connection.execute("""UPDATE "case" SET subject = x'00ff', assignee = x'01' WHERE id = 1""")
        connection.execute("UPDATE customer SET name = x'02' WHERE id = 3")
    result = desk("case", "list", "--json")
    assert result.exit_code == 5, result.output
    assert "damaged value in" in result.stderr and "desk doctor" in result.stderr
