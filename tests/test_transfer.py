"""`desk export` and `desk import`: the formats, the round trip, idempotency,
bad lines, conflicts and CSV formula neutralisation, all through the real
command line on real SQLite files."""

from __future__ import annotations

import csv
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deskcli.services import export, transfer
from tests.conftest import POSTGRES, Desk

# User text that must survive exactly: Rich markup, an escape sequence, a
# bidi override, a line separator, quotes and non-ASCII.
TRICKY_NAME = '[bold red]Boss[/] \x1b[31mred\x1b[0m \u202eevil "q" Pérez\u2028x'


def populate(desk: Desk, dj: Callable[..., Any]) -> None:
    """A desk with cases in every kind of state and every kind of event."""
    dj("customer", "add", "--crn", "C-1", "--name", "Ana Pérez", "--email", "ana@example.com")
    dj("customer", "add", "--crn", "C-2", "--name", TRICKY_NAME, "--phone", "+44 1")
    dj("customer", "add", "--crn", "C-3", "--name", "Northwind [link=x]Traders[/link]")
    first = dj("case", "open", "-c", "C-1", "--subject", "Charged twice", "--priority", "high")
    dj("case", "reply", str(first["id"]), "Refunding now [b]today[/b]")
    dj("case", "escalate", str(first["id"]), "--to", "billing", "--reason", "above my limit")
    dj("case", "take", str(first["id"]), "--as", "bea")
    dj("case", "resolve", str(first["id"]), "--resolution", "Refunded", "--root-cause", "batch")
    dj("case", "close", str(first["id"]))
    second = dj(
        "case", "open", "-c", "C-2", "--subject", "[2J wiped", "--body", "\x1b[2J line1\nline2"
    )
    dj("case", "note", str(second["id"]), "internal [red]note[/red]")
    dj("case", "pending", str(second["id"]), "--reason", "waiting")
    dj("case", "follow-up", str(second["id"]), "--in", "3d")
    third = dj("case", "open", "-c", "C-3", "--subject", "=cmd|' /C calc'!A0", "--me")
    dj("case", "resolve", str(third["id"]), "--resolution", "+1 done")
    dj("case", "reopen", str(third["id"]), "--reason", "@again")


@pytest.fixture
def other(second_db: dict[str, str]) -> dict[str, str]:
    """A second, empty database on the test's backend (conftest.second_db)."""
    return second_db


def export_bytes(desk: Desk, *args: str, env: dict[str, str] | None = None) -> bytes:
    result = desk("export", *args, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def lines_of(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode().splitlines()]


def write_lines(path: Path, records: list[dict[str, Any] | str]) -> Path:
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")
    return path


def customer_line(crn: str, name: str = "Someone") -> dict[str, Any]:
    return {
        "type": "customer",
        "crn": crn,
        "name": name,
        "email": None,
        "phone": None,
        "created_at": "2026-01-02T03:04:05+00:00",
    }


def case_line(case_id: int, crn: str, subject: str = "Broken") -> dict[str, Any]:
    return {
        "type": "case",
        "id": case_id,
        "customer_crn": crn,
        "subject": subject,
        "description": "",
        "channel": "email",
        "category": None,
        "priority": "normal",
        "status": "new",
        "assignee": None,
        "team": None,
        "tier": 1,
        "created_at": "2026-01-02T03:04:05+00:00",
        "updated_at": "2026-01-02T03:04:05.250000+00:00",
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "resolution": None,
        "root_cause": None,
        "follow_up_at": None,
        "reopen_count": 0,
        "handling_seconds": 0,
        "version": 1,
    }


def event_line(event_id: int, case_id: int, body: str = "") -> dict[str, Any]:
    return {
        "type": "event",
        "id": event_id,
        "case_id": case_id,
        "at": "2026-01-02T03:04:05+00:00",
        "agent": "alice",
        "kind": "note",
        "body": body,
        "data": None,
    }


def clock_line(clock_id: int, case_id: int) -> dict[str, Any]:
    """A stopped resolution clock (migration 0009 defines the columns)."""
    return {
        "type": "clock", "id": clock_id, "case_id": case_id, "name": "resolution", "cycle": 0,
        "target_seconds": 3600, "calendar": "always", "started_at": "2026-01-02T03:04:05+00:00",
        "segment_started_at": None, "used_seconds": 60.5, "due_at": "2026-01-02T04:04:05+00:00",
        "stopped_at": "2026-01-02T03:05:05.500000+00:00", "paused": False, "breached": False,
    }  # fmt: skip


def summary_of(**counted: int) -> dict[str, int]:
    """What `desk import --json` prints: these counts, the others 0."""
    kinds = ("customers", "cases", "events", "articles", "revisions", "uses", "searches",
             "calendars", "policies", "clocks", "reviews", "targets")  # fmt: skip
    return dict.fromkeys((*kinds, "skipped", "invalid", "replayed"), 0) | counted


# Every desk has a policy per priority from the start: an export carries them.
POLICIES = 4
# populate()'s three cases each run a first-response and a resolution clock.
CLOCKS = 6


def counts(desk: Desk, env: dict[str, str] | None = None) -> dict[str, int]:
    records = lines_of(export_bytes(desk, env=env))
    return {kind: sum(r["type"] == kind for r in records) for kind in ("customer", "case", "event")}


# -- the format --------------------------------------------------------------


def test_jsonl_has_every_column_in_order(desk: Desk, dj: Callable[..., Any]) -> None:
    populate(desk, dj)
    records = lines_of(export_bytes(desk))
    kinds = [r["type"] for r in records]
    assert kinds == sorted(kinds, key=["customer", "case", "event", "policy", "clock"].index)
    for kind, fields in (
        ("policy", transfer.POLICY_FIELDS),
        ("clock", transfer.CLOCK_FIELDS),
        ("customer", transfer.CUSTOMER_FIELDS),
        ("case", transfer.CASE_FIELDS),
        ("event", transfer.EVENT_FIELDS),
    ):
        of_kind = [r for r in records if r["type"] == kind]
        assert of_kind and all(list(r) == ["type", *fields] for r in of_kind)
        if kind not in ("customer", "policy"):
            assert [r["id"] for r in of_kind] == sorted(r["id"] for r in of_kind)
    assert [r["crn"] for r in records if r["type"] == "customer"] == ["C-1", "C-2", "C-3"]
    case = next(r for r in records if r["type"] == "case")
    assert case["customer_crn"] == "C-1" and case["status"] == "closed"
    assert case["created_at"].endswith("+00:00") and case["follow_up_at"] is None
    event = next(r for r in records if r["type"] == "event")
    assert event["case_id"] == case["id"] and event["kind"] == "opened"


@pytest.mark.parametrize(
    ("table", "fields"),
    [
        ("customer", transfer.CUSTOMER_FIELDS),
        ("case", transfer.CASE_FIELDS),
        ("event", transfer.EVENT_FIELDS),
    ],
)
def test_fields_cover_every_column(table: str, fields: tuple[str, ...]) -> None:
    # A column added to models.py must be added to the export (or excluded here, on purpose).
    columns = {c.name for c in getattr(transfer, table.upper() + "S").columns}
    substituted = {"customer": {"id"}, "case": {"customer_id"}, "event": set()}[table]
    # Derived from other columns (deskcli.folding) and recomputed on import.
    derived = {
        "customer": {"crn_key", "search_text"},
        "case": {"assignee_key", "team_key", "search_text"},
        "event": set(),
    }[table]
    substituted |= derived
    # `tags` (issue 10) comes from the case_tag table, not a column of case.
    assert set(fields) - {"customer_crn", "tags"} == columns - substituted


@pytest.mark.parametrize(
    ("table", "fields", "left_out"),
    [
        (transfer.CALENDARS, transfer.CALENDAR_FIELDS, {"updated_at"}),
        (transfer.POLICIES, transfer.POLICY_FIELDS, {"updated_at"}),
        (transfer.CLOCKS, transfer.CLOCK_FIELDS, set()),
        # Reviews and targets without their folded keys, recomputed on import.
        (transfer.REVIEWS, transfer.REVIEW_FIELDS, {"reviewer_key", "agent_key"}),
        (transfer.TARGETS, transfer.TARGET_FIELDS, {"id", "category_key"}),
    ],
)
def test_service_level_fields_cover_every_column(
    table: Any, fields: tuple[str, ...], left_out: set[str]
) -> None:
    # A setting's updated_at is bookkeeping of the desk it was set on; a
    # clock is exported whole, so that its state survives the trip.
    assert set(fields) == {c.name for c in table.columns} - left_out
    assert "due_at" in transfer.CASE_FIELDS


def test_export_to_a_file_is_private_and_same_as_stdout(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path
) -> None:
    populate(desk, dj)
    out = tmp_path / "desk.jsonl"
    summary = dj("export", "--out", str(out))
    assert summary == {
        "format": "jsonl", "out": str(out), "customers": 3, "cases": 3, "events": 14,
        "articles": 0, "revisions": 0, "uses": 0, "searches": 0,
        "calendars": 0, "policies": POLICIES, "clocks": CLOCKS, "reviews": 0, "targets": 0,
    }  # fmt: skip
    assert out.read_bytes() == export_bytes(desk)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".desk.jsonl")] == []


