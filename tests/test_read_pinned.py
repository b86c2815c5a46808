"""The everyday reads' output, pinned line for line on the demo database at a
fixed time (tests/pinned_reads.txt), so a change of read path that changes a
character fails here.  Both backends must print the same.

Regenerate (only for an intended change of output): DESK_PIN_UPDATE=1 pytest
tests/test_read_pinned.py, then read the diff.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Desk

PINNED = Path(__file__).with_name("pinned_reads.txt")
NOW = "2026-06-01T12:00:00+00:00"

READS: list[tuple[str, ...]] = [
    ("case", "list"),
    ("case", "list", "--json"),
    ("case", "list", "--ids"),
    ("case", "list", "--all", "--limit", "100"),
    ("case", "list", "--all", "--sort", "priority", "--limit", "15"),
    ("case", "list", "--all", "--sort", "oldest", "--ids"),
    ("case", "list", "--all", "--sort", "updated", "--limit", "10"),
    ("case", "list", "--all", "--sort", "follow-up", "--ids"),
    ("case", "list", "--all", "--sort", "id", "--ids"),
    ("case", "list", "--json", "--status", "open", "--limit", "50"),
    ("case", "list", "--status", "resolved", "--status", "pending", "--priority", "high"),
    ("case", "list", "--all", "--assignee", "LUIS", "--ids"),
    ("case", "list", "--mine", "--as", "maria", "--all"),
    ("case", "list", "--unassigned"),
    ("case", "list", "--all", "--customer", "C-1002"),
    ("case", "list", "--all", "--category", "Billing", "--channel", "phone", "--ids"),
    ("case", "list", "--all", "--team", "Tier2", "--json"),
    ("case", "list", "--all", "--older-than", "10d", "--ids"),
    ("case", "list", "--all", "--search", "ROUTER"),
    ("case", "list", "--all", "--search", "cafe", "--ids"),
    ("case", "list", "--all", "--tag", "vip"),
    ("case", "list", "--all", "--tag", "VIP", "--tag", "outage", "--ids"),
    ("case", "list", "--limit", "3"),
    ("case", "list", "--customer", "C-404"),
    ("case", "list", "--status", "closed", "--search", "nothing-like-this"),
    ("case",),
    ("case", "--as", "luis"),
    ("case", "show", "3"),
    ("case", "show", "3", "--json"),
    ("case", "show", "10"),
    ("case", "show", "19", "--json"),
    ("case", "show", "40"),
    ("case", "show", "999"),
    ("board",),
    ("board", "--json"),
    ("follow-ups",),
    ("follow-ups", "--json"),
    ("follow-ups", "--due"),
    ("follow-ups", "--due", "--ids"),
    ("follow-ups", "--limit", "2", "--ids"),
    ("customer", "show", "C-1005"),
    ("customer", "show", "C-1005", "--json"),
    ("customer", "show", "C-1002", "--limit", "2"),
    ("customer", "show", "C-404"),
    ("customer", "list"),
    ("customer", "list", "--json"),
    ("customer", "list", "--search", "EXAMPLE.com", "--limit", "2"),
]


@pytest.fixture
def demo_desk(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The demo database at NOW in UTC, with a few tags and a note that
    folded search finds."""
    monkeypatch.setenv("DESK_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    setup = [
        ("demo",),
        ("case", "tag", "3", "VIP", "outage"),
        ("case", "tag", "10", "vip"),
        ("case", "tag", "24", "Outage"),
        ("case", "note", "27", "Customer at the Café on the corner"),
    ]
    for args in setup:
        result = desk(*args)
        assert result.exit_code == 0, result.output
    yield desk
    monkeypatch.delenv("TZ")
    time.tzset()


def _transcript(desk: Desk) -> str:
    parts = []
    for args in READS:
        result = desk(*args)
        parts.append(
            f"$ desk {' '.join(args)}\n{result.stdout}{result.stderr}[exit {result.exit_code}]\n"
        )
    return "\n".join(parts)


def test_reads_print_what_they_printed(demo_desk: Desk) -> None:
    got = _transcript(demo_desk)
    if os.environ.get("DESK_PIN_UPDATE"):
        PINNED.write_text(got, encoding="utf-8")
    assert got == PINNED.read_text(encoding="utf-8")
