"""The everyday reads on a SQLite file run on the standard library alone:
no SQLAlchemy, SQLModel, Pydantic or Alembic, and no Rich for --json and
--ids.  They give what the store's path gives (see also test_read_pinned)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from deskcli.dbpolicy import SCHEMA_HEAD
from tests.conftest import DESK, Desk, subprocess_env

# Textual (the live board's extra) too: only `desk board --live` at a terminal loads it.
HEAVY = {"sqlalchemy", "sqlmodel", "pydantic", "alembic", "textual"}

# Runs the real command line, then names the top-level packages it imported.
PROBE = """
import sys
from deskcli.cli import main
sys.argv = ["desk", *sys.argv[1:]]
try:
    main()
except SystemExit as exit:
    code = exit.code
loaded = sorted({name.split(".")[0] for name in sys.modules})
sys.stderr.write("\\nLOADED " + " ".join(loaded) + "\\n")
sys.exit(code)
"""

READS = [
    ("case", "list"),
    ("case", "list", "--limit", "20"),
    ("case",),
    ("case", "list", "--status", "open", "--priority", "high", "--sort", "priority"),
    ("case", "list", "--all", "--assignee", "alice", "--team", "tier2", "--channel", "phone"),
    ("case", "list", "--mine", "--customer", "C-1", "--category", "x", "--older-than", "1d"),
    ("case", "list", "--unassigned", "--search", "router", "--tag", "vip"),
    ("case", "show", "1"),
    ("board",),
    ("follow-ups",),
    ("follow-ups", "--due"),
    ("customer", "show", "C-1"),
    ("customer", "list", "--search", "ana", "--limit", "5"),
    ("kb", "show", "1"),
    ("kb", "show", "1", "--history"),
    ("kb", "list"),
    ("kb", "list", "--status", "draft", "--category", "network"),
    ("kb", "gaps"),
    ("kb", "gaps", "--since", "7d", "--limit", "3"),
    ("feedback", "due"),
    ("feedback", "due", "--not-asked-within", "60d", "--limit", "5"),
    ("feedback", "list", "--since", "7d", "--agent", "alice"),
    ("review", "list"),
    ("review", "list", "--agent", "alice", "--since", "7d"),
    ("sla", "calendar", "show", "always"),
    ("sla", "calendar", "list"),
    ("sla", "policy", "list"),
    ("case", "list", "--sort", "due"),
    ("sla", "breaches", "--at-risk", "1h", "--team", "billing"),
    ("sla", "check"),
    ("sla", "explain", "1"),
    ("next", "--peek"),
    ("sla", "what-if", "--priority", "high", "--first-response", "2h", "--since", "7d"),
    ("report",),
    ("report", "--since", "7d", "--by", "agent"),
    ("report", "--explain", "fcr"),
    ("report", "target", "list"),
]
MACHINE = [
    ("case", "list", "--json"),
    ("case", "list", "--ids"),
    ("case", "list", "--json", "--status", "open", "--limit", "50"),
    ("case", "show", "1", "--json"),
    ("board", "--json"),
    ("follow-ups", "--ids"),
    ("customer", "show", "C-1", "--json"),
    ("customer", "list", "--json"),
    ("kb", "show", "1", "--history", "--json"),
    ("kb", "list", "--json"),
    ("kb", "list", "--ids"),
    ("kb", "gaps", "--json"),
    ("feedback", "due", "--json"),
    ("feedback", "due", "--ids"),
    ("feedback", "list", "--json"),
    ("review", "list", "--json"),
    ("sla", "calendar", "show", "always", "--json"),
    ("sla", "calendar", "list", "--json"),
    ("sla", "policy", "list", "--json"),
    ("case", "list", "--sort", "due", "--json"),
    ("sla", "breaches", "--json"),
    ("sla", "check", "--json"),
    ("sla", "explain", "1", "--json"),
    ("next", "--peek", "--json"),
    ("sla", "what-if", "--priority", "high", "--resolution", "2d", "--json"),
    ("report", "--json"),
    ("report", "--from", "2026-01-01", "--to", "2026-12-31", "--by", "category", "--json"),
    ("report", "--explain", "handling", "--json"),
    ("report", "target", "list", "--json"),
]


@pytest.fixture(scope="module")
def sqlite_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A desk file with a case, a note, a tag and a follow-up; a SQLite file
    whichever backend the suite runs on."""
    db = tmp_path_factory.mktemp("reads") / "desk.db"
    env = subprocess_env(db)
    env.pop("DESK_DB_URL", None)
    lines = "\n".join(
        [
            "customer add --crn C-1 --name 'Ana Pérez'",
            "case open --customer C-1 --subject 'Router down' --priority high",
            "case note 1 'checked the line'",
            "case tag 1 vip",
            "case follow-up 1 --in 2d",
            "kb add --title 'Router down' --body 'Restart it' --category network --tag wifi",
        ]
    )
    run = subprocess.run(
        [*DESK, "batch"], input=lines, capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return db


def _loaded(db: Path, *args: str) -> set[str]:
    env = subprocess_env(db)
    env.pop("DESK_DB_URL", None)
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 0, run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("LOADED ")
    return set(last.split()[1:])


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_reads_import_no_database_stack(sqlite_desk: Path, args: tuple[str, ...]) -> None:
    assert not _loaded(sqlite_desk, *args) & HEAVY


@pytest.mark.parametrize("args", MACHINE, ids=" ".join)
def test_json_and_ids_import_no_rich(sqlite_desk: Path, args: tuple[str, ...]) -> None:
    assert not _loaded(sqlite_desk, *args) & (HEAVY | {"rich"})


# The everyday writes run on the standard library too (deskcli.tx), in order
# on one file: a case opened, worked and closed, a customer added and edited.
WRITES = [
    ("customer", "add", "--crn", "C-2", "--name", "Bo"),
    ("customer", "edit", "C-2", "--email", "bo@example.com"),
    ("case", "open", "--customer", "C-2", "--subject", "No signal", "--json"),
    ("case", "take", "2"),
    ("next", "--json"),  # takes case 1, the one nobody owns
    ("case", "note", "2", "checked"),
    ("case", "reply", "2", "on it", "--json"),
    ("case", "tag", "2", "vip"),
    ("case", "edit", "2", "--priority", "high"),
    ("case", "pending", "2"),
    ("case", "inbound", "2", "here it is"),
    ("assist", "2", "--step", "acknowledge", "--text", "I hear you"),
    ("case", "use-article", "1", "1"),
    ("case", "resolve", "2", "--resolution", "reset", "--article", "1"),
    ("kb", "promote", "2", "--json"),
    ("case", "follow-up", "2", "--in", "1d"),
    ("case", "follow-up", "2", "--done", "--csat", "4", "--nps", "8", "--json"),
    ("case", "feedback", "2", "--csat", "5", "--comment", "great", "--replace"),
    ("case", "inbound", "2", "thanks", "--channel", "email", "--json"),
    (
        "case",
        "remedy",
        "2",
        "--kind",
        "credit",
        "--amount",
        "5.00",
        "--currency",
        "EUR",
        "--note",
        "goodwill",
    ),  # fmt: skip
    ("case", "close", "2"),
    (
        "case",
        "review",
        "2",
        "--personalization",
        "8",
        "--integrity",
        "9",
        "--expectations",
        "7",
        "--resolution",
        "9",
        "--time-effort",
        "6",
        "--empathy",
        "8",
        "--comment",
        "kind",
    ),
    (
        "case",
        "review",
        "2",
        "--personalization",
        "8",
        "--integrity",
        "3",
        "--expectations",
        "7",
        "--resolution",
        "9",
        "--time-effort",
        "6",
        "--empathy",
        "8",
        "--replace",
        "--json",
    ),
    ("kb", "add", "--title", "Wi-Fi drops", "--body", "Restart the router", "--json"),
    ("kb", "edit", "2", "--title", "Wi-Fi drops hourly", "--if-version", "1"),
    ("kb", "search", "wi-fi router"),
    ("kb", "search", "wi-fi", "--all", "--json"),
    ("kb", "archive", "2", "--json"),
    ("sla", "calendar", "set", "office", "--tz", "UTC", "--hours", "mon-fri 09:00-18:00"),
    ("sla", "calendar", "set", "office", "--tz", "Europe/Madrid", "--hours", "mon 09:00-10:00"),
    ("sla", "policy", "set", "high", "--first-response", "2h", "--calendar", "office", "--json"),
]


def test_writes_import_no_database_stack(sqlite_desk: Path, tmp_path: Path) -> None:
    copy = tmp_path / "desk.db"
    copy.write_bytes(sqlite_desk.read_bytes())  # the module's file is checkpointed
    for args in WRITES:
        loaded = _loaded(copy, *args)
        assert not loaded & HEAVY, args
        if "--json" in args:
            assert "rich" not in loaded, args


@pytest.mark.parametrize("args", [("--help",), ("board", "--help"), ("board", "--live")])
def test_help_and_the_board_without_a_terminal_import_no_textual(
    sqlite_desk: Path, args: tuple[str, ...]
) -> None:
    loaded = _loaded(sqlite_desk, *args)
    assert "deskcli" in loaded and not loaded & HEAVY


def test_the_probe_sees_the_stack(sqlite_desk: Path) -> None:
    """The probe sees imports at all: an export loads the ORM."""
    assert "sqlalchemy" in _loaded(sqlite_desk, "export", "--format", "jsonl")


SAME_IN_BATCH = [
    ("case", "list", "--all"),
    ("case", "list", "--search", "ROUTER", "--tag", "VIP"),
    ("case", "show", "1"),
    ("board",),
    ("follow-ups",),
    ("customer", "show", "c-1"),
    ("customer", "list"),
]


def test_reads_in_a_batch_give_the_same_json(desk: Desk) -> None:
    """In `desk batch` reads run in the batch's session (the store's path, with
    the same SQL): the JSON is the same as on their own."""
    setup = [
        ("customer", "add", "--crn", "C-1", "--name", "Ana Pérez"),
        ("case", "open", "--customer", "C-1", "--subject", "Router down"),
        ("case", "open", "--customer", "C-1", "--subject", "Bill", "--priority", "urgent"),
        ("case", "tag", "1", "vip"),
        ("case", "follow-up", "2", "--in", "1d"),
        ("case", "note", "1", "Café"),
    ]
    for args in setup:
        assert desk(*args).exit_code == 0
    alone = [json.loads(desk(*args, "--json").stdout) for args in SAME_IN_BATCH]
    for flags in ([], ["--atomic"]):
        lines = "\n".join(" ".join(f"'{a}'" for a in args) for args in SAME_IN_BATCH)
        result = desk("batch", *flags, input=lines)
        assert result.exit_code == 0, result.output
        batched = [json.loads(line)["result"] for line in result.stdout.splitlines()]
        assert batched == alone


@pytest.mark.sqlite_only
def test_a_newer_schema_is_refused_by_a_read(db_path: Path, desk: Desk) -> None:
    assert desk("init").exit_code == 0
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    result = desk("case", "list")
    assert result.exit_code == 5 and "newer" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # the error and its hint


@pytest.mark.sqlite_only
def test_a_damaged_file_is_a_storage_error(db_path: Path, desk: Desk) -> None:
    db_path.write_bytes(b"this is not a database" * 100)
    for args in (("case", "list"), ("board", "--json"), ("customer", "list")):
        result = desk(*args)
        assert result.exit_code == 5, result.output
        assert "not a desk database or is damaged" in result.stderr


@pytest.mark.sqlite_only
def test_a_read_of_a_missing_file_creates_it(db_path: Path, desk: Desk) -> None:
    assert not db_path.exists()
    result = desk("case", "list", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert db_path.exists()


@pytest.mark.sqlite_only
def test_a_read_of_an_older_file_migrates_it(db_path: Path, desk: Desk) -> None:
    """A file one schema behind reads through the store, which upgrades it."""
    assert desk("customer", "add", "--crn", "C-1", "--name", "Ana").exit_code == 0
    assert desk("case", "open", "--customer", "C-1", "--subject", "Old").exit_code == 0
    with sqlite3.connect(db_path) as connection:
        connection.execute("DROP INDEX ix_case_status_priority_created")
        connection.execute("DROP TABLE case_tag")
        # Nor the knowledge base of 0007 (its triggers go with kb_article).
        for table in ("kb_fts", "kb_use", "kb_search", "kb_revision", "kb_article_tag"):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("DROP TABLE kb_article")
        # nor what 0008 adds
        connection.execute("DROP TABLE feedback")
        connection.execute("DROP TABLE remedy")
        connection.execute("DROP INDEX ix_case_resolved")
        for column in ("last_inbound_at", "csat", "nps"):
            connection.execute(f'ALTER TABLE "case" DROP COLUMN {column}')
        # nor what 0009 adds
        for table in ("case_clock", "sla_policy", "sla_calendar"):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("DROP INDEX ix_case_due")
        connection.execute("DROP INDEX ix_case_next")
        connection.execute('ALTER TABLE "case" DROP COLUMN due_at')
        # nor what 0010 adds
        for table in ("case_review", "handling_target"):
            connection.execute(f"DROP TABLE {table}")
        for index in ("ix_event_kind_at", "ix_case_first_response"):
            connection.execute(f"DROP INDEX {index}")
        connection.execute("DROP TABLE case_status_count")  # its triggers are on "case"
        for trigger in ("insert", "delete", "update"):
            connection.execute(f"DROP TRIGGER case_status_count_{trigger}")
        connection.execute("UPDATE alembic_version SET version_num = '0004'")
    result = desk("case", "list", "--ids")
    assert result.exit_code == 0 and result.stdout == "1\n"
    with sqlite3.connect(db_path) as connection:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == (SCHEMA_HEAD,)


SORTS_MATCHES = {"remedy totals", "suggestions", "gap cases", "gap searches"}
# The gaps query's own steps (kb.GAP_CASES): reading them reads no table.
DERIVED = {"gap", "counted", "ranked"}


def _derived(step: str) -> bool:
    """A scan of a query's own intermediate rows, not of a table."""
    name = step.split()[1]
    return name in DERIVED or name.startswith("(subquery-")


@pytest.mark.sqlite_only
def test_everyday_queries_use_an_index(database: object) -> None:
    """No everyday read walks a whole table or sorts: each is an index search,
    or an index walk in the order asked that stops at the limit."""
    from deskcli.reads import queries
    from deskcli.reads.filters import CaseFilter
    from deskcli.reads.source import open_sqlite
    from deskcli.services import (
        assist,
        cases,
        customers,
        feedback,
        kb,
        next_case,
        sla_clocks,
        sla_replay,
        write_path,
    )

    source = open_sqlite(database.path)  # type: ignore[attr-defined]
    assert source is not None
    active = ", ".join(f"'{s}'" for s in ("new", "open"))
    checked = {
        "case by id": (queries.CASE_BY_ID, {"case_id": 1}),
        "events": (queries.EVENTS_OF_CASE, {"case_id": 1}),
        "history": (queries.OTHER_CASES_OF_CUSTOMER, {"customer_id": 1, "case_id": 1, "limit": 9}),
        "customer cases": (queries.CASES_OF_CUSTOMER + " LIMIT 20", {"customer_id": 1}),
        "count of customer": (queries.COUNT_CASES_OF_CUSTOMER, {"customer_id": 1}),
        "crn": (queries.CUSTOMER_BY_CRN, {"crn": "C-1"}),
        "crn key": (queries.CUSTOMER_BY_CRN_KEY, {"crn_key": "c-1"}),
        "tags": (queries.TAGS_OF_CASES + "case_id IN (:a, :b)", {"a": 1, "b": 2}),
        "board counts": (queries.COUNT_BY_STATUS_IN.format(statuses=active), {}),
        "board column": (queries.MOST_URGENT, {"status": "open", "priority": "high", "limit": 9}),
        "due count": (queries.COUNT_DUE_FOLLOW_UPS, {"now": "2026-01-01"}),
        "follow-ups": (queries.FOLLOW_UPS + " ORDER BY c.follow_up_at, c.id LIMIT 20", {}),
        # What the write path reads (deskcli.services).
        "last event": (write_path.LAST_EVENT, {"case_id": 1}),
        "version": (write_path.CURRENT_VERSION, {"case_id": 1}),
        "agent spelling": (cases.SPELLED_AGENT, {"key": "sam"}),
        "team spelling": (cases.SPELLED_TEAM, {"key": "tier2"}),
        "crn taken": (customers.CRN_TAKEN, {"crn_key": "c-1", "crn": "C-1", "other_than": 0}),
        "five A's": (assist.ASSIST_EVENTS, {"case_id": 1, "kind": "assist_step"}),
        # Issue 12: the follow-up call list walks ix_case_resolved oldest first.
        "feedback due": (
            queries.FEEDBACK_DUE + " LIMIT 51",
            {
                "resolved_since": "2025-12-01",
                "resolved_before": "2026-01-01",
                "asked_since": "2025-12-01",
            },  # fmt: skip
        ),
        "ratings": (queries.FEEDBACK_LIST + queries.FEEDBACK_ORDER, {"since": "2026-01-01"}),
        "ratings of agent": (
            queries.FEEDBACK_LIST + queries.FEEDBACK_OF_AGENT + queries.FEEDBACK_ORDER,
            {"since": "2026-01-01", "agent_key": "sam"},
        ),
        "customer ratings": (queries.CUSTOMER_RATINGS, {"customer_id": 1}),
        "customer last nps": (queries.CUSTOMER_LAST_NPS, {"customer_id": 1}),
        "customer remedies": (queries.CUSTOMER_REMEDIES, {"customer_id": 1}),
        "remedy totals": (queries.CUSTOMER_REMEDY_TOTALS, {"customer_id": 1}),
        "rating of a resolution": (
            feedback.FEEDBACK_OF_RESOLUTION,
            {"case_id": 1, "resolution_no": 0},
        ),
        "resolver": (feedback.LAST_RESOLVER, {"case_id": 1}),
        # The knowledge base in case work.
        "promoted from case": (kb.PROMOTED_FROM_CASE, {"case_id": 1}),
        "use of article": (kb.USE_OF_ARTICLE, {"case_id": 1, "article_id": 1}),
        "suggestions": kb.search_sql("sqlite", ["router", "drops"], ["published"], any_word=True),
        "gap cases": (
            kb.GAP_CASES,
            {"since": "2026-01-01", "per_group": 5, "groups": 10},
        ),
        "gap searches": (kb.GAP_SEARCHES, {"since": "2026-01-01", "limit": 10}),
        # Issue 13: the clocks of a case, of the cases shown, and what breaches next.
        "clocks of case": (sla_clocks.CLOCKS_OF_CASE, {"case_id": 1}),
        "clocks of cases": (
            sla_clocks.CLOCKS_OF_CASES + "case_id IN (:a, :b)",
            {"a": 1, "b": 2},
        ),
        "breaches": (
            sla_clocks.RUNNING_DUE + sla_clocks.RUNNING_DUE_ORDER,
            {"until": "2026-01-01"},
        ),
        "breaches of team": (
            sla_clocks.RUNNING_DUE + sla_clocks.OF_TEAM + sla_clocks.RUNNING_DUE_ORDER,
            {"until": "2026-01-01", "team_key": "billing"},
        ),
        # Issue 13: desk next, a search of ix_case_next per priority.
        "next due": (next_case.NEXT_DUE.format(team="", skipped=""), {"priority": "high"}),
        "next undue": (next_case.NEXT_UNDUE.format(team="", skipped=""), {"priority": "low"}),
        "next claim": (next_case.CLAIM, {"case_id": 1}),
        "what-if events": (
            sla_replay.EVENTS_OF_CASES.format(cases="case_id IN (1, 2)", kinds="kind = 'reply'"),
            {},
        ),
        "replay priorities": (sla_replay.PRIORITIES_OF_CASES.format(cases="id IN (1, 2)"), {}),
    }
    narrow = {
        "by agent": CaseFilter(assignee="Sam"),
        "by team": CaseFilter(team="tier2"),
        "by tag": CaseFilter(tags=("vip",)),
    }
    for name, filters in {
        "default list": CaseFilter(),
        "by status": CaseFilter(statuses=("open",)),  # type: ignore[arg-type]
        **narrow,
    }.items():
        where, params = queries._where(source, filters)
        order = queries.ORDER[queries.SortKey.NEWEST]
        checked[name] = (f"{queries.CASES_WITH_CUSTOMERS}{where} ORDER BY {order} LIMIT 20", params)
        if name == "default list":  # --sort due: cases with a due time, by ix_case_due
            due = queries.ORDER[queries.SortKey.DUE]
            checked["sort due"] = (
                f"{queries.CASES_WITH_CUSTOMERS}{where} AND c.due_at IS NOT NULL"
                f" ORDER BY {due} LIMIT 20",
                params,
            )
    try:
        for name, (sql, params) in checked.items():
            plan = [str(row[-1]) for row in source.rows("EXPLAIN QUERY PLAN " + sql, params)]
            walks = [
                step
                for step in plan
                if step.startswith("SCAN") and "INDEX" not in step and not _derived(step)
            ]
            # A filter on an agent, team or tag sorts just its matches; the
            # remedy totals group one customer's remedies; a full-text search
            # ranks just the articles the index found; the gaps group just the
            # window's cases and searches.
            sorts = [
                step
                for step in plan
                if "TEMP B-TREE" in step and name not in narrow and name not in SORTS_MATCHES
            ]
            assert not walks and not sorts, f"{name}: {plan}"
    finally:
        source.close()


@pytest.mark.sqlite_only
def test_the_kept_status_counts_follow_every_write(
    db_path: Path, desk: Desk, tmp_path: Path
) -> None:
    """SQLite's case_status_count (the board's counts) is kept by triggers in
    the writes' own transactions: after the demo, an import, a bulk close and
    an undone batch it equals a count of the cases."""

    def kept_and_counted() -> tuple[dict[str, int], dict[str, int]]:
        with sqlite3.connect(db_path) as connection:
            kept = dict(connection.execute("SELECT status, n FROM case_status_count WHERE n > 0"))
            counted = dict(
                connection.execute('SELECT status, count(*) FROM "case" GROUP BY status')
            )
        return kept, counted

    assert desk("demo").exit_code == 0
    kept, counted = kept_and_counted()
    assert kept == counted and sum(counted.values()) == 123
    export = desk("export")
    other = tmp_path / "other.db"
    (tmp_path / "desk.jsonl").write_bytes(export.stdout_bytes)
    assert desk("import", str(tmp_path / "desk.jsonl"), env={"DESK_DB": str(other)}).exit_code == 0
    with sqlite3.connect(other) as connection:
        assert dict(connection.execute("SELECT status, n FROM case_status_count")) == counted
    assert desk("case", "close", "--status", "resolved").exit_code == 0
    undone = desk("batch", "--atomic", input="case reopen 5 --reason again\ncase take 999999\n")
    assert undone.exit_code == 3
    kept, counted = kept_and_counted()
    assert kept == counted and "resolved" not in counted
    board = desk("board").stdout
    assert f"new {counted['new']} " in board and f"open {counted['open']} " in board