def test_export_of_an_empty_desk_is_its_default_policies(desk: Desk) -> None:
    records = lines_of(export_bytes(desk))
    assert [(r["type"], r["priority"], r["calendar"]) for r in records] == [
        ("policy", p, "always") for p in ("high", "low", "normal", "urgent")
    ]


# -- round trip and idempotency -------------------------------------------------


def populate_kb(dj: Callable[..., Any], sql: Callable[..., list[Any]]) -> None:
    """A knowledge base on a populated desk: articles in every status with
    tags, revisions, uses on cases and logged searches (after populate)."""
    first = dj("kb", "add", "--title", "Facturación: cargo duplicado",
               "--body", "Reembolsar el cargo [b]duplicado[/b] y añadir un crédito.",
               "--category", "billing", "-t", "refund", "-t", "VIP", "--as", "bea")  # fmt: skip
    second = dj("kb", "add", "--title", "Wi-Fi drops every evening",
                "--body", "Check the line card.\nThen the router.", "--draft")  # fmt: skip
    body = "Check the line card, then the router."
    dj("kb", "edit", str(second["id"]), "--publish", "--body", body)
    third = dj("kb", "add", "--title", "Old fax procedure", "--body", "Obsolete.")
    dj("kb", "archive", str(third["id"]))
    # Uses: `desk case use-article` is not built yet; the rows it writes.
    for case_id, article_id in ((1, first["id"]), (3, first["id"]), (3, second["id"])):
        sql(
            "INSERT INTO kb_use (case_id, article_id, at, agent)"
            " VALUES (:c, :a, '2026-01-02 03:04:05.123456', 'bea')",
            c=case_id,
            a=article_id,
        )
    dj("kb", "search", "facturacion")
    dj("kb", "search", "wi-fi", "--all")
    dj("kb", "search", "nothing like this")


