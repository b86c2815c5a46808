"""The one write path for cases: every change to a case, one case at a time
(`apply_change`) or a set of them at once (`apply_change_to_many`), checks the
verb against `domain.TRANSITIONS`, bumps the version it read, stamps
`updated_at` and appends one event per thing that happened.

The version check in the UPDATE's WHERE clause cannot fail by accident under
`store.writing()` (BEGIN IMMEDIATE) on SQLite; it is what catches a stale
`--if-version`, and concurrent writers on servers without a file lock.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, String, bindparam, insert
from sqlalchemy import select as core_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from deskcli import limits, times
from deskcli.domain import TRANSITIONS, EventKind
from deskcli.errors import InvalidValue, StaleWrite, TransitionNotAllowed
from deskcli.folding import SEARCHED_EVENT_KINDS, name_key, search_fold, search_text
from deskcli.models import Case, Event, UTCDateTime
from deskcli.services.case_queries import CaseView, get_case


def require_text(
    value: str | None, what: str, limit: int = limits.LONG_TEXT, *, one_line: bool = False
) -> str:
    """A text that must not be empty, stripped, within `limit` characters."""
    value = (value or "").strip()
    if not value:
        raise InvalidValue(f"{what} must not be empty")
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


def stale_write_error(session: Session, case_: Case, expected: int) -> StaleWrite:
    """The case is no longer at version `expected`: say who changed it last."""
    last = session.exec(
        select(Event).where(Event.case_id == case_.id).order_by(col(Event.id).desc()).limit(1)
    ).first()
    who = f" by {last.agent} ({last.kind}, {times.ago(last.at)})" if last else ""
    return StaleWrite(
        f"case {case_.id} was changed{who} since version {expected}; it is now version "
        f"{case_.version}",
        hint=f"look again (desk case show {case_.id}) and retry",
    )


def load_for_write(
    session: Session, case_id: int, if_version: int | None, *, verb: str | None = None
) -> CaseView:
    """The case (row-locked on servers), refused if it is no longer at
    `if_version`, or if `verb` may not run from its status."""
    view = get_case(session, case_id, lock=True)
    if if_version is not None and view.case.version != if_version:
        raise stale_write_error(session, view.case, if_version)
    if verb is not None:
        check_transition(verb, case_id, view.case.status)
    return view


# The statements every write runs, built once per process: SQLAlchemy then
# reuses their compiled SQL without rebuilding them or their cache keys.


@cache
def _event_insert() -> Any:
    return insert(Event.__table__)  # type: ignore[attr-defined]


@cache
def _case_update(columns: tuple[str, ...]) -> Any:
    """UPDATE case SET `columns` WHERE id and version are the ones read; the
    values bind as `v_<column>`, the guard as `w_id` and `w_version`."""
    table = Case.__table__  # type: ignore[attr-defined]
    values = {name: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns}
    guard = (table.c.id == bindparam("w_id"), table.c.version == bindparam("w_version"))
    return table.update().where(*guard).values(values)


@cache
def _searched_bodies_query() -> Any:
    """The searched events' bodies of the cases in `ids`, oldest first."""
    table = Event.__table__  # type: ignore[attr-defined]
    return (
        core_select(table.c.case_id, table.c.body)
        .where(table.c.case_id.in_(bindparam("ids", expanding=True)))
        .where(table.c.kind.in_(SEARCHED_EVENT_KINDS))
        .order_by(table.c.id)
    )


# An event to append, as the row it becomes: events are only ever inserted, so
# they go in with one Core INSERT, not through the ORM's unit of work.
EventRow = dict[str, Any]


def make_event(
    case_id: int, agent: str, kind: EventKind, body: str = "", data: dict[str, Any] | None = None
) -> EventRow:
    return {"case_id": case_id, "at": times.now(), "agent": agent, "kind": str(kind),
            "body": body, "data": data}  # fmt: skip


def append_events(session: Session, events: Sequence[EventRow]) -> None:
    # Core statements run on the session's connection (its transaction)
    # without the ORM's per-statement bookkeeping, which they do not need.
    if len(events) == 1:
        session.connection().execute(_event_insert(), dict(events[0]))
    elif events:
        session.connection().execute(_event_insert(), list(events))


# The case fields `desk case list --search` looks in, besides the bodies of
# the SEARCHED_EVENT_KINDS events.
SEARCHED_FIELDS = ("subject", "description", "resolution")


def case_search_text(fields: Sequence[str | None], bodies: Sequence[str]) -> str:
    """The folded search text of a case: its SEARCHED_FIELDS, then its
    conversation (notes, replies, customer messages) in order."""
    return search_text((*fields, *bodies))


def _searched_bodies(session: Session, case_ids: Collection[int]) -> dict[int, list[str]]:
    bodies: dict[int, list[str]] = {case_id: [] for case_id in case_ids}
    found = session.connection().execute(_searched_bodies_query(), {"ids": list(case_ids)})
    for case_id, body in found:
        bodies[case_id].append(body)
    return bodies


def refresh_search_text(session: Session, case_ids: Collection[int]) -> None:
    """Recompute the search text of these cases from the database (import)."""
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        bodies = _searched_bodies(session, chunk)
        searched = [getattr(Case, name) for name in SEARCHED_FIELDS]
        fields = session.exec(select(Case.id, *searched).where(col(Case.id).in_(chunk)))
        rows = [
            {"w_id": case_id, "v_search_text": case_search_text(values, bodies[int(case_id or 0)])}
            for case_id, *values in fields
        ]
        if rows:  # one executemany a chunk, not one UPDATE a case
            session.connection().execute(_search_text_update(), rows)


