"""What `desk case list` and `desk case close` filter on, and the search-text
rules.  Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from deskcli.domain import Channel, Priority, Status
from deskcli.errors import InvalidValue
from deskcli.lang import N_

# Longer searches are refused (exit 2) rather than handed to the database:
# SQLite refuses LIKE patterns over 50,000 bytes, and nobody types 1,000 characters.
SEARCH_LIMIT = 1000


def check_search(text: str | None) -> str | None:
    """`--search` text, unless it is longer than SEARCH_LIMIT characters."""
    if text is not None and len(text) > SEARCH_LIMIT:
        raise InvalidValue(
            N_("--search is {length:,} characters long; the limit is {limit:,}"),
            hint=N_("search for a shorter part of the text"),
            params={"length": len(text), "limit": SEARCH_LIMIT},
        )
    return text


def like_pattern(text: str) -> str:
    """`%text%` for LIKE ... ESCAPE '\\', with the text's own % and _ taken literally
    (the query is data: never LIKE syntax)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class CaseFilter:
    """The filters of `desk case list` (and of `desk case close`)."""

    include_all: bool = False  # otherwise only active cases, unless statuses are given
    statuses: tuple[Status, ...] = ()
    priorities: tuple[Priority, ...] = ()
    assignee: str | None = None
    unassigned: bool = False
    customer_crn: str | None = None
    category: str | None = None
    channel: Channel | None = None
    team: str | None = None
    older_than: timedelta | None = None
    search: str | None = None
    exclude_closed: bool = False
    tags: tuple[str, ...] = ()  # every one must match, case-insensitively

    def __post_init__(self) -> None:
        check_search(self.search)

    @property
    def narrowed(self) -> bool:
        """True when any filter beyond the default was given."""
        return self != CaseFilter(include_all=self.include_all, exclude_closed=self.exclude_closed)
