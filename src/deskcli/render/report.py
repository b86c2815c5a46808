"""`desk report` in the terminal: sections of lines with small block-character
charts (a sparkline of volume per day, bars per category and per agent).
Rich on a terminal (headings styled), plain text otherwise; every user text
(categories, agents, teams, root causes) is cleaned first and printed as
plain Text, never markup."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from deskcli import times
from deskcli.lang import N_, _, n_
from deskcli.render.console import out
from deskcli.sanitize import one_line

SPARKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 24

Line = tuple[str, str]  # (style, text)


def sparkline(values: Sequence[int]) -> str:
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, v * (len(SPARKS) - 1) // top)] for v in values)


def bar(value: float, top: float) -> str:
    if top <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(BAR_WIDTH * value / top))


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.1f}%"


def _dur(seconds: float | None) -> str:
    return "-" if seconds is None else times.duration(int(round(seconds)))


def _name(value: Any, empty: str = N_("(none)")) -> str:
    return _(empty) if value is None else one_line(value)


def _heading(text: str) -> Line:
    return ("bold", _(text))


def _line(template: str, **params: Any) -> Line:
    """A plain line: `template` in the reader's language, then its figures."""
    return ("", _(template).format(**params))


def said(value: Any) -> str:
    """A sentence the service built (a myth's verdict): in the reader's
    language when it carries its template (services.report.Said), else as is."""
    shown = getattr(value, "shown", None)
    return one_line(shown() if callable(shown) else value)


def _bars(rows: Sequence[tuple[str, float, str]]) -> list[Line]:
    """One line a row: name, bar, figure; names padded to the longest."""
    if not rows:
        return [("dim", "  " + _("none"))]
    width = max(len(name) for name, _v, _t in rows)
    top = max(value for _n, value, _t in rows)
    return [
        ("", f"  {name:<{width}}  {bar(value, top):<{BAR_WIDTH}}  {text}")
        for name, value, text in rows
    ]


CHANNEL_WORDS = {
    "phone": N_("phone"),
    "email": N_("email"),
    "chat": N_("chat"),
    "social": N_("social"),
    "in_person": N_("in person"),
    "web": N_("web"),
}
REMEDY_WORDS = {
    "credit": N_("credit"),
    "refund": N_("refund"),
    "replacement": N_("replacement"),
    "discount": N_("discount"),
    "other": N_("other"),
}
GROUP_WORDS = {
    "agent": N_("agent"),
    "team": N_("team"),
    "category": N_("category"),
    "channel": N_("channel"),
    "priority": N_("priority"),
}
CLOCK_WORDS = {
    "first_response": N_("first response"),
    "next_reply": N_("next reply"),
    "resolution": N_("resolution"),
}


def kpi_lines(kpis: dict[str, Any]) -> list[Line]:
    v, fr, rt, fcr = kpis["volume"], kpis["first_response"], kpis["resolution_time"], kpis["fcr"]
    lines: list[Line] = [_heading(N_("Volume"))]
    days = v["by_day"]
    lines.append(
        _line(
            N_("  opened {opened}  resolved {resolved}  closed {closed}  reopened {reopened}"),
            opened=v["opened"],
            resolved=v["resolved"],
            closed=v["closed"],
            reopened=v["reopened"],
        )
    )
    if days:
        lines.append(
            _line(
                N_("  per day {first} {chart} {last} (opened)"),
                first=days[0]["date"],
                chart=sparkline([d["opened"] for d in days]),
                last=days[-1]["date"],
            )
        )
    b = v["backlog"]
    lines.append(
        _line(
            N_("  backlog now: < 1 d {lt_1d}, 1-3 d {d1_3}, 3-7 d {d3_7}, > 7 d {gt_7d}"),
            lt_1d=b["lt_1d"],
            d1_3=b["1_3d"],
            d3_7=b["3_7d"],
            gt_7d=b["gt_7d"],
        )
    )
    lines += _bars(
        [
            (_(CHANNEL_WORDS[ch]) if ch in CHANNEL_WORDS else _name(ch), n, str(n))
            for ch, n in v["by_channel"].items()
        ]
    )
    lines.append(_heading(N_("Response and resolution times")))
    for label, timing in ((N_("first response"), fr), (N_("resolution"), rt)):
        lines.append(
            _line(
                N_(
                    "  {label}: {count} cases, median {median}, p90 {p90}; business time "
                    "median {business_median}, p90 {business_p90}"
                ),
                label=_(label),
                count=timing["count"],
                median=_dur(timing["median_seconds"]),
                p90=_dur(timing["p90_seconds"]),
                business_median=_dur(timing["business_median_seconds"]),
                business_p90=_dur(timing["business_p90_seconds"]),
            )
        )
    lines.append(_heading(N_("Service levels")))
    for clock, s in kpis["sla"].items():
        lines.append(
            _line(
                N_(
                    "  {clock}: met {met}, breached {breached}, running {running}, attainment "
                    "{attainment}"
                ),  # fmt: skip
                clock=_(CLOCK_WORDS.get(clock, clock.replace("_", " "))),
                met=s["met"],
                breached=s["breached"],
                running=s["running"],
                attainment=_pct(s["attainment"]),
            )
        )
    lines.append(_heading(N_("Outcomes")))
    er, rr = kpis["escalation_rate"], kpis["reopen_rate"]
    lines.append(
        _line(
            N_("  first-contact resolution {share} ({first_contact} of {resolved} resolved)"),
            share=_pct(fcr["share"]),
            first_contact=fcr["first_contact"],
            resolved=fcr["resolved"],
        )
    )
    lines.append(
        _line(
            N_("  reopen rate {share} ({reopened} of {resolved})"),
            share=_pct(rr["share"]),
            reopened=rr["reopened"],
            resolved=rr["resolved"],
        )
    )
    teams = ", ".join(f"{one_line(team)} {n}" for team, n in er["by_team"].items())
    lines.append(
        _line(
            N_("  escalation rate {share} ({escalated} of {opened} opened)"),
            share=_pct(er["share"]),
            escalated=er["escalated"],
            opened=er["opened"],
        )
    )
    if teams:
        lines[-1] = ("", f"{lines[-1][1]}: {teams}")
    lines += _satisfaction(kpis)
    lines += _handling(kpis["handling"])
    lines += _remedies_and_qa(kpis)
    return lines


