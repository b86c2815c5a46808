"""The SQL of `desk report`: one text per aggregate, the same question on
SQLite and PostgreSQL.  What differs between the two (seconds between two
times, a day of a time, a JSON field, a date plus seven days, percentiles)
is a fixed fragment per dialect, chosen here; values always travel as bound
parameters, and the only text composed at run time is those fragments and
`scope`, a fixed condition on one case column (`--by`).  Every query names
the case table `c`.  Standard library only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deskcli.reads.source import Source

ACTIVE = "('new', 'open', 'pending', 'escalated')"
IN_PERIOD = "BETWEEN :p_from AND :p_to"

# `--by` column of the case: what a group is keyed by, and its label.
GROUP_COLUMNS = {
    "agent": ("c.assignee_key", "c.assignee"),
    "team": ("c.team_key", "c.team"),
    "category": ("c.category", "c.category"),
    "channel": ("c.channel", "c.channel"),
    "priority": ("c.priority", "c.priority"),
}


def seconds_between(dialect: str, later: str, earlier: str) -> str:
    if dialect == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS double precision)"
    # julianday keeps about 10 microseconds at today's dates: rounded to the
    # millisecond, so that 4 h is 14400, never 14399.99999 (buckets compare).
    return f"round((julianday({later}) - julianday({earlier})) * 86400.0, 3)"


def day_of(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"to_char({column}, 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def json_field(dialect: str, column: str, name: str) -> str:
    """A JSON field of `column` as text (`name` is one of ours, never user input)."""
    if dialect == "postgresql":
        return f"({column} ->> '{name}')"
    return f"json_extract({column}, '$.{name}')"


def json_number(dialect: str, column: str, name: str) -> str:
    if dialect == "postgresql":
        return f"CAST({column} ->> '{name}' AS double precision)"
    return f"CAST(json_extract({column}, '$.{name}') AS REAL)"


def within_week(dialect: str, later: str, earlier: str) -> str:
    """`later` at most seven days after `earlier`."""
    if dialect == "postgresql":
        return f"{later} <= {earlier} + INTERVAL '7 days'"
    return f"julianday({later}) <= julianday({earlier}) + 7"


def kind_of(dialect: str, alias: str) -> str:
    """The event kind column in a per-case lookup: on SQLite `+e.kind`, which
    keeps the planner on ix_event_case (a few rows a case) instead of
    ix_event_kind_at (every event of the kind, for each case: 30 s at 100,000)."""
    return f"+{alias}.kind" if dialect == "sqlite" else f"{alias}.kind"


def escalated(dialect: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM event e WHERE e.case_id = c.id"
        f" AND {kind_of(dialect, 'e')} = 'escalated')"
    )


def fcr_condition(dialect: str) -> str:
    """A resolved case solved at first contact: at most one reply, no customer
    message after the first reply, never escalated, and no reopen within
    seven days of a resolution."""
    reopened_soon = within_week(dialect, "r.at", "s.at")
    e_kind, r_kind, s_kind = (kind_of(dialect, alias) for alias in "ers")
    return (
        f"((SELECT count(*) FROM event e WHERE e.case_id = c.id AND {e_kind} = 'reply') <= 1"
        f" AND NOT EXISTS (SELECT 1 FROM event e WHERE e.case_id = c.id AND {e_kind} = 'inbound'"
        " AND c.first_response_at IS NOT NULL AND e.at > c.first_response_at)"
        f" AND NOT {escalated(dialect)}"
        " AND NOT EXISTS (SELECT 1 FROM event r JOIN event s ON s.case_id = r.case_id"
        f" AND {s_kind} = 'resolved' AND s.at < r.at"
        f" WHERE r.case_id = c.id AND {r_kind} = 'reopened' AND {reopened_soon}))"
    )


def count_when(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


# -- volume -------------------------------------------------------------------

OPENED_BY_CHANNEL = (
    f'SELECT c.channel, count(*) FROM "case" c WHERE c.created_at {IN_PERIOD}{{scope}}'
    " GROUP BY c.channel"
)
CLOSED = f'SELECT count(*) FROM "case" c WHERE c.closed_at {IN_PERIOD}{{scope}}'
REOPENED = (
    'SELECT count(DISTINCT e.case_id) FROM event e JOIN "case" c ON c.id = e.case_id'
    f" WHERE e.kind = 'reopened' AND e.at {IN_PERIOD}{{scope}}"
)
BACKLOG = (
    "SELECT "
    + ", ".join(
        count_when(condition)
        for condition in (
            "c.created_at > :age_1d",
            "c.created_at <= :age_1d AND c.created_at > :age_3d",
            "c.created_at <= :age_3d AND c.created_at > :age_7d",
            "c.created_at <= :age_7d",
        )
    )
    + f' FROM "case" c WHERE c.status IN {ACTIVE}{{scope}}'
)


def per_day(dialect: str, column: str) -> str:
    day = day_of(dialect, f"c.{column}")
    return (
        f'SELECT {day}, count(*) FROM "case" c WHERE c.{column} {IN_PERIOD}{{scope}} GROUP BY {day}'
    )


# -- times to first response and to resolution ---------------------------------


def durations(dialect: str, stamp: str, clock: str) -> str:
    """Per case whose `stamp` (first_response_at, resolved_at) is in the
    period: calendar seconds since opening (d) and the business seconds its
    stopped clock used (b; NULL without one)."""
    seconds = seconds_between(dialect, f"c.{stamp}", "c.created_at")
    return (
        f"SELECT c.id AS case_id, {seconds} AS d,"
        " CASE WHEN k.stopped_at IS NOT NULL THEN k.used_seconds END AS b"
        ' FROM "case" c LEFT JOIN case_clock k ON k.case_id = c.id'
        f" AND k.name = '{clock}' AND k.cycle = 0"
        f" WHERE c.{stamp} {IN_PERIOD}{{scope}}"
    )


HISTOGRAM_BOUNDS = (
    ("lt_1h", 3600),
    ("1_4h", 4 * 3600),
    ("4_24h", 86400),
    ("1_3d", 3 * 86400),
    ("3_7d", 7 * 86400),
)


def histogram(dialect: str) -> str:
    inner = durations(dialect, "resolved_at", "resolution")
    parts, low = [], 0
    for _name, high in HISTOGRAM_BOUNDS:
        parts.append(count_when(f"t.d >= {low} AND t.d < {high}"))
        low = high
    parts.append(count_when(f"t.d >= {low}"))
    return f"SELECT {', '.join(parts)} FROM ({inner}) t"


def percentiles(
    source: Source, inner: str, params: dict[str, Any], columns: Sequence[str]
) -> tuple[int, list[tuple[float | None, float | None]]]:
    """The row count of `inner` and the median and p90 of each of its
    `columns` (NULLs left out), by linear interpolation between closest ranks:
    PostgreSQL's percentile_cont, or on SQLite the column's values sorted by
    the database and interpolated here (one number per row)."""
    if source.dialect == "postgresql":
        parts = ["count(*)"]
        for column in columns:
            parts += [
                f"percentile_cont(0.5) WITHIN GROUP (ORDER BY t.{column})",
                f"percentile_cont(0.9) WITHIN GROUP (ORDER BY t.{column})",
            ]
        row = source.rows(f"SELECT {', '.join(parts)} FROM ({inner}) t", params)[0]
        pairs = [(_float(row[1 + 2 * i]), _float(row[2 + 2 * i])) for i in range(len(columns))]
        return int(row[0]), pairs
    count = int(source.rows(f"SELECT count(*) FROM ({inner}) t", params)[0][0])
    pairs = []
    for column in columns:
        values = [
            float(r[0])
            for r in source.rows(
                f"SELECT t.{column} FROM ({inner}) t WHERE t.{column} IS NOT NULL"
                f" ORDER BY t.{column}",
                params,
            )
        ]
        pairs.append((interpolate(values, 0.5), interpolate(values, 0.9)))
    return count, pairs


def interpolate(ordered: Sequence[float], q: float) -> float | None:
    """The q-quantile of sorted values, linear between closest ranks."""
    if not ordered:
        return None
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# -- service levels -------------------------------------------------------------

CLOCK_BREACHED = (
    "(k.breached OR (k.stopped_at IS NULL AND NOT k.paused"
    " AND k.due_at IS NOT NULL AND k.due_at < :now))"
)
CLOCK_MET = "(k.stopped_at IS NOT NULL AND NOT k.breached)"
SLA = (
    f"SELECT k.name, {count_when(CLOCK_MET)}, {count_when(CLOCK_BREACHED)}, count(*)"
    ' FROM case_clock k JOIN "case" c ON c.id = k.case_id'
    f" WHERE k.started_at {IN_PERIOD}{{scope}} GROUP BY k.name"
)


# -- resolved cases: FCR, reopen rate, response rate ------------------------------


def resolved_counts(dialect: str) -> str:
    rated = (
        "EXISTS (SELECT 1 FROM feedback f WHERE f.case_id = c.id"
        " AND f.resolution_no = c.reopen_count)"
    )
    return (
        f"SELECT count(*), {count_when(fcr_condition(dialect))},"
        f" {count_when('c.reopen_count > 0')}, {count_when(rated)}"
        f' FROM "case" c WHERE c.resolved_at {IN_PERIOD}{{scope}}'
    )


def fcr_by(dialect: str, column: str) -> str:
    """First-contact resolutions per value of a case column (myth 2)."""
    return (
        f"SELECT {column}, count(*), {count_when(fcr_condition(dialect))}"
        f' FROM "case" c WHERE c.resolved_at {IN_PERIOD}{{scope}} GROUP BY {column}'
    )


def escalation(dialect: str) -> str:
    return (
        f'SELECT count(*), {count_when(escalated(dialect))} FROM "case" c'
        f" WHERE c.created_at {IN_PERIOD}{{scope}}"
    )


def escalated_to(dialect: str) -> str:
    team = json_field(dialect, "e.data", "to")
    return (
        f'SELECT {team}, count(DISTINCT e.case_id) FROM event e JOIN "case" c ON c.id = e.case_id'
        f" WHERE e.kind = 'escalated' AND c.created_at {IN_PERIOD}{{scope}} GROUP BY {team}"
    )


# -- ratings ----------------------------------------------------------------------

RATINGS = 'FROM feedback f JOIN "case" c ON c.id = f.case_id WHERE f.at ' + IN_PERIOD
CSAT = f"SELECT f.csat, count(*) {RATINGS}{{scope}} GROUP BY f.csat"
NPS = (
    f"SELECT count(f.nps), {count_when('f.nps >= 9')}, {count_when('f.nps BETWEEN 7 AND 8')},"
    f" {count_when('f.nps <= 6')} {RATINGS}{{scope}}"
)
DISSATISFIED_ROOT_CAUSES = (
    f"SELECT c.root_cause, count(*) {RATINGS} AND f.csat <= 2 AND c.root_cause IS NOT NULL"
    "{scope} GROUP BY c.root_cause"
)
DISSATISFIED_CATEGORIES = (
    f"SELECT c.category, count(*) {RATINGS} AND f.csat <= 2 AND c.category IS NOT NULL"
    "{scope} GROUP BY c.category"
)


def csat_by_fcr(dialect: str) -> str:
    """Ratings of first-contact cases and of the others (myth 3)."""
    fcr = f"CASE WHEN {fcr_condition(dialect)} THEN 1 ELSE 0 END"
    rated = f"SELECT {fcr} AS fcr, f.csat AS csat {RATINGS}{{scope}}"
    return f"SELECT t.fcr, count(*), sum(t.csat) FROM ({rated}) t GROUP BY t.fcr"


# -- handling time ------------------------------------------------------------------


def handled(dialect: str) -> str:
    """Per case: its category and the handling seconds recorded in the period."""
    seconds = json_number(dialect, "e.data", "seconds")
    return (
        f"SELECT e.case_id AS case_id, c.category AS category, sum({seconds}) AS s"
        ' FROM event e JOIN "case" c ON c.id = e.case_id'
        f" WHERE e.kind = 'assist_step' AND e.at {IN_PERIOD}{{scope}}"
        " GROUP BY e.case_id, c.category"
    )


def long_tail(dialect: str) -> str:
    """Cases handled, their total seconds, and the seconds of the slowest
    fifth of them (ceil(n / 5) cases, the slowest first)."""
    ranked = (
        "SELECT h.s AS s, row_number() OVER (ORDER BY h.s DESC, h.case_id) AS rn,"
        f" count(*) OVER () AS n FROM ({handled(dialect)}) h"
    )
    return (
        "SELECT count(*), sum(t.s), sum(CASE WHEN t.rn <= (t.n + 4) / 5 THEN t.s ELSE 0 END)"
        f" FROM ({ranked}) t"
    )


def slowest_cases(dialect: str) -> str:
    return f"SELECT h.case_id FROM ({handled(dialect)}) h ORDER BY h.s DESC, h.case_id"


def handled_categories(dialect: str) -> str:
    return f"SELECT DISTINCT h.category FROM ({handled(dialect)}) h"


def handled_in_category(dialect: str, is_null: bool) -> str:
    where = "h.category IS NULL" if is_null else "h.category = :category"
    return f"SELECT h.case_id AS case_id, h.s AS s FROM ({handled(dialect)}) h WHERE {where}"


HANDLING_TARGETS = "SELECT category, category_key, handling_seconds FROM handling_target"
TARGET_BY_KEY = "SELECT id, category FROM handling_target WHERE category_key = :category_key"
TARGET_LIST = (
    "SELECT category, handling_seconds, set_at, set_by FROM handling_target ORDER BY category_key"
)


# -- remedies and QA -----------------------------------------------------------------

REMEDIES = (
    "SELECT r.kind, r.currency, count(*), sum(r.amount_units)"
    ' FROM remedy r JOIN "case" c ON c.id = r.case_id'
    f" WHERE r.at {IN_PERIOD}{{scope}} GROUP BY r.kind, r.currency"
)
PILLARS = ("personalization", "integrity", "expectations", "resolution", "time_effort", "empathy")
THREE_PS = ("professionalism", "patience", "people_first")
REVIEWS = 'FROM case_review q JOIN "case" c ON c.id = q.case_id WHERE q.at ' + IN_PERIOD
QA = (
    "SELECT count(*), sum(q.score), "
    + count_when("q.flagged")
    + ", "
    + ", ".join(f"count(q.{p}), sum(q.{p})" for p in PILLARS + THREE_PS)
    + f" {REVIEWS}{{scope}}"
)
QA_BY_AGENT = (
    f"SELECT q.agent_key, min(q.agent), count(*), sum(q.score), {count_when('q.flagged')}"
    f" {REVIEWS}{{scope}} GROUP BY q.agent_key"
)


# -- groups and drill-down --------------------------------------------------------------


def group_keys(by: str) -> str:
    """The values of a `--by` column among the cases the period touches."""
    key, label = GROUP_COLUMNS[by]
    touched = (
        f"c.created_at {IN_PERIOD} OR c.resolved_at {IN_PERIOD} OR c.status IN {ACTIVE}"
        " OR EXISTS (SELECT 1 FROM feedback f WHERE f.case_id = c.id AND f.at " + IN_PERIOD + ")"
    )
    return f'SELECT {key}, min({label}) FROM "case" c WHERE {touched} GROUP BY {key}'


def drill_down(dialect: str, kpi: str) -> str:
    """The ids of the cases behind a KPI (see services.report.DEFINITIONS)."""
    cases = 'SELECT DISTINCT c.id FROM "case" c'
    queries = {
        "volume": f"{cases} WHERE c.created_at {IN_PERIOD}",
        "first_response": f"{cases} WHERE c.first_response_at {IN_PERIOD}",
        "resolution_time": f"{cases} WHERE c.resolved_at {IN_PERIOD}",
        "sla": f"{cases} JOIN case_clock k ON k.case_id = c.id"
        f" WHERE k.started_at {IN_PERIOD} AND {CLOCK_BREACHED}",
        "fcr": f"{cases} WHERE c.resolved_at {IN_PERIOD} AND {fcr_condition(dialect)}",
        "reopen_rate": f"{cases} WHERE c.resolved_at {IN_PERIOD} AND c.reopen_count > 0",
        "escalation_rate": f"{cases} WHERE c.created_at {IN_PERIOD} AND {escalated(dialect)}",
        "csat": f"SELECT DISTINCT c.id {RATINGS} AND f.csat <= 2",
        "nps": f"SELECT DISTINCT c.id {RATINGS} AND f.nps <= 6",
        "remedies": f'SELECT DISTINCT c.id FROM remedy r JOIN "case" c ON c.id = r.case_id'
        f" WHERE r.at {IN_PERIOD}",
        "qa": f"SELECT DISTINCT c.id {REVIEWS}",
    }
    return queries[kpi].replace("{scope}", "") + " ORDER BY 1"
