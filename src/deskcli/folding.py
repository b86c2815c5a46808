"""Folding text for comparison, the same way on every backend.

Names (CRNs, agents, teams) match case-insensitively: `name_key` is what the
database compares and indexes, while the name itself is stored as first typed.
Searches also ignore accents: `search_fold` folds both the stored search text
and the query, in Python, so SQLite and PostgreSQL agree (neither database
folds non-ASCII letters the same way by itself).  Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

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


# A word: a run of letters and digits (any script), with the combining marks
# that may follow a letter in decomposed text ("e" + U+0301); no underscore.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = re.compile(f"(?:[^\\W_][{_MARKS}]*)+")


def search_words(text: str) -> list[str]:
    """The folded words of `text`, as the knowledge base indexes and queries
    them: both backends are given these words (joined by spaces), so neither
    database's own tokenizer decides what a word is."""
    return _WORD.findall(search_fold(text))


def indexed_text(text: str) -> str:
    """`text` as the search index stores it: its folded words, one space apart."""
    return " ".join(search_words(text))


def word_spans(text: str) -> Iterator[tuple[int, int, list[str]]]:
    """(start, end, folded words) of each word of the original `text`, in
    order: where a match is, for a snippet of the text as it was typed."""
    for match in _WORD.finditer(text):
        yield match.start(), match.end(), search_words(match.group())