def _satisfaction(kpis: dict[str, Any]) -> list[Line]:
    c, n = kpis["csat"], kpis["nps"]
    lines: list[Line] = [_heading(N_("Satisfaction"))]
    lines.append(
        _line(
            N_(
                "  CSAT {count} ratings, average {average}, top box {top_box}, dissatisfied "
                "{dissatisfied}, response rate {response_rate}"
            ),
            count=c["count"],
            average=c["average"] or "-",
            top_box=_pct(c["top_box_share"]),
            dissatisfied=_pct(c["dissatisfied_share"]),
            response_rate=_pct(c["response_rate"]),
        )
    )
    if c["dissatisfied_flag"]:
        warning = _(N_("  warning: more than {limit} of ratings are dissatisfied"))
        lines.append(("bold red", warning.format(limit="10%")))
    lines += _bars([(f"{score}", count, str(count)) for score, count in c["distribution"].items()])
    if c["root_causes"]:
        causes = ", ".join(
            f'"{one_line(r["root_cause"])}" ({r["count"]})' for r in c["root_causes"][:5]
        )
        lines.append(_line(N_("  root causes of dissatisfied cases: {causes}"), causes=causes))
    lines.append(
        _line(
            N_(
                "  NPS {score} from {count} answers: {promoters} promoters, {passives} "
                "passives, {detractors} detractors"
            ),
            score=n["score"] if n["score"] is not None else "-",
            count=n["count"],
            promoters=n["promoters"],
            passives=n["passives"],
            detractors=n["detractors"],
        )
    )
    if not n["meaningful"]:
        lines[-1] = ("", lines[-1][1] + _(N_(" (not meaningful below 30 answers)")))
    return lines


def _handling(h: dict[str, Any]) -> list[Line]:
    lines: list[Line] = [_heading(N_("Handling time"))]
    lines.append(
        _line(
            N_("  {cases} cases, total {total}, the slowest 20% took {tail} of it"),
            cases=h["cases"],
            total=_dur(h["total_seconds"]),
            tail=_pct(h["long_tail_share"]),
        )
    )
    rows = []
    for c in h["by_category"]:
        target = (
            _("no target")
            if c["target_seconds"] is None
            else _("target {target}, {share} over").format(
                target=_dur(c["target_seconds"]), share=_pct(c["over_target_share"])
            )
        )
        rows.append(
            (
                _name(c["category"]),
                c["median_seconds"] or 0,
                _("median {median} ({cases} cases; {target})").format(
                    median=_dur(c["median_seconds"]), cases=c["cases"], target=target
                ),
            )
        )
    return lines + _bars(rows)


