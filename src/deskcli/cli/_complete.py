"""Tab completion of case ids, CRNs, agents, teams, categories and calendars.

Every Tab press runs the whole program, so these use the standard library's
sqlite3 on a read-only connection with small, bounded, indexed queries, and
never import SQLAlchemy.  A missing or unreadable database completes nothing
(and is never created); nothing is printed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer

from deskcli.domain import shown_status
from deskcli.lang import N_, _
from deskcli.location import database_file, readonly_uri

LIMIT = 50

# An article's status as the completion's help shows it, in the user's language.
_ARTICLE_STATUS = {"draft": N_("draft"), "published": N_("published"), "archived": N_("archived")}


def _article_help(status: str, title: str) -> str:
    return f"{_(_ARTICLE_STATUS.get(status, status))}: {_one_line(title)}"


def _database(ctx: typer.Context) -> Path | None:
    typed = ctx.find_root().params.get("db") if ctx is not None else None
    return database_file(typed or os.environ.get("DESK_DB"), os.environ.get("DESK_DB_URL"))


def _rows(ctx: typer.Context, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    path = _database(ctx)
    if path is None or not path.is_file():
        return []
    import sqlite3  # here, not at the top: every command imports this module

    try:
        connection = sqlite3.connect(readonly_uri(path), uri=True, timeout=1)
        try:
            return connection.execute(sql, args).fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return []


def _prefix_range(incomplete: str) -> tuple[str, str]:
    """`col >= lo AND col < hi` matches the prefix and can use an index."""
    return incomplete, incomplete + "\U0010ffff"


def _one_line(text: object) -> str:
    return " ".join(str(text or "").split())[:60]


def case_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Active cases first (newest first), then the rest, matching the typed digits."""
    if incomplete and not incomplete.isdigit():
        return []
    rows = _rows(
        ctx,
        'SELECT id, status, subject FROM "case" '
        "WHERE status NOT IN ('resolved', 'closed') AND CAST(id AS TEXT) LIKE ? || '%' "
        "ORDER BY created_at DESC LIMIT ?",
        incomplete,
        LIMIT,
    )
    if len(rows) < LIMIT:
        rows += _rows(
            ctx,
            "SELECT id, status, subject FROM \"case\" WHERE CAST(id AS TEXT) LIKE ? || '%' "
            "ORDER BY id DESC LIMIT ?",
            incomplete,
            LIMIT,
        )
    seen: dict[str, str] = {}
    for case_id, status, subject in rows:
        seen.setdefault(str(case_id), f"{shown_status(status)}: {_one_line(subject)}")
    return list(seen.items())[:LIMIT]


def _as_typed(incomplete: str, stored: object) -> str:
    """Typer keeps only values that start with what was typed, exactly; names
    match in any case, so the typed letters lead and the stored rest follows."""
    return incomplete + str(stored)[len(incomplete) :]


def _name_key(incomplete: str) -> str:
    from deskcli.folding import name_key

    return name_key(incomplete) or ""


def crns(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """CRNs matching in any case (ix_customer_crn_key)."""
    low, high = _prefix_range(_name_key(incomplete))
    rows = _rows(
        ctx,
        "SELECT crn, name FROM customer WHERE crn_key >= ? AND crn_key < ? "
        "ORDER BY crn_key LIMIT ?",
        low,
        high,
        LIMIT,
    )
    return [(_as_typed(incomplete, crn), _one_line(name)) for crn, name in rows]


def _names(ctx: typer.Context, table: str, column: str, key: str, incomplete: str) -> list[str]:
    """Values of `column` in use, as first typed, whose `{column}_key` starts
    with `key` (what was typed, folded as that key is): any case, by its index."""
    low, high = _prefix_range(key)
    rows = _rows(
        ctx,
        f"SELECT min({column}) FROM {table} WHERE {column}_key >= ? AND {column}_key < ? "
        f"GROUP BY {column}_key ORDER BY {column}_key LIMIT ?",
        low,
        high,
        LIMIT,
    )
    return [_as_typed(incomplete, value) for (value,) in rows]


def _distinct(ctx: typer.Context, column: str, incomplete: str) -> list[str]:
    low, high = _prefix_range(incomplete)
    rows = _rows(
        ctx,
        f'SELECT DISTINCT {column} FROM "case" WHERE {column} >= ? AND {column} < ? '
        f"ORDER BY {column} LIMIT ?",
        low,
        high,
        LIMIT,
    )
    return [str(value) for (value,) in rows]


def tags(ctx: typer.Context, incomplete: str) -> list[str]:
    """Tags in use, as first typed, matching case-insensitively (ix_case_tag_key)."""
    return _names(ctx, "case_tag", "tag", incomplete.lower(), incomplete)


def agents(ctx: typer.Context, incomplete: str) -> list[str]:
    return _names(ctx, '"case"', "assignee", _name_key(incomplete), incomplete)


def teams(ctx: typer.Context, incomplete: str) -> list[str]:
    return _names(ctx, '"case"', "team", _name_key(incomplete), incomplete)


def categories(ctx: typer.Context, incomplete: str) -> list[str]:
    return _distinct(ctx, "category", incomplete)


def article_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Knowledge base articles matching the typed digits, newest first, with
    their status and title as help; archived ones last."""
    if incomplete and not incomplete.isdigit():
        return []
    rows = _rows(
        ctx,
        "SELECT id, status, title FROM kb_article WHERE CAST(id AS TEXT) LIKE ? || '%' "
        "ORDER BY status = 'archived', id DESC LIMIT ?",
        incomplete,
        LIMIT,
    )
    return [(str(found), _article_help(status, title)) for found, status, title in rows]


def usable_article_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Articles that may be used on a case (not archived), published ones
    first, newest first, with their status and title as help."""
    if incomplete and not incomplete.isdigit():
        return []
    rows = _rows(
        ctx,
        "SELECT id, status, title FROM kb_article WHERE status != 'archived' "
        "AND CAST(id AS TEXT) LIKE ? || '%' ORDER BY status != 'published', id DESC LIMIT ?",
        incomplete,
        LIMIT,
    )
    return [(str(found), _article_help(status, title)) for found, status, title in rows]


def calendars(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Service-level calendars by name (the primary key), with their time zone as help."""
    low, high = _prefix_range(incomplete)
    rows = _rows(
        ctx,
        "SELECT name, tz FROM sla_calendar WHERE name >= ? AND name < ? ORDER BY name LIMIT ?",
        low,
        high,
        LIMIT,
    )
    return [(str(name), _one_line(tz)) for name, tz in rows]
