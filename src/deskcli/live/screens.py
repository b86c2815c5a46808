"""The live board's other screens: a prompt for a few fields, the help, and
a case opened whole."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

KEYS = [
    ("arrows, j / k", "move"),
    ("Enter", "open the case (all of it)"),
    ("t", "take it"),
    ("n", "add an internal note"),
    ("r", "record a reply to the customer"),
    ("e", "escalate it to a team, with a reason"),
    ("/", "filter: text, assignee, team, priority"),
    ("m", "only my cases, or everyone's"),
    ("s", "group by status, or sort by SLA due time"),
    ("?", "this help"),
    ("q", "quit"),
]
MARKS = [
    ("!!", "a service-level clock is breached"),
    ("!", "at risk: due within the hour"),
]


class Prompt(ModalScreen[list[str] | None]):
    """A few text fields; Enter on the last one gives their values, Escape gives None."""

    DEFAULT_CSS = """
    Prompt { align: center middle; }
    Prompt > Vertical { width: 80%; height: auto; border: round $primary; padding: 1 2;
                        background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            for n, (label, value) in enumerate(self.fields):
                yield Label(Text(label))
                yield Input(value=value, id=f"field{n}")
            yield Label(Text("Enter: next field, then done.  Escape: cancel.", style="dim"))

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
        Binding("escape,q,question_mark,enter", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        text = Text("Keys\n", style="bold")
        for key, what in KEYS:
            text.append(f"  {key:<14}", style="bold")
            text.append(f"{what}\n")
        text.append("\nMarks\n", style="bold")
        for mark, what in MARKS:
            text.append(f"  {mark:<14}", style="bold")
            text.append(f"{what}\n")
        text.append(
            "\nThe board follows the database by itself: what anyone changes shows"
            " within two seconds.\n"
        )
        text.append("Escape closes this help.", style="dim")
        yield Static(text)

    def action_close(self) -> None:
        self.dismiss(None)


class CaseScreen(Screen[None]):
    """A case opened whole: every event, long texts in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back to the board"),
    ]

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text, id="case")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
