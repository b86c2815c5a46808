"""Cases: lists, the detail view, the timeline, follow-ups, the board, close summaries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deskcli import times
from deskcli.render.console import (
    capped,
    fields,
    id_list,
    note,
    one_line,
    out,
    plural,
    priority_text,
    say,
    show_rows,
    status_text,
    user,
    when,
)
from deskcli.render.sla_clocks import clock_rows, due_text

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from deskcli.reads.queries import CaseDetail
    from deskcli.reads.rows import ReviewRow
    from deskcli.shapes import (
        Board,
        CaseAndCustomer,
        CaseFields,
        CloseSummary,
        EventFields,
    )


def case_table(views: Sequence[CaseAndCustomer], *, title: str | None = None) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    # Only the subject gives way when the terminal is narrow.
    table.add_column("ID", justify="right", style="bold", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Priority", no_wrap=True)
    table.add_column("Customer", no_wrap=True, max_width=capped(14), overflow="ellipsis")
    table.add_column("Subject")  # wrappable, so the table shrinks it first
    table.add_column("Assignee", no_wrap=True, max_width=capped(12), overflow="ellipsis")
    table.add_column("Team", no_wrap=True, max_width=capped(14), overflow="ellipsis")
    table.add_column("Age", justify="right", no_wrap=True)
    table.add_column("Due", no_wrap=True)  # the earliest service-level due time
    now = times.now()
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
            due_text(getattr(c, "due_at", None), now),
        )
    return table


def case_list(views: Sequence[CaseAndCustomer], *, more: bool = False) -> None:
    if show_rows(views, case_table, "No cases match.") and more:
        note(f"showing the first {len(views)} cases; there are more: pass --limit N (0 for all)")


# How much of one long text (a description, an event's body) `desk case show`
# prints; --full prints everything.  A pasted email stays readable, a
# megabyte does not flood the terminal.
SHOWN_CHARACTERS = 2000


def shortened(text: str, case_id: int | None, *, full: bool = False) -> str:
    """`text`, or its start and a marker saying how much more there is."""
    if full or len(text) <= SHOWN_CHARACTERS:
        return text
    rest = len(text) - SHOWN_CHARACTERS
    return (
        f"{text[:SHOWN_CHARACTERS]}... [{rest:,} more characters; desk case show {case_id} --full]"
    )


def case_detail(
    detail: CaseDetail, *, full: bool = False, reviews: Sequence[ReviewRow] = ()
) -> None:
    out().print(case_detail_view(detail, full=full, reviews=reviews))


def case_detail_view(
    detail: CaseDetail, *, full: bool = False, reviews: Sequence[ReviewRow] = ()
) -> Group:
    """The case's panel, its timeline, its QA reviews and the customer's
    other cases; long texts shortened unless `full`."""
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
        ("Tags", user(", ".join(c.tags) or "-")),
        ("Assignee", user(c.assignee or "-")),
        ("Team / tier", Text.assemble(user(c.team or "-"), f" / tier {c.tier}")),
        ("Opened", when(c.created_at)),
        ("First response", when(c.first_response_at)),
    ]
    if c.resolved_at or c.resolution:
        rows.append(("Resolved", when(c.resolved_at)))
        rows.append(("Resolution", user(c.resolution or "-")))
    if c.root_cause:
        rows.append(("Root cause", user(c.root_cause)))
    if c.closed_at:
        rows.append(("Closed", when(c.closed_at)))
    if c.follow_up_at:
        rows.append(("Follow-up", when(c.follow_up_at)))
    if c.reopen_count:
        rows.append(("Reopened", plural(c.reopen_count, "time", "times")))
    if c.handling_seconds:
        rows.append(("Handling time", times.duration(c.handling_seconds)))
    if c.last_inbound_at:
        rows.append(("Customer wrote", when(c.last_inbound_at)))
    if c.csat is not None:
        rating = f"CSAT {c.csat}/5" + (f", NPS {c.nps}/10" if c.nps is not None else "")
        rows.append(("Rating", rating))
    rows += clock_rows(getattr(c, "clocks", None))
    rows.append(("Version", str(c.version)))
    parts: list[Any] = [fields(rows)]
    if c.description:
        parts += [Text(""), user(shortened(c.description, c.id, full=full))]
    shown: list[Any] = [Panel(Group(*parts), title=title, title_align="left", expand=False)]
    if (message := unanswered_message(detail)) is not None:
        shown.append(message)
    shown += [
        timeline(detail.events, case_id=c.id, full=full),
    ]
    if reviews:
        from deskcli.render.review import reviews_table

        shown.append(reviews_table(reviews))
    if detail.history:
        shown.append(history_table(detail.history, title="Customer history (other cases)"))
    return Group(*shown)


def unanswered_message(detail: CaseDetail) -> Text | None:
    """The customer's latest message when it came after the case was
    resolved: the case stays resolved (reopening is the agent's call), so
    it is shown first, where nobody can miss it."""
    from rich.text import Text

    c = detail.view.case
    if c.resolved_at is None or c.last_inbound_at is None or c.last_inbound_at < c.resolved_at:
        return None
    latest = next((e for e in reversed(detail.events) if e.kind == "inbound"), None)
    if latest is None:
        return None
    return Text.assemble(
        (f"The customer wrote after this case was {c.status} ", "bold red"),
        (f"({times.local(latest.at)}, {times.ago(latest.at)}):", "bold red"),
        "\n",
        user(shortened(latest.body, c.id)),
        "\n",
        (f"Reopen it if it is not solved: desk case reopen {c.id} --reason TEXT", "dim"),
    )


def timeline(
    events: Sequence[EventFields], *, case_id: int | None = None, full: bool = True
) -> Table:
    from rich.table import Table

    table = Table(title="Timeline", title_justify="left", box=None, pad_edge=False)
    table.add_column("When", no_wrap=True, style="dim")
    table.add_column("Agent", no_wrap=True)
    table.add_column("Event", no_wrap=True, style="bold")
    table.add_column("Details")
    resolution = ""  # the latest resolution, for the `closed` row that follows it
    for e in events:
        if e.kind == "resolved":
            resolution = e.body
        elif e.kind == "reopened":
            resolution = ""
        detail = shortened(_event_text(e, resolution) or "-", case_id, full=full)
        table.add_row(times.local(e.at), user(e.agent), _event_word(e), user(detail))
    return table


# Kinds stay as they are in JSON (scripts rely on them); people read words.
_EVENT_WORDS = {
    "follow_up": "follow-up",
    "assist_step": "five A's step",
    "inbound": "customer wrote",
    "feedback": "rating",
    "review": "QA review",
    "kb_promoted": "made an article",
    "kb_used": "article used",
}


def _event_word(e: EventFields) -> str:
    if e.kind == "status":
        # pending / resume: name the change, not the kind.
        to = (e.data or {}).get("to")
        return "resumed" if to == "open" else f"set {to}"
    return _EVENT_WORDS.get(e.kind, e.kind.replace("_", " "))


def _event_text(e: EventFields, resolution: str = "") -> str:
    data = e.data or {}
    if e.kind == "opened":
        how = ", ".join(str(data[k]) for k in ("channel", "priority") if data.get(k))
        return f"{e.body} ({how})" if how else e.body
    if e.kind == "assigned":
        return f"{data.get('from') or 'nobody'} -> {e.body or 'nobody'}"
    if e.kind == "status":
        text = f"{data.get('from')} -> {data.get('to')}"
        return f"{text}: {e.body}" if e.body else text
    if e.kind == "escalated":
        return f"to {data.get('to')} (tier {data.get('tier')}): {e.body}"
    if e.kind == "resolved" and data.get("root_cause"):
        return f"{e.body} (root cause: {data['root_cause']})"
    if e.kind == "closed":
        text = f"closed by {e.agent}"
        if resolution:
            text += f" (resolved: {resolution})"
        return text + (" in a bulk close" if data.get("bulk") else "")
    if e.kind == "reopened":
        was = f"was {data['from']}" if data.get("from") else ""
        return f"{was}: {e.body}" if was and e.body else (e.body or was)
    if e.kind == "assist_step":
        verb = "skipped" if data.get("status") == "skipped" else "done"
        return f"{data.get('step')} {verb}: {e.body}"
    if e.kind == "inbound":
        text = f"({data['channel']}) {e.body}" if data.get("channel") else e.body
        moved = data.get("from") != data.get("to") and data.get("to")
        return f"{text} [{data.get('from')} -> {moved}]" if moved else text
    if e.kind == "feedback":
        text = f"CSAT {data.get('csat')}/5"
        if data.get("nps") is not None:
            text += f", NPS {data['nps']}/10"
        if data.get("credited_agent"):
            text += f" for {data['credited_agent']}"
        if data.get("replaced"):
            text += " (replaces the earlier rating)"
        return f"{text}: {e.body}" if e.body else text
    if e.kind == "remedy":
        text = str(data.get("kind") or "remedy")
        if data.get("amount") is not None:
            text += f" {data['amount']} {data.get('currency')}"
        return f"{text}: {e.body}" if e.body else text
    if e.kind == "review":
        text = f"QA score {data.get('score')}"
        if data.get("agent"):
            text += f" for {data['agent']}"
        if data.get("flagged"):
            text += " (FLAGGED: integrity below 5)"
        if data.get("replaced"):
            text += " (replaces the earlier review)"
        return f"{text}: {e.body}" if e.body else text
    if e.kind in ("kb_promoted", "kb_used"):
        return f"article {data.get('article_id')}: {e.body}"
    if e.kind == "follow_up":
        if data.get("done"):
            return f"follow-up done{': ' + e.body if e.body not in ('', 'done') else ''}"
        if not data.get("at"):
            return e.body
        due = times.parse_when(data["at"])
        text = f"scheduled for {times.local(due)}"
        return f"{text}: {e.body}" if e.body else text
    return e.body


def history_table(history: Sequence[CaseFields], *, title: str) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("ID", justify="right", style="bold")
    table.add_column("Opened", no_wrap=True, style="dim")
    table.add_column("Status")
    table.add_column("Subject", overflow="ellipsis", no_wrap=True, max_width=capped(40))
    table.add_column("Outcome", overflow="ellipsis", no_wrap=True, max_width=capped(40))
    for c in history:
        table.add_row(
            str(c.id),
            times.local(c.created_at),
            status_text(c.status),
            user(c.subject),
            user(c.resolution or ""),
        )
    return table


def follow_ups(
    views: Sequence[CaseAndCustomer], *, next_due: CaseAndCustomer | None = None
) -> None:
    """The follow-ups; with none to show, `next_due` (the soonest scheduled one,
    when only due ones were asked for) says none is due yet and when one is."""
    if views or next_due is None:
        show_rows(views, follow_ups_table, "No follow-ups scheduled.")
        return
    c, customer = next_due
    say(
        f"No follow-up is due; next: case {c.id} ({customer.crn}) "
        f"on {times.local(c.follow_up_at)} ({times.ago(c.follow_up_at)})."
    )


def follow_ups_table(views: Sequence[CaseAndCustomer]) -> Table:
    from rich.table import Table
    from rich.text import Text

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
    return table


def board(data: Board) -> None:
    out().print(board_view(data))


def board_view(data: Board) -> Group:
    """The case board: active cases by status, most urgent first."""
    from rich.console import Group
    from rich.text import Text

    summary = Text("Active cases: ", style="bold")
    for status, n in data.counts.items():
        summary.append_text(Text.assemble(status_text(status), f" {n}   "))
    if data.follow_ups_due:
        summary.append(f"follow-ups due {data.follow_ups_due}", style="bold red")
    parts: list[Any] = [summary]
    more = data.more()
    for status, views in data.columns.items():
        if views:
            title = f"{status.capitalize()} ({data.counts.get(status, 0)})"
            parts.append(case_table(views, title=title))
            if more[status]:
                line = f"... and {more[status]} more (desk case list --status {status})"
                parts.append(Text(line, style="dim"))
            parts.append(Text(""))
    return Group(*parts)


def close_summary(summary: CloseSummary) -> None:
    n = len(summary.closed)
    if summary.dry_run:
        if n:
            say(f"Would close {plural(n, 'case', 'cases')}: {id_list(summary.closed)}")
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
        say(f"Closed {plural(n, 'case', 'cases')}{resolved}: {id_list(summary.closed)}")
    elif not summary.already_closed:
        say("Nothing to close.")


def already_closed(ids: Sequence[int]) -> None:
    if ids:
        note(f"already closed, left as is: {id_list(ids)}")