def populate_sla(dj: Callable[..., Any], sql: Callable[..., list[Any]]) -> None:
    """Service levels on a populated desk: a calendar, a changed policy, and
    clocks in every state (rows as migration 0009 defines them; deliberately
    not what a recomputation would give, which an import must not do)."""
    dj("sla", "calendar", "set", "madrid", "--tz", "Europe/Madrid",
       "--hours", "mon-fri 09:00-18:00", "--holiday", "2026-12-25")  # fmt: skip
    dj("sla", "policy", "set", "high", "--first-response", "2h", "--calendar", "madrid")
    sql("DELETE FROM case_clock")  # whatever the commands made: these rows are the test's
    for case_id, name, cycle, segment, used, due, stopped, paused, breached in (
        (2, "first_response", 0, "2026-01-02 09:00:00.123456", 0.0,
         "2026-01-02 10:00:00.5", None, False, False),
        (2, "resolution", 0, None, 1800.25, None, None, True, False),
        (1, "next_reply", 1, None, 7200.0, "2026-01-03 09:00:00", "2026-01-03 11:00:00",
         False, True),
    ):  # fmt: skip
        sql(
            "INSERT INTO case_clock (case_id, name, cycle, target_seconds, calendar, started_at,"
            " segment_started_at, used_seconds, due_at, stopped_at, paused, breached) VALUES"
            " (:c, :n, :k, 3600, 'madrid', '2026-01-02 08:59:59.5', :s, :u, :d, :t, :p, :b)",
            c=case_id, n=name, k=cycle, s=segment, u=used, d=due, t=stopped, p=paused,
            b=breached,
        )  # fmt: skip
    sql("UPDATE \"case\" SET due_at = '2026-01-02 10:00:00.5' WHERE id = 2")


def test_round_trip_into_an_empty_database(
    desk: Desk,
    dj: Callable[..., Any],
    sql: Callable[..., list[Any]],
    tmp_path: Path,
    other: dict[str, str],
) -> None:
    populate(desk, dj)
    populate_kb(dj, sql)
    populate_sla(dj, sql)
    original = export_bytes(desk)
    records = lines_of(original)
    kb = ["article"] * 3 + ["revision"] * 5 + ["use"] * 3 + ["search"] * 3
    sla = ["calendar"] + ["policy"] * POLICIES + ["clock"] * 3
    assert [r["type"] for r in records[-len(kb) - len(sla) :]] == kb + sla
    clocks = [r for r in records if r["type"] == "clock"]
    assert [list(c) for c in clocks] == [["type", *transfer.CLOCK_FIELDS]] * 3
    assert (clocks[0]["due_at"], clocks[1]["paused"], clocks[1]["used_seconds"]) == (
        "2026-01-02T10:00:00.500000+00:00", True, 1800.25
    )  # fmt: skip
    assert next(r for r in records if r["type"] == "case" and r["id"] == 2)["due_at"] == (
        "2026-01-02T10:00:00.500000+00:00"
    )
    assert "title_fold" not in original.decode() and "query_key" not in original.decode()
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(original)

    summary = dj("import", str(dump), env=other)
    assert summary == summary_of(
        calendars=1, policies=1, customers=3, cases=3, events=14, clocks=3, articles=3,
        revisions=5, uses=3, searches=3, skipped=POLICIES - 1,
    )  # fmt: skip
    assert export_bytes(desk, env=other) == original  # byte for byte, clock state included
    for command in (("sla", "calendar", "list"), ("sla", "policy", "list")):
        assert dj(*command, env=other) == dj(*command)

    # The commands see the same data, too.
    for command in (
        ("case", "show", "2"),
        ("customer", "show", "C-2"),
        ("case", "list", "--all"),
        ("kb", "list", "--status", "draft", "--status", "published", "--status", "archived"),
        ("kb", "show", "1", "--history"),
        ("kb", "show", "2", "--history"),
    ):
        assert dj(*command, env=other) == dj(*command)

    # The imported articles are searchable (the index was rebuilt, not copied):
    # accents fold, prefixes match, drafts and archived ones stay out.
    found = dj("kb", "search", "facturacion", env=other)
    assert [(a["id"], a["uses"]) for a in found] == [(1, 2)]
    assert [a["id"] for a in dj("kb", "search", "router", env=other)] == [2]
    assert dj("kb", "search", "obsolete", env=other) == []
    assert dj("kb", "search", "--all", "fax", env=other) == []

    # New records get new ids (on PostgreSQL the id sequences moved past the imported ones).
    opened = dj("case", "open", "-c", "C-1", "--subject", "after the import", env=other)
    assert opened["id"] == 4
    events = dj("case", "show", str(opened["id"]), env=other)["events"]
    assert [e["id"] for e in events] == [15]
    assert dj("kb", "add", "--title", "New", "--body", "After.", env=other)["id"] == 4
    history = dj("kb", "show", "4", "--history", env=other)["history"]
    assert [r["id"] for r in history] == [6]
    after = lines_of(export_bytes(desk, env=other))
    assert [r["id"] for r in after if r["type"] == "search"] == [1, 2, 3, 4, 5, 6, 7]
    # The clocks' id sequence moved too.
    from sqlalchemy import text

    from deskcli import store

    moved = store.open_database(other.get("DESK_DB"), other.get("DESK_DB_URL"))
    with moved.engine.begin() as connection:
        new_clock = connection.execute(
            text(
                "INSERT INTO case_clock (case_id, name, cycle, target_seconds, calendar,"
                " started_at) VALUES (4, 'resolution', 7, 60, 'always', '2026-01-02 00:00:00')"
                " RETURNING id"
            )
        ).scalar()
    # Past the imported 1-3 and the two clocks case 4 opened with (a server's
    # sequence may leave gaps).
    assert new_clock >= 6


def test_markup_and_escapes_round_trip_exactly(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, other: dict[str, str]
) -> None:
    populate(desk, dj)
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(export_bytes(desk))
    dj("import", str(dump), env=other)

    assert dj("customer", "show", "C-2", env=other)["name"] == TRICKY_NAME
    assert dj("customer", "show", "C-3", env=other)["name"] == ("Northwind [link=x]Traders[/link]")
    # Subjects are one line without control characters (issue 10): the escape
    # sequence rides in the description.
    assert dj("case", "show", "2", env=other)["description"] == "\x1b[2J line1\nline2"
    # On the way the escape sequence stays JSON-escaped: one line per record.
    assert b"\\u001b[31mred" in dump.read_bytes()
    assert len(dump.read_bytes().splitlines()) == 20 + POLICIES + CLOCKS


