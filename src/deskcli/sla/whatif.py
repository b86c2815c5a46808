"""What `desk sla what-if` finds: per clock, the cases that ran it and how
many of its runs met or breached their targets, under the policies as they
are and with a change (services.sla_whatif replays the cases).  Standard
library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskcli.sla.replay import ClockRun


@dataclass
class Tally:
    met: int = 0
    breached: int = 0

    def count(self, runs: Iterable[ClockRun], now: datetime) -> None:
        """Add the verdicts of `runs` at `now`; a run still in time counts in neither."""
        for run in runs:
            verdict = run.verdict(now)
            if verdict == "met":
                self.met += 1
            elif verdict == "breached":
                self.breached += 1


@dataclass
class ClockTally:
    """One clock: the cases that ran it, and its runs' verdicts before and after."""

    cases: int = 0
    before: Tally = field(default_factory=Tally)
    after: Tally = field(default_factory=Tally)


@dataclass
class WhatIf:
    priority: str
    since: datetime
    cases: int
    # The targets of `priority` as they are and as asked: {clock}_seconds and calendar.
    now_terms: dict[str, Any]
    changed_terms: dict[str, Any]
    clocks: dict[str, ClockTally]
