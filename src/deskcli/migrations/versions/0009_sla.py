"""Service levels (issue 13): business-time calendars, a policy per priority,
and the clocks of each case.

- `sla_calendar`: a team's hours in its time zone (`hours`: JSON
  [{"days": [0..6], "from": "HH:MM", "to": "HH:MM"}], 0 is Monday, "24:00"
  ends a day) and its holidays (JSON ["YYYY-MM-DD"]).  `always` (24x7, UTC)
  is built in.
- `sla_policy`: the targets of a priority, in business seconds of its
  calendar; seeded for every priority (urgent 1h/4h, high 4h/1d, normal
  8h/3d, low 1d/5d on `always`; next reply as the first response).
- `case_clock`: one row per clock run (first_response, resolution: cycle 0;
  next_reply: a cycle per customer message that starts one).  A running
  clock has `segment_started_at` (when its current run began) and `due_at`;
  `used_seconds` is the business time of its finished runs; a paused clock
  has no segment and no due time; a stopped one keeps the due time it had.
  `breached` is stored when a clock pauses or stops past due; a running
  clock is breached when its `due_at` has passed.
- `case.due_at`: the earliest due time of the case's running clocks (NULL:
  none), indexed for "what breaches next" at any size.
- `ix_case_next`: the unowned active cases by priority, due time and age,
  for `desk next` (the WHERE is written out as that query writes it, so
  SQLite matches the partial index).

Data: every existing case gets the clocks its events give under the seeded
policies (`deskcli.sla.replay`, the same rules the write path follows):
active cases running clocks and `case.due_at`, resolved and closed cases
their historical verdicts.  Read and written a chunk of cases at a time.

Self-contained (no import of deskcli.models).

Revision ID: 0009
Revises: 0008
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ALWAYS_HOURS = '[{"days": [0, 1, 2, 3, 4, 5, 6], "from": "00:00", "to": "24:00"}]'
DEFAULTS = [  # priority, first response, resolution (seconds)
    ("urgent", 3600, 4 * 3600),
    ("high", 4 * 3600, 86400),
    ("normal", 8 * 3600, 3 * 86400),
    ("low", 86400, 5 * 86400),
]


def upgrade() -> None:
    calendars = op.create_table(
        "sla_calendar",
        sa.Column("name", sa.String(), primary_key=True),
        sa.Column("tz", sa.String(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    policies = op.create_table(
        "sla_policy",
        sa.Column("priority", sa.String(), primary_key=True),
        sa.Column("first_response_seconds", sa.Integer(), nullable=False),
        sa.Column("next_reply_seconds", sa.Integer(), nullable=False),
        sa.Column("resolution_seconds", sa.Integer(), nullable=False),
        sa.Column("calendar", sa.String(), sa.ForeignKey("sla_calendar.name"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "case_clock",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("target_seconds", sa.Integer(), nullable=False),
        sa.Column("calendar", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("segment_started_at", sa.DateTime(), nullable=True),
        sa.Column("used_seconds", sa.Float(), nullable=False, server_default="0"),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("breached", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("case_id", "name", "cycle", name="uq_case_clock_run"),
    )
    # Running clocks by due time: breaches and at-risk lists read this range.
    op.create_index(
        "ix_case_clock_running_due",
        "case_clock",
        ["due_at"],
        sqlite_where=sa.text("stopped_at IS NULL"),
        postgresql_where=sa.text("stopped_at IS NULL"),
    )
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("due_at", sa.DateTime(), nullable=True))
    op.create_index("ix_case_due", "case", ["due_at"])
    op.create_index(
        "ix_case_next",
        "case",
        ["priority", "due_at", "created_at", "id"],
        sqlite_where=sa.text(NEXT_WHERE),
        postgresql_where=sa.text(NEXT_WHERE),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        calendars,
        [
            {
                "name": "always",
                "tz": "UTC",
                "hours": _json(ALWAYS_HOURS),
                "holidays": [],
                "updated_at": now,
            }
        ],  # fmt: skip
    )
    op.bulk_insert(
        policies,
        [
            {
                "priority": p,
                "first_response_seconds": first,
                "next_reply_seconds": first,
                "resolution_seconds": resolution,
                "calendar": "always",
                "updated_at": now,
            }
            for p, first, resolution in DEFAULTS
        ],  # fmt: skip
    )
    _backfill()


# What `desk next` takes from (services.next_case.WAITING): unowned active cases.
NEXT_WHERE = "assignee IS NULL AND status IN ('new', 'open', 'pending', 'escalated')"
CHUNK = 500  # cases replayed at a time: a million-case file is never read whole


def _backfill() -> None:
    """The clocks of the cases already there, replayed from their events."""
    from collections import defaultdict

    from deskcli import times
    from deskcli.sla.calendar import always_calendar
    from deskcli.sla.replay import CLOCK_EVENT_KINDS, Event, Terms, replay

    always = always_calendar()
    terms = {p: Terms(first, first, resolution, always) for p, first, resolution in DEFAULTS}
    now = times.now()
    case = sa.table(
        "case",
        sa.column("id", sa.Integer),
        sa.column("priority", sa.String),
        sa.column("due_at", sa.DateTime),
    )
    event = sa.table(
        "event",
        sa.column("id", sa.Integer),
        sa.column("case_id", sa.Integer),
        sa.column("at", sa.DateTime),
        sa.column("kind", sa.String),
        sa.column("data", sa.Text),  # parsed below: SQLite gives text, PostgreSQL a dict
    )
    clock = sa.table(
        "case_clock",
        sa.column("case_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("cycle", sa.Integer),
        sa.column("target_seconds", sa.Integer),
        sa.column("calendar", sa.String),
        sa.column("started_at", sa.DateTime),
        sa.column("segment_started_at", sa.DateTime),
        sa.column("used_seconds", sa.Float),
        sa.column("due_at", sa.DateTime),
        sa.column("stopped_at", sa.DateTime),
        sa.column("paused", sa.Boolean),
        sa.column("breached", sa.Boolean),
    )
    set_due = (
        sa.update(case)
        .where(case.c.id == sa.bindparam("case_id_"))
        .values(due_at=sa.bindparam("due_at_", type_=sa.DateTime))
    )
    connection = op.get_bind()
    last = 0
    while True:
        cases = connection.execute(
            sa.select(case.c.id, case.c.priority)
            .where(case.c.id > last)
            .order_by(case.c.id)
            .limit(CHUNK)
        ).all()
        if not cases:
            break
        first_id, last = cases[0][0], cases[-1][0]
        timelines: dict[int, list[Event]] = defaultdict(list)
        found = connection.execute(
            sa.select(event.c.case_id, event.c.at, event.c.kind, event.c.data)
            .where(event.c.case_id.between(first_id, last), event.c.kind.in_(CLOCK_EVENT_KINDS))
            .order_by(event.c.case_id, event.c.id)
        )
        for case_id, at, kind, data in found:
            timelines[case_id].append(Event(kind, _utc(at), _data(data)))
        clocks, dues = [], []
        for case_id, priority in cases:
            if priority not in terms:
                continue  # not a priority desk knows: no policy, no clocks
            replayed = replay(timelines[case_id], terms, now, priority=priority)
            clocks += [
                {key: _naive(value) for key, value in run.row().items()} | {"case_id": case_id}
                for run in replayed.runs
            ]
            if replayed.due_at is not None:
                dues.append({"case_id_": case_id, "due_at_": _naive(replayed.due_at)})
        if clocks:
            connection.execute(clock.insert(), clocks)
        if dues:
            connection.execute(set_due, dues)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _naive(value: object) -> object:
    """Times are stored as naive UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _data(value: object) -> dict[str, object] | None:
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None  # unreadable data moves no clock
    return value if isinstance(value, dict) else None


def _json(text: str) -> object:
    import json

    return json.loads(text)


def downgrade() -> None:
    op.drop_index("ix_case_next", "case")
    op.drop_index("ix_case_due", "case")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("due_at")
    op.drop_table("case_clock")
    op.drop_table("sla_policy")
    op.drop_table("sla_calendar")
