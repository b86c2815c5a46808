"""Folding text for comparison, the same way on every backend.

Names (CRNs, agents, teams) match case-insensitively: `name_key` is what the
database compares and indexes, while the name itself is stored as first typed.
Searches also ignore accents: `search_fold` folds both the stored search text
and the query, in Python, so SQLite and PostgreSQL agree (neither database
folds non-ASCII letters the same way by itself).  Standard library only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# The event kinds whose body is part of a case's conversation, searched by
# `desk case list --search` with the case's subject, description and resolution.
SEARCHED_EVENT_KINDS = ("note", "reply", "inbound")


def name_key(name: str | None) -> str | None:
    """The case-insensitive key of a CRN, agent or team name."""
    if name is None:
        return None
    return unicodedata.normalize("NFC", name.strip()).casefold()


def strip_accents(text: str) -> str:
    """`text` in compatibility decomposition (NFKD) without its combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_fold(text: str) -> str:
    """Lower case without accents: "José Ñúñez" -> "jose nunez", "Straße" -> "strasse"."""
    # casefold first: it can itself produce combining marks ("İ" -> "i̇").
    return strip_accents(text.casefold())


def sorted_tags(tags: Iterable[str]) -> list[str]:
    """A case's tags in the order every output shows them: case-insensitively,
    then as typed."""
    return sorted(tags, key=lambda tag: (tag.lower(), tag))


def search_text(parts: Iterable[str | None]) -> str:
    """The folded search text of several fields, one a line, so that a search
    never matches across two fields."""
    return "\n".join(search_fold(p) for p in parts if p)
