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


def _name(value: Any, empty: str = "(none)") -> str:
    return empty if value is None else one_line(value)


def _heading(text: str) -> Line:
    return ("bold", text)


def _bars(rows: Sequence[tuple[str, float, str]]) -> list[Line]:
    """One line a row: name, bar, figure; names padded to the longest."""
    if not rows:
        return [("dim", "  none")]
    width = max(len(name) for name, _v, _t in rows)
    top = max(value for _n, value, _t in rows)
    return [
        ("", f"  {name:<{width}}  {bar(value, top):<{BAR_WIDTH}}  {text}")
        for name, value, text in rows
    ]


def kpi_lines(kpis: dict[str, Any]) -> list[Line]:
    v, fr, rt, fcr = kpis["volume"], kpis["first_response"], kpis["resolution_time"], kpis["fcr"]
    lines: list[Line] = [_heading("Volume")]
    days = v["by_day"]
    lines.append(
        (
            "",
            f"  opened {v['opened']}  resolved {v['resolved']}  closed {v['closed']}  "
            f"reopened {v['reopened']}",
        )
    )
    if days:
        lines.append(
            (
                "",
                f"  per day {days[0]['date']} {sparkline([d['opened'] for d in days])} "
                f"{days[-1]['date']} (opened)",
            )
        )
    b = v["backlog"]
    lines.append(
        (
            "",
            f"  backlog now: < 1 d {b['lt_1d']}, 1-3 d {b['1_3d']}, 3-7 d {b['3_7d']}, "
            f"> 7 d {b['gt_7d']}",
        )
    )
    lines += _bars([(_name(ch), n, str(n)) for ch, n in v["by_channel"].items()])
    lines.append(_heading("Times"))
    for label, timing in (("first response", fr), ("resolution", rt)):
        lines.append(
            (
                "",
                f"  {label}: {timing['count']} cases, median {_dur(timing['median_seconds'])}, "
                f"p90 {_dur(timing['p90_seconds'])}; business time median "
                f"{_dur(timing['business_median_seconds'])}, p90 "
                f"{_dur(timing['business_p90_seconds'])}",
            )
        )
    lines.append(_heading("Service levels"))
    for clock, s in kpis["sla"].items():
        lines.append(
            (
                "",
                f"  {clock.replace('_', ' ')}: met {s['met']}, breached {s['breached']}, "
                f"running {s['running']}, attainment {_pct(s['attainment'])}",
            )
        )
    lines.append(_heading("Outcomes"))
    er, rr = kpis["escalation_rate"], kpis["reopen_rate"]
    lines.append(
        (
            "",
            f"  first-contact resolution {_pct(fcr['share'])} "
            f"({fcr['first_contact']} of {fcr['resolved']} resolved)",
        )
    )
    lines.append(("", f"  reopen rate {_pct(rr['share'])} ({rr['reopened']} of {rr['resolved']})"))
    teams = ", ".join(f"{one_line(team)} {n}" for team, n in er["by_team"].items())
    lines.append(
        (
            "",
            f"  escalation rate {_pct(er['share'])} ({er['escalated']} of "
            f"{er['opened']} opened){': ' + teams if teams else ''}",
        )
    )
    lines += _satisfaction(kpis)
    lines += _handling(kpis["handling"])
    lines += _remedies_and_qa(kpis)
    return lines


def _satisfaction(kpis: dict[str, Any]) -> list[Line]:
    c, n = kpis["csat"], kpis["nps"]
    lines: list[Line] = [_heading("Satisfaction")]
    lines.append(
        (
            "",
            f"  CSAT {c['count']} ratings, average {c['average'] or '-'}, top box "
            f"{_pct(c['top_box_share'])}, dissatisfied {_pct(c['dissatisfied_share'])}, "
            f"response rate {_pct(c['response_rate'])}",
        )
    )
    if c["dissatisfied_flag"]:
        lines.append(("bold red", "  warning: more than 10% of ratings are dissatisfied"))
    lines += _bars([(f"{score}", count, str(count)) for score, count in c["distribution"].items()])
    if c["root_causes"]:
        causes = ", ".join(
            f'"{one_line(r["root_cause"])}" ({r["count"]})' for r in c["root_causes"][:5]
        )
        lines.append(("", f"  root causes of dissatisfied cases: {causes}"))
    meaning = "" if n["meaningful"] else " (not meaningful below 30 answers)"
    lines.append(
        (
            "",
            f"  NPS {n['score'] if n['score'] is not None else '-'} from {n['count']} "
            f"answers: {n['promoters']} promoters, {n['passives']} passives, "
            f"{n['detractors']} detractors{meaning}",
        )
    )
    return lines


