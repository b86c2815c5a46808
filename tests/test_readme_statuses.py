"""The README's status table says what domain.TRANSITIONS does: same verbs,
same from-statuses, same to-status, and its refusal example is the table's."""

from __future__ import annotations

import re
from pathlib import Path

from deskcli.domain import ACTIVE_STATUSES, TRANSITIONS, Status

README = Path(__file__).resolve().parents[1] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{title}\n")
    end = text.find("\n#", start + len(title) + 2)
    return text[start : end if end != -1 else None]


def _statuses(cell: str) -> set[Status]:
    """'new, open' or 'any active' as statuses."""
    found: set[Status] = set()
    for word in (w.strip() for w in cell.split(",")):
        found |= set(ACTIVE_STATUSES) if word == "any active" else {Status(word)}
    return found


def _rows() -> dict[str, tuple[str, str]]:
    """verb -> (from cell, to cell), one entry per verb of a row."""
    rows: dict[str, tuple[str, str]] = {}
    for line in _section("### Statuses").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue  # the header, its rule, the prose around the table
        for verb in re.findall(r"`([a-z-]+)`", cells[0]):
            rows[verb] = (cells[1], cells[2])
    return rows


def test_the_readme_status_table_matches_the_transitions() -> None:
    rows = _rows()
    changing = {v for v, t in TRANSITIONS.items() if t.to is not None or t.opens or t.moves}
    assert set(rows) == changing
    for verb, (from_cell, to_cell) in rows.items():
        transition = TRANSITIONS[verb]
        main, _, aside = from_cell.partition(" (")
        from_statuses = _statuses(main)
        to = Status(re.split(r"[;:( ]", to_cell, maxsplit=1)[0])
        if transition.to is None:
            # Verbs that keep the status except where the row says it changes.
            changed = {s for s in transition.allowed if transition.target(s) != s}
            assert from_statuses == changed, verb
            assert {transition.target(s) for s in changed} == {to}, verb
        else:
            assert from_statuses == transition.allowed, verb
            assert transition.to == to, verb
        if aside:  # close: "(any active with `--resolution`)" resolves first
            assert verb == "close" and "--resolution" in aside
            assert _statuses(aside.split(" with ")[0]) == TRANSITIONS["resolve"].allowed


def test_the_readme_refusal_example_is_the_tables_sentence() -> None:
    example = re.search(r"desk: error: case (\d+) is (\w+); .*", _section("### Statuses"))
    assert example is not None
    refusal = TRANSITIONS["close"].refusal(int(example[1]), example[2])
    assert example[0] == f"desk: error: {refusal}"
