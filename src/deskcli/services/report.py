"""`desk report`: the KPIs of a period, the five myths of seed 003 as checks
on them, the cases behind each KPI, and handling-time targets per category.

Every figure is aggregated by the database (reads/report_queries.py); only
percentiles on SQLite are interpolated here, from one number per case of
the period, sorted by the database.  Shares are fractions (None when their
denominator is 0), times are seconds.  Standard library only, so the
report reads a SQLite file without the database stack.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from deskcli import limits, times
from deskcli.errors import InvalidValue
from deskcli.folding import name_key
from deskcli.lang import N_
from deskcli.reads import report_queries as q
from deskcli.reads.source import Source
from deskcli.said import Said

# The one text of each KPI's definition: `desk report --explain KPI` shows it
# and the README publishes it.  The order is the report's.
# (A share written "{slowest}", not "20% of": gettext would read "% o" as a
# printf placeholder that the Spanish "20 % de" could not match.)
DEFINITION_TEMPLATES: dict[str, str] = {
    "volume": N_(
        "Cases opened in the period (by channel and per day), resolved in it (a case "
        "counts once, at its latest resolution), closed in it, and reopened in it; the backlog is "
        "the active cases now (new, open, pending, escalated) by age: < 1 d, 1-3 d, 3-7 d, > 7 d. "
        "Cases behind it: those opened in the period."
    ),
    "first_response": N_(
        "Time from opening to the first reply, for the cases whose first reply "
        "happened in the period: median and p90 in calendar time, and in business time (the "
        "first-response clock's time, counted on the calendar of the policy of the case's "
        "priority). Cases behind it: those counted."
    ),
    "resolution_time": N_(
        "Time from opening to the latest resolution, for the cases resolved in "
        "the period: median and p90 in calendar time, and in business time (the resolution "
        "clock's time: the policy's calendar, less the time pending). Cases behind it: those "
        "counted."
    ),
    "sla": N_(
        "For each clock (first response, next reply, resolution) whose run started in the "
        "period: met (stopped within its target), breached (stopped late, or running past its due "
        "time now) and running; attainment = met / (met + breached). Cases behind it: those "
        "with a breached clock."
    ),
    "fcr": N_(
        "First-contact resolution: the share of the cases resolved in the period with at "
        "most one agent reply, no customer message after the first reply, no escalation, and no "
        "reopen within 7 days of a resolution. Cases behind it: the first-contact cases."
    ),
    "reopen_rate": N_(
        "The share of the cases resolved in the period that were ever reopened. "
        "Cases behind it: those reopened."
    ),
    "escalation_rate": N_(
        "The share of the cases opened in the period that were escalated, and "
        "per team escalated to. Cases behind it: those escalated."
    ),
    "csat": N_(
        "Ratings (1-5) given in the period: the average, the top-box share (ratings of 5), "
        "the dissatisfied share (ratings of 1-2, flagged above 10%) with the root causes and "
        "categories of those cases, and the response rate (cases resolved in the period rated "
        "for that resolution / cases resolved in the period). Cases behind it: the dissatisfied "
        "ones."
    ),
    "nps": N_(
        "Net promoter answers (0-10) given in the period: promoters 9-10, passives 7-8, "
        "detractors 0-6; score = 100 x (promoters - detractors) / answers; not meaningful below "
        "30 answers. Cases behind it: the detractors'."
    ),
    "handling": N_(
        "Handling time: the seconds of the five A's steps recorded in the period, per "
        "case; the total, and per category the cases, their median and the share over the "
        "category's target (desk report target set); the long tail is the share of all handling "
        "time spent on the slowest {slowest} of cases (ceil(n/5) cases). Cases behind it: the "
        "slowest {slowest}."
    ),
    "remedies": N_(
        "Remedies given in the period: how many, and count and total amount per kind "
        "and currency. Cases behind it: the cases given one."
    ),
    "qa": N_(
        "QA reviews made in the period: how many, the average score (the mean of the six "
        "pillars, 0 when integrity is below 5), the average per pillar (and of the three P's), "
        "the flagged reviews (integrity below 5), and per agent who resolved the case. Cases "
        "behind it: the reviewed cases."
    ),
}
SLOWEST = {"slowest": "20%"}
DEFINITIONS = {kpi: text.format(**SLOWEST) for kpi, text in DEFINITION_TEMPLATES.items()}
KPIS = tuple(DEFINITIONS)
GROUPS = tuple(q.GROUP_COLUMNS)
CLOCK_NAMES = ("first_response", "next_reply", "resolution")
# Below this many data points a myth check gives no verdict (seed 003 asks for
# judgement on a process, not on a handful of cases).
ENOUGH = 30
DISSATISFIED_LIMIT = 0.10
LONG_TAIL_LIMIT = 0.30  # seed 003: the long tail takes a quarter to a third of the time
OVER_TARGET_LIMIT = 0.20
FCR_GAP = 0.5  # CSAT points between first-contact cases and the others
MIN_GROUP = 5  # cases a category or agent needs to count in myth 2


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC
    end: datetime  # inclusive, UTC

    def params(self, source: Source) -> dict[str, Any]:
        return {"p_from": source.time(self.start), "p_to": source.time(self.end)}

    def days(self) -> list[str]:
        first, last = self.start.date(), self.end.date()
        return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def period_of(since: str | None, start: str | None, end: str | None) -> Period:
    """`--since 30d` (the default), or `--from DATE --to DATE`: whole UTC
    days, both included.  Exit 2 for a bad, missing or reversed date."""
    now = times.now()
    if start is None and end is None:
        span = times.parse_duration(since or "30d")
        if span.total_seconds() <= 0:
            raise InvalidValue(
                N_("--since {text} is no time at all"),
                params={"text": repr(since)},
                hint=N_("give a period longer than zero: 7d, 30d or 2w"),
            )
        return Period(now - span, now)
    if since is not None:
        raise InvalidValue(N_("use either --since or --from/--to, not both"))
    if start is None or end is None:
        raise InvalidValue(
            N_("--from and --to go together"), hint=N_("e.g. --from 2026-11-01 --to 2026-11-30")
        )
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise InvalidValue(
            N_("--to {last} is before --from {first}"), params={"last": last, "first": first}
        )
    return Period(datetime.combine(first, time.min, UTC), datetime.combine(last, time.max, UTC))


def _day(text: str, flag: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
        if len(text.strip()) != 10:
            raise ValueError
    except ValueError:
        raise InvalidValue(
            N_("invalid {flag} date {text}"),
            params={"flag": flag, "text": repr(text)},
            hint=N_("use YYYY-MM-DD"),
        ) from None
    if not times.MIN_YEAR <= day.year <= times.MAX_YEAR:
        raise InvalidValue(
            N_("{flag} {day} is out of range"),
            params={"flag": flag, "day": day, "first": times.MIN_YEAR, "last": times.MAX_YEAR},
            hint=N_("use a date in the years {first} to {last}"),
        )
    return day


# -- the report ----------------------------------------------------------------


def report(source: Source, period: Period, by: str | None = None) -> dict[str, Any]:
    """The report's JSON (the --json contract)."""
    if by is not None and by not in GROUPS:
        raise InvalidValue(
            N_("unknown --by {by}"),
            params={"by": repr(by), "values": ", ".join(GROUPS)},
            hint=N_("use one of: {values}"),
        )
    now = times.now()
    kpis = _kpis(source, period, now, "", {})
    result: dict[str, Any] = {
        "period": {"from": times.iso(period.start), "to": times.iso(period.end)},
        "by": by,
        "generated_at": times.iso(now),
        "calendar": _calendar_names(source),
        "kpis": kpis,
        "myths": _myths(source, period, kpis),
    }
    if by is not None:
        result["groups"] = [
            {"key": label, "kpis": _kpis(source, period, now, scope, params)}
            for label, scope, params in _groups(source, period, by)
        ]
    return result