def _handling(h: dict[str, Any]) -> list[Line]:
    lines: list[Line] = [_heading("Handling time")]
    lines.append(
        (
            "",
            f"  {h['cases']} cases, total {_dur(h['total_seconds'])}, the slowest 20% "
            f"took {_pct(h['long_tail_share'])} of it",
        )
    )
    rows = []
    for c in h["by_category"]:
        target = (
            "no target"
            if c["target_seconds"] is None
            else (f"target {_dur(c['target_seconds'])}, {_pct(c['over_target_share'])} over")
        )
        rows.append(
            (
                _name(c["category"]),
                c["median_seconds"] or 0,
                f"median {_dur(c['median_seconds'])} ({c['cases']} cases; {target})",
            )
        )
    return lines + _bars(rows)


def _remedies_and_qa(kpis: dict[str, Any]) -> list[Line]:
    r, qa = kpis["remedies"], kpis["qa"]
    lines: list[Line] = [_heading("Remedies")]
    lines.append(("", f"  {r['count']} given"))
    for k in r["by_kind"]:
        amount = f", {k['total']} {one_line(k['currency'] or '')}" if k["total"] else ""
        lines.append(("", f"  {k['kind']}: {k['count']}{amount}"))
    lines.append(_heading("QA reviews"))
    lines.append(
        ("", f"  {qa['count']} reviews, average {qa['average'] or '-'}, flagged {qa['flagged']}")
    )
    pillars = ", ".join(
        f"{p.replace('_', ' ')} {a}" for p, a in qa["by_pillar"].items() if a is not None
    )
    if pillars:
        lines.append(("", f"  per pillar: {pillars}"))
    lines += _bars(
        [
            (
                _name(a["agent"]),
                a["average"] or 0,
                f"{a['average']} ({a['count']} reviews, {a['flagged']} flagged)",
            )
            for a in qa["by_agent"]
        ]
    )
    return lines


MYTH_NAMES = {
    1: "the loudest complaint deserves the most attention",
    2: "the agent is the experience",
    3: "resolving the problem satisfies the customer",
    4: "more time makes a better experience",
    5: "a satisfied customer is a loyal one",
}
STATUS_STYLE = {"flag": "bold red", "ok": "green", "not_enough_data": "dim"}


def myth_lines(myths: Sequence[dict[str, Any]]) -> list[Line]:
    lines: list[Line] = [_heading("What the numbers say")]
    for m in myths:
        lines.append(
            (
                STATUS_STYLE.get(m["status"], ""),
                f"  {m['myth']}. {MYTH_NAMES[m['myth']]}: [{m['status']}] {one_line(m['verdict'])}",
            )
        )
    return lines


def report_lines(data: dict[str, Any]) -> list[Line]:
    period = data["period"]
    lines: list[Line] = [
        (
            "bold",
            f"Report {period['from']} to {period['to']}"
            f" (business time: {one_line(data['calendar'])})",
        )
    ]
    lines += kpi_lines(data["kpis"])
    lines += myth_lines(data["myths"])
    for group in data.get("groups") or []:
        lines.append(("bold", f"== {data['by']}: {_name(group['key'])} =="))
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
    shown = ", ".join(map(str, ids)) if ids else "none"
    print_lines(
        [("bold", found["kpi"]), ("", found["definition"]), ("", f"cases ({len(ids)}): {shown}")]
    )


def report_targets(targets: Sequence[dict[str, Any]]) -> None:
    if not targets:
        print_lines(
            [
                (
                    "",
                    "no handling targets; set one with: desk report target set CATEGORY "
                    "--handling 15m",
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
                f"(set by {one_line(target['set_by'])}, {target['set_at']})",
            )
        )
    print_lines(lines)