def test_reimport_changes_nothing(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, other: dict[str, str]
) -> None:
    populate(desk, dj)
    original = export_bytes(desk)
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(original)

    dj("import", str(dump), env=other)
    again = dj("import", str(dump), env=other)
    assert again == summary_of(skipped=20 + POLICIES + CLOCKS)
    assert export_bytes(desk, env=other) == original

    # Into the database it came from: everything is already there.
    assert dj("import", str(dump))["skipped"] == 20 + POLICIES + CLOCKS
    assert export_bytes(desk) == original


def test_import_adds_only_what_is_missing(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path
) -> None:
    records = [customer_line("C-1"), case_line(1, "C-1"), event_line(1, 1, "first")]
    dump = write_lines(tmp_path / "a.jsonl", list(records))
    dj("import", str(dump))
    more = write_lines(tmp_path / "b.jsonl", [*records, event_line(2, 1, "second")])
    assert dj("import", str(more)) == summary_of(events=1, skipped=3)
    assert [e["body"] for e in dj("case", "show", "1")["events"]] == ["first", "second"]


def test_import_reads_stdin_and_says_what_it_did(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, other: dict[str, str]
) -> None:
    populate(desk, dj)
    result = desk("import", "-", input=export_bytes(desk).decode(), env=other)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Imported 3 customers, 3 cases, 14 events and {CLOCKS} clocks; "
        f"{POLICIES} already present.\n"
    )
    assert counts(desk, other) == {"customer": 3, "case": 3, "event": 14}


def test_large_import_crosses_chunks(desk: Desk, dj: Callable[..., Any], tmp_path: Path) -> None:
    # More records than one write chunk of each type, so references cross chunks.
    n_cases = transfer.WRITE_CHUNK * 2 + 7
    records: list[dict[str, Any] | str] = [customer_line(f"C-{i}") for i in range(3)]
    records += [case_line(i, f"C-{i % 3}") for i in range(1, n_cases + 1)]
    records += [event_line(i, (i % n_cases) + 1) for i in range(1, 2 * n_cases + 1)]
    records += [clock_line(i, n_cases + 1 - i) for i in range(1, n_cases + 1)]
    dump = write_lines(tmp_path / "big.jsonl", records)
    summary = dj("import", str(dump))
    assert summary == summary_of(customers=3, cases=n_cases, events=2 * n_cases, clocks=n_cases)
    assert dj("import", str(dump))["skipped"] == 3 + 4 * n_cases
    assert dj("customer", "show", "C-1", "--limit", "0")["case_count"] == len(
        range(1, n_cases + 1, 3)
    )


# -- bad lines ---------------------------------------------------------------


def bad_file(tmp_path: Path) -> Path:
    good_case = case_line(1, "C-1")
    return write_lines(
        tmp_path / "bad.jsonl",
        [
            customer_line("C-1"),  # 1
            '{"type": "customer", "crn": ',  # 2: broken JSON
            good_case,  # 3
            {**case_line(2, "C-1"), "priority": "whenever"},  # 4: bad value
            "",  # 5: blank lines are fine
            {**customer_line("C-2"), "created_at": "2026-01-02T03:04:05"},  # 6: no offset
            {"type": "ticket"},  # 7: unknown type
            event_line(1, 1),  # 8
            event_line(2, 99),  # 9: no such case
            customer_line("C-1"),  # 10: duplicate
            {**event_line(3, 1), "extra": 1},  # 11: unknown field
            {**case_line(3, "C-1"), "tier": "1"},  # 12: a string is not a number
        ],
    )


BAD_LINES = [2, 4, 6, 7, 9, 10, 11, 12]


def test_bad_lines_are_reported_and_nothing_is_imported(desk: Desk, tmp_path: Path) -> None:
    result = desk("import", str(bad_file(tmp_path)))
    assert result.exit_code == 2
    reported = [line for line in result.stderr.splitlines() if line.startswith("desk: note: ")]
    numbers = [int(line.split()[3].rstrip(":")) for line in reported]
    assert numbers == BAD_LINES
    stderr = result.stderr
    assert "line 2: invalid JSON" in stderr or "line 2: Invalid JSON" in stderr
    assert "line 4: case.priority: Input should be 'low', 'normal', 'high' or 'urgent'" in stderr
    assert "line 6: customer.created_at: Input should have timezone info" in stderr
    assert 'line 7: unknown "type"' in stderr
    assert "line 9: event 2: case 99 is neither on an earlier line nor in the database" in stderr
    assert "line 10: customer C-1 again (first on line 1)" in stderr
    assert "line 11: event.extra: Extra inputs are not permitted" in stderr
    assert "line 12: case.tier: Input should be a valid integer" in stderr
    assert "desk: error: 8 invalid lines; nothing was imported" in stderr
    assert counts(desk) == {"customer": 0, "case": 0, "event": 0}


