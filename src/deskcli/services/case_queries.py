"""Loading a case for a write (through the ORM, with the row lock on servers),
and the counts the write path needs.  Everyday reads are deskcli.reads."""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from deskcli.dbpolicy import max_id as dialect_max_id
from deskcli.errors import NotFound
from deskcli.models import Case, Customer


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
    """Raises NotFound.  `lock` takes the row lock on servers (SELECT ... FOR
    UPDATE OF case) for a read-modify-write; SQLite's write lock already covers it."""
    if not storable_id(session, case_id):
        raise NotFound(f"no case {case_id}", hint="desk case list --all shows every case")
    row = session.exec(_case_query(lock), params={"case_id": case_id}).first()
    if row is None:
        raise NotFound(f"no case {case_id}", hint="desk case list --all shows every case")
    return CaseView(*row)


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
        query = query.with_for_update(of=Case).execution_options(populate_existing=True)
    return query


def count_by_status(session: Session) -> dict[str, int]:
    query = select(Case.status, func.count()).group_by(col(Case.status))
    return {status: int(n) for status, n in session.exec(query)}
