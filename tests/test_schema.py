"""The migrations and the models describe the same schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from deskcli import models, store


def test_models_match_the_migrations(database: Any) -> None:
    db = database
    assert models.Case.__tablename__ == "case"
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _not_search_index})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def _not_search_index(obj: Any, name: str | None, kind: str, *_rest: Any) -> bool:
    """The knowledge base's full-text index is one backend's own (FTS5 on
    SQLite, a generated tsvector on PostgreSQL), as is SQLite's count of cases
    per status: the migrations make them, the models leave them out."""
    if kind == "table":
        own = (name or "").startswith(models.KB_FTS_TABLE)
        return not own and name != models.CASE_STATUS_COUNT_TABLE
    if kind == "column":
        return not (obj.table.name == "kb_article" and name == models.KB_SEARCH_VECTOR)
    return name != models.KB_SEARCH_VECTOR_INDEX


def test_schema_head_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", "deskcli:migrations")
    assert ScriptDirectory.from_config(config).get_current_head() == store.SCHEMA_HEAD


@pytest.mark.sqlite_only
def test_an_empty_sqlite_file_is_migrated_on_open(db_path: Path) -> None:
    import sqlite3

    sqlite3.connect(db_path).close()  # a valid, empty SQLite file without a schema
    db = store.open_database(str(db_path))
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == store.SCHEMA_HEAD
