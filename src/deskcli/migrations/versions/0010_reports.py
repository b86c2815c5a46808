"""QA reviews and handling-time targets (issue 14).

`case_review` holds one review per reviewer per case on seed 000's six
pillars (0-10 each) and its three optional P's; `score` is the mean of the six
pillars, or 0 when integrity, the critical pillar, is below 5 (then `flagged`).
`handling_target` holds the handling time a team aims at per category, keyed
by the folded category so "Billing" and "billing" are one target.  The
indexes let `desk report` find a period's events by kind, its first replies
and its remedies without reading every row.

On SQLite, `case_status_count` keeps the number of cases in each status,
kept by triggers in the same transaction as every insert, status change and
delete of a case: the board's counts are a read of four rows instead of a
count of every active case (10 ms at 200,000 active cases).  PostgreSQL counts
with its index as before (its writers would queue on such counter rows).

Self-contained on purpose (no import of deskcli.models).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("reviewer_key", sa.String(), nullable=False),
        sa.Column("agent", sa.String(), nullable=True),
        sa.Column("agent_key", sa.String(), nullable=True),
        sa.Column("personalization", sa.Integer(), nullable=False),
        sa.Column("integrity", sa.Integer(), nullable=False),
        sa.Column("expectations", sa.Integer(), nullable=False),
        sa.Column("resolution", sa.Integer(), nullable=False),
        sa.Column("time_effort", sa.Integer(), nullable=False),
        sa.Column("empathy", sa.Integer(), nullable=False),
        sa.Column("professionalism", sa.Integer(), nullable=True),
        sa.Column("patience", sa.Integer(), nullable=True),
        sa.Column("people_first", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(), nullable=False),
        sa.UniqueConstraint("case_id", "reviewer_key", name="uq_case_review_reviewer"),
    )
    op.create_index("ix_case_review_at", "case_review", ["at"])
    op.create_index("ix_case_review_agent_at", "case_review", ["agent_key", "at"])
    op.create_table(
        "handling_target",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("category_key", sa.String(), nullable=False),
        sa.Column("handling_seconds", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.UniqueConstraint("category_key", name="uq_handling_target_category"),
    )
    op.create_index("ix_event_kind_at", "event", ["kind", "at"])
    op.create_index("ix_case_first_response", "case", ["first_response_at"])
    op.create_index("ix_remedy_at", "remedy", ["at"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in STATUS_COUNT:
            op.execute(statement)


STATUS_COUNT = (
    "CREATE TABLE case_status_count (status VARCHAR PRIMARY KEY, n INTEGER NOT NULL)",
    'INSERT INTO case_status_count (status, n) SELECT status, count(*) FROM "case" GROUP BY status',
    'CREATE TRIGGER case_status_count_insert AFTER INSERT ON "case" BEGIN'
    " INSERT INTO case_status_count (status, n) VALUES (NEW.status, 1)"
    " ON CONFLICT (status) DO UPDATE SET n = n + 1; END",
    'CREATE TRIGGER case_status_count_delete AFTER DELETE ON "case" BEGIN'
    " UPDATE case_status_count SET n = n - 1 WHERE status = OLD.status; END",
    'CREATE TRIGGER case_status_count_update AFTER UPDATE OF status ON "case"'
    " WHEN OLD.status IS NOT NEW.status BEGIN"
    " UPDATE case_status_count SET n = n - 1 WHERE status = OLD.status;"
    " INSERT INTO case_status_count (status, n) VALUES (NEW.status, 1)"
    " ON CONFLICT (status) DO UPDATE SET n = n + 1; END",
)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER case_status_count_{trigger}")
        op.drop_table("case_status_count")
    op.drop_index("ix_remedy_at", "remedy")
    op.drop_index("ix_case_first_response", "case")
    op.drop_index("ix_event_kind_at", "event")
    op.drop_table("handling_target")
    op.drop_table("case_review")