def _calendar_names(source: Source) -> str:
    names = sorted({str(r[0]) for r in source.rows("SELECT calendar FROM sla_policy", {})})
    return ", ".join(names)


def _groups(
    source: Source, period: Period, by: str
) -> list[tuple[str | None, str, dict[str, Any]]]:
    key_column = q.GROUP_COLUMNS[by][0]
    found = source.rows(q.group_keys(by), period.params(source))
    groups: list[tuple[str | None, str, dict[str, Any]]] = []
    for key, label in sorted(found, key=lambda r: (r[0] is None, str(r[0] or "").casefold())):
        if key is None:
            groups.append((None, f" AND {key_column} IS NULL", {}))
        else:
            groups.append((str(label), f" AND {key_column} = :group_key", {"group_key": key}))
    return groups


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _average(total: float | int | None, count: int) -> float | None:
    return round(float(total or 0) / count, 2) if count else None


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class _Query:
    """One KPI computation's source, period parameters and `--by` scope."""

    def __init__(self, source: Source, period: Period, scope: str, extra: dict[str, Any]):
        self.source, self.period, self.scope = source, period, scope
        self.params = {**period.params(source), **extra}
        self.dialect = source.dialect

    def sql(self, text: str) -> str:
        return text.replace("{scope}", self.scope)

    def rows(self, text: str, **more: Any) -> Sequence[Sequence[Any]]:
        return self.source.rows(self.sql(text), {**self.params, **more})

    def one(self, text: str, **more: Any) -> Sequence[Any]:
        return self.rows(text, **more)[0]


