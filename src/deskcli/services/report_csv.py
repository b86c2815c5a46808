"""`desk report --csv DIR`: the report's tables as CSV files, written whole
or not at all and formula-guarded, exactly as `desk export` writes its own
(services/export.py: its guard and its all-or-nothing replacement)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from deskcli.outfiles import TextSink, neutralize, prepare_out_dir, replacing

Table = tuple[list[str], list[list[Any]]]


def _cell(value: Any) -> Any:
    """Empty for null; text a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    return neutralize(value) if isinstance(value, str) else value


def _measures(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    """The scalar figures of a KPI, nested objects flattened to "a.b"."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _measures(f"{prefix}.{key}" if prefix else str(key), inner)
    elif not isinstance(value, list):
        yield prefix, value


def _summary(kpis: dict[str, Any]) -> list[list[Any]]:
    return [
        [kpi, measure, value]
        for kpi, figures in kpis.items()
        for measure, value in _measures("", figures)
    ]


def tables(report: dict[str, Any]) -> dict[str, Table]:
    """File name -> (header, rows), one per table of the report."""
    kpis = report["kpis"]
    found: dict[str, Table] = {
        "summary.csv": (["kpi", "measure", "value"], _summary(kpis)),
        "volume_by_day.csv": (
            ["date", "opened", "resolved"],
            [[d["date"], d["opened"], d["resolved"]] for d in kpis["volume"]["by_day"]],
        ),
        "resolution_histogram.csv": (
            ["bucket", "count"],
            [[b["bucket"], b["count"]] for b in kpis["resolution_time"]["histogram"]],
        ),
        "dissatisfied_root_causes.csv": (
            ["root_cause", "count"],
            [[r["root_cause"], r["count"]] for r in kpis["csat"]["root_causes"]],
        ),
        "handling_by_category.csv": (
            ["category", "cases", "median_seconds", "target_seconds", "over_target_share"],
            [
                [
                    c["category"],
                    c["cases"],
                    c["median_seconds"],
                    c["target_seconds"],
                    c["over_target_share"],
                ]
                for c in kpis["handling"]["by_category"]
            ],
        ),
        "remedies.csv": (
            ["kind", "currency", "count", "total"],
            [
                [r["kind"], r["currency"], r["count"], r["total"]]
                for r in kpis["remedies"]["by_kind"]
            ],
        ),
        "qa_by_agent.csv": (
            ["agent", "count", "average", "flagged"],
            [[a["agent"], a["count"], a["average"], a["flagged"]] for a in kpis["qa"]["by_agent"]],
        ),
        "myths.csv": (
            ["myth", "status", "verdict"],
            [[m["myth"], m["status"], m["verdict"]] for m in report["myths"]],
        ),
    }
    if report.get("groups") is not None:
        found["groups.csv"] = (
            ["key", "kpi", "measure", "value"],
            [[g["key"], *row] for g in report["groups"] for row in _summary(g["kpis"])],
        )
    return found


def write_csv(report: dict[str, Any], directory: Path) -> list[Path]:
    """Write the tables into `directory` (created owner-only when missing):
    UTF-8, a header row, every cell quoted, empty cells for nulls, cells that
    a spreadsheet would run as a formula neutralized; all files replaced
    together at the end, or none."""
    prepare_out_dir(directory)
    found = tables(report)
    targets = [directory / name for name in found]
    with replacing(targets) as streams:
        for (header, rows), stream in zip(found.values(), streams, strict=True):
            writer = csv.writer(TextSink(stream), quoting=csv.QUOTE_ALL)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(cell) for cell in row])
    return targets
