"""Customer messages, feedback and remedies (issue 12).

The case gains `last_inbound_at` (the customer's latest message) and `csat`,
`nps` (its latest rating); `feedback` holds one rating per resolution of a
case, credited to whoever resolved it; `remedy` holds what was given to make
amends, amounts as exact integers of ten-thousandths (never floats) beside
the decimal text as given.  `ix_case_resolved` lets `desk feedback due` walk
resolved cases oldest first.

Self-contained on purpose (no import of deskcli.models): another 0007 may be
renumbered around it at merge.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("last_inbound_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("csat", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("nps", sa.Integer(), nullable=True))
    op.create_index("ix_case_resolved", "case", ["resolved_at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("resolution_no", sa.Integer(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("credited_agent", sa.String(), nullable=True),
        sa.Column("credited_agent_key", sa.String(), nullable=True),
        sa.Column("credited_team", sa.String(), nullable=True),
        sa.Column("csat", sa.Integer(), nullable=False),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(), nullable=False),
        sa.UniqueConstraint("case_id", "resolution_no", name="uq_feedback_case_resolution"),
    )
    op.create_index("ix_feedback_at", "feedback", ["at"])
    op.create_index("ix_feedback_customer_at", "feedback", ["customer_id", "at"])
    op.create_index("ix_feedback_agent_at", "feedback", ["credited_agent_key", "at"])
    op.create_table(
        "remedy",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("amount", sa.String(), nullable=True),
        sa.Column("amount_units", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
    )
    op.create_index("ix_remedy_customer_at", "remedy", ["customer_id", "at"])
    op.create_index("ix_remedy_case", "remedy", ["case_id", "id"])


def downgrade() -> None:
    op.drop_table("remedy")
    op.drop_table("feedback")
    op.drop_index("ix_case_resolved", "case")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("nps")
        batch.drop_column("csat")
        batch.drop_column("last_inbound_at")
