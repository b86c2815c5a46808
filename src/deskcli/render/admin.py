"""Administration: the doctor's report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskcli.render.console import err, fields, out, say, user

if TYPE_CHECKING:
    from rich.text import Text

    from deskcli.shapes import DoctorReport as Report


def doctor(report: Report) -> None:
    """`desk doctor`: one line per fact, then warnings and problems."""

    size = f"{report.size_bytes:,} bytes" if report.size_bytes is not None else "-"
    schema = report.schema or "-"
    if report.schema != report.program_schema:
        schema += f" (this program: {report.program_schema})"
    counts = ", ".join(f"{status} {n}" for status, n in report.counts.items()) or "no cases"
    rows: list[tuple[str, Text | str]] = [
        ("Database", user(report.database)),
        ("Size", size),
        ("Schema", schema),
        ("Journal mode", report.journal_mode or "-"),
        ("Integrity", report.integrity or "-"),
        ("Filesystem", report.filesystem or "-"),
        ("Permissions", report.mode or "-"),
        ("Cases", counts),
    ]
    out().print(fields(rows))
    for warning in report.warnings:
        err().print(user(f"desk: warning: {warning}"), soft_wrap=True)
    if not report.problems and not report.warnings:
        say("All good.")