def _remedies_and_qa(kpis: dict[str, Any]) -> list[Line]:
    from deskcli.render.review import pillar_word

    r, qa = kpis["remedies"], kpis["qa"]
    lines: list[Line] = [_heading(N_("Remedies"))]
    lines.append(_line(N_("  {count} given"), count=r["count"]))
    for k in r["by_kind"]:
        amount = f", {k['total']} {one_line(k['currency'] or '')}" if k["total"] else ""
        lines.append(("", f"  {_(REMEDY_WORDS.get(k['kind'], k['kind']))}: {k['count']}{amount}"))
    lines.append(_heading(N_("QA reviews")))
    reviews = n_(
        "  {count} review, average {average}, flagged {flagged}",
        "  {count} reviews, average {average}, flagged {flagged}",
        qa["count"],
    )
    lines.append(
        ("", reviews.format(count=qa["count"], average=qa["average"] or "-", flagged=qa["flagged"]))
    )
    pillars = ", ".join(
        f"{pillar_word(p)} {a}" for p, a in qa["by_pillar"].items() if a is not None
    )
    if pillars:
        lines.append(_line(N_("  per pillar: {pillars}"), pillars=pillars))
    lines += _bars(
        [
            (
                _name(a["agent"]),
                a["average"] or 0,
                n_(
                    "{average} ({count} review, {flagged} flagged)",
                    "{average} ({count} reviews, {flagged} flagged)",
                    a["count"],
                ).format(average=a["average"], count=a["count"], flagged=a["flagged"]),
            )
            for a in qa["by_agent"]
        ]
    )
    return lines


MYTH_NAMES = {
    1: N_("the loudest complaint deserves the most attention"),
    2: N_("the agent is the experience"),
    3: N_("resolving the problem satisfies the customer"),
    4: N_("more time makes a better experience"),
    5: N_("a satisfied customer is a loyal one"),
}
MYTH_STATUS = {"flag": N_("flag"), "ok": N_("ok"), "not_enough_data": N_("not_enough_data")}
STATUS_STYLE = {"flag": "bold red", "ok": "green", "not_enough_data": "dim"}


def myth_lines(myths: Sequence[dict[str, Any]]) -> list[Line]:
    lines: list[Line] = [_heading(N_("What the numbers say"))]
    for m in myths:
        status = _(MYTH_STATUS.get(m["status"], m["status"]))
        lines.append(
            (
                STATUS_STYLE.get(m["status"], ""),
                f"  {m['myth']}. {_(MYTH_NAMES[m['myth']])}: [{status}] {said(m['verdict'])}",
            )
        )
    return lines


def report_lines(data: dict[str, Any]) -> list[Line]:
    period = data["period"]
    lines: list[Line] = [
        (
            "bold",
            _("Report {first} to {last} (business time: {calendar})").format(
                first=period["from"], last=period["to"], calendar=one_line(data["calendar"])
            ),
        )
    ]
    lines += kpi_lines(data["kpis"])
    lines += myth_lines(data["myths"])
    for group in data.get("groups") or []:
        by = _(GROUP_WORDS.get(data["by"], data["by"]))
        lines.append(("bold", f"== {by}: {_name(group['key'])} =="))
        lines += kpi_lines(group["kpis"])
    return lines


def print_lines(lines: Sequence[Line]) -> None:
    if not sys.stdout.isatty():  # plain text, without loading Rich
        sys.stdout.write("".join(text + "\n" for _style, text in lines))
        return
    from rich.text import Text

    console = out()
    for style, text in lines:
        console.print(Text(text, style=style), soft_wrap=True)


def show_report(data: dict[str, Any]) -> None:
    print_lines(report_lines(data))


def report_explanation(found: dict[str, Any]) -> None:
    ids = found["case_ids"]
    shown = ", ".join(map(str, ids)) if ids else _("none")
    definition = said(found["definition"])
    print_lines(
        [
            ("bold", found["kpi"]),
            ("", definition),
            ("", _("cases ({count}): {ids}").format(count=len(ids), ids=shown)),
        ]
    )


def report_targets(targets: Sequence[dict[str, Any]]) -> None:
    if not targets:
        print_lines(
            [
                (
                    "",
                    _(
                        "no handling targets; set one with: desk report target set CATEGORY "
                        "--handling 15m"
                    ),
                )
            ]
        )
        return
    width = max(len(one_line(target["category"])) for target in targets)
    lines: list[Line] = []
    for target in targets:
        aimed = times.duration(target["handling_seconds"])
        lines.append(
            (
                "",
                f"{one_line(target['category']):<{width}}  {aimed}  "
                + _("(set by {agent}, {at})").format(
                    agent=one_line(target["set_by"]), at=target["set_at"]
                ),
            )
        )
    print_lines(lines)
