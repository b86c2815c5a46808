"""The one place that turns data into terminal output.

- JSON goes to stdout and nothing else does in --json mode.
- Human output uses one Rich console with markup, highlighting and emoji off;
  every piece of user text is wrapped in `Text` after `sanitize.clean`, so a
  subject like "[bold]x[/]" or one holding escape sequences prints literally.
- Notes, warnings and progress go to stderr.  Rich turns colour and progress
  off by itself without a terminal, and honours NO_COLOR.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from deskcli import sanitize, times
from deskcli.sanitize import clean, json_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from deskcli.models import Case, Customer, Event
    from deskcli.services.assist import AssistState
    from deskcli.services.cases import CaseDetail, CaseView, CloseSummary
    from deskcli.services.maintenance import Report

# Rich is imported inside the functions that draw, so --json and --ids output
# (what scripts run thousands of times) never pays for it.

STATUS_STYLE = {
    "new": "bold cyan",
    "open": "green",
    "pending": "yellow",
    "escalated": "bold magenta",
    "resolved": "blue",
    "closed": "dim",
}
PRIORITY_STYLE = {"urgent": "bold red", "high": "red", "normal": "", "low": "dim"}

_out: Console | None = None
_err: Console | None = None


def out() -> Console:
    global _out
    if _out is None:
        from rich.console import Console

        _out = Console(markup=False, highlight=False, emoji=False)
    return _out


def err() -> Console:
    global _err
    if _err is None:
        from rich.console import Console

        _err = Console(stderr=True, markup=False, highlight=False, emoji=False)
    return _err


def user(value: object, style: str = "") -> Text:
    """User-supplied text, safe: never markup, never raw control characters."""
    from rich.text import Text

    return Text("" if value is None else clean(value), style=style)


def one_line(value: object) -> Text:
    """User text on one line (newlines shown as \\n), cut to the column's width
    with an ellipsis, never wrapped."""
    from rich.text import Text

    text = Text("" if value is None else sanitize.one_line(value))
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


def emit_json(data: Any) -> None:
    sys.stdout.write(json_text(data, indent=2) + "\n")


def emit_ids(ids: Sequence[int | None]) -> None:
    sys.stdout.write("".join(f"{i}\n" for i in ids))


def say(message: str) -> None:
    """A confirmation for people, on stdout, on one line however long."""
    out().print(user(message), soft_wrap=True)


def note(message: str) -> None:
    err().print(user(f"desk: note: {message}"), soft_wrap=True)


def status_text(status: str) -> Text:
    from rich.text import Text

    return Text(status, style=STATUS_STYLE.get(status, ""))


def priority_text(priority: str) -> Text:
    from rich.text import Text

    return Text(priority, style=PRIORITY_STYLE.get(priority, ""))


def case_table(views: Sequence[CaseView], *, title: str | None = None) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    # Only the subject gives way when the terminal is narrow.
    table.add_column("ID", justify="right", style="bold", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Priority", no_wrap=True)
    table.add_column("Customer", no_wrap=True, max_width=14, overflow="ellipsis")
    table.add_column("Subject")  # wrappable, so the table shrinks it first
    table.add_column("Assignee", no_wrap=True, max_width=12, overflow="ellipsis")
    table.add_column("Team", no_wrap=True, max_width=14, overflow="ellipsis")
    table.add_column("Age", justify="right", no_wrap=True)
    for c, customer in views:
        table.add_row(
            str(c.id),
            status_text(c.status),
            priority_text(c.priority),
            user(customer.crn),
            one_line(c.subject),
            user(c.assignee or "-", "" if c.assignee else "dim"),
            user(c.team or ""),
            Text(times.age(c.created_at), style="dim"),
        )
    return table


def cases(views: Sequence[CaseView], *, more: bool = False) -> None:
    if not views:
        say("No cases match.")
        return
    out().print(case_table(views))
    if more:
        note(f"showing the first {len(views)} cases; there are more: pass --limit N (0 for all)")


def _fields(rows: Sequence[tuple[str, Text | str]]) -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _when(value: Any) -> Text:
    from rich.text import Text

    if value is None:
        return Text("-", style="dim")
    return Text(f"{times.local(value)} ({times.ago(value)})")


def case_detail(detail: CaseDetail) -> None:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    c, customer = detail.view
    title = Text.assemble(
        (f"Case {c.id} ", "bold"), status_text(c.status), " ", priority_text(c.priority)
    )
    rows: list[tuple[str, Text | str]] = [
        ("Subject", user(c.subject, "bold")),
        ("Customer", Text.assemble(user(customer.crn, "bold"), " ", user(customer.name))),
        ("Channel", c.channel),
        ("Category", user(c.category or "-")),
        ("Assignee", user(c.assignee or "-")),
        ("Team / tier", Text.assemble(user(c.team or "-"), f" / tier {c.tier}")),
        ("Opened", _when(c.created_at)),
        ("First response", _when(c.first_response_at)),
    ]
    if c.resolved_at or c.resolution:
        rows.append(("Resolved", _when(c.resolved_at)))
        rows.append(("Resolution", user(c.resolution or "-")))
    if c.root_cause:
        rows.append(("Root cause", user(c.root_cause)))
    if c.closed_at:
        rows.append(("Closed", _when(c.closed_at)))
    if c.follow_up_at:
        rows.append(("Follow-up", _when(c.follow_up_at)))
    if c.reopen_count:
        rows.append(("Reopened", f"{c.reopen_count} time(s)"))
    if c.handling_seconds:
        rows.append(("Handling time", _duration(c.handling_seconds)))
    rows.append(("Version", str(c.version)))
    parts: list[Any] = [_fields(rows)]
    if c.description:
        parts += [Text(""), user(c.description)]
    out().print(Panel(Group(*parts), title=title, title_align="left", expand=False))
    out().print(timeline(detail.events))
    if detail.history:
        out().print(history_table(detail.history, title="Customer history (other cases)"))


def timeline(events: Sequence[Event]) -> Table:
    from rich.table import Table

    table = Table(title="Timeline", title_justify="left", box=None, pad_edge=False)
    table.add_column("When", no_wrap=True, style="dim")
    table.add_column("Agent", no_wrap=True)
    table.add_column("Event", no_wrap=True, style="bold")
    table.add_column("Details")
    for e in events:
        table.add_row(times.local(e.at), user(e.agent), e.kind, user(_event_text(e)))
    return table


def _event_text(e: Event) -> str:
    data = e.data or {}
    if e.kind == "assigned":
        return f"{data.get('from') or 'nobody'} -> {e.body}"
    if e.kind == "status":
        text = f"{data.get('from')} -> {data.get('to')}"
        return f"{text}: {e.body}" if e.body else text
    if e.kind == "escalated":
        return f"to {data.get('to')} (tier {data.get('tier')}): {e.body}"
    if e.kind == "resolved" and data.get("root_cause"):
        return f"{e.body} (root cause: {data['root_cause']})"
    if e.kind == "assist_step":
        verb = "skipped" if data.get("status") == "skipped" else "done"
        return f"{data.get('step')} {verb}: {e.body}"
    if e.kind == "follow_up":
        if data.get("done"):
            return f"follow-up done{': ' + e.body if e.body not in ('', 'done') else ''}"
        return f"follow up {times.local(times.parse_when(data['at'])) if data.get('at') else ''}"
    return e.body


def history_table(history: Sequence[Case], *, title: str) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("ID", justify="right", style="bold")
    table.add_column("Opened", no_wrap=True, style="dim")
    table.add_column("Status")
    table.add_column("Subject", overflow="ellipsis", no_wrap=True, max_width=40)
    table.add_column("Outcome", overflow="ellipsis", no_wrap=True, max_width=40)
    for c in history:
        table.add_row(
            str(c.id),
            times.local(c.created_at),
            status_text(c.status),
            user(c.subject),
            user(c.resolution or ""),
        )
    return table


def customer_table(customers: Sequence[Customer]) -> None:
    from rich.table import Table

    if not customers:
        say("No customers match.")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("CRN", "Name", "Email", "Phone"):
        table.add_column(column, no_wrap=column != "Name")
    for cu in customers:
        table.add_row(
            user(cu.crn, "bold"), user(cu.name), user(cu.email or ""), user(cu.phone or "")
        )
    out().print(table)


def customer_detail(customer: Customer, history: Sequence[Case], total: int) -> None:
    from rich.panel import Panel

    rows: list[tuple[str, Text | str]] = [
        ("CRN", user(customer.crn, "bold")),
        ("Name", user(customer.name)),
        ("Email", user(customer.email or "-")),
        ("Phone", user(customer.phone or "-")),
        ("Customer since", _when(customer.created_at)),
        ("Cases", str(total)),
    ]
    out().print(Panel(_fields(rows), title=user(customer.name), title_align="left", expand=False))
    if history:
        out().print(history_table(history, title="Cases, newest first"))
        if total > len(history):
            note(
                f"showing {len(history)} of {total} cases; desk case list --all --customer "
                f"{customer.crn} lists them all"
            )


def follow_ups(views: Sequence[CaseView]) -> None:
    from rich.table import Table
    from rich.text import Text

    if not views:
        say("No follow-ups scheduled.")
        return
    now = times.now()
    table = Table(box=None, pad_edge=False)
    for column in ("Due", "", "ID", "Status", "Customer", "Subject", "Assignee"):
        table.add_column(column, no_wrap=column != "Subject")
    for c, customer in views:
        overdue = c.follow_up_at is not None and c.follow_up_at <= now
        table.add_row(
            Text(times.local(c.follow_up_at), style="bold red" if overdue else ""),
            Text(times.ago(c.follow_up_at, now), style="dim"),
            str(c.id),
            status_text(c.status),
            user(customer.crn),
            user(c.subject),
            user(c.assignee or "-"),
        )
    out().print(table)


def board(counts: dict[str, int], columns: dict[str, list[CaseView]], due: int) -> None:
    """The case board: active cases by status, most urgent first."""
    from rich.text import Text

    summary = Text("Active cases: ", style="bold")
    for status, n in counts.items():
        summary.append_text(Text.assemble(status_text(status), f" {n}   "))
    if due:
        summary.append(f"follow-ups due {due}", style="bold red")
    out().print(summary)
    for status, views in columns.items():
        if views:
            title = f"{status.capitalize()} ({counts.get(status, 0)})"
            out().print(case_table(views, title=title))
            out().print()


def close_summary(summary: CloseSummary) -> None:
    n = len(summary.closed)
    if summary.dry_run:
        if n:
            say(f"Would close {n} case(s): {_id_list(summary.closed)}")
            if summary.resolved:
                say(f"  of which {len(summary.resolved)} would be resolved first")
        else:
            say("Nothing to close.")
        say("(dry run: nothing was changed)")
        return
    if n:
        resolved = (
            f" ({len(summary.resolved)} resolved in the same step)" if summary.resolved else ""
        )
        say(f"Closed {n} case(s){resolved}: {_id_list(summary.closed)}")
    elif not summary.already_closed:
        say("Nothing to close.")


def already_closed(ids: Sequence[int]) -> None:
    if ids:
        note(f"already closed, left as is: {_id_list(ids)}")


def _id_list(ids: Sequence[int], limit: int = 20) -> str:
    shown = ", ".join(map(str, ids[:limit]))
    return shown + (f" ... (+{len(ids) - limit} more)" if len(ids) > limit else "")


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long jobs on a terminal; None otherwise."""
    if total < 2000 or not err().is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err(), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, _total: bar.update(task, completed=done)