@cache
def _search_text_update() -> Any:
    table = Case.__table__  # type: ignore[attr-defined]
    return (
        table.update()
        .where(table.c.id == bindparam("w_id"))
        .values(search_text=bindparam("v_search_text"))
    )


def _derived(
    session: Session, case_: Case, changes: dict[str, Any], events: Sequence[EventRow]
) -> dict[str, Any]:
    """The derived columns that `changes` and `events` move: the name keys of
    assignee and team, and the search text (appended to for a new note or
    reply, recomputed when a searched field changes)."""
    derived: dict[str, Any] = {}
    if "assignee" in changes:
        derived["assignee_key"] = name_key(changes["assignee"])
    if "team" in changes:
        derived["team_key"] = name_key(changes["team"])
    new_bodies = [e["body"] for e in events if e["kind"] in SEARCHED_EVENT_KINDS and e["body"]]
    if any(field in changes for field in SEARCHED_FIELDS):
        assert case_.id is not None
        fields = [changes.get(f, getattr(case_, f)) for f in SEARCHED_FIELDS]
        old_bodies = _searched_bodies(session, [case_.id])[case_.id]
        derived["search_text"] = case_search_text(fields, [*old_bodies, *new_bodies])
    elif new_bodies:
        derived["search_text"] = "\n".join([case_.search_text, *map(search_fold, new_bodies)])
    return derived


def _stamped(changes: dict[str, Any], now: datetime, version: Any) -> dict[str, Any]:
    """What every write sets besides its own changes: the time and the next version."""
    return {**changes, "updated_at": now, "version": version}


def apply_change(
    session: Session,
    view: CaseView,
    events: Sequence[EventRow],
    *,
    verb: str | None = None,
    **changes: Any,
) -> CaseView:
    """Apply `changes` if the row is still at the version read; append `events`.
    With `verb`, the case also moves to that transition's target status."""
    case_ = view.case
    assert case_.id is not None
    if verb is not None and (to := TRANSITIONS[verb].target(case_.status)) != case_.status:
        changes = {"status": str(to), **changes}
    changes = {**changes, **_derived(session, case_, changes, events)}
    values = _stamped(changes, times.now(), case_.version + 1)
    params = {f"v_{name}": value for name, value in values.items()}
    params.update(w_id=case_.id, w_version=case_.version)
    result = session.connection().execute(_case_update(tuple(values)), params)
    if result.rowcount != 1:
        expected = case_.version
        session.refresh(case_)
        raise stale_write_error(session, case_, expected)
    for key, value in values.items():
        set_committed_value(case_, key, value)
    append_events(session, events)
    return view


# One event of a set-based change: (kind, body, data), the same for every case.
EventTemplate = tuple[EventKind, str, dict[str, Any]]


def apply_change_to_many(
    session: Session,
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
    connection = session.connection()
    for kind, body, data in events:
        event = {"at": at, "agent": agent, "kind": str(kind), "body": body, "data": data}
        connection.execute(_insert_event_per_case(), {"ids": case_ids, **event})
    values = {**changes, "updated_at": at}
    for name in ("assignee", "team"):
        if name in changes:
            values[f"{name}_key"] = name_key(changes[name])
    # The guarded statuses are active ones, which hold no resolution: a
    # resolution is appended to the search text.
    resolution = changes.get("resolution")
    suffix = {"search_suffix": "\n" + search_fold(resolution)} if resolution else {}
    statement = _update_many(tuple(values), bool(suffix))
    params = {f"v_{name}": value for name, value in values.items()}
    params.update(ids=case_ids, statuses=list(statuses), **suffix)
    return int(connection.execute(statement, params).rowcount)


@cache
def _update_many(columns: tuple[str, ...], append_search: bool) -> Any:
    """UPDATE case SET `columns` (bound as `v_<column>`), version + 1 and,
    with `append_search`, search_text || `search_suffix`, WHERE id IN `ids`
    AND status IN `statuses`."""
    table = Case.__table__  # type: ignore[attr-defined]
    values: dict[str, Any] = {c: bindparam(f"v_{c}", type_=table.c[c].type) for c in columns}
    values["version"] = table.c.version + 1
    if append_search:
        values["search_text"] = table.c.search_text + bindparam("search_suffix", type_=String())
    return (
        table.update()
        .where(
            table.c.id.in_(bindparam("ids", expanding=True)),
            table.c.status.in_(bindparam("statuses", expanding=True)),
        )
        .values(values)
    )


@cache
def _insert_event_per_case() -> Any:
    """One event per case in `ids`, as a single INSERT ... SELECT; the event's
    fields bind as `at`, `agent`, `kind`, `body` and `data`."""
    cases_table = Case.__table__  # type: ignore[attr-defined]
    rows = core_select(
        cases_table.c.id,
        bindparam("at", type_=UTCDateTime()),
        bindparam("agent", type_=String()),
        bindparam("kind", type_=String()),
        bindparam("body", type_=String()),
        bindparam("data", type_=JSON()),
    ).where(cases_table.c.id.in_(bindparam("ids", expanding=True)))
    columns = ["case_id", "at", "agent", "kind", "body", "data"]
    return insert(Event.__table__).from_select(columns, rows)  # type: ignore[attr-defined]
