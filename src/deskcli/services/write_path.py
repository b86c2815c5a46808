"""The one write path for cases: every change to a case, one case at a time
(`apply_change`) or a set of them at once (`apply_change_to_many`), checks the
verb against `domain.TRANSITIONS`, bumps the version it read, stamps
`updated_at` and appends one event per thing that happened.

It is plain SQL over a `deskcli.tx.Tx`: the same texts on SQLite (through
`sqlite3`, no database stack) and PostgreSQL.  The version check in the
UPDATE's WHERE clause cannot fail by accident on SQLite, whose transaction
holds the write lock from its start (BEGIN IMMEDIATE); it is what catches a
stale `--if-version`, and concurrent writers on servers (which also lock the
case's row when they load it).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from deskcli import limits, times
from deskcli.domain import TRANSITIONS, EventKind
from deskcli.errors import InvalidValue, StaleWrite, TransitionNotAllowed
from deskcli.folding import SEARCHED_EVENT_KINDS, name_key, search_fold, search_text
from deskcli.lang import N_, _
from deskcli.reads import queries
from deskcli.reads.rows import CASE_COLUMNS, CaseView, to_time
from deskcli.reads.source import in_list
from deskcli.tx import Tx


def require_text(
    value: str | None, what: str, limit: int = limits.LONG_TEXT, *, one_line: bool = False
) -> str:
    """A text that must not be empty, stripped, within `limit` characters."""
    value = (value or "").strip()
    if not value:
        raise InvalidValue(N_("{what} must not be empty"), params={"what": _(what)})
    return limits.check_text(value, what, limit, one_line=one_line)


def optional_text(
    value: str | None, what: str, limit: int = limits.LONG_TEXT, *, one_line: bool = False
) -> str:
    """A text that may be empty (""), stripped, within `limit` characters."""
    return limits.check_text((value or "").strip(), what, limit, one_line=one_line)


def check_transition(verb: str, case_id: int, status: str) -> None:
    """Refuse `verb` on a case in `status`, with the table's sentence."""
    refusal = TRANSITIONS[verb].refusal(case_id, status)
    if refusal is not None:
        raise TransitionNotAllowed(refusal)


LAST_EVENT = "SELECT agent, kind, at FROM event WHERE case_id = :case_id ORDER BY id DESC LIMIT 1"
CURRENT_VERSION = 'SELECT version FROM "case" WHERE id = :case_id'


def stale_write_error(tx: Tx, case_id: int, expected: int) -> StaleWrite:
    """The case is no longer at version `expected`: say who changed it last."""
    last = tx.rows(LAST_EVENT, {"case_id": case_id})
    who = ""
    if last:
        agent, kind, at = last[0]  # a kind's word (note, reply...) is in the catalog
        who = " " + _("by {agent} ({kind}, {ago})").format(
            agent=agent, kind=_(kind), ago=times.ago(to_time(at))
        )
    current = tx.rows(CURRENT_VERSION, {"case_id": case_id})
    now = _("; it is now version {version}").format(version=current[0][0]) if current else ""
    return StaleWrite(
        N_("case {case_id} was changed{who} since version {expected}{now}"),
        hint=N_("look again (desk case show {case_id}) and retry"),
        params={"case_id": case_id, "who": who, "expected": expected, "now": now},
    )


def load_for_write(
    tx: Tx, case_id: int, if_version: int | None, *, verb: str | None = None
) -> CaseView:
    """The case (row-locked on servers), refused if it is no longer at
    `if_version`, or if `verb` may not run from its status."""
    view = queries.get_case(tx, case_id, lock=tx.lock_rows)
    if if_version is not None and view.case.version != if_version:
        raise stale_write_error(tx, case_id, if_version)
    if verb is not None:
        check_transition(verb, case_id, view.case.status)
    return view


# An event to append, as the row it becomes (events are only ever inserted).
EventRow = dict[str, Any]

INSERT_EVENT = (
    "INSERT INTO event (case_id, at, agent, kind, body, data)"
    " VALUES (:case_id, :at, :agent, :kind, :body, :data)"
)


def make_event(
    case_id: int, agent: str, kind: EventKind, body: str = "", data: dict[str, Any] | None = None
) -> EventRow:
    return {"case_id": case_id, "at": times.now(), "agent": agent, "kind": str(kind),
            "body": body, "data": data}  # fmt: skip


def append_events(tx: Tx, events: Sequence[EventRow]) -> None:
    if len(events) == 1:
        tx.execute(INSERT_EVENT, events[0])
    elif events:
        tx.execute_many(INSERT_EVENT, events)


# The case fields `desk case list --search` looks in, besides the bodies of
# the SEARCHED_EVENT_KINDS events.
SEARCHED_FIELDS = ("subject", "description", "resolution")


def case_search_text(fields: Sequence[str | None], bodies: Sequence[str]) -> str:
    """The folded search text of a case: its SEARCHED_FIELDS, then its
    conversation (notes, replies, customer messages) in order."""
    return search_text((*fields, *bodies))


def _searched_bodies(tx: Tx, case_ids: Collection[int]) -> dict[int, list[str]]:
    """The searched events' bodies of the cases in `case_ids`, oldest first."""
    bodies: dict[int, list[str]] = {case_id: [] for case_id in case_ids}
    params: dict[str, Any] = {}
    cases = in_list("case_id", "c", list(case_ids), params)
    kinds = in_list("kind", "k", sorted(SEARCHED_EVENT_KINDS), params)
    sql = f"SELECT case_id, body FROM event WHERE {cases} AND {kinds} ORDER BY id"
    for case_id, body in tx.rows(sql, params):
        bodies[case_id].append(body)
    return bodies


