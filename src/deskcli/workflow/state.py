"""The five A's state of a case, derived from its events.  Standard library only
(the read path shows it without the database stack)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from deskcli.domain import EventKind
from deskcli.shapes import AssistState, StepRecord
from deskcli.workflow import STEPS

if TYPE_CHECKING:
    from deskcli.shapes import EventFields


def state_from_events(
    case_id: int, handling_seconds: int, events: Iterable[EventFields]
) -> AssistState:
    """The five A's state from a case's events (others are ignored)."""
    state = AssistState(case_id, [StepRecord(name) for name in STEPS], handling_seconds)
    for event in events:
        data = event.data or {}
        name = data.get("step")
        if event.kind != EventKind.ASSIST_STEP or name not in STEPS:
            continue
        record = state.step(name)
        record.status = data.get("status", "done")
        record.text = data.get("text")
        record.reason = data.get("reason")
        record.at = event.at
        record.agent = event.agent
        record.seconds = int(data.get("seconds") or 0)
        state.last_at = event.at
        if data.get("session"):
            state.sessions.add(str(data["session"]))
    return state
