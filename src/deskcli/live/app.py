"""The live board: a Textual app over the read path and the case services.

Every piece of user text reaches the screen as a Rich `Text` (never a markup
string), after `sanitize`, so markup and escape sequences show literally.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from deskcli import sanitize, times
from deskcli.cli._context import AppContext, check_text
from deskcli.domain import ACTIVE_STATUSES, shown_priority, shown_status
from deskcli.errors import DeskError
from deskcli.lang import N_, _
from deskcli.live.data import Detail, ListFilter, Snapshot, by_status, read_detail, read_list
from deskcli.live.screens import CaseScreen, HelpScreen, Prompt, translate_bindings
from deskcli.live.watch import Marker, marker_for
from deskcli.reads.rows import CaseView
from deskcli.render.cases import _event_word
from deskcli.render.console import PRIORITY_STYLE, STATUS_STYLE
from deskcli.render.sla_clocks import AT_RISK_SECONDS, clock_rows, due_text
from deskcli.tx import Tx

# How often the change marker is read: a change shows within twice this.
POLL_SECONDS = 0.5
# Relative times ("in 20m", "breached 5m ago") are redrawn this often even
# when nothing changes.
REDRAW_SECONDS = 30.0
LAST_EVENTS = 5
SUBJECT_WIDTH = 36
GROUP_KEY = "group:"


def _line(value: object, style: str = "") -> Text:
    return Text(sanitize.one_line("" if value is None else value), style=style)


def _short(value: str, width: int) -> Text:
    """User text on one line, cut to `width` with an ellipsis."""
    flat = sanitize.one_line(value)
    return Text(flat if len(flat) <= width else flat[: width - 1] + "…")


def _text(value: object, style: str = "") -> Text:
    return Text(sanitize.clean("" if value is None else value), style=style)


def _mark(case_due: datetime | None, now: datetime) -> Text:
    """'!!' breached, '!' at risk (due within the hour), else blank."""
    if case_due is None:
        return Text("")
    left = (case_due - now).total_seconds()
    if left < 0:
        return Text("!!", style="bold red")
    if left <= AT_RISK_SECONDS:
        return Text("!", style="yellow")
    return Text("")


class LiveBoard(App[None]):
    """`desk board --live`."""

    TITLE = "desk board --live"
    CSS = """
    #header { height: auto; padding: 0 1; }
    #main { height: 1fr; }
    #cases { width: 2fr; }
    #side { width: 1fr; min-width: 40; border-left: solid $primary-darken-2; padding: 0 1; }
    #table { height: 1fr; }
    #follow { height: auto; max-height: 7; padding: 0 1; }
    #message { height: 1; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "down", N_("Down"), show=False),
        Binding("k", "up", N_("Up"), show=False),
        Binding("t", "take", N_("Take")),
        Binding("n", "note", N_("Note")),
        Binding("r", "reply", N_("Reply")),
        Binding("e", "escalate", N_("Escalate")),
        Binding("slash", "filter", N_("Filter")),
        Binding("m", "mine", N_("Mine")),
        Binding("s", "switch", N_("Group/sort")),
        Binding("question_mark", "help", N_("Help")),
        Binding("q", "quit", N_("Quit")),
    ]
    # The table's columns: (key, header); the subject before the names, so
    # that on a narrow terminal it is what stays in sight.
    COLUMNS = (
        ("mark", ""),
        ("ID", N_("ID")),
        ("Pri", N_("Pri")),
        ("Status", N_("Status")),
        ("Due", N_("Due")),
        ("Subject", N_("Subject")),
        ("Assignee", N_("Assignee")),
        ("Team", N_("Team")),
        ("Customer", N_("Customer")),
    )

    def __init__(self, st: AppContext) -> None:
        super().__init__()
        translate_bindings(self)
        self.st = st
        self.filter = ListFilter()
        self.grouped = True  # by status; False: one list by SLA due time
        self.snapshot: Snapshot | None = None
        self.detail: Detail | None = None
        self.marker: Marker | None = None
        self.seen: Hashable = None
        self.reloads = 0  # how many times the list was read (tests check it)

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="header")
        with Horizontal(id="main"):
            with Vertical(id="cases"):
                table: DataTable[Text] = DataTable(
                    id="table", cursor_type="row", zebra_stripes=True
                )
                yield table
                yield Static(id="follow")
            with VerticalScroll(id="side"):
                yield Static(id="detail")
        yield Static(id="message")
        yield Footer()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#table", DataTable)

    def on_mount(self) -> None:
        table = self.table
        for key, name in self.COLUMNS:
            table.add_column(_(name), key=key)
        self.reload_list()
        try:
            self.marker = marker_for(self.st)
            self.seen = self.marker()
        except DeskError as exc:
            self.say_error(exc)
        self.set_interval(POLL_SECONDS, self.poll)
        self.set_interval(REDRAW_SECONDS, self.redraw)
        table.focus()

    def on_unmount(self) -> None:
        if self.marker is not None:
            self.marker.close()

    # -- reading ------------------------------------------------------------------

    def poll(self) -> None:
        """Read the change marker; on a change, read the list and the selected case again."""
        if self.marker is None:
            return
        try:
            now = self.marker()
        except DeskError as exc:
            self.say_error(exc)
            return
        if now != self.seen:
            self.seen = now
            self.reload_list()

    def reload_list(self) -> None:
        try:
            wanted = self.filter.case_filter(self.st.agent)
            self.snapshot = self.st.read(lambda source: read_list(source, wanted))
        except DeskError as exc:
            self.say_error(exc)
            return
        self.reloads += 1
        self.show_list()
        self.load_detail(self.selected_id())

    def load_detail(self, case_id: int | None) -> None:
        if case_id is None:
            self.detail = None
        else:
            try:
                self.detail = self.st.read(lambda source: read_detail(source, case_id))
            except DeskError as exc:
                self.detail = None
                self.say_error(exc)
        self.show_detail()

    def redraw(self) -> None:
        """Times move on without a change to the data: draw them again."""
        self.show_list()
        self.show_detail()

    # -- drawing -------------------------------------------------------------------

    def selected_id(self) -> int | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None or key.startswith(GROUP_KEY):
            return None
        return int(key)

    def show_list(self) -> None:
        data = self.snapshot
        if data is None:
            return
        table = self.table
        keep_id, keep_row, keep_y = self.selected_id(), table.cursor_row, table.scroll_y
        now = times.now()
        table.clear()
        if self.grouped:
            for status, views in by_status(data.views).items():
                if not views:
                    continue
                label = Text(
                    f"{shown_status(status)} ({len(views)})",
                    style=STATUS_STYLE.get(status, "bold"),
                )
                cells = [Text("")] * (len(table.columns) - 5)
                table.add_row(
                    Text("──"), Text(""), Text(""), Text(""), label, *cells, key=GROUP_KEY + status
                )
                for view in views:
                    self.add_case(view, now)
        else:
            for view in data.views:
                self.add_case(view, now)
        if keep_id is not None and str(keep_id) in table.rows:
            row = table.get_row_index(str(keep_id))
        else:
            row = min(keep_row, max(0, table.row_count - 1))
        if not self.grouped or keep_id is None:
            row = self.first_case_row(row)
        table.move_cursor(row=row, scroll=False)
        # The rows are laid out on the next refresh; scroll back then.
        self.call_after_refresh(table.scroll_to, y=keep_y, animate=False)
        self.show_header()
        self.show_follow_ups()

    def first_case_row(self, row: int) -> int:
        """`row`, or the first case row after it when it is a group's heading."""
        table = self.table
        for index in range(row, table.row_count):
            key = table.ordered_rows[index].key.value
            if key is not None and not key.startswith(GROUP_KEY):
                return index
        return row

    def add_case(self, view: CaseView, now: datetime) -> None:
        case, customer = view
        self.table.add_row(
            _mark(case.due_at, now),
            Text(str(case.id)),
            Text(shown_priority(case.priority), style=PRIORITY_STYLE.get(case.priority, "")),
            Text(shown_status(case.status), style=STATUS_STYLE.get(case.status, "")),
            due_text(case.due_at, now),
            _short(case.subject, SUBJECT_WIDTH),
            _line(case.assignee or "-"),
            _line(case.team or "-"),
            _line(customer.crn),
            key=str(case.id),
        )

    def show_header(self) -> None:
        data = self.snapshot
        assert data is not None
        header = Text(_("Active cases:") + " ", style="bold")
        for status in ACTIVE_STATUSES:
            header.append(shown_status(status), style=STATUS_STYLE.get(status, ""))
            header.append(f" {data.counts.get(status, 0)}   ")
        if data.follow_ups_due:
            header.append(
                _("follow-ups due: {count}").format(count=data.follow_ups_due), style="bold red"
            )
        header.append("\n")
        header.append(_("by status") if self.grouped else _("by SLA due time"), style="bold")
        header.append("  ·  " + _("{count} shown").format(count=len(data.views)))
        if data.more:
            header.append(" " + _("(more match: narrow the filter with /)"), style="yellow")
        described = self.filter.describe(self.st.agent)
        if described:
            header.append("  ·  " + _("filter:") + " ")
            header.append(_line(described))
        you = _("you are {agent}").format(agent=sanitize.one_line(self.st.agent))
        header.append("  ·  " + you, style="dim")
        self.query_one("#header", Static).update(header)

    def show_follow_ups(self) -> None:
        data = self.snapshot
        assert data is not None
        follow = self.query_one("#follow", Static)
        if not data.follow_ups:
            follow.update(Text(_("No follow-up is due."), style="dim"))
            return
        title = _("Follow-ups due ({count})").format(count=data.follow_ups_due)
        text = Text(title + "\n", style="bold")
        for case, customer in data.follow_ups:
            text.append(f"  {times.local(case.follow_up_at)}  #{case.id}  ", style="red")
            text.append_text(_line(customer.crn))
            text.append("  ")
            text.append_text(_line(case.subject[:60]))
            text.append("\n")
        follow.update(text)

    def show_detail(self) -> None:
        pane = self.query_one("#detail", Static)
        if self.detail is None:
            pane.update(Text(_("No case selected."), style="dim"))
            return
        pane.update(detail_text(self.detail, LAST_EVENTS))

    def on_data_table_row_highlighted(self) -> None:
        case_id = self.selected_id()
        shown = self.detail.detail.view.case.id if self.detail else None
        if case_id != shown:
            self.load_detail(case_id)

    def on_data_table_row_selected(self) -> None:
        self.action_open()

    # -- messages -------------------------------------------------------------------

    def say(self, message: str) -> None:
        self.query_one("#message", Static).update(_line(message, style="green"))

    def say_error(self, exc: DeskError) -> None:
        """A refusal's one line (and its hint), in the app: nothing crashes the screen."""
        exc.localize(_)
        text = _line(_("error: {message}").format(message=exc.message), style="bold red")
        if exc.hint:
            text.append_text(_line(f"  ({exc.hint})", style="dim"))
        self.query_one("#message", Static).update(text)

    # -- keys --------------------------------------------------------------------------

    def action_down(self) -> None:
        self.table.action_cursor_down()

    def action_up(self) -> None:
        self.table.action_cursor_up()

    def action_switch(self) -> None:
        self.grouped = not self.grouped
        self.show_list()

    def action_mine(self) -> None:
        old = self.filter
        self.filter = ListFilter(old.text, old.assignee, old.team, old.priority, not old.mine)
        self.reload_list()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_open(self) -> None:
        case_id = self.chosen()
        if case_id is None:
            return
        try:
            found = self.st.read(lambda source: read_detail(source, case_id))
        except DeskError as exc:
            self.say_error(exc)
            return
        self.push_screen(CaseScreen(detail_text(found, None)))

    def action_filter(self) -> None:
        f = self.filter
        fields = [
            (N_("text"), _("Text"), f.text),
            (N_("assignee"), _("Assignee"), f.assignee),
            (N_("team"), _("Team"), f.team),
            (N_("priority"), _("Priority (low, normal, high, urgent)"), f.priority),
        ]

        def done(values: list[str] | None) -> None:
            if values is None:
                return
            try:
                for (name, _label, _value), value in zip(fields, values, strict=True):
                    check_text(value, _(name))
                text, assignee, team, priority = values
                new = ListFilter(text, assignee, team, priority, mine=f.mine)
                new.case_filter(self.st.agent)  # refuses a bad priority before it is kept
            except DeskError as exc:
                self.say_error(exc)
                return
            self.filter = new
            described = new.describe(self.st.agent) or _("none")
            self.say(_("Filter: {filter}").format(filter=described))
            self.reload_list()

        prompt = Prompt(_("Filter the cases (empty: any)"), [(a, b) for _n, a, b in fields])
        self.push_screen(prompt, done)

    def action_take(self) -> None:
        from deskcli.services import cases

        self.change(
            lambda tx, agent, case_id: cases.take(tx, agent=agent, case_id=case_id),
            lambda v: _("Case {id} is yours ({status}).").format(
                id=v.case.id, status=shown_status(v.case.status)
            ),
        )

    def action_note(self) -> None:
        from deskcli.services import cases

        self.ask(
            _("Internal note"),
            [(N_("note"), _("Note"))],
            lambda tx, agent, case_id, text: cases.add_note(
                tx, agent=agent, case_id=case_id, text=text
            ),
            lambda v: _("Note added to case {id}.").format(id=v.case.id),
        )

    def action_reply(self) -> None:
        from deskcli.services import cases

        self.ask(
            _("Reply to the customer"),
            [(N_("reply"), _("Reply"))],
            lambda tx, agent, case_id, text: cases.add_reply(
                tx, agent=agent, case_id=case_id, text=text
            ),
            lambda v: _("Reply recorded on case {id} ({status}).").format(
                id=v.case.id, status=shown_status(v.case.status)
            ),
        )

    def action_escalate(self) -> None:
        from deskcli.services import cases

        self.ask(
            _("Escalate to another team"),
            [(N_("team"), _("Team")), (N_("reason"), _("Reason"))],
            lambda tx, agent, case_id, team, reason: cases.escalate(
                tx, agent=agent, case_id=case_id, team=team, reason=reason
            ),
            lambda v: _("Case {id} escalated to {team} (tier {tier}).").format(
                id=v.case.id, team=v.case.team, tier=v.case.tier
            ),
        )

    # -- actions through the services ----------------------------------------------------

    def chosen(self) -> int | None:
        case_id = self.selected_id()
        if case_id is None:
            self.query_one("#message", Static).update(
                Text(_("Select a case first (arrows or j/k)."), style="yellow")
            )
        return case_id

    def ask(
        self,
        title: str,
        fields: list[tuple[str, str]],  # (name in messages, label), both shown translated
        action: Callable[..., CaseView],
        said: Callable[[CaseView], str],
    ) -> None:
        case_id = self.chosen()
        if case_id is None:
            return

        def done(values: list[str] | None) -> None:
            if values is None:
                self.say(_("Nothing changed."))
                return
            try:
                for (name, _label), value in zip(fields, values, strict=True):
                    check_text(value, _(name))
            except DeskError as exc:
                self.say_error(exc)
                return
            self.change(
                lambda tx, agent, case_id: action(tx, agent, case_id, *values), said, case_id
            )

        heading = _("{title}: case {id}").format(title=title, id=case_id)
        self.push_screen(Prompt(heading, [(label, "") for _name, label in fields]), done)

    def change(
        self,
        action: Callable[[Tx, str, int], CaseView],
        said: Callable[[CaseView], str],
        case_id: int | None = None,
    ) -> None:
        """One change in one write transaction, as the `desk case` verbs make it."""
        if case_id is None:
            case_id = self.chosen()
            if case_id is None:
                return
        try:
            with self.st.writing() as tx:
                view = action(tx, self.st.agent, case_id)
        except DeskError as exc:
            self.say_error(exc)
            return
        self.say(said(view))
        self.poll()


