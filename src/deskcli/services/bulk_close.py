"""`desk case close` of many cases: the close and resolve transitions of
`domain.TRANSITIONS`, applied set-based through the write path
(`apply_change_to_many`), all in the caller's one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from deskcli import times
from deskcli.domain import TRANSITIONS, EventKind, Status
from deskcli.errors import NotFound, StaleWrite, TransitionNotAllowed
from deskcli.lang import N_
from deskcli.reads.source import in_list
from deskcli.services import sla_clocks
from deskcli.services.write_path import apply_change_to_many, require_text
from deskcli.shapes import CloseSummary
from deskcli.tx import Tx

READ_CHUNK = 500  # ids per SELECT
WRITE_CHUNK = 1000  # ids per INSERT ... SELECT and UPDATE


def close_cases(
    tx: Tx,
    *,
    agent: str,
    ids: Iterable[int],
    resolution: str | None = None,
    root_cause: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> CloseSummary:
    """Close many cases at once, all or nothing.

    Resolved cases close; with `resolution`, active ones are resolved and
    closed in the same step, otherwise any active one refuses the whole batch.
    Already closed cases are reported, not refused, so a retried script is safe.
    Set-based: one SELECT per 500 ids, then per 1,000 ids one INSERT ... SELECT
    per event kind and one UPDATE; never a loop over rows in SQL.

    Raises NotFound (any unknown id), TransitionNotAllowed, StaleWrite.
    """
    wanted = list(dict.fromkeys(ids))
    found = _statuses(tx, wanted)
    missing = [i for i in wanted if i not in found]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        raise NotFound(
            N_("no case {shown}") if len(missing) == 1 else N_("no cases {shown}"),
            hint=N_("nothing was closed"),
            params={"shown": shown},
        )
    close, resolve = TRANSITIONS["close"], TRANSITIONS["resolve"]
    summary = CloseSummary(dry_run=dry_run)
    closed_ids: list[int] = []  # resolved already: only closed
    resolved_ids: list[int] = []  # active: resolved and closed in one step
    unresolved: list[int] = []
    for case_id in wanted:
        status = found[case_id]
        if status == Status.CLOSED:
            summary.already_closed.append(case_id)
        elif status in close.allowed:
            closed_ids.append(case_id)
        elif resolution is None or status not in resolve.allowed:
            unresolved.append(case_id)
        else:
            resolved_ids.append(case_id)
    if unresolved:
        _refuse(unresolved, found)
    if resolution is not None:
        resolution = require_text(resolution, N_("the resolution"))
    if root_cause is not None:
        root_cause = require_text(root_cause, N_("the root cause"))
    summary.closed = sorted(closed_ids + resolved_ids)
    summary.resolved = resolved_ids
    if dry_run or not summary.closed:
        return summary

    now = times.now()
    total, done, updated = len(summary.closed), 0, 0
    bulk = {"bulk": total > 1}
    closing = {"status": str(close.target(Status.RESOLVED)), "closed_at": now}
    steps: list[tuple[list[int], frozenset[Status], list[Any], dict[str, Any]]] = [
        (closed_ids, close.allowed, [(EventKind.CLOSED, "", bulk)], closing),
    ]
    if resolution is not None:
        # Resolving stops the cases' clocks (set-based, like the close).
        sla_clocks.stop_many(tx, resolved_ids, now)
        resolving = {**closing, "resolved_at": now, "resolution": resolution, "due_at": None}
        if root_cause is not None:
            resolving["root_cause"] = root_cause
        events = [
            (EventKind.RESOLVED, resolution, {"root_cause": root_cause, **bulk}),
            (EventKind.CLOSED, "", bulk),
        ]
        steps.append((resolved_ids, resolve.allowed, events, resolving))
    for case_ids, statuses, templates, changes in steps:
        for start in range(0, len(case_ids), WRITE_CHUNK):
            chunk = case_ids[start : start + WRITE_CHUNK]
            updated += apply_change_to_many(
                tx,
                chunk,
                statuses=sorted(statuses),
                agent=agent,
                at=now,
                events=templates,
                **changes,
            )
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    if updated != total:
        raise StaleWrite(
            N_("some of these cases were changed by someone else while closing them"),
            hint=N_("nothing was closed; try again"),
        )
    return summary


def _statuses(tx: Tx, wanted: list[int]) -> dict[int, str]:
    """Each wanted case's status, row-locked on servers (SQLite's write lock is
    already held)."""
    found: dict[int, str] = {}
    storable = [i for i in wanted if 1 <= i <= tx.max_id]  # others are simply missing
    for start in range(0, len(storable), READ_CHUNK):
        params: dict[str, Any] = {}
        ids = in_list("c.id", "i", storable[start : start + READ_CHUNK], params)
        sql = f'SELECT c.id, c.status FROM "case" c WHERE {ids}{tx.lock_rows}'
        found.update((int(case_id), str(status)) for case_id, status in tx.rows(sql, params))
    return found


def _refuse(unresolved: list[int], found: dict[int, str]) -> None:
    """Refuse the whole batch because these cases may not close."""
    first = unresolved[0]
    if len(unresolved) == 1:
        refusal = TRANSITIONS["close"].refusal(first, found[first])
        raise TransitionNotAllowed(refusal or "")
    shown = ", ".join(str(i) for i in unresolved[:10])
    more = " ..." if len(unresolved) > 10 else ""
    raise TransitionNotAllowed(
        N_(
            "{count} cases are not resolved ({shown}); resolve them first, "
            "or pass --resolution to resolve and close in one step"
        ),
        hint=N_("nothing was closed"),
        params={"count": len(unresolved), "shown": shown + more},
    )
