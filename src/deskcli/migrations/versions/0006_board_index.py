"""The board's index: each active status's cases by priority, newest first,
found without sorting every case of the status.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_status_priority_created", "case", ["status", "priority", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_case_status_priority_created", "case")