def detail_text(found: Detail, last_events: int | None) -> Text:
    """The selected case: summary, SLA clocks, the last events (all with
    None), and the articles that may help."""
    case, customer = found.detail.view
    now = times.now()
    text = Text()
    text.append(_("Case {id}").format(id=case.id) + "  ", style="bold")
    text.append(shown_status(case.status), style=STATUS_STYLE.get(case.status, ""))
    text.append("  ")
    text.append(shown_priority(case.priority), style=PRIORITY_STYLE.get(case.priority, ""))
    text.append("\n")
    text.append_text(_line(case.subject, style="bold"))
    text.append("\n")
    rows: list[tuple[str, Any]] = [
        (_("Customer"), _line(f"{customer.crn}  {customer.name}")),
        (_("Assignee"), _line(case.assignee or "-")),
        (
            _("Team"),
            _line(_("{team} (tier {tier})").format(team=case.team or "-", tier=case.tier)),
        ),
        (
            _("Opened"),
            Text(f"{times.local(case.created_at)} ({times.ago(case.created_at, now)})"),
        ),
        (_("Due"), due_text(case.due_at, now)),
    ]
    if case.follow_up_at is not None:
        rows.append((_("Follow-up"), Text(times.local(case.follow_up_at))))
    if case.tags:
        rows.append((_("Tags"), _line(", ".join(case.tags))))
    rows += clock_rows(case.clocks)
    for label, value in rows:
        text.append(_("{label}:").format(label=label) + " ", style="bold")
        text.append_text(value if isinstance(value, Text) else Text(str(value)))
        text.append("\n")
    if case.description:
        text.append("\n")
        body = case.description if last_events is None else case.description[:400]
        text.append_text(_text(body))
        text.append("\n")
    events = found.detail.events
    shown = events if last_events is None else events[-last_events:]
    if last_events is None:
        title = _("Timeline")
    else:
        title = _("Last events ({shown} of {count})").format(shown=len(shown), count=len(events))
    text.append(f"\n{title}\n", style="bold")
    for event in shown:
        text.append(f"{times.local(event.at)}  ", style="dim")
        text.append_text(_line(event.agent))
        text.append(f"  {_event_word(event)}", style="cyan")
        if event.body:
            text.append("  ")
            body = event.body if last_events is None else event.body[:120]
            text.append_text(_line(body) if last_events is not None else _text(body))
        text.append("\n")
    text.append("\n" + _("Knowledge base") + "\n", style="bold")
    if not found.articles:
        text.append(_("No article matches this case.") + "\n", style="dim")
    for article in found.articles:
        text.append(f"  #{article.id}  ")
        text.append_text(_line(article.title))
        text.append("\n")
    if found.articles:
        said = _("{command} records one").format(command=f"desk case use-article {case.id} ID")
        text.append(f"  {said}\n", style="dim")
    return text
