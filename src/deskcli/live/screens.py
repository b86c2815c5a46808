"""The live board's other screens: a prompt for a few fields, the help, and
a case opened whole."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from deskcli.lang import N_, _

KEYS = [
    (N_("arrows, j / k"), N_("move")),
    (N_("Enter"), N_("open the case (all of it)")),
    ("t", N_("take it")),
    ("n", N_("add an internal note")),
    ("r", N_("record a reply to the customer")),
    ("e", N_("escalate it to a team, with a reason")),
    ("/", N_("filter: text, assignee, team, priority")),
    ("m", N_("only my cases, or everyone's")),
    ("s", N_("group by status, or sort by SLA due time")),
    ("?", N_("this help")),
    ("q", N_("quit")),
]
MARKS = [
    ("!!", N_("a service-level clock is breached")),
    ("!", N_("at risk: due within the hour")),
]


def translate_bindings(node: DOMNode) -> None:
    """The key line in this command line's language: the bindings' descriptions
    are N_() marked at class level and translated per instance here."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=_(b.description)) if b.description else b for b in bindings
        ]


class Prompt(ModalScreen[list[str] | None]):
    """A few text fields; Enter on the last one gives their values, Escape gives None."""

    DEFAULT_CSS = """
    Prompt { align: center middle; }
    Prompt > Vertical { width: 80%; height: auto; border: round $primary; padding: 1 2;
                        background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, fields: list[tuple[str, str]]) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            for n, (label, value) in enumerate(self.fields):
                yield Label(Text(label))
                yield Input(value=value, id=f"field{n}")
            yield Label(Text(_("Enter: next field, then done.  Escape: cancel."), style="dim"))

    def on_mount(self) -> None:
        self.query_one("#field0", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        at = inputs.index(event.input)
        if at + 1 < len(inputs):
            inputs[at + 1].focus()
            return
        self.dismiss([field.value for field in inputs])

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Static { width: 70; height: auto; border: round $primary; padding: 1 2;
                          background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,enter", "close", N_("Close")),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        text = Text(_("Keys") + "\n", style="bold")
        for key, what in KEYS:
            text.append(f"  {_(key):<14}", style="bold")
            text.append(f"{_(what)}\n")
        text.append("\n" + _("Marks") + "\n", style="bold")
        for mark, what in MARKS:
            text.append(f"  {mark:<14}", style="bold")
            text.append(f"{_(what)}\n")
        text.append(
            "\n"
            + _(
                "The board follows the database by itself: what anyone changes shows"
                " within two seconds."
            )
            + "\n"
        )
        text.append(_("Escape closes this help."), style="dim")
        yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)


class CaseScreen(Screen[None]):
    """A case opened whole: every event, long texts in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", N_("Back to the board")),
    ]

    def __init__(self, text: Text) -> None:
        super().__init__()
        translate_bindings(self)
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text, id="case")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