def test_skip_invalid_imports_the_good_lines(desk: Desk, tmp_path: Path) -> None:
    result = desk("import", str(bad_file(tmp_path)), "--skip-invalid", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == summary_of(
        customers=1, cases=1, events=1, invalid=len(BAD_LINES)
    )
    assert result.stderr.count("desk: note: line ") == len(BAD_LINES)
    assert counts(desk) == {"customer": 1, "case": 1, "event": 1}


def test_skipped_lines_take_their_dependents_with_them(desk: Desk, tmp_path: Path) -> None:
    dump = write_lines(
        tmp_path / "a.jsonl",
        [
            {**customer_line("C-1"), "name": ""},  # 1: invalid
            case_line(1, "C-1"),  # 2: its customer was skipped
            event_line(1, 1),  # 3: its case was skipped
        ],
    )
    result = desk("import", str(dump), "--skip-invalid")
    assert result.exit_code == 0
    assert "line 2: case 1: customer C-1 is neither on an earlier line" in result.stderr
    assert "line 3: event 1: case 1 is neither on an earlier line" in result.stderr
    assert "3 invalid lines skipped" in result.stdout


def test_references_must_point_backwards_or_to_the_database(
    desk: Desk, dj: Callable[..., Any], customer: str, tmp_path: Path
) -> None:
    ahead = write_lines(tmp_path / "ahead.jsonl", [case_line(5, "C-9"), customer_line("C-9")])
    result = desk("import", str(ahead))
    assert result.exit_code == 2
    assert "line 1: case 5: customer C-9 is neither on an earlier line" in result.stderr
    # A customer already in the database may be referenced without its line.
    existing = write_lines(tmp_path / "existing.jsonl", [case_line(5, customer)])
    assert dj("import", str(existing))["cases"] == 1
    assert dj("case", "show", "5")["customer_crn"] == customer


def test_missing_file_is_a_one_line_error(desk: Desk, tmp_path: Path, db_path: Path) -> None:
    result = desk("import", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"desk: error: cannot read {tmp_path / 'nope.jsonl'}: No such file or directory\n"
    )
    assert result.stdout == ""
    assert not db_path.exists()  # nothing was opened, let alone created


def test_a_directory_is_not_an_import_file(desk: Desk, tmp_path: Path) -> None:
    result = desk("import", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"desk: error: cannot read {tmp_path}")


def test_non_utf8_line_is_reported(desk: Desk, tmp_path: Path) -> None:
    dump = tmp_path / "latin1.jsonl"
    dump.write_bytes(json.dumps(customer_line("C-1")).encode() + b"\n" + b'{"name": "P\xe9rez"}\n')
    result = desk("import", str(dump))
    assert result.exit_code == 2
    assert "line 2: not UTF-8 text (byte 12)" in result.stderr


# -- conflicts ---------------------------------------------------------------


def test_a_changed_record_is_refused_and_nothing_is_imported(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, other: dict[str, str]
) -> None:
    populate(desk, dj)
    original = export_bytes(desk)
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(original)
    dj("import", str(dump), env=other)
    dj("case", "note", "2", "added later", env=other)  # case 2 moves on

    extended = write_lines(tmp_path / "more.jsonl", [customer_line("C-NEW")])
    extended.write_bytes(original + extended.read_bytes())
    result = desk("import", str(extended), env=other)
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == (
        "desk: error: line 5: case 2 differs from the one in the database "
        "(updated_at, version); nothing was imported"
    )
    assert "hint: an import adds records and never changes existing ones" in result.stderr
    assert counts(desk, other)["customer"] == 3  # C-NEW was not added


def test_existing_events_are_never_rewritten(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path
) -> None:
    records: list[dict[str, Any] | str] = [
        customer_line("C-1"),
        case_line(1, "C-1"),
        event_line(1, 1, "said this"),
    ]
    dj("import", str(write_lines(tmp_path / "a.jsonl", records)))
    records[2] = event_line(1, 1, "rewritten history")
    result = desk("import", str(write_lines(tmp_path / "b.jsonl", records)))
    assert result.exit_code == 4
    assert "line 3: event 1 differs from the one in the database (body)" in result.stderr
    assert [e["body"] for e in dj("case", "show", "1")["events"]] == ["said this"]


def test_a_customer_with_another_name_is_a_conflict(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path
) -> None:
    dj("import", str(write_lines(tmp_path / "a.jsonl", [customer_line("C-1", "Ana")])))
    result = desk("import", str(write_lines(tmp_path / "b.jsonl", [customer_line("C-1", "Bo")])))
    assert result.exit_code == 4
    assert "line 1: customer C-1 differs from the one in the database (name)" in result.stderr


# -- CSV ---------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_writes_a_file_per_type_with_formulas_neutralised(
    desk: Desk, dj: Callable[..., Any], sql: Callable[..., list[Any]], tmp_path: Path
) -> None:
    populate(desk, dj)
    populate_kb(dj, sql)
    dj("customer", "add", "--crn", "C-4", "--name", '=HYPERLINK("x")')
    dj("kb", "add", "--title", "-dash first", "--body", "=SUM(A1)", "-t", "x")
    out = tmp_path / "csv"
    summary = dj("export", "--format", "csv", "--out", str(out))
    assert summary["customers"] == 4 and summary["cases"] == 3
    assert (summary["articles"], summary["revisions"], summary["uses"]) == (4, 6, 3)
    assert summary["searches"] == 3
    assert sorted(p.name for p in out.iterdir()) == [
        "articles.csv", "calendars.csv", "cases.csv", "clocks.csv", "customers.csv",
        "events.csv", "policies.csv", "reviews.csv", "revisions.csv", "searches.csv",
        "targets.csv", "uses.csv",
    ]  # fmt: skip
    articles = {int(a["id"]): a for a in read_csv(out / "articles.csv")}
    assert list(articles[1]) == list(transfer.ARTICLE_FIELDS)
    assert (articles[4]["title"], articles[4]["body"]) == ("'-dash first", "'=SUM(A1)")
    assert json.loads(articles[1]["tags"]) == ["refund", "VIP"]
    assert articles[1]["source_case_id"] == ""  # null
    revisions = read_csv(out / "revisions.csv")
    assert json.loads(revisions[2]["changes"])["status"] == {"from": "draft", "to": "published"}
    assert [u["case_id"] for u in read_csv(out / "uses.csv")] == ["1", "3", "3"]
    assert [s["results"] for s in read_csv(out / "searches.csv")] == ["1", "1", "0"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())

    customers = read_csv(out / "customers.csv")
    assert list(customers[0]) == list(transfer.CUSTOMER_FIELDS)
    by_crn = {c["crn"]: c for c in customers}
    assert by_crn["C-4"]["name"] == '\'=HYPERLINK("x")'
    assert by_crn["C-2"]["phone"] == "'+44 1"
    assert by_crn["C-2"]["name"] == TRICKY_NAME  # not a formula: as typed
    assert by_crn["C-1"]["phone"] == ""  # null
    cases = {int(c["id"]): c for c in read_csv(out / "cases.csv")}
    assert cases[3]["subject"] == "'=cmd|' /C calc'!A0"
    assert cases[1]["customer_crn"] == "C-1" and cases[1]["tier"] == "2"
    events = read_csv(out / "events.csv")
    assert {"'@again", "'+1 done"} <= {e["body"] for e in events}
    assert json.loads(events[0]["data"])["customer"] == "C-1"
    assert (out / "customers.csv").read_bytes().startswith(b'"crn","name",')


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_neutralize(cell: str, expected: str) -> None:
    assert export.neutralize(cell) == expected


