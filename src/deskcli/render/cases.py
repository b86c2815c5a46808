"""Cases: lists, the detail view, the timeline, follow-ups, the board, close summaries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deskcli import times
from deskcli.domain import shown_channel, shown_field, shown_priority, shown_remedy, shown_status
from deskcli.lang import N_, _, n_
from deskcli.render.console import (
    capped,
    fields,
    id_list,
    note,
    one_line,
    out,
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
    table.add_column(_("ID"), justify="right", style="bold", no_wrap=True)
    table.add_column(_("Status"), no_wrap=True)
    table.add_column(_("Priority"), no_wrap=True)
    table.add_column(_("Customer"), no_wrap=True, max_width=capped(14), overflow="ellipsis")
    table.add_column(_("Subject"))  # wrappable, so the table shrinks it first
    table.add_column(_("Assignee"), no_wrap=True, max_width=capped(12), overflow="ellipsis")
    table.add_column(_("Team"), no_wrap=True, max_width=capped(14), overflow="ellipsis")
    table.add_column(_("Age"), justify="right", no_wrap=True)
    table.add_column(_("Due"), no_wrap=True)  # the earliest service-level due time
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
    if show_rows(views, case_table, N_("No cases match.")) and more:
        note(
            _("showing the first {count} cases; there are more: pass --limit N (0 for all)").format(
                count=len(views)
            )
        )


# How much of one long text (a description, an event's body) `desk case show`
# prints; --full prints everything.  A pasted email stays readable, a
# megabyte does not flood the terminal.
SHOWN_CHARACTERS = 2000


def shortened(text: str, case_id: int | None, *, full: bool = False) -> str:
    """`text`, or its start and a marker saying how much more there is."""
    if full or len(text) <= SHOWN_CHARACTERS:
        return text
    rest = len(text) - SHOWN_CHARACTERS
    more = _("{count} more characters; desk case show {case_id} --full").format(
        count=f"{rest:,}", case_id=case_id
    )
    return f"{text[:SHOWN_CHARACTERS]}... [{more}]"


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
        (_("Case {case_id}").format(case_id=c.id) + " ", "bold"),
        status_text(c.status),
        " ",
        priority_text(c.priority),
    )
    rows: list[tuple[str, Text | str]] = [
        (_("Subject"), user(c.subject, "bold")),
        (_("Customer"), Text.assemble(user(customer.crn, "bold"), " ", user(customer.name))),
        (_("Channel"), shown_channel(c.channel)),
        (_("Category"), user(c.category or "-")),
        (_("Tags"), user(", ".join(c.tags) or "-")),
        (_("Assignee"), user(c.assignee or "-")),
        (
            _("Team / tier"),
            Text.assemble(user(c.team or "-"), " / " + _("tier {tier}").format(tier=c.tier)),
        ),
        (_("Opened"), when(c.created_at)),
        (_("First response"), when(c.first_response_at)),
    ]
    if c.resolved_at or c.resolution:
        rows.append((_("Resolved"), when(c.resolved_at)))
        rows.append((_("Resolution"), user(c.resolution or "-")))
    if c.root_cause:
        rows.append((_("Root cause"), user(c.root_cause)))
    if c.closed_at:
        rows.append((_("Closed"), when(c.closed_at)))
    if c.follow_up_at:
        rows.append((_("Follow-up"), when(c.follow_up_at)))
    if c.reopen_count:
        times_word = n_("{count} time", "{count} times", c.reopen_count)
        rows.append((_("Reopened"), times_word.format(count=c.reopen_count)))
    if c.handling_seconds:
        rows.append((_("Handling time"), times.duration(c.handling_seconds)))
    if c.last_inbound_at:
        rows.append((_("Customer wrote"), when(c.last_inbound_at)))
    if c.csat is not None:
        rating = f"CSAT {c.csat}/5" + (f", NPS {c.nps}/10" if c.nps is not None else "")
        rows.append((_("Rating"), rating))
    rows += clock_rows(getattr(c, "clocks", None))
    rows.append((_("Version"), str(c.version)))
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
        shown.append(history_table(detail.history, title=_("Customer history (other cases)")))
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
    wrote = _("The customer wrote after this case was {status} ({when}, {ago}):").format(
        status=shown_status(c.status), when=times.local(latest.at), ago=times.ago(latest.at)
    )
    reopen = _("Reopen it if it is not solved: desk case reopen {case_id} --reason TEXT")
    return Text.assemble(
        (wrote, "bold red"),
        "\n",
        user(shortened(latest.body, c.id)),
        "\n",
        (reopen.format(case_id=c.id), "dim"),
    )


def timeline(
    events: Sequence[EventFields], *, case_id: int | None = None, full: bool = True
) -> Table:
    from rich.table import Table

    table = Table(title=_("Timeline"), title_justify="left", box=None, pad_edge=False)
    table.add_column(_("When"), no_wrap=True, style="dim")
    table.add_column(_("Agent"), no_wrap=True)
    table.add_column(_("Event"), no_wrap=True, style="bold")
    table.add_column(_("Details"))
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
    "opened": N_("opened"),
    "note": N_("note"),
    "reply": N_("reply"),
    "assigned": N_("assigned"),
    "escalated": N_("escalated"),
    "resolved": N_("resolved"),
    "closed": N_("closed"),
    "reopened": N_("reopened"),
    "follow_up": N_("follow-up"),
    "assist_step": N_("five A's step"),
    "inbound": N_("customer wrote"),
    "feedback": N_("rating"),
    "remedy": N_("remedy"),
    "review": N_("QA review"),
    "kb_promoted": N_("made an article"),
    "kb_used": N_("article used"),
    "edited": N_("edited"),
    "tagged": N_("tagged"),
    "untagged": N_("untagged"),
}


def _event_word(e: EventFields) -> str:
    if e.kind == "status":
        # pending / resume: name the change, not the kind.
        to = (e.data or {}).get("to")
        if to == "open":
            return _("resumed")
        return _("set {status}").format(status=shown_status(str(to)))
    word = _EVENT_WORDS.get(e.kind)
    return _(word) if word else e.kind.replace("_", " ")


def _shown(status: object) -> str:
    return shown_status(str(status)) if status is not None else str(status)


# A five A's step in the timeline: its name as typed in English, the seed's
# words in another language.
_STEP_WORDS = {
    "acknowledge": N_("acknowledge"),
    "apologize": N_("apologize"),
    "answer": N_("answer"),
    "analyze": N_("analyze"),
    "adjust": N_("adjust"),
}


def _step_word(step: object) -> str:
    word = _STEP_WORDS.get(str(step))
    return _(word) if word else str(step)


def _with_body(text: str, body: str) -> str:
    return _("{text}: {body}").format(text=text, body=body) if body else text


def _event_text(e: EventFields, resolution: str = "") -> str:
    data = e.data or {}
    if e.kind == "opened":
        words = [shown_channel(str(data["channel"]))] if data.get("channel") else []
        words += [shown_priority(str(data["priority"]))] if data.get("priority") else []
        return f"{e.body} ({', '.join(words)})" if words else e.body
    if e.kind == "assigned":
        nobody = _("nobody")
        return f"{data.get('from') or nobody} -> {e.body or nobody}"
    if e.kind == "status":
        text = f"{_shown(data.get('from'))} -> {_shown(data.get('to'))}"
        return f"{text}: {e.body}" if e.body else text
    if e.kind == "escalated":
        return _("to {team} (tier {tier}): {body}").format(
            team=data.get("to"), tier=data.get("tier"), body=e.body
        )
    if e.kind == "resolved" and data.get("root_cause"):
        return _("{body} (root cause: {root_cause})").format(
            body=e.body, root_cause=data["root_cause"]
        )
    if e.kind == "closed":
        text = _("closed by {agent}").format(agent=e.agent)
        if resolution:
            text += " " + _("(resolved: {resolution})").format(resolution=resolution)
        return text + (" " + _("in a bulk close") if data.get("bulk") else "")
    if e.kind == "reopened":
        was = _("was {status}").format(status=_shown(data["from"])) if data.get("from") else ""
        return f"{was}: {e.body}" if was and e.body else (e.body or was)
    if e.kind == "assist_step":
        template = _("{step} skipped: {body}") if data.get("status") == "skipped" else None
        template = template or _("{step} done: {body}")
        return template.format(step=_step_word(data.get("step")), body=e.body)
    if e.kind == "inbound":
        channel = data.get("channel")
        text = f"({shown_channel(str(channel))}) {e.body}" if channel else e.body
        moved = data.get("from") != data.get("to") and data.get("to")
        return f"{text} [{_shown(data.get('from'))} -> {_shown(moved)}]" if moved else text
    if e.kind == "feedback":
        text = f"CSAT {data.get('csat')}/5"
        if data.get("nps") is not None:
            text += f", NPS {data['nps']}/10"
        if data.get("credited_agent"):
            text += " " + _("for {agent}").format(agent=data["credited_agent"])
        if data.get("replaced"):
            text += " " + _("(replaces the earlier rating)")
        return _with_body(text, e.body)
    if e.kind == "remedy":
        text = shown_remedy(str(data["kind"])) if data.get("kind") else _("remedy")
        if data.get("amount") is not None:
            text += f" {data['amount']} {data.get('currency')}"
        return _with_body(text, e.body)
    if e.kind == "review":
        text = _("QA score {score}").format(score=data.get("score"))
        if data.get("agent"):
            text += " " + _("for {agent}").format(agent=data["agent"])
        if data.get("flagged"):
            text += " " + _("(FLAGGED: integrity below 5)")
        if data.get("replaced"):
            text += " " + _("(replaces the earlier review)")
        return _with_body(text, e.body)
    if e.kind in ("kb_promoted", "kb_used"):
        return _("article {article_id}: {body}").format(
            article_id=data.get("article_id"), body=e.body
        )
    if e.kind == "edited" and data:
        return ", ".join(map(shown_field, data))
    if e.kind == "follow_up":
        if data.get("done"):
            done = _("follow-up done")
            return _with_body(done, e.body) if e.body not in ("", "done") else done
        if not data.get("at"):
            return e.body
        due = times.parse_when(data["at"])
        text = _("scheduled for {when}").format(when=times.local(due))
        return _with_body(text, e.body)
    return e.body


def history_table(history: Sequence[CaseFields], *, title: str) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column(_("ID"), justify="right", style="bold")
    table.add_column(_("Opened"), no_wrap=True, style="dim")
    table.add_column(_("Status"))
    table.add_column(_("Subject"), overflow="ellipsis", no_wrap=True, max_width=capped(40))
    table.add_column(_("Outcome"), overflow="ellipsis", no_wrap=True, max_width=capped(40))
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
        show_rows(views, follow_ups_table, N_("No follow-ups scheduled."))
        return
    c, customer = next_due
    say(
        _("No follow-up is due; next: case {case_id} ({crn}) on {when} ({ago}).").format(
            case_id=c.id,
            crn=customer.crn,
            when=times.local(c.follow_up_at),
            ago=times.ago(c.follow_up_at),
        )
    )


def follow_ups_table(views: Sequence[CaseAndCustomer]) -> Table:
    from rich.table import Table
    from rich.text import Text

    now = times.now()
    table = Table(box=None, pad_edge=False)
    for column in ("Due", "", "ID", "Status", "Customer", "Subject", "Assignee"):
        table.add_column(_(column), no_wrap=column != "Subject")
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

    summary = Text(_("Active cases: "), style="bold")
    for status, n in data.counts.items():
        summary.append_text(Text.assemble(status_text(status), f" {n}   "))
    if data.follow_ups_due:
        due = _("follow-ups due {count}").format(count=data.follow_ups_due)
        summary.append(due, style="bold red")
    parts: list[Any] = [summary]
    more = data.more()
    for status, views in data.columns.items():
        if views:
            title = f"{shown_status(status).capitalize()} ({data.counts.get(status, 0)})"
            parts.append(case_table(views, title=title))
            if more[status]:
                line = _("... and {count} more (desk case list --status {status})").format(
                    count=more[status], status=status
                )
                parts.append(Text(line, style="dim"))
            parts.append(Text(""))
    return Group(*parts)


def close_summary(summary: CloseSummary) -> None:
    n = len(summary.closed)
    if summary.dry_run:
        if n:
            would = n_("Would close {count} case: {ids}", "Would close {count} cases: {ids}", n)
            say(would.format(count=n, ids=id_list(summary.closed)))
            if summary.resolved:
                first = _("  of which {count} would be resolved first")
                say(first.format(count=len(summary.resolved)))
        else:
            say(_("Nothing to close."))
        say(_("(dry run: nothing was changed)"))
        return
    if n:
        closed = n_(
            "Closed {count} case{resolved}: {ids}", "Closed {count} cases{resolved}: {ids}", n
        )
        resolved = (
            " " + _("({count} resolved in the same step)").format(count=len(summary.resolved))
            if summary.resolved
            else ""
        )
        say(closed.format(count=n, resolved=resolved, ids=id_list(summary.closed)))
    elif not summary.already_closed:
        say(_("Nothing to close."))


def already_closed(ids: Sequence[int]) -> None:
    if ids:
        note(_("already closed, left as is: {ids}").format(ids=id_list(ids)))
