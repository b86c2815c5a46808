"""Tags on cases: `desk case tag` and `untag`.  A tag is one word, matched
case-insensitively (its `tag_key`), stored as first typed, once per case."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert
from sqlmodel import Session, col

from deskcli import limits
from deskcli.domain import EventKind
from deskcli.errors import InvalidValue
from deskcli.models import CaseTag
from deskcli.services.case_queries import CaseView
from deskcli.services.write_path import apply_change, load_for_write, make_event, require_text


def clean_tag(tag: str) -> str:
    """A tag as stored: stripped, one word, within the label limit."""
    tag = require_text(tag, "a tag", limits.LABEL, one_line=True)
    if any(ch.isspace() for ch in tag):
        raise InvalidValue(f"invalid tag {tag!r}: a tag is one word", hint="e.g. vip, refund")
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
        raise InvalidValue("give at least one tag")
    return list(seen.values())


def retag(
    session: Session,
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
    view = load_for_write(session, case_id, if_version, verb=verb)
    if remove:
        keys = {tag_key(t) for t in wanted}
        changed = [t for t in view.case.tags if tag_key(t) in keys]
    else:
        have = {tag_key(t) for t in view.case.tags}
        changed = [t for t in wanted if tag_key(t) not in have]
    if not changed:
        return view, []
    if remove:
        session.execute(
            delete(CaseTag).where(
                col(CaseTag.case_id) == case_id,
                col(CaseTag.tag_key).in_([tag_key(t) for t in changed]),
            )
        )
    else:
        rows = [{"case_id": case_id, "tag_key": tag_key(t), "tag": t} for t in changed]
        session.execute(insert(CaseTag.__table__), rows)  # type: ignore[attr-defined]
    event = make_event(case_id, agent, kind, ", ".join(changed), {"tags": changed})
    view = apply_change(session, view, [event], verb=verb)
    session.refresh(view.case, ["tag_rows"])
    return view, changed