def _kpis(
    source: Source, period: Period, now: datetime, scope: str, extra: dict[str, Any]
) -> dict[str, Any]:
    run = _Query(source, period, scope, extra)
    resolved, first_contact, reopened, rated = (
        int(v or 0) for v in run.one(q.resolved_counts(run.dialect))
    )
    return {
        "volume": _volume(run, now, resolved),
        "first_response": _times(run, "first_response_at", "first_response"),
        "resolution_time": _resolution(run),
        "sla": _sla(run, now),
        "fcr": {
            "resolved": resolved,
            "first_contact": first_contact,
            "share": _share(first_contact, resolved),
        },
        "reopen_rate": {
            "resolved": resolved,
            "reopened": reopened,
            "share": _share(reopened, resolved),
        },
        "escalation_rate": _escalation(run),
        "csat": _csat(run, rated, resolved),
        "nps": _nps(run),
        "handling": _handling(run),
        "remedies": _remedies(run),
        "qa": _qa(run),
    }


def _volume(run: _Query, now: datetime, resolved: int) -> dict[str, Any]:
    by_channel = {str(ch): int(n) for ch, n in run.rows(q.OPENED_BY_CHANNEL)}
    ages = {f"age_{d}d": run.source.time(now - timedelta(days=d)) for d in (1, 3, 7)}
    backlog = [int(v or 0) for v in run.one(q.BACKLOG, **ages)]
    opened_days = {str(d): int(n) for d, n in run.rows(q.per_day(run.dialect, "created_at"))}
    resolved_days = {str(d): int(n) for d, n in run.rows(q.per_day(run.dialect, "resolved_at"))}
    return {
        "opened": sum(by_channel.values()),
        "resolved": resolved,
        "closed": int(run.one(q.CLOSED)[0]),
        "reopened": int(run.one(q.REOPENED)[0]),
        "backlog": dict(zip(("lt_1d", "1_3d", "3_7d", "gt_7d"), backlog, strict=True)),
        "by_channel": dict(sorted(by_channel.items())),
        "by_day": [
            {"date": day, "opened": opened_days.get(day, 0), "resolved": resolved_days.get(day, 0)}
            for day in run.period.days()
        ],
    }


def _times(run: _Query, stamp: str, clock: str) -> dict[str, Any]:
    inner = run.sql(q.durations(run.dialect, stamp, clock))
    count, ((median, p90), (b_median, b_p90)) = q.percentiles(
        run.source, inner, run.params, ("d", "b")
    )
    return {
        "count": count,
        "median_seconds": _seconds(median),
        "p90_seconds": _seconds(p90),
        "business_median_seconds": _seconds(b_median),
        "business_p90_seconds": _seconds(b_p90),
    }


