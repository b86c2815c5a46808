"""The read path: the queries an agent runs all day (case list, case show, the
board, follow-ups, customer show and list) as plain SQL, kept in one place.

Standard library only.  On a SQLite file the SQL runs through `sqlite3` (no
SQLAlchemy, SQLModel or Pydantic is imported: a read costs little more than
starting Python); on PostgreSQL the same SQL runs through the engine that
writes use.  The rows come back as the plain dataclasses of `rows.py`, which
`shapes` and `render` take like the table models.
"""

from deskcli.reads.rows import CaseRow, CaseView, CustomerRow, EventRow
from deskcli.reads.source import Source

__all__ = ["CaseRow", "CaseView", "CustomerRow", "EventRow", "Source"]
