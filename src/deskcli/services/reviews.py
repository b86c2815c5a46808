"""QA reviews (seed 000): a reviewer scores how a resolved or closed case was
handled on six pillars (personalization, integrity, expectations,
resolution, time and effort, empathy), and optionally on the three P's
(professionalism, patience, people first), each from 0 to 10.

A review's score is the mean of the six pillars; integrity is critical, so a
review with integrity below 5 scores 0 and is flagged, whatever the rest.
The review credits (or debits) the agent who resolved the case.  One review
per reviewer per case (reviewer names fold like assignees); a second replaces
the first only when asked to.  A review is a row of `case_review` and a
`review` event on the case's one write path.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deskcli import times
from deskcli.domain import INTEGRITY_FLOOR, PILLARS, SCORE_RANGE, THREE_PS, EventKind
from deskcli.errors import Conflict, InvalidValue
from deskcli.folding import name_key
from deskcli.lang import N_
from deskcli.reads.rows import REVIEW_COLUMNS, ReviewRow, to_time
from deskcli.services.write_path import apply_change, load_for_write, make_event, optional_text
from deskcli.tx import Tx


def option_name(score: str) -> str:
    """The command-line option of a score: time_effort -> --time-effort."""
    return "--" + score.replace("_", "-")


def parse_score(value: str | int | None, score: str) -> int | None:
    """A score as typed: a whole number from 0 to 10 (exit 2 otherwise,
    saying what is accepted); None stays None."""
    if value is None:
        return None
    low, high = SCORE_RANGE
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
        raise InvalidValue(
            N_("{option} takes a whole number from {low} to {high}, not {value}"),
            params={
                "option": option_name(score),
                "low": low,
                "high": high,
                "value": repr(str(value)),
            },
        )
    return int(text)


def check_scores(given: Mapping[str, str | int | None]) -> dict[str, int | None]:
    """Every pillar and P, checked; the six pillars are required."""
    unknown = set(given) - set(PILLARS) - set(THREE_PS)
    if unknown:
        raise InvalidValue(
            N_("not a review score: {names}"), params={"names": ", ".join(sorted(unknown))}
        )
    scores = {name: parse_score(given.get(name), name) for name in (*PILLARS, *THREE_PS)}
    missing = [option_name(p) for p in PILLARS if scores[p] is None]
    if missing:
        raise InvalidValue(
            N_("a review scores all six pillars; missing {missing}"),
            params={"missing": ", ".join(missing)},
            hint=N_("each a whole number from 0 to 10"),
        )
    return scores


def review_score(scores: Mapping[str, int | None]) -> tuple[float, bool]:
    """(score, flagged): the mean of the six pillars, or 0 and flagged when
    integrity, the critical pillar, is below INTEGRITY_FLOOR."""
    integrity = scores["integrity"]
    assert integrity is not None
    if integrity < INTEGRITY_FLOOR:
        return 0.0, True
    pillars = [scores[p] for p in PILLARS]
    return sum(p for p in pillars if p is not None) / len(PILLARS), False


_REVIEW_VALUES = (
    "case_id",
    "at",
    "reviewer",
    "reviewer_key",
    "agent",
    "agent_key",
    *PILLARS,
    *THREE_PS,
    "score",
    "flagged",
    "comment",
)
INSERT_REVIEW = (
    f"INSERT INTO case_review ({', '.join(_REVIEW_VALUES)})"
    f" VALUES ({', '.join(':' + name for name in _REVIEW_VALUES)}) RETURNING id"
)
# A replaced review keeps its row (one per reviewer and case): every value
# changes, as typed this time; the events keep both.
REPLACE_REVIEW = (
    "UPDATE case_review SET "
    + ", ".join(f"{name} = :{name}" for name in _REVIEW_VALUES if name != "case_id")
    + " WHERE id = :id"
)
REVIEW_BY = (
    "SELECT id, score, flagged, at FROM case_review"
    " WHERE case_id = :case_id AND reviewer_key = :reviewer_key"
)
REVIEW_BY_ID = f"SELECT {', '.join(REVIEW_COLUMNS)} FROM case_review WHERE id = :id"
LAST_RESOLVER = (
    "SELECT agent FROM event WHERE case_id = :case_id AND kind = 'resolved'"
    " ORDER BY id DESC LIMIT 1"
)


def resolver(tx: Tx, case_id: int, assignee: str | None) -> str | None:
    """Who resolved the case: the agent of its latest `resolved` event (a
    bulk close with --resolution records one too), else its assignee."""
    found = tx.rows(LAST_RESOLVER, {"case_id": case_id})
    return found[0][0] if found else assignee


def review_case(
    tx: Tx,
    *,
    agent: str,
    case_id: int,
    scores: Mapping[str, str | int | None],
    comment: str | None = None,
    replace: bool = False,
    if_version: int | None = None,
) -> tuple[ReviewRow, bool]:
    """`agent`'s review of a resolved or closed case (event `review`): the
    review as stored, and whether it replaced an earlier one.  A second
    review by the same reviewer is a Conflict unless `replace`."""
    checked = check_scores(scores)
    text = optional_text(comment, N_("the comment"))
    score, flagged = review_score(checked)
    view = load_for_write(tx, case_id, if_version, verb="review")
    reviewer_key = name_key(agent)
    found = tx.rows(REVIEW_BY, {"case_id": case_id, "reviewer_key": reviewer_key})
    if found and not replace:
        _, old_score, old_flagged, at = found[0]
        if old_flagged:
            message = N_(
                "case {case_id} was already reviewed by {agent} (score {score}, flagged, {ago})"
            )
        else:
            message = N_("case {case_id} was already reviewed by {agent} (score {score}, {ago})")
        raise Conflict(
            message,
            params={
                "case_id": case_id,
                "agent": agent,
                "score": f"{float(old_score):.1f}",
                "ago": times.ago(to_time(at)),
            },
            hint=N_("pass --replace to replace that review"),
        )
    resolved_by = resolver(tx, case_id, view.case.assignee)
    event = make_event(
        case_id,
        agent,
        EventKind.REVIEW,
        text,
        {
            "agent": resolved_by,
            "scores": {name: value for name, value in checked.items() if value is not None},
            "score": round(score, 2),
            "flagged": flagged,
            "replaced": bool(found),
        },
    )
    row: dict[str, Any] = {
        "case_id": case_id,
        "at": event["at"],
        "reviewer": agent,
        "reviewer_key": reviewer_key,
        "agent": resolved_by,
        "agent_key": name_key(resolved_by),
        **checked,
        "score": score,
        "flagged": flagged,
        "comment": text,
    }
    if found:
        review_id = found[0][0]
        tx.execute(REPLACE_REVIEW, {**row, "id": review_id})
    else:
        review_id = tx.insert(INSERT_REVIEW, row)
    apply_change(tx, view, [event], verb="review")
    return ReviewRow.of(tx.rows(REVIEW_BY_ID, {"id": review_id})[0]), bool(found)