def _resolution(run: _Query) -> dict[str, Any]:
    figures = _times(run, "resolved_at", "resolution")
    counts = [int(v or 0) for v in run.one(q.histogram(run.dialect))]
    names = [name for name, _ in q.HISTOGRAM_BOUNDS] + ["gt_7d"]
    figures["histogram"] = [
        {"bucket": name, "count": n} for name, n in zip(names, counts, strict=True)
    ]
    return figures


def _sla(run: _Query, now: datetime) -> dict[str, Any]:
    found = {
        str(name): (int(met or 0), int(breached or 0), int(total))
        for name, met, breached, total in run.rows(q.SLA, now=run.source.time(now))
    }
    result = {}
    for name in CLOCK_NAMES:
        met, breached, total = found.get(name, (0, 0, 0))
        result[name] = {
            "met": met,
            "breached": breached,
            "running": total - met - breached,
            "attainment": _share(met, met + breached),
        }
    return result


def _escalation(run: _Query) -> dict[str, Any]:
    opened, escalated = (int(v or 0) for v in run.one(q.escalation(run.dialect)))
    by_team = sorted(
        ((str(team), int(n)) for team, n in run.rows(q.escalated_to(run.dialect)) if team),
        key=lambda item: (-item[1], item[0].casefold()),
    )
    return {
        "opened": opened,
        "escalated": escalated,
        "share": _share(escalated, opened),
        "by_team": dict(by_team),
    }


def _ranked(rows: Sequence[Sequence[Any]], name: str) -> list[dict[str, Any]]:
    """Most frequent first, then by name (the same order on both backends)."""
    items = sorted(
        ((str(v), int(n)) for v, n in rows), key=lambda i: (-i[1], i[0].casefold(), i[0])
    )
    return [{name: value, "count": n} for value, n in items]


def _csat(run: _Query, rated: int, resolved: int) -> dict[str, Any]:
    distribution = {str(score): 0 for score in range(1, 6)}
    for score, n in run.rows(q.CSAT):
        distribution[str(int(score))] = int(n)
    count = sum(distribution.values())
    total = sum(int(score) * n for score, n in distribution.items())
    dissatisfied = distribution["1"] + distribution["2"]
    share = _share(dissatisfied, count)
    return {
        "count": count,
        "average": _average(total, count),
        "top_box_share": _share(distribution["5"], count),
        "dissatisfied_share": share,
        "dissatisfied_flag": share is not None and share > DISSATISFIED_LIMIT,
        "response_rate": _share(rated, resolved),
        "root_causes": _ranked(run.rows(q.DISSATISFIED_ROOT_CAUSES), "root_cause"),
        "categories": _ranked(run.rows(q.DISSATISFIED_CATEGORIES), "category"),
        "distribution": distribution,
    }


def _nps(run: _Query) -> dict[str, Any]:
    count, promoters, passives, detractors = (int(v or 0) for v in run.one(q.NPS))
    score = round(100 * (promoters - detractors) / count, 1) if count else None
    return {
        "count": count,
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
        "score": score,
        "meaningful": count >= ENOUGH,
    }


def _targets(source: Source) -> dict[str, int]:
    return {str(key): int(seconds) for _c, key, seconds in source.rows(q.HANDLING_TARGETS, {})}


def _handling(run: _Query) -> dict[str, Any]:
    cases, total, tail = run.one(q.long_tail(run.dialect))
    targets = _targets(run.source)
    categories = [r[0] for r in run.rows(q.handled_categories(run.dialect))]
    by_category = []
    for category in sorted(
        categories, key=lambda c: (c is None, str(c or "").casefold(), str(c or ""))
    ):
        extra = {} if category is None else {"category": category}
        inner = run.sql(q.handled_in_category(run.dialect, category is None))
        n, ((median, _p90),) = q.percentiles(run.source, inner, {**run.params, **extra}, ("s",))
        target = targets.get(name_key(category) or "") if category is not None else None
        over = None
        if target is not None:
            over_n = run.source.rows(
                f"SELECT count(*) FROM ({inner}) t WHERE t.s > :target",
                {**run.params, **extra, "target": target},
            )[0][0]
            over = int(over_n)
        by_category.append(
            {
                "category": category,
                "cases": n,
                "median_seconds": _seconds(median),
                "target_seconds": target,
                "over_target_share": None if over is None else _share(over, n),
                "over_target": over,
            }
        )
    total_seconds = float(total or 0)
    return {
        "cases": int(cases or 0),
        "total_seconds": _seconds(total_seconds),
        "long_tail_share": round(float(tail or 0) / total_seconds, 4) if total_seconds else None,
        "by_category": by_category,
    }


