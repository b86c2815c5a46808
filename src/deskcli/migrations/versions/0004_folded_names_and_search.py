"""Case-insensitive names and folded search text.

Adds the derived columns of deskcli.folding and fills them for existing rows:
customer.crn_key (unique) and customer.search_text; case.assignee_key,
case.team_key (indexed) and case.search_text (subject, description, notes,
replies, customer messages and resolution).

A database may already hold CRNs that differ only by case.  The migration
must not fail on it, and must not merge or rename anyone's customer: the
oldest of each group gets the key (so any spelling finds it), the others keep
a NULL key and are found by their exact spelling.

Revision ID: 0004
Revises: 0003
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from deskcli.folding import name_key, search_text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The event kinds whose body is part of a case's conversation.
SEARCHED_KINDS = ("note", "reply", "inbound")
CHUNK = 1000


def _text(value: object) -> str | None:
    """A stored value to fold, or None: SQLite keeps whatever was written, and
    a damaged value (a BLOB, a number) is left for `desk doctor` to name."""
    return value if isinstance(value, str) else None


def upgrade() -> None:
    op.add_column("customer", sa.Column("crn_key", sa.String(), nullable=True))
    op.add_column(
        "customer", sa.Column("search_text", sa.String(), nullable=False, server_default="")
    )
    op.add_column("case", sa.Column("assignee_key", sa.String(), nullable=True))
    op.add_column("case", sa.Column("team_key", sa.String(), nullable=True))
    op.add_column("case", sa.Column("search_text", sa.String(), nullable=False, server_default=""))
    _fill_customers()
    _fill_cases()
    op.create_index("ix_customer_crn_key", "customer", ["crn_key"], unique=True)
    op.create_index("ix_case_assignee_key_status", "case", ["assignee_key", "status"])
    op.create_index("ix_case_team_key", "case", ["team_key"])


def _fill_customers() -> None:
    connection = op.get_bind()
    customer = sa.table(
        "customer",
        sa.column("id"), sa.column("crn"), sa.column("name"), sa.column("email"),
        sa.column("phone"), sa.column("crn_key"), sa.column("search_text"),
    )  # fmt: skip
    taken: set[str] = set()
    updates = []
    for row in connection.execute(sa.select(customer).order_by(customer.c.id)):
        key = name_key(_text(row.crn))
        if key in taken:
            key = None  # a later spelling of a CRN already there: exact match only
        else:
            taken.add(key or "")
        text = search_text(map(_text, (row.crn, row.name, row.email, row.phone)))
        updates.append({"i": row.id, "k": key, "t": text})
    statement = (
        customer.update()
        .where(customer.c.id == sa.bindparam("i"))
        .values(crn_key=sa.bindparam("k"), search_text=sa.bindparam("t"))
    )
    for start in range(0, len(updates), CHUNK):
        connection.execute(statement, updates[start : start + CHUNK])


def _fill_cases() -> None:
    connection = op.get_bind()
    case = sa.table(
        "case",
        sa.column("id"), sa.column("subject"), sa.column("description"),
        sa.column("resolution"), sa.column("assignee"), sa.column("team"),
        sa.column("assignee_key"), sa.column("team_key"), sa.column("search_text"),
    )  # fmt: skip
    event = sa.table("event", sa.column("id"), sa.column("case_id"), sa.column("kind"),
                     sa.column("body"))  # fmt: skip
    bodies: defaultdict[int, list[str]] = defaultdict(list)
    events = (
        sa.select(event.c.case_id, event.c.body)
        .where(event.c.kind.in_(SEARCHED_KINDS))
        .order_by(event.c.id)
    )
    for case_id, body in connection.execute(events):
        bodies[case_id].append(body)
    statement = (
        case.update()
        .where(case.c.id == sa.bindparam("i"))
        .values(
            assignee_key=sa.bindparam("a"), team_key=sa.bindparam("tk"),
            search_text=sa.bindparam("t"),
        )
    )  # fmt: skip
    batch = []
    rows = sa.select(case).order_by(case.c.id)
    for row in connection.execute(rows).all():
        parts = (row.subject, row.description, *bodies.get(row.id, ()), row.resolution)
        batch.append({"i": row.id, "a": name_key(_text(row.assignee)),
                      "tk": name_key(_text(row.team)),
                      "t": search_text(map(_text, parts))})  # fmt: skip
        if len(batch) >= CHUNK:
            connection.execute(statement, batch)
            batch = []
    if batch:
        connection.execute(statement, batch)


def downgrade() -> None:
    op.drop_index("ix_case_team_key", "case")
    op.drop_index("ix_case_assignee_key_status", "case")
    op.drop_index("ix_customer_crn_key", "customer")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("search_text")
        batch.drop_column("team_key")
        batch.drop_column("assignee_key")
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("search_text")
        batch.drop_column("crn_key")