SET_SEARCH_TEXT = 'UPDATE "case" SET search_text = :search_text WHERE id = :case_id'


def refresh_search_text(tx: Tx, case_ids: Collection[int]) -> None:
    """Recompute the search text of these cases from the database (import)."""
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        bodies = _searched_bodies(tx, chunk)
        params: dict[str, Any] = {}
        sql = f'SELECT id, {", ".join(SEARCHED_FIELDS)} FROM "case" WHERE ' + in_list(
            "id", "i", chunk, params
        )
        rows = [
            {"case_id": case_id, "search_text": case_search_text(fields, bodies[case_id])}
            for case_id, *fields in tx.rows(sql, params)
        ]
        tx.execute_many(SET_SEARCH_TEXT, rows)  # one executemany a chunk


# The columns a change may set: the case's own, and the derived ones.
_WRITABLE = frozenset(CASE_COLUMNS) - {"id"} | {"assignee_key", "team_key", "search_text"}


def _assignments(columns: Sequence[str]) -> str:
    """`column = :v_column, ...` for known column names only (they come from
    the services' keyword arguments, never from user input)."""
    unknown = set(columns) - _WRITABLE
    if unknown:
        raise ValueError(f"not a writable case column: {sorted(unknown)}")
    return ", ".join(f"{name} = :v_{name}" for name in columns)


def _derived(
    tx: Tx, view: CaseView, changes: dict[str, Any], events: Sequence[EventRow]
) -> tuple[dict[str, Any], str | None]:
    """The derived columns that `changes` and `events` move: the name keys of
    assignee and team, and the search text, recomputed when a searched field
    changes; or else the text to append to it for a new note or reply."""
    derived: dict[str, Any] = {}
    if "assignee" in changes:
        derived["assignee_key"] = name_key(changes["assignee"])
    if "team" in changes:
        derived["team_key"] = name_key(changes["team"])
    new_bodies = [e["body"] for e in events if e["kind"] in SEARCHED_EVENT_KINDS and e["body"]]
    case_ = view.case
    if any(field in changes for field in SEARCHED_FIELDS):
        assert case_.id is not None
        fields = [changes.get(f, getattr(case_, f)) for f in SEARCHED_FIELDS]
        old_bodies = _searched_bodies(tx, [case_.id])[case_.id]
        derived["search_text"] = case_search_text(fields, [*old_bodies, *new_bodies])
        return derived, None
    if new_bodies:
        return derived, "".join("\n" + search_fold(body) for body in new_bodies)
    return derived, None


def apply_change(
    tx: Tx,
    view: CaseView,
    events: Sequence[EventRow],
    *,
    verb: str | None = None,
    **changes: Any,
) -> CaseView:
    """Apply `changes` if the row is still at the version read; append `events`.
    With `verb`, the case also moves to that transition's target status.
    Returns the case as it now is."""
    case_ = view.case
    assert case_.id is not None
    if verb is not None and (to := TRANSITIONS[verb].target(case_.status)) != case_.status:
        changes = {"status": str(to), **changes}
    derived, appended = _derived(tx, view, changes, events)
    values = {**changes, **derived, "updated_at": times.now(), "version": case_.version + 1}
    sql = f'UPDATE "case" SET {_assignments(tuple(values))}'
    params = {f"v_{name}": value for name, value in values.items()}
    if appended is not None:
        sql += ", search_text = search_text || :appended"
        params["appended"] = appended
    sql += " WHERE id = :w_id AND version = :w_version"
    params.update(w_id=case_.id, w_version=case_.version)
    if tx.execute(sql, params) != 1:
        raise stale_write_error(tx, case_.id, case_.version)
    append_events(tx, events)
    shown = {name: value for name, value in values.items() if name in CASE_COLUMNS}
    return CaseView(replace(case_, **shown), view.customer)


# One event of a set-based change: (kind, body, data), the same for every case.
EventTemplate = tuple[EventKind, str, dict[str, Any]]


def apply_change_to_many(
    tx: Tx,
    case_ids: list[int],
    *,
    statuses: Collection[str],
    agent: str,
    at: datetime,
    events: Sequence[EventTemplate],
    **changes: Any,
) -> int:
    """`apply_change` for a set of cases, in two statements whatever their
    number: one event per case and template (INSERT ... SELECT), then one
    UPDATE that bumps every version.  The UPDATE's guard is the statuses the
    caller read and checked against the transition table: a case changed
    since then is left out, and the count of rows updated says so."""
    ids: dict[str, Any] = {}
    in_ids = in_list("id", "i", case_ids, ids)
    for kind, body, data in events:
        event = {"at": at, "agent": agent, "kind": str(kind), "body": body, "data": data}
        tx.execute(
            "INSERT INTO event (case_id, at, agent, kind, body, data)"
            f' SELECT id, :at, :agent, :kind, :body, :data FROM "case" WHERE {in_ids}',
            {**ids, **event},
        )
    values = {**changes, "updated_at": at}
    for name in ("assignee", "team"):
        if name in changes:
            values[f"{name}_key"] = name_key(changes[name])
    params = {**ids, **{f"v_{name}": value for name, value in values.items()}}
    sql = f'UPDATE "case" SET {_assignments(tuple(values))}, version = version + 1'
    # The guarded statuses are active ones, which hold no resolution: a
    # resolution is appended to the search text.
    resolution = changes.get("resolution")
    if resolution:
        sql += ", search_text = search_text || :appended"
        params["appended"] = "\n" + search_fold(resolution)
    sql += f" WHERE {in_ids} AND " + in_list("status", "s", sorted(statuses), params)
    return tx.execute(sql, params)