# -- the five A's -------------------------------------------------------------


def _duration(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def _step_title(t: Callable[[str], str], name: str) -> str:
    from deskcli.workflow import STEPS, TITLES

    return t("Step {number}/{total}: {title}").format(
        number=STEPS.index(name) + 1, total=len(STEPS), title=t(TITLES[name])
    )


def _status_word(t: Callable[[str], str], status: str) -> str:
    return {"done": t("done"), "skipped": t("skipped"), "pending": t("pending")}[status]


def _earlier_steps(t: Callable[[str], str], state: AssistState, upto: str | None) -> Table | None:
    from rich.table import Table
    from rich.text import Text

    from deskcli.workflow import STEPS, TITLES

    done = [s for s in state.steps if s.status != "pending"]
    if upto is not None:
        done = [s for s in done if STEPS.index(s.name) < STEPS.index(upto)]
    if not done:
        return None
    table = Table(
        title=t("Earlier steps"), title_justify="left", box=None, pad_edge=False, show_header=False
    )
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    for s in done:
        if s.status == "skipped":
            value = Text.assemble((t("skipped") + ": ", "dim"), user(s.reason))
        else:
            value = user(s.text)
        table.add_row(t(TITLES[s.name]), value)
    return table


def _case_context(t: Callable[[str], str], detail: CaseDetail, *, description: bool) -> Table:
    from rich.text import Text

    c, customer = detail.view
    rows: list[tuple[str, Text | str]] = [
        (t("Case"), Text.assemble((f"{c.id} ", "bold"), user(c.subject, "bold"))),
        (t("Customer"), Text.assemble(user(customer.crn, "bold"), " ", user(customer.name))),
        (t("Priority"), priority_text(c.priority)),
        (t("Status"), status_text(c.status)),
        (t("Opened"), Text(f"{times.local(c.created_at)} ({times.ago(c.created_at)})")),
    ]
    if description and c.description:
        rows.append((t("Description"), user(c.description)))
    return _fields(rows)


def _history(t: Callable[[str], str], detail: CaseDetail) -> Table | None:
    if not detail.history:
        return None
    return history_table(detail.history[:5], title=t("Customer history"))


def assist_step(t: Callable[[str], str], name: str, detail: CaseDetail, state: AssistState) -> None:
    """One step of the guided flow: its number, guidance and the context it needs."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from deskcli.workflow import GUIDANCE

    parts: list[Any] = [Text(t(GUIDANCE[name]), style="italic"), Text("")]
    parts.append(_case_context(t, detail, description=name in ("acknowledge", "answer")))
    if name in ("acknowledge", "analyze"):
        history = _history(t, detail)
        if history is not None:
            parts += [Text(""), history]
    earlier = _earlier_steps(t, state, name)
    if earlier is not None:
        parts += [Text(""), earlier]
    title = Text(_step_title(t, name), style="bold")
    out().print(Panel(Group(*parts), title=title, title_align="left"))


def assist_summary(t: Callable[[str], str], state: AssistState) -> None:
    """Where a case stands in the five A's."""
    from rich.table import Table
    from rich.text import Text

    from deskcli.workflow import TITLES

    table = Table(
        title=t("Five A's for case {case_id}").format(case_id=state.case_id),
        title_justify="left",
        box=None,
        pad_edge=False,
    )
    table.add_column(t("Step"), no_wrap=True, style="bold")
    table.add_column(t("Status"), no_wrap=True)
    table.add_column(t("What was recorded"))
    styles = {"done": "green", "skipped": "yellow", "pending": "dim"}
    for s in state.steps:
        recorded = s.text if s.status == "done" else s.reason
        table.add_row(
            t(TITLES[s.name]),
            Text(_status_word(t, s.status), style=styles[s.status]),
            user(recorded or ""),
        )
    out().print(table)
    nxt = state.next
    if nxt is None:
        say(t("All five steps are done."))
    else:
        say(t("Next step: {title}").format(title=t(TITLES[nxt])))
    say(t("Handling time: {duration}").format(duration=_duration(state.handling_seconds)))


def assist_transcript(t: Callable[[str], str], detail: CaseDetail, state: AssistState) -> None:
    """The whole five A's record of a case, as a readable transcript."""
    from rich.panel import Panel
    from rich.text import Text

    c, customer = detail.view
    header = Text.assemble(
        (t("Five A's for case {case_id}").format(case_id=c.id), "bold"),
        " · ",
        user(c.subject),
        " · ",
        user(customer.crn),
        " ",
        user(customer.name),
    )
    out().print(header)
    for s in state.steps:
        title = Text.assemble((_step_title(t, s.name), "bold"), " · ", _status_word(t, s.status))
        if s.status == "pending":
            out().print(Text.assemble(title, (" —", "dim")))
            continue
        meta = Text(
            f"{times.local(s.at)} · {clean(s.agent or '')} · {_duration(s.seconds)}", style="dim"
        )
        body = (
            user(s.text)
            if s.status == "done"
            else Text.assemble((t("Skipped because: "), "yellow"), user(s.reason))
        )
        out().print(Panel(Text.assemble(body, "\n", meta), title=title, title_align="left"))
    say(t("Handling time: {duration}").format(duration=_duration(state.handling_seconds)))


def hint(message: str) -> None:
    """A quiet line for people (not user text: our own words)."""
    from rich.text import Text

    out().print(Text(message, style="dim"))


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
    out().print(_fields(rows))
    for warning in report.warnings:
        err().print(user(f"desk: warning: {warning}"), soft_wrap=True)
    if not report.problems and not report.warnings:
        say("All good.")
