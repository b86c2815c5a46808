"""The knowledge base (`desk kb`) through the real command line, on both
backends: articles, revisions, --if-version, and the search rules (any text
is a valid query; accents, prefixes, title weight; snippets; the search log)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import Desk

Dj = Callable[..., Any]

ARTICLE_FIELDS = [
    "id", "title", "body", "category", "tags", "status", "author",
    "created_at", "updated_at", "uses", "version", "source_case_id",
]  # fmt: skip


def add(dj: Dj, title: str, body: str, *extra: str) -> int:
    return int(dj("kb", "add", "--title", title, "--body", body, *extra)["id"])


# -- articles ------------------------------------------------------------------


def test_an_article_is_added_shown_listed_and_its_json_is_exact(dj: Dj, desk: Desk) -> None:
    made = dj("kb", "add", "--title", "Wi-Fi drops", "--body", "Restart the router.",
              "--category", "network", "-t", "wifi", "-t", "Router", "-t", "WIFI")  # fmt: skip
    assert list(made) == ARTICLE_FIELDS
    assert made["status"] == "published" and made["author"] == "alice"
    assert made["tags"] == ["Router", "wifi"] and made["uses"] == 0 and made["version"] == 1
    shown = dj("kb", "show", str(made["id"]))
    assert shown == made
    draft = dj("kb", "add", "--title", "Half done", "--body", "-", "--draft", input="Steps\n")
    assert (draft["status"], draft["body"], draft["category"]) == ("draft", "Steps", None)
    assert [a["id"] for a in dj("kb", "list")] == [draft["id"], made["id"]]
    assert [a["id"] for a in dj("kb", "list", "--status", "draft")] == [draft["id"]]
    assert [a["id"] for a in dj("kb", "list", "--category", "NETWORK")] == [made["id"]]
    ids = desk("kb", "list", "--ids")
    assert ids.exit_code == 0 and ids.stdout == f"{draft['id']}\n{made['id']}\n"
    table = desk("kb", "list")
    assert table.exit_code == 0 and "Wi-Fi drops" in table.stdout and "draft" in table.stdout


def test_every_change_is_a_revision_and_history_lists_them(dj: Dj, desk: Desk) -> None:
    article = add(dj, "Modem resets", "Hold the button.", "--draft")
    edited = dj("kb", "edit", str(article), "--title", "Modem reset", "--publish",
                "--tag", "modem", "--if-version", "1")  # fmt: skip
    assert (edited["title"], edited["status"], edited["tags"], edited["version"]) == (
        "Modem reset", "published", ["modem"], 2,
    )  # fmt: skip
    archived = dj("kb", "archive", str(article))
    assert (archived["status"], archived["version"]) == ("archived", 3)
    shown = dj("kb", "show", str(article), "--history")
    changes = [revision["changes"] for revision in shown["history"]]
    assert changes[0]["title"] == {"from": None, "to": "Modem resets"}
    assert changes[0]["status"] == {"from": None, "to": "draft"}
    assert changes[1] == {
        "title": {"from": "Modem resets", "to": "Modem reset"},
        "tags": {"from": [], "to": ["modem"]},
        "status": {"from": "draft", "to": "published"},
    }
    assert changes[2] == {"status": {"from": "published", "to": "archived"}}
    assert all(r["agent"] == "alice" and r["at"] for r in shown["history"])
    assert "history" not in dj("kb", "show", str(article))
    human = desk("kb", "show", str(article), "--history")
    assert human.exit_code == 0 and "History" in human.stdout and "archived" in human.stdout
    # Archived: not listed by default, listed when asked for.
    assert dj("kb", "list") == []
    assert [a["id"] for a in dj("kb", "list", "--status", "archived")] == [article]


def test_a_stale_if_version_is_exit_4_and_changes_nothing(dj: Dj, desk: Desk) -> None:
    article = add(dj, "Printer jam", "Open tray 2.")
    assert dj("kb", "edit", str(article), "--body", "Open tray 3.")["version"] == 2
    result = desk("kb", "edit", str(article), "--title", "Other", "--if-version", "1")
    assert result.exit_code == 4, result.output
    assert "article 1 was changed by alice" in result.stderr and "version 2" in result.stderr
    assert desk("kb", "archive", str(article), "--if-version", "1").exit_code == 4
    shown = dj("kb", "show", str(article), "--history")
    assert (shown["title"], shown["status"]) == ("Printer jam", "published")
    assert len(shown["history"]) == 2


def test_bad_values_and_missing_articles(dj: Dj, desk: Desk) -> None:
    article = add(dj, "Printer jam", "Open tray 2.")
    for args, code in [
        (("kb", "show", "99"), 3),
        (("kb", "edit", "99", "--title", "x"), 3),
        (("kb", "archive", "99"), 3),
        (("kb", "show", "99999999999"), 3),
        (("kb", "edit", str(article)), 2),
        (("kb", "edit", str(article), "--publish", "--draft"), 2),
        (("kb", "add", "--title", "two\nlines", "--body", "x"), 2),
        (("kb", "add", "--title", "x" * 201, "--body", "x"), 2),
        (("kb", "add", "--title", "ok", "--body", "   "), 2),
        (("kb", "add", "--title", "ok", "--body", "x", "--tag", "two words"), 2),
        (("kb", "list", "--status", "publishd"), 2),
        (("kb", "list", "--json", "--ids"), 2),
    ]:
        result = desk(*args)
        assert result.exit_code == code, (args, result.output)
        assert result.stderr.startswith("desk: error: ") and "Traceback" not in result.output
    same = desk("kb", "edit", str(article), "--title", "Printer jam", "--json")
    assert same.exit_code == 0 and "nothing changed" in same.stderr
    assert json.loads(same.stdout)["version"] == 1
    assert desk("kb", "archive", str(article)).exit_code == 0
    again = desk("kb", "archive", str(article))
    assert again.exit_code == 0 and "already archived" in again.stderr


# -- search --------------------------------------------------------------------


@pytest.fixture
def library(dj: Dj) -> dict[str, int]:
    """Articles whose words the query-safety cases look for."""
    return {
        "wifi": add(dj, "Wi-Fi drops every hour",
                    "Error ERR-404 on the router: restart it (hold the button 10 s)."),
        "billing": add(dj, "Facturación duplicada",
                       "Refund the double charge; ask O'Brien in billing."),
        "words": add(dj, "AND OR NOT NEAR", "A note about boolean words and stars."),
        "plain": add(dj, "Invoice copy", "Para facturacion electronica ver el portal."),
        "draft": add(dj, "Router firmware", "Upgrade the firmware.", "--draft"),
    }  # fmt: skip


QUERIES = [
    ("wi-fi", ["wifi"]),
    ("ERR-404", ["wifi"]),
    ("o'brien", ["billing"]),
    ('"double charge"', ["billing"]),
    ("router:", ["wifi"]),
    ("(hold the button)", ["wifi"]),
    ("restart)", ["wifi"]),
    ("*", []),
    ("**wi*", ["wifi"]),
    ("AND", ["words"]),
    ("OR", ["words"]),
    ("NOT", ["words"]),
    ("NEAR", ["words"]),
    ("wi NEAR fi", []),
    ("NOT router", []),
    ("title:refund", []),
    ("^wi", ["wifi"]),
    ("😀", []),
    ("router 😀", ["wifi"]),
    ("-", []),
    ("-router", ["wifi"]),
    ("{refund} [double]", ["billing"]),
    ("\\", []),
    ("o'brien \"double", ["billing"]),
    ("brien's", []),
    ("facturacion", ["billing", "plain"]),
    ("facturación", ["billing", "plain"]),
    ("FACTURACIÓN", ["billing", "plain"]),
    ("fact", ["billing", "plain"]),
    ("firmware", []),  # a draft: only with --all
    ("zzzz", []),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_any_text_is_a_valid_query(
    desk: Desk, library: dict[str, int], query: str, expected: list[str]
) -> None:
    result = desk("kb", "search", "--json", "--", query)
    assert result.exit_code == 0, result.output
    found = sorted(hit["id"] for hit in json.loads(result.stdout))
    assert found == sorted(library[name] for name in expected)
    human = desk("kb", "search", "--", query)
    assert human.exit_code == 0 and "Traceback" not in human.output
    assert ("No articles match." in human.stdout) == (not expected)


def test_the_title_weighs_more_and_drafts_need_all(dj: Dj, library: dict[str, int]) -> None:
    hits = dj("kb", "search", "facturacion")
    assert [h["id"] for h in hits] == [library["billing"], library["plain"]]  # title first
    assert hits[0]["rank"] > hits[1]["rank"]
    assert list(hits[0]) == [*ARTICLE_FIELDS, "rank", "snippet"]
    assert [h["id"] for h in dj("kb", "search", "firmware", "--all")] == [library["draft"]]
    router = dj("kb", "search", "router", "--all")
    assert [h["id"] for h in router] == [library["draft"], library["wifi"]]  # title first
    assert len(dj("kb", "search", "router", "--all", "--limit", "1")) == 1


def test_an_empty_query_is_exit_2(desk: Desk, library: dict[str, int]) -> None:
    for query in ("", "   ", "\n"):
        result = desk("kb", "search", query)
        assert result.exit_code == 2 and "must not be empty" in result.stderr
    assert desk("kb", "search", "x" * 1001).exit_code == 2


def test_the_index_follows_edits_and_archives(dj: Dj, library: dict[str, int]) -> None:
    wifi = str(library["wifi"])
    dj("kb", "edit", wifi, "--title", "Wireless drops", "--body", "Replace the antenna.")
    assert dj("kb", "search", "router") == []
    assert [h["id"] for h in dj("kb", "search", "antenna wireless")] == [library["wifi"]]
    dj("kb", "archive", wifi)
    assert dj("kb", "search", "antenna") == []
    assert dj("kb", "search", "antenna", "--all") == []  # archived: never found
    dj("kb", "edit", wifi, "--publish")
    assert [h["id"] for h in dj("kb", "search", "antenna")] == [library["wifi"]]


def test_snippet_is_short_around_the_match_and_literal(dj: Dj, desk: Desk) -> None:
    words = [f"w{i}" for i in range(60)]
    words[40] = "[bold red]Facturación[/]\x1b[31m"
    article = add(dj, "Long one", " ".join(words))
    hit = dj("kb", "search", "facturacion")[0]
    assert hit["id"] == article
    snippet = hit["snippet"]
    # About 20 words: 8 before the match ("bold" and "red" are words too).
    assert snippet.startswith("... w34 w35 ") and snippet.endswith(" w50 ...")
    assert "[bold red]Facturación[/]\x1b[31m" in snippet
    human = desk("kb", "search", "facturacion")
    assert "[bold red]Facturación[/]\\x1b[31m" in human.stdout
    assert "\x1b" not in human.stdout
    # A match in the title only: the snippet is the title.
    assert dj("kb", "search", "long")[0]["snippet"] == "Long one"


def test_every_search_is_logged_with_its_result_count(
    dj: Dj, library: dict[str, int], sql: Callable[..., list[Any]]
) -> None:
    dj("kb", "search", "Facturación")
    dj("kb", "search", "nothing here")
    dj("kb", "search", "-")
    rows = sql("SELECT agent, query, query_key, results FROM kb_search ORDER BY id")
    assert [tuple(r) for r in rows] == [
        ("alice", "Facturación", "facturacion", 2),
        ("alice", "nothing here", "nothing here", 0),
        ("alice", "-", "", 0),
    ]


@pytest.mark.sqlite_only
def test_a_search_finds_even_when_it_cannot_be_logged(
    desk: Desk, library: dict[str, int], db_path: Path
) -> None:
    """A search is a read: with another writer holding the file, it still
    finds, and says on stderr that the search log missed it (exit 0)."""
    import sqlite3

    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        found = desk("kb", "search", "Facturación", "--json", env={"DESK_BUSY_TIMEOUT": "0"})
    finally:
        holder.rollback()
        holder.close()
    assert found.exit_code == 0, found.stderr
    assert len(json.loads(found.stdout)) == 2
    assert found.stderr.startswith("desk: note: this search was not logged: ")
    assert len(found.stderr.strip().splitlines()) == 1


def test_uses_count_distinct_cases(
    dj: Dj, new_case: Callable[..., int], sql: Callable[..., list[Any]]
) -> None:
    article = add(dj, "Reset", "Reset it.")
    first, second = new_case(), new_case("Other")
    for case_id in (first, second):
        sql(
            "INSERT INTO kb_use (case_id, article_id, at, agent)"
            " VALUES (:c, :a, '2026-01-01 00:00:00', 'bo')",
            c=case_id,
            a=article,
        )
    assert dj("kb", "show", str(article))["uses"] == 2
    assert dj("kb", "search", "reset")[0]["uses"] == 2


# -- the migration -------------------------------------------------------------


def _url(db_path: Path) -> str:
    return os.environ.get("DESK_DB_URL") or f"sqlite:///{db_path}"


def _database_at_0006(db_path: Path) -> None:
    """A database as the previous release left it (schema 0006), with data."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "deskcli:migrations")
    engine = create_engine(_url(db_path))
    at = "2026-01-02 03:04:05"
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        connection.execute(
            text(
                "INSERT INTO customer (id, crn, crn_key, name, created_at, search_text)"
                " VALUES (1, 'C-1', 'c-1', 'José Ñúñez', :at, 'c-1\njose nunez')"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                'INSERT INTO "case" (id, customer_id, subject, description, channel, priority,'
                " status, assignee, assignee_key, tier, created_at, updated_at, reopen_count,"
                " version, handling_seconds, search_text) VALUES (1, 1, 'Factura mal', 'Cobro',"
                " 'phone', 'high', 'open', 'Sam', 'sam', 1, :at, :at, 0, 4, 0,"
                " 'factura mal\ncobro\nnono')"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO event (case_id, at, agent, kind, body) VALUES"
                " (1, :at, 'alice', 'opened', 'Factura mal'), (1, :at, 'sam', 'note', 'Ñoño')"
            ),
            {"at": at},
        )
        connection.execute(
            text("INSERT INTO case_tag (case_id, tag_key, tag) VALUES (1, 'vip', 'VIP')")
        )
    engine.dispose()