def _remedies(run: _Query) -> dict[str, Any]:
    from deskcli.shapes import amount_text

    rows = sorted(run.rows(q.REMEDIES), key=lambda r: (str(r[0]), str(r[1] or "")))
    return {
        "count": sum(int(r[2]) for r in rows),
        "by_kind": [
            {
                "kind": str(kind),
                "currency": currency,
                "count": int(n),
                "total": amount_text(None if units is None else int(units)),
            }
            for kind, currency, n, units in rows
        ],
    }


def _qa(run: _Query) -> dict[str, Any]:
    row = run.one(q.QA)
    count, score_total, flagged = int(row[0]), row[1], int(row[2] or 0)
    by_pillar = {}
    for i, pillar in enumerate(q.PILLARS + q.THREE_PS):
        n, total = int(row[3 + 2 * i]), row[4 + 2 * i]
        by_pillar[pillar] = _average(total, n)
    agents = sorted(run.rows(q.QA_BY_AGENT), key=lambda r: (r[0] is None, str(r[0] or "")))
    return {
        "count": count,
        "average": _average(score_total, count),
        "by_pillar": by_pillar,
        "flagged": flagged,
        "by_agent": [
            {
                "agent": label,
                "count": int(n),
                "average": _average(total, int(n)),
                "flagged": int(bad or 0),
            }
            for _key, label, n, total, bad in agents
        ],
    }


# -- what the numbers say: the five myths of seed 003 ------------------------------


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def _said(
    myth: int, status: str, template: str, figures: dict[str, Any], **params: Any
) -> dict[str, Any]:
    verdict = Said(template, **params)
    return {"myth": myth, "status": status, "verdict": verdict, "figures": figures}


def _not_enough(myth: int, what: str, n: int, figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "myth": myth,
        "status": "not_enough_data",
        "verdict": Said(
            N_("not enough data: {n} {what}, a verdict needs at least {enough}"),
            n=n,
            what=Said(what),
            enough=ENOUGH,
        ),
        "figures": {**figures, "data_points": n},
    }


def _myths(source: Source, period: Period, kpis: dict[str, Any]) -> list[dict[str, Any]]:
    run = _Query(source, period, "", {})
    return [
        _myth_loudest(kpis["csat"]),
        _myth_agent(run, kpis["fcr"]),
        _myth_resolution(run, kpis["fcr"]),
        _myth_time(kpis["handling"]),
        _myth_loyal(kpis["csat"]),
    ]


def _myth_loudest(csat: dict[str, Any]) -> dict[str, Any]:
    """Myth 1, the loudest complaint deserves the most attention: above 10%
    dissatisfied, look at the process (root causes), not the customer."""
    n = csat["count"]
    top = csat["root_causes"][:3]
    figures = {
        "dissatisfied_share": csat["dissatisfied_share"],
        "root_causes": top,
        "data_points": n,
    }
    if n < ENOUGH:
        return _not_enough(1, N_("ratings"), n, figures)
    share = _percent(csat["dissatisfied_share"])
    causes: str = ", ".join(f'"{c["root_cause"]}" ({c["count"]})' for c in top)
    if csat["dissatisfied_flag"]:
        verdict = N_("dissatisfied share {share} > 10%: fix the process; top root causes {causes}")
        return _said(
            1, "flag", verdict, figures, share=share, causes=causes or Said(N_("none recorded"))
        )
    verdict = N_("dissatisfied share {share} <= 10%: complaints are the edge, not the process")
    return _said(1, "ok", verdict, figures, share=share)


def _spread(rows: Sequence[Sequence[Any]]) -> tuple[float, float] | None:
    """The lowest and highest FCR share among groups of at least MIN_GROUP
    cases (cases without a category or an owner are no group)."""
    shares = [
        int(fcr or 0) / int(n) for key, n, fcr in rows if key is not None and int(n) >= MIN_GROUP
    ]
    return (round(min(shares), 4), round(max(shares), 4)) if len(shares) >= 2 else None


