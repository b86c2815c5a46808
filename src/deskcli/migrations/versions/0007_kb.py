"""The knowledge base: articles, their tags, revisions, uses on cases, the
search log, and the full-text index over the articles' folded words.

The index differs by backend (the words themselves are folded and split in
Python, deskcli.folding.indexed_text, so both see the same words):
- SQLite: an FTS5 table with external content over kb_article's title_fold
  and body_fold, kept in step by triggers, so an article's index entry
  changes in the same transaction as the article.
- PostgreSQL: a stored generated tsvector (title weight A, body weight B,
  configuration 'simple') with a GIN index.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Kept in step with the article: an FTS5 table with external content holds
# only the index, so it must be told each row's old values to remove them.
SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE kb_fts USING fts5(title_fold, body_fold, content='kb_article',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='2 3 4')",
    "CREATE TRIGGER kb_article_fts_insert AFTER INSERT ON kb_article BEGIN"
    " INSERT INTO kb_fts (rowid, title_fold, body_fold)"
    " VALUES (new.id, new.title_fold, new.body_fold); END",
    "CREATE TRIGGER kb_article_fts_delete AFTER DELETE ON kb_article BEGIN"
    " INSERT INTO kb_fts (kb_fts, rowid, title_fold, body_fold)"
    " VALUES ('delete', old.id, old.title_fold, old.body_fold); END",
    "CREATE TRIGGER kb_article_fts_update AFTER UPDATE OF title_fold, body_fold ON kb_article"
    " BEGIN"
    " INSERT INTO kb_fts (kb_fts, rowid, title_fold, body_fold)"
    " VALUES ('delete', old.id, old.title_fold, old.body_fold);"
    " INSERT INTO kb_fts (rowid, title_fold, body_fold)"
    " VALUES (new.id, new.title_fold, new.body_fold); END",
)
POSTGRES_INDEX = (
    "ALTER TABLE kb_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
    " (setweight(to_tsvector('simple', title_fold), 'A')"
    " || setweight(to_tsvector('simple', body_fold), 'B')) STORED",
    "CREATE INDEX ix_kb_article_search ON kb_article USING gin (search_vector)",
)


def upgrade() -> None:
    op.create_table(
        "kb_article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title_fold", sa.String(), nullable=False, server_default=""),
        sa.Column("body_fold", sa.String(), nullable=False, server_default=""),
        # The case an article was promoted from (desk kb promote), if any.
        sa.Column("source_case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=True),
    )
    op.create_index("ix_kb_article_status_updated", "kb_article", ["status", "updated_at"])
    op.create_index("ix_kb_article_category", "kb_article", ["category"])
    # The articles promoted from a case (desk kb promote refuses a second one).
    op.create_index("ix_kb_article_source_case", "kb_article", ["source_case_id"])
    op.create_table(
        "kb_article_tag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("kb_article.id"), nullable=False),
        sa.Column("tag_key", sa.String(), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.UniqueConstraint("article_id", "tag_key", name="uq_kb_article_tag_article_key"),
    )
    op.create_index("ix_kb_article_tag_key", "kb_article_tag", ["tag_key", "article_id"])
    op.create_table(
        "kb_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("kb_article.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_kb_revision_article", "kb_revision", ["article_id", "id"])
    op.create_table(
        "kb_search",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("query", sa.String(), nullable=False),
        sa.Column("query_key", sa.String(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
    )
    op.create_index("ix_kb_search_at", "kb_search", ["at"])
    # desk kb gaps: the searches that found nothing in a window, read from the
    # index alone (results, then time, with the key it groups by).
    op.create_index("ix_kb_search_results_at", "kb_search", ["results", "at", "query_key"])
    op.create_table(
        "kb_use",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("kb_article.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.UniqueConstraint("case_id", "article_id", name="uq_kb_use_case_article"),
    )
    op.create_index("ix_kb_use_article", "kb_use", ["article_id", "case_id"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_INDEX if dialect == "sqlite" else POSTGRES_INDEX:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER kb_article_fts_{trigger}")
        op.execute("DROP TABLE kb_fts")
    for table in ("kb_use", "kb_search", "kb_revision", "kb_article_tag", "kb_article"):
        op.drop_table(table)
