"""Loading a case for a write (through the ORM, with the row lock on servers),
and the counts the write path needs.  Everyday reads are deskcli.reads."""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func
from sqlalchemy import select as core_select
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from deskcli.dbpolicy import max_id as dialect_max_id
from deskcli.errors import no_case
from deskcli.models import Case, CaseTag, Customer


class CaseView(NamedTuple):
    """A case with its customer: what every command shows."""

    case: Case
    customer: Customer


def max_id(session: Session) -> int:
    """The largest id the id columns hold on this session's database."""
    return dialect_max_id(session.get_bind().dialect.name)


def storable_id(session: Session, case_id: int) -> bool:
    """Whether the id column can hold `case_id` at all."""
    return 1 <= case_id <= max_id(session)


def get_case(session: Session, case_id: int, *, lock: bool = False) -> CaseView:
    """Raises NotFound.  `lock` loads it for a read-modify-write: the row lock
    on servers (SELECT ... FOR UPDATE OF case; SQLite's write lock already
    covers it), and the tags from one prepared Core query instead of the
    relationship's loaders, whose per-call set-up cost as much as the rest of
    a write (`desk batch` runs thousands of writes in one process).  The
    relationship stays lazy on that case, so a later
    `session.refresh(case, ["tag_rows"])` still loads it."""
    if not storable_id(session, case_id):
        raise no_case(case_id)
    row = session.exec(_case_query(lock), params={"case_id": case_id}).first()
    if row is None:
        raise no_case(case_id)
    case_, customer = row
    if lock:
        tags = session.connection().execute(_tags_query(), {"case_id": case_id})
        set_committed_value(case_, "tag_rows", [CaseTag(**tag) for tag in tags.mappings()])
    return CaseView(case_, customer)


@cache
def _case_query(lock: bool) -> Any:
    """Built once: every command loads its case with it (SQLAlchemy then also
    reuses the compiled SQL without recomputing the statement's cache key)."""
    query = (
        select(Case, Customer)
        .join(Customer, col(Customer.id) == col(Case.customer_id))
        .where(col(Case.id) == bindparam("case_id"))
    )
    if lock:
        query = (
            query.options(lazyload(Case.tag_rows))  # type: ignore[attr-defined]
            .with_for_update(of=Case)
            .execution_options(populate_existing=True)
        )
    return query


@cache
def _tags_query() -> Any:
    table = CaseTag.__table__  # type: ignore[attr-defined]
    return core_select(table).where(table.c.case_id == bindparam("case_id"))


def count_by_status(session: Session) -> dict[str, int]:
    query = select(Case.status, func.count()).group_by(col(Case.status))
    return {status: int(n) for status, n in session.exec(query)}
