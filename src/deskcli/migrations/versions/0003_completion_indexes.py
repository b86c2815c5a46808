"""Indexes for completing and filtering by team and category.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_team", "case", ["team"])
    op.create_index("ix_case_category", "case", ["category"])


def downgrade() -> None:
    op.drop_index("ix_case_category", "case")
    op.drop_index("ix_case_team", "case")
