"""The five A's: a step with its context, the summary, the transcript."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from deskcli import times
from deskcli.render.cases import history_table
from deskcli.render.console import fields, out, priority_text, say, status_text, user
from deskcli.render.kb import suggestions_view
from deskcli.sanitize import clean

if TYPE_CHECKING:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from deskcli.reads.queries import CaseDetail
    from deskcli.reads.rows import ArticleRow
    from deskcli.shapes import AssistState


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


def _case_context(t: Callable[[str], str], detail: CaseDetail) -> Table:
    from rich.text import Text

    c, customer = detail.view
    rows: list[tuple[str, Text | str]] = [
        (t("Case"), Text.assemble((f"{c.id} ", "bold"), user(c.subject, "bold"))),
        (t("Customer"), Text.assemble(user(customer.crn, "bold"), " ", user(customer.name))),
        (t("Priority"), priority_text(c.priority)),
        (t("Status"), status_text(c.status)),
        (
            t("Opened"),
            Text(f"{times.local(c.created_at)} ({times.ago(c.created_at, translate=t)})"),
        ),
    ]
    if c.description:  # every step shows it: it is what the customer asked
        rows.append((t("Description"), user(c.description)))
    return fields(rows)


def _history(t: Callable[[str], str], detail: CaseDetail) -> Table | None:
    if not detail.history:
        return None
    return history_table(detail.history[:5], title=t("Customer history"))


def assist_step(
    t: Callable[[str], str],
    name: str,
    detail: CaseDetail,
    state: AssistState,
    *,
    suggested: Sequence[ArticleRow] = (),
) -> None:
    out().print(assist_step_view(t, name, detail, state, suggested=suggested))


def assist_step_view(
    t: Callable[[str], str],
    name: str,
    detail: CaseDetail,
    state: AssistState,
    *,
    suggested: Sequence[ArticleRow] = (),
) -> Panel:
    """One step of the guided flow: its number, guidance and the context it
    needs; `suggested`: knowledge base articles that may answer the case."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from deskcli.workflow import GUIDANCE

    parts: list[Any] = [Text(t(GUIDANCE[name]), style="italic"), Text("")]
    parts.append(_case_context(t, detail))
    if name in ("acknowledge", "analyze"):
        history = _history(t, detail)
        if history is not None:
            parts += [Text(""), history]
    earlier = _earlier_steps(t, state, name)
    if earlier is not None:
        parts += [Text(""), earlier]
    if suggested:
        use = t("desk kb show ID reads one; desk case use-article {case_id} ID records its use")
        parts += [
            Text(""),
            suggestions_view(suggested, title=t("Articles that may help")),
            Text(use.format(case_id=detail.view.case.id), style="dim"),
        ]
    title = Text(_step_title(t, name), style="bold")
    return Panel(Group(*parts), title=title, title_align="left")


def assist_summary(
    t: Callable[[str], str], state: AssistState, *, inactive: str | None = None
) -> None:
    """Where a case stands in the five A's; `inactive` is the status of a
    resolved or closed case, on which no step can be recorded."""
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
    if inactive is not None:
        say(
            t("Case {case_id} is {status}: no step can be recorded.").format(
                case_id=state.case_id,
                status={"resolved": t("resolved"), "closed": t("closed")}.get(inactive, inactive),
            )
        )
        say(
            t("Reopen it first: desk case reopen {case_id} --reason TEXT").format(
                case_id=state.case_id
            )
        )
    elif nxt is None:
        say(t("All five steps are done."))
    else:
        say(t("Next step: {title}").format(title=t(TITLES[nxt])))
    say(t("Handling time: {duration}").format(duration=times.duration(state.handling_seconds)))


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
            f"{times.local(s.at)} · {clean(s.agent or '')} · {times.duration(s.seconds)}",
            style="dim",
        )
        body = (
            user(s.text)
            if s.status == "done"
            else Text.assemble((t("Skipped because: "), "yellow"), user(s.reason))
        )
        out().print(Panel(Text.assemble(body, "\n", meta), title=title, title_align="left"))
    say(t("Handling time: {duration}").format(duration=times.duration(state.handling_seconds)))