def _myth_agent(run: _Query, fcr: dict[str, Any]) -> dict[str, Any]:
    """Myth 2, the agent is the experience: when first-contact resolution
    varies more between categories (the process) than between agents, the
    process is what to fix."""
    n = fcr["resolved"]
    by_category = _spread(run.rows(q.fcr_by(run.dialect, "c.category")))
    by_agent = _spread(run.rows(q.fcr_by(run.dialect, "c.assignee_key")))
    figures: dict[str, Any] = {
        "fcr_share": fcr["share"],
        "fcr_range_by_category": list(by_category) if by_category else None,
        "fcr_range_by_agent": list(by_agent) if by_agent else None,
        "data_points": n,
    }
    if n < ENOUGH:
        return _not_enough(2, N_("resolved cases"), n, figures)
    if by_category is None or by_agent is None:
        verdict = N_(
            "FCR {share}: too few categories or agents with {least}+ cases to compare process "
            "and people"
        )
        return _said(2, "ok", verdict, figures, share=_percent(fcr["share"]), least=MIN_GROUP)
    cat_gap, agent_gap = by_category[1] - by_category[0], by_agent[1] - by_agent[0]
    ranges = Said(
        N_("FCR {c_low}-{c_high} across categories vs {a_low}-{a_high} across agents"),
        c_low=_percent(by_category[0]),
        c_high=_percent(by_category[1]),
        a_low=_percent(by_agent[0]),
        a_high=_percent(by_agent[1]),
    )
    if cat_gap > agent_gap:
        verdict = N_("{ranges}: the process, not the agent, makes the difference")
        return _said(2, "flag", verdict, figures, ranges=ranges)
    verdict = N_("{ranges}: agents differ more than processes")
    return _said(2, "ok", verdict, figures, ranges=ranges)


def _myth_resolution(run: _Query, fcr: dict[str, Any]) -> dict[str, Any]:
    """Myth 3, resolving the problem satisfies the customer: compare the CSAT
    of first-contact cases with that of the other resolved ones."""
    found = {
        int(flag): (int(n), int(total or 0))
        for flag, n, total in run.rows(q.csat_by_fcr(run.dialect))
    }
    first, others = found.get(1, (0, 0)), found.get(0, (0, 0))
    n = first[0] + others[0]
    figures = {
        "fcr_share": fcr["share"],
        "csat_first_contact": _average(first[1], first[0]),
        "csat_others": _average(others[1], others[0]),
        "data_points": n,
    }
    if n < ENOUGH:
        return _not_enough(3, N_("ratings"), n, figures)
    a, b = figures["csat_first_contact"], figures["csat_others"]
    said = Said(
        N_("FCR {share} vs CSAT of first-contact cases {first} and of the others {others}"),
        share=_percent(fcr["share"]),
        first=a,
        others=b,
    )
    if a is not None and b is not None and a - b >= FCR_GAP:
        verdict = N_("{said}: resolved is not satisfied; getting it right first time is")
        return _said(3, "flag", verdict, figures, said=said)
    return _said(3, "ok", "{said}", figures, said=said)


def _myth_time(handling: dict[str, Any]) -> dict[str, Any]:
    """Myth 4, more time makes a better experience: a long tail or many
    cases over their category's target is time that adds little."""
    n = handling["cases"]
    with_target = sum(c["cases"] for c in handling["by_category"] if c["over_target"] is not None)
    over = sum(c["over_target"] or 0 for c in handling["by_category"])
    over_share = _share(over, with_target)
    figures = {
        "long_tail_share": handling["long_tail_share"],
        "over_target_share": over_share,
        "data_points": n,
    }
    if n < ENOUGH:
        return _not_enough(4, N_("cases with handling time"), n, figures)
    tail = handling["long_tail_share"]
    said = N_(
        "handling time: {over} of cases over target, the slowest {slowest} of cases took {tail} "
        "of the time"
    )
    shares = {"over": _percent(over_share), "tail": _percent(tail), **SLOWEST}
    long_tail = tail is not None and tail > LONG_TAIL_LIMIT
    if long_tail or (over_share is not None and over_share > OVER_TARGET_LIMIT):
        return _said(4, "flag", said, figures, **shares)
    return _said(4, "ok", said, figures, **shares)