def test_csv_neutralises_tabs_from_imported_text(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path
) -> None:
    # The commands strip leading blanks; an import keeps text exactly as it was.
    dump = write_lines(
        tmp_path / "a.jsonl",
        # (A subject is one line now: the carriage return rides in the description.)
        [
            customer_line("C-1", "\t=1+2"),
            case_line(1, "C-1") | {"description": "\r-2"},
            event_line(1, 1, "-3"),
        ],
    )
    dj("import", str(dump))
    out = tmp_path / "csv"
    dj("export", "--format", "csv", "--out", str(out))
    assert read_csv(out / "customers.csv")[0]["name"] == "'\t=1+2"
    assert read_csv(out / "cases.csv")[0]["description"] == "'\r-2"
    assert read_csv(out / "events.csv")[0]["body"] == "'-3"


def test_csv_needs_a_directory(desk: Desk, tmp_path: Path) -> None:
    result = desk("export", "--format", "csv")
    assert result.exit_code == 2
    assert result.stderr.startswith("desk: error: --format csv needs --out DIR\n")
    file = tmp_path / "file"
    file.write_text("x")
    result = desk("export", "--format", "csv", "--out", str(file))
    assert result.exit_code == 2
    assert f"{file} is not a directory" in result.stderr


def test_jsonl_out_must_be_a_writable_file_path(desk: Desk, tmp_path: Path) -> None:
    result = desk("export", "--out", str(tmp_path))
    assert result.exit_code == 2 and f"{tmp_path} is a directory" in result.stderr
    result = desk("export", "--out", str(tmp_path / "no" / "such.jsonl"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    result = desk("export", "--json")
    assert result.exit_code == 2 and "--json needs --out" in result.stderr


@pytest.mark.sqlite_only
def test_export_never_replaces_the_database_itself(
    desk: Desk, dj: Callable[..., Any], customer: str, db_path: Path
) -> None:
    result = desk("export", "--out", str(db_path))
    assert result.exit_code == 2
    assert f"{db_path} is the desk's own database" in result.stderr
    assert [c["crn"] for c in dj("customer", "list")] == [customer]
    assert db_path.read_bytes().startswith(b"SQLite format 3\0")


@pytest.mark.sqlite_only
def test_db_option_after_the_command_moves_a_desk_between_files(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path
) -> None:
    # The README's pipeline: desk export --db old.db | desk import - --db new.db
    populate(desk, dj)
    new = tmp_path / "new.db"
    result = desk("import", "-", "--db", str(new), input=export_bytes(desk).decode())
    assert result.exit_code == 0, result.stderr
    assert export_bytes(desk, "--db", str(new)) == export_bytes(desk)


def test_tags_round_trip_and_reimport_is_idempotent(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, other: dict[str, str]
) -> None:
    populate(desk, dj)
    dj("case", "tag", "1", "VIP", "refund")
    dj("case", "tag", "3", "Outage")
    original = export_bytes(desk)
    cases = [r for r in lines_of(original) if r["type"] == "case"]
    assert [c["tags"] for c in cases] == [["refund", "VIP"], [], ["Outage"]]
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(original)
    dj("import", str(dump), env=other)
    assert export_bytes(desk, env=other) == original  # byte for byte, tags included
    assert [c["id"] for c in dj("case", "list", "--all", "--tag", "vip", env=other)] == [1]
    assert dj("import", str(dump), env=other)["cases"] == 0  # identical: skipped
    changed = [dict(r, tags=["other"]) if r["type"] == "case" and r["id"] == 3 else r
               for r in lines_of(original)]  # fmt: skip
    result = desk("import", str(write_lines(tmp_path / "c.jsonl", changed)), env=other)
    assert result.exit_code == 4 and "case 3 differs" in result.stderr and "tags" in result.stderr
    twice = [dict(r, tags=["a", "A"]) if r["type"] == "case" else r for r in lines_of(original)]
    bad = desk("import", str(write_lines(tmp_path / "t.jsonl", twice)))
    assert bad.exit_code == 2 and "a tag appears twice" in bad.stderr


# -- the knowledge base --------------------------------------------------------


def article_line(article_id: int, title: str, body: str = "Steps.", **more: Any) -> dict[str, Any]:
    return {
        "type": "article",
        "id": article_id,
        "title": title,
        "body": body,
        "category": None,
        "status": "published",
        "author": "bea",
        "created_at": "2026-01-02T03:04:05+00:00",
        "updated_at": "2026-01-02T03:04:05+00:00",
        "version": 1,
        "source_case_id": None,
        "tags": [],
    } | more


def revision_line(revision_id: int, article_id: int) -> dict[str, Any]:
    return {
        "type": "revision",
        "id": revision_id,
        "article_id": article_id,
        "at": "2026-01-02T03:04:05+00:00",
        "agent": "bea",
        "changes": {"title": {"from": None, "to": "x"}},
    }


def use_line(case_id: int, article_id: int, agent: str = "bea") -> dict[str, Any]:
    return {
        "type": "use",
        "case_id": case_id,
        "article_id": article_id,
        "at": "2026-01-02T03:04:05+00:00",
        "agent": agent,
    }


def search_line(search_id: int, query: str, results: int = 0) -> dict[str, Any]:
    return {
        "type": "search",
        "id": search_id,
        "at": "2026-01-02T03:04:05+00:00",
        "agent": "bea",
        "query": query,
        "results": results,
    }


def kb_counts(desk: Desk) -> dict[str, int]:
    records = lines_of(export_bytes(desk))
    kinds = ("article", "revision", "use", "search")
    return {kind: sum(r["type"] == kind for r in records) for kind in kinds}


def test_imported_articles_with_their_own_ids_are_indexed_under_them(
    dj: Callable[..., Any], tmp_path: Path
) -> None:
    # An article made here first (id 1), then imported ones with ids of their
    # own, apart: each is found under its id, and the next one made follows them.
    assert dj("kb", "add", "--title", "Local router notes", "--body", "Unplug it.")["id"] == 1
    dump = write_lines(
        tmp_path / "kb.jsonl",
        [
            article_line(7, "Router lights blink red", "Call the line team. Facturación aparte."),
            article_line(42, "Refund a double charge", "Refund the router rental twice charged."),
            article_line(50, "Router draft", status="draft"),
        ],
    )
    assert dj("import", str(dump))["articles"] == 3
    hits = dj("kb", "search", "router")
    assert sorted(h["id"] for h in hits) == [1, 7, 42]
    assert hits[0]["id"] in (1, 7)  # a title match ranks above a body-only match
    assert [h["id"] for h in dj("kb", "search", "router", "--all")][-1] in (42, 50)
    assert {h["id"] for h in dj("kb", "search", "--all", "router")} == {1, 7, 42, 50}
    assert [h["id"] for h in dj("kb", "search", "facturacion")] == [7]
    assert [h["id"] for h in dj("kb", "search", "double")] == [42]
    assert "Refund the router rental" in dj("kb", "search", "rental")[0]["snippet"]
    # The index follows later edits of an imported article (same rowid).
    dj("kb", "edit", "7", "--title", "Modem lights blink red")
    assert [h["id"] for h in dj("kb", "search", "modem")] == [7]
    assert dj("kb", "add", "--title", "Next", "--body", "After.")["id"] == 51


@pytest.mark.sqlite_only
def test_the_fts_index_passes_its_integrity_check_after_an_import(
    desk: Desk,
    dj: Callable[..., Any],
    sql: Callable[..., list[Any]],
    tmp_path: Path,
    db_path: Path,
) -> None:
    import sqlite3

    dj("kb", "add", "--title", "Local", "--body", "Here first.")
    dump = write_lines(tmp_path / "kb.jsonl", [article_line(9, "Imported"), article_line(3, "Too")])
    dj("import", str(dump))
    with sqlite3.connect(db_path) as connection:
        # Raises "database disk image is malformed" when the index and the
        # articles disagree.
        connection.execute("INSERT INTO kb_fts (kb_fts) VALUES ('integrity-check')")
        rowids = [r[0] for r in connection.execute("SELECT rowid FROM kb_fts ORDER BY rowid")]
    assert rowids == [1, 3, 9]


def kb_file(tmp_path: Path) -> Path:
    return write_lines(
        tmp_path / "kb.jsonl",
        [
            customer_line("C-1"),  # 1
            case_line(1, "C-1"),  # 2
            article_line(1, "Fine", source_case_id=1, tags=["a"]),  # 3
            article_line(2, "Bad", status="live"),  # 4: unknown status
            article_line(3, "Two\nlines"),  # 5: a title is one line
            article_line(4, "No body", body=""),  # 6
            article_line(5, "Ahead", source_case_id=9),  # 7: no such case
            revision_line(1, 1),  # 8
            revision_line(2, 2),  # 9: its article was bad
            {**revision_line(3, 1), "changes": None},  # 10
            use_line(1, 1),  # 11
            use_line(1, 1),  # 12: the same use again
            use_line(1, 77),  # 13: no such article
            search_line(1, "router", 1),  # 14
            search_line(2, ""),  # 15: an empty query
            {**search_line(3, "x"), "results": -1},  # 16
            {**search_line(4, "y"), "query_key": "y"},  # 17: derived, never in a file
        ],
    )


KB_BAD_LINES = [4, 5, 6, 7, 9, 10, 12, 13, 15, 16, 17]


def test_bad_knowledge_base_lines_are_reported_and_nothing_is_imported(
    desk: Desk, tmp_path: Path
) -> None:
    result = desk("import", str(kb_file(tmp_path)))
    assert result.exit_code == 2, result.output
    reported = [line for line in result.stderr.splitlines() if line.startswith("desk: note: ")]
    assert [int(line.split()[3].rstrip(":")) for line in reported] == KB_BAD_LINES
    stderr = result.stderr
    assert "line 4: article.status: Input should be 'draft', 'published' or 'archived'" in stderr
    assert "line 5: article.title: Value error, must be one line" in stderr
    assert "line 6: article.body: Value should have at least 1 item" in stderr
    assert "line 7: article 5: case 9 is neither on an earlier line nor in the database" in stderr
    assert "line 9: revision 2: article 2 is neither on an earlier line" in stderr
    assert "line 10: revision.changes: Input should be an object" in stderr
    assert "line 12: use of article 1 on case 1 again (first on line 11)" in stderr
    assert "line 13: use of article 77 on case 1: article 77 is neither" in stderr
    assert "line 15: search.query: Value should have at least 1 item" in stderr
    assert "line 16: search.results: Input should be greater than or equal to 0" in stderr
    assert "line 17: search.query_key: Extra inputs are not permitted" in stderr
    assert f"desk: error: {len(KB_BAD_LINES)} invalid lines; nothing was imported" in stderr
    assert counts(desk) == {"customer": 0, "case": 0, "event": 0}
    assert kb_counts(desk) == {"article": 0, "revision": 0, "use": 0, "search": 0}


def test_skip_invalid_imports_the_good_knowledge_base_lines(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path
) -> None:
    result = desk("import", str(kb_file(tmp_path)), "--skip-invalid", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == summary_of(
        customers=1, cases=1, articles=1, revisions=1, uses=1, searches=1, invalid=11
    )
    assert kb_counts(desk) == {"article": 1, "revision": 1, "use": 1, "search": 1}
    shown = dj("kb", "show", "1", "--history")
    assert (shown["tags"], shown["uses"], len(shown["history"])) == (["a"], 1, 1)
    assert [h["id"] for h in dj("kb", "search", "fine")] == [1]


def test_unknown_type_names_every_record_type(desk: Desk, tmp_path: Path) -> None:
    result = desk("import", str(write_lines(tmp_path / "a.jsonl", [{"type": "ticket"}])))
    assert result.exit_code == 2
    assert (
        'line 1: unknown "type" (use customer, case, event, article, revision, use, search,'
        " calendar, policy, clock, review or target)" in result.stderr
    )


def test_knowledge_base_reimport_skips_and_a_changed_record_is_refused(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path
) -> None:
    records: list[dict[str, Any] | str] = [
        customer_line("C-1"),
        case_line(1, "C-1"),
        article_line(1, "Reset the router", tags=["wifi"]),
        revision_line(1, 1),
        use_line(1, 1),
        search_line(1, "router", 1),
    ]
    first = desk("import", str(write_lines(tmp_path / "a.jsonl", list(records))))
    assert first.exit_code == 0, first.stderr
    assert first.stdout == (
        "Imported 1 customer, 1 case, 0 events, 1 article, 1 revision, 1 use and 1 search;"
        " 0 already present.\n"
    )
    again = dj("import", str(write_lines(tmp_path / "a.jsonl", list(records))))
    assert again == summary_of(skipped=6)
    for number, changed, what in (
        (3, article_line(1, "Reset the modem", tags=["wifi"]), "article 1 differs (title)"),
        (3, article_line(1, "Reset the router", tags=["lan"]), "article 1 differs (tags)"),
        (4, {**revision_line(1, 1), "agent": "cy"}, "revision 1 differs (agent)"),
        (5, use_line(1, 1, agent="cy"), "use of article 1 on case 1 differs (agent)"),
        (6, search_line(1, "router", 2), "search 1 differs (results)"),
    ):
        lines = list(records)
        lines[number - 1] = changed
        lines.append(search_line(2, "new"))  # would be new: not imported either
        result = desk("import", str(write_lines(tmp_path / "b.jsonl", lines)))
        assert result.exit_code == 4, (what, result.output)
        subject, _, fields = what.partition(" differs ")
        assert result.stderr.splitlines()[0] == (
            f"desk: error: line {number}: {subject} differs from the one in the database "
            f"{fields}; nothing was imported"
        )
        assert kb_counts(desk)["search"] == 1
    assert dj("kb", "show", "1")["title"] == "Reset the router"


def test_the_demo_desk_round_trips(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, other: dict[str, str]
) -> None:
    # Every kind of record at once, written by the services: articles in every
    # status, revisions, uses with their kb_used events, searches, customer
    # messages, ratings and remedies (rebuilt from their events on import),
    # the demo's calendars and policies and the clocks they timed.
    assert desk("demo").exit_code == 0
    original = export_bytes(desk)
    kinds = {r["type"] for r in lines_of(original)}
    assert kinds == {
        "calendar", "policy", "clock", "customer", "case", "event", "article", "revision", "use",
        "search", "review", "target",
    }  # fmt: skip
    dump = tmp_path / "demo.jsonl"
    dump.write_bytes(original)
    summary = dj("import", str(dump), env=other)
    assert summary["articles"] == 12 and summary["uses"] >= 5 and summary["invalid"] == 0
    assert export_bytes(desk, env=other) == original
    for command in (
        ("kb", "search", "facturacion"),
        ("kb", "search", "router", "--all"),
        ("kb", "list", "--status", "archived"),
        ("feedback", "list", "--since", "60d"),
        ("review", "list", "--since", "60d"),
        ("customer", "show", "C-1002"),
        ("report", "target", "list"),
    ):
        assert dj(*command, env=other) == dj(*command)


def test_an_export_older_than_the_clocks_gets_clocks_from_its_events(
    desk: Desk, dj: Callable[..., Any], tmp_path: Path, other: dict[str, str]
) -> None:
    # An export from before schema 0009 has no calendars, policies or clocks,
    # and its cases no due time.  The desk it goes into has its own service
    # levels (here the demo's, set before the import): the imported cases get
    # the clocks their events give under them, and the import says so.
    assert desk("demo").exit_code == 0
    records = lines_of(export_bytes(desk))
    levels = [r for r in records if r["type"] in ("calendar", "policy")]
    older = [
        {k: v for k, v in r.items() if k != "due_at"}
        for r in records
        if r["type"] not in ("calendar", "policy", "clock", "review", "target")
    ]
    assert len(levels) > 4 and len(older) > 100
    (tmp_path / "levels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in levels))
    (tmp_path / "older.jsonl").write_text("".join(json.dumps(r) + "\n" for r in older))
    assert dj("import", str(tmp_path / "levels.jsonl"), env=other)["calendars"] == 2

    summary = dj("import", str(tmp_path / "older.jsonl"), env=other)
    cases = [r["id"] for r in older if r["type"] == "case"]
    assert summary["cases"] == len(cases) and summary["clocks"] == 0
    assert summary["replayed"] == len(cases)
    for case_id in cases:
        mine, theirs = dj("case", "show", str(case_id)), dj("case", "show", str(case_id), env=other)
        assert (theirs["sla"], theirs["due_at"]) == (mine["sla"], mine["due_at"]), case_id
    assert dj("sla", "breaches", "--at-risk", "2h", env=other) == dj(
        "sla", "breaches", "--at-risk", "2h"
    )

    if POSTGRES:
        return  # below: what a SQLite file of its own shows, backend aside
    # Said in words, too; a newer export (with clocks) replays nothing.
    said = desk("import", str(tmp_path / "older.jsonl"), env={"DESK_DB": str(tmp_path / "3.db")})
    assert f"{len(cases)} cases from an export without clocks got them" in said.stdout
    again = tmp_path / "newer.jsonl"
    again.write_bytes(export_bytes(desk))
    fresh = {"DESK_DB": str(tmp_path / "4.db")}
    assert dj("import", str(again), env=fresh)["replayed"] == 0