def test_upgrading_a_0006_database_keeps_everything_and_adds_the_kb(
    desk: Desk, dj: Dj, db_path: Path
) -> None:
    _database_at_0006(db_path)
    shown = dj("case", "show", "1")  # the first command upgrades
    assert (shown["subject"], shown["version"], shown["tags"]) == ("Factura mal", 4, ["VIP"])
    assert [e["body"] for e in shown["events"]] == ["Factura mal", "Ñoño"]
    assert [c["id"] for c in dj("case", "list", "--search", "nono")] == [1]
    assert dj("customer", "show", "c-1")["name"] == "José Ñúñez"
    assert dj("kb", "list") == []
    article = add(dj, "Factura duplicada", "Reembolsar el segundo cargo.")
    assert [h["id"] for h in dj("kb", "search", "facturá")] == [article]


@pytest.mark.sqlite_only
def test_the_sqlite_index_is_fts5_kept_by_triggers(db_path: Path, dj: Dj) -> None:
    import sqlite3

    article = add(dj, "Modem", "Reset it.")
    with sqlite3.connect(db_path) as connection:
        names = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE name LIKE 'kb_%'")
        }
        assert {"kb_fts", "kb_article_fts_insert", "kb_article_fts_update"} <= names
        # A change made outside desk (plain SQL) is indexed too: the triggers
        # keep the index in the transaction that changes the row.
        connection.execute("UPDATE kb_article SET title_fold = 'router' WHERE id = ?", (article,))
        found = connection.execute(
            "SELECT rowid FROM kb_fts WHERE kb_fts MATCH '\"router\"'"
        ).fetchall()
        assert found == [(article,)]
        connection.execute("INSERT INTO kb_fts (kb_fts) VALUES ('integrity-check')")
