"""Tags on cases: `desk case tag` and `untag`.  A tag is one word, matched
case-insensitively (its `tag_key`), stored as first typed, once per case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from deskcli import limits
from deskcli.domain import EventKind
from deskcli.errors import InvalidValue
from deskcli.folding import sorted_tags
from deskcli.lang import N_
from deskcli.reads.rows import CaseView
from deskcli.reads.source import in_list
from deskcli.services.write_path import apply_change, load_for_write, make_event, require_text
from deskcli.tx import Tx


def clean_tag(tag: str) -> str:
    """A tag as stored: stripped, one word, within the label limit."""
    tag = require_text(tag, N_("a tag"), limits.LABEL, one_line=True)
    if any(ch.isspace() for ch in tag):
        raise InvalidValue(
            N_("invalid tag {tag!r}: a tag is one word"),
            hint=N_("e.g. vip, refund"),
            params={"tag": tag},
        )
    return tag


def tag_key(tag: str) -> str:
    return tag.strip().lower()


def _unique(tags: Sequence[str]) -> list[str]:
    """The tags, cleaned, first spelling of each (case-insensitively) kept."""
    seen: dict[str, str] = {}
    for tag in tags:
        cleaned = clean_tag(tag)
        seen.setdefault(tag_key(cleaned), cleaned)
    if not seen:
        raise InvalidValue(N_("give at least one tag"))
    return list(seen.values())


def retag(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    tags: Sequence[str],
    remove: bool = False,
    if_version: int | None = None,
) -> tuple[CaseView, list[str]]:
    """Add the tags the case lacks (`desk case tag`), or with `remove` take the
    given ones off (`desk case untag`, any case).  Returns the case and the
    tags added or removed, as stored; none: nothing changed, no event."""
    verb, kind = ("untag", EventKind.UNTAGGED) if remove else ("tag", EventKind.TAGGED)
    wanted = _unique(tags)
    view = load_for_write(tx, case_id, if_version, verb=verb)
    if remove:
        keys = {tag_key(t) for t in wanted}
        changed = [t for t in view.case.tags if tag_key(t) in keys]
    else:
        have = {tag_key(t) for t in view.case.tags}
        changed = [t for t in wanted if tag_key(t) not in have]
    if not changed:
        return view, []
    if remove:
        params: dict[str, Any] = {"case_id": case_id}
        removed = in_list("tag_key", "k", [tag_key(t) for t in changed], params)
        tx.execute(f"DELETE FROM case_tag WHERE case_id = :case_id AND {removed}", params)
        left = [t for t in view.case.tags if t not in changed]
    else:
        rows = [{"case_id": case_id, "tag_key": tag_key(t), "tag": t} for t in changed]
        tx.execute_many(INSERT_TAG, rows)
        left = sorted_tags([*view.case.tags, *changed])
    event = make_event(case_id, agent, kind, ", ".join(changed), {"tags": changed})
    view = apply_change(tx, view, [event], verb=verb)
    return CaseView(replace(view.case, tags=left), view.customer), changed


INSERT_TAG = "INSERT INTO case_tag (case_id, tag_key, tag) VALUES (:case_id, :tag_key, :tag)"
