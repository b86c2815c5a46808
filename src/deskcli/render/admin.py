"""Administration: the doctor's report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskcli.domain import shown_status
from deskcli.lang import _
from deskcli.render.console import err, fields, out, say, user

if TYPE_CHECKING:
    from rich.text import Text

    from deskcli.shapes import DoctorReport as Report


def doctor(report: Report) -> None:
    """`desk doctor`: one line per fact, then warnings and problems."""

    size = "-"
    if report.size_bytes is not None:
        size = _("{size} bytes").format(size=f"{report.size_bytes:,}")
    schema = report.schema or "-"
    if report.schema != report.program_schema:
        schema += _(" (this program: {schema})").format(schema=report.program_schema)
    counts = ", ".join(f"{shown_status(status)} {n}" for status, n in report.counts.items())
    integrity = report.integrity or "-"
    rows: list[tuple[str, Text | str]] = [
        (_("Database"), user(report.database)),
        (_("Size"), size),
        (_("Schema"), schema),
        (_("Journal mode"), report.journal_mode or "-"),
        (_("Integrity"), _(integrity) if integrity == "ok" else integrity),
        (_("Filesystem"), report.filesystem or "-"),
        (_("Permissions"), report.mode or "-"),
        (_("Cases"), counts or _("no cases")),
    ]
    out().print(fields(rows))
    for warning in report.warnings:
        text = _("desk: warning: {warning}").format(warning=_shown(warning))
        err().print(user(text), soft_wrap=True)
    if not report.problems and not report.warnings:
        say(_("All good."))


def _shown(said: str) -> str:
    """A warning in the reader's language (services.maintenance builds each
    as a deskcli.said.Said; JSON keeps the English)."""
    shown = getattr(said, "shown", None)
    return shown() if callable(shown) else said
