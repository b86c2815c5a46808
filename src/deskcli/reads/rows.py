"""Rows read by the read path, with the attributes of the table models, so
`shapes` and `render` take either.  Standard library only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

# Column lists in SELECT order; each row class is built from one such slice.
CASE_COLUMNS = (
    "id", "customer_id", "subject", "description", "channel", "category", "priority",
    "status", "assignee", "team", "tier", "created_at", "updated_at", "first_response_at",
    "resolved_at", "closed_at", "resolution", "root_cause", "follow_up_at", "reopen_count",
    "handling_seconds", "version",
)  # fmt: skip
CUSTOMER_COLUMNS = ("id", "crn", "name", "email", "phone", "created_at")
EVENT_COLUMNS = ("id", "case_id", "at", "agent", "kind", "body", "data")
_TIMES = frozenset(
    {"created_at", "updated_at", "first_response_at", "resolved_at", "closed_at"}
    | {"follow_up_at", "at"}
)
_INTEGERS = frozenset(
    {"id", "customer_id", "case_id", "tier", "reopen_count", "handling_seconds", "version"}
)
_OPTIONAL = frozenset(
    {"id", "category", "assignee", "team", "resolution", "root_cause", "email", "phone", "data"}
)


class DamagedRow(ValueError):
    """A stored value that is not of its column's type (SQLite keeps whatever
    was written): the caller reads again through the store, which names it."""


def to_time(value: Any) -> datetime | None:
    """A stored time (SQLite: text in UTC; PostgreSQL: a naive UTC datetime) as aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"not a time: {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _values(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in zip(columns, row, strict=True):
        if value is None:
            if name not in _OPTIONAL and name not in _TIMES:
                raise DamagedRow(name)
        elif name in _TIMES:
            try:
                value = to_time(value)
            except (ValueError, TypeError):
                raise DamagedRow(name) from None
        elif name in _INTEGERS:
            if type(value) is not int:
                raise DamagedRow(name)
        elif name != "data" and type(value) is not str:
            raise DamagedRow(name)
        values[name] = value
    return values


@dataclass
class CaseRow:
    id: int | None
    customer_id: int
    subject: str
    description: str
    channel: str
    category: str | None
    priority: str
    status: str
    assignee: str | None
    team: str | None
    tier: int
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution: str | None
    root_cause: str | None
    follow_up_at: datetime | None
    reopen_count: int
    handling_seconds: int
    version: int
    tags: list[str] = field(default_factory=list)  # sorted case-insensitively

    @classmethod
    def of(cls, row: Sequence[Any]) -> CaseRow:
        return cls(**_values(CASE_COLUMNS, row))


@dataclass
class CustomerRow:
    id: int | None
    crn: str
    name: str
    email: str | None
    phone: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: Sequence[Any]) -> CustomerRow:
        return cls(**_values(CUSTOMER_COLUMNS, row))


@dataclass
class EventRow:
    id: int | None
    case_id: int
    at: datetime
    agent: str
    kind: str
    body: str
    data: dict[str, Any] | None

    @classmethod
    def of(cls, row: Sequence[Any]) -> EventRow:
        values = _values(EVENT_COLUMNS, row)
        data = values["data"]
        if isinstance(data, str | bytes):  # SQLite keeps JSON as text
            try:
                data = values["data"] = json.loads(data)
            except ValueError:
                raise DamagedRow("data") from None
        if data is not None and not isinstance(data, dict):
            raise DamagedRow("data")
        return cls(**values)


class CaseView(NamedTuple):
    """A case with its customer: what every case command shows."""

    case: CaseRow
    customer: CustomerRow


def case_and_customer(row: Sequence[Any]) -> CaseView:
    """A row of CASE_COLUMNS followed by CUSTOMER_COLUMNS."""
    n = len(CASE_COLUMNS)
    return CaseView(CaseRow.of(row[:n]), CustomerRow.of(row[n:]))
