"""Case tags: one row per tag of a case, indexed for `--tag`.

Revision ID: 0005
Revises: 0004 (re-pointed to 0004 when merged after it)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_tag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("tag_key", sa.String(), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.UniqueConstraint("case_id", "tag_key", name="uq_case_tag_case_key"),
    )
    op.create_index("ix_case_tag_key", "case_tag", ["tag_key", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_tag_key", "case_tag")
    op.drop_table("case_tag")