def _myth_loyal(csat: dict[str, Any]) -> dict[str, Any]:
    """Myth 5, a satisfied customer is a loyal one: the second box (4s) is
    passive; flag when it outnumbers the top box."""
    n = csat["count"]
    fours = csat["distribution"]["4"]
    figures = {
        "top_box_share": csat["top_box_share"],
        "average": csat["average"],
        "second_box_share": _share(fours, n),
        "data_points": n,
    }
    if n < ENOUGH:
        return _not_enough(5, N_("ratings"), n, figures)
    said = Said(
        N_("top-box {share} while the average is {average}"),
        share=_percent(csat["top_box_share"]),
        average=csat["average"],
    )
    if fours > csat["distribution"]["5"]:
        verdict = N_("{said}: more satisfied-but-passive (4) than top-box (5) ratings")
        return _said(5, "flag", verdict, figures, said=said)
    return _said(5, "ok", "{said}", figures, said=said)


# -- drill-down ---------------------------------------------------------------------


def check_kpi(kpi: str) -> str:
    if kpi not in DEFINITIONS:
        raise InvalidValue(
            N_("unknown KPI {kpi}"),
            params={"kpi": repr(kpi), "values": ", ".join(KPIS)},
            hint=N_("use one of: {values}"),
        )
    return kpi


def explain(source: Source, period: Period, kpi: str) -> dict[str, Any]:
    """A KPI's definition and the ids of the cases behind it in the period."""
    kpi = check_kpi(kpi)
    params = period.params(source)
    if kpi == "handling":
        slowest = [
            int(r[0])
            for r in source.rows(q.slowest_cases(source.dialect).replace("{scope}", ""), params)
        ]
        ids = sorted(slowest[: math.ceil(len(slowest) / 5)])
    else:
        sql = q.drill_down(source.dialect, kpi)
        if kpi == "sla":
            params["now"] = source.time(times.now())
        ids = [int(r[0]) for r in source.rows(sql, params)]
    return {"kpi": kpi, "definition": Said(DEFINITION_TEMPLATES[kpi], **SLOWEST), "case_ids": ids}


# -- handling-time targets -----------------------------------------------------------


def set_target(tx: Any, category: str, handling: str, agent: str) -> dict[str, Any]:
    """`desk report target set`: the handling time aimed at for a category
    (one per category, whatever its case); replaces an earlier one."""
    from deskcli.services.sla_config import target_seconds
    from deskcli.services.write_path import optional_text

    name = optional_text(category, N_("the category"), limits.LABEL, one_line=True)
    if not name:
        raise InvalidValue(N_("the category is empty"), hint=N_("give the category's name"))
    seconds = target_seconds(handling, "--handling")
    now = times.now()
    key = name_key(name)
    found = tx.rows(q.TARGET_BY_KEY, {"category_key": key})
    values = {
        "category": name,
        "category_key": key,
        "handling_seconds": seconds,
        "set_at": now,
        "set_by": agent,
    }
    if found:
        tx.execute(
            "UPDATE handling_target SET category = :category, handling_seconds = :handling_seconds,"
            " set_at = :set_at, set_by = :set_by WHERE category_key = :category_key",
            values,
        )
    else:
        tx.insert(
            "INSERT INTO handling_target (category, category_key, handling_seconds, set_at, set_by)"
            " VALUES (:category, :category_key, :handling_seconds, :set_at, :set_by) RETURNING id",
            values,
        )
    return {
        "category": name,
        "handling_seconds": seconds,
        "set_at": times.iso(now),
        "set_by": agent,
    }


def list_targets(source: Source) -> list[dict[str, Any]]:
    from deskcli.reads.rows import to_time

    return [
        {
            "category": str(category),
            "handling_seconds": int(seconds),
            "set_at": times.iso(to_time(at)),
            "set_by": str(by),
        }
        for category, seconds, at, by in source.rows(q.TARGET_LIST, {})
    ]
