"""`desk import`: validated records into the database, all or nothing, idempotent."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from sqlalchemy import insert, select, text, update
from sqlmodel import Session

from deskcli import times
from deskcli.errors import Conflict, InvalidValue
from deskcli.folding import (
    SEARCHED_EVENT_KINDS,
    indexed_text,
    name_key,
    search_text,
    search_words,
    sorted_tags,
)
from deskcli.lang import N_, _, n_
from deskcli.services.feedback import PROJECTED_KINDS, project_events
from deskcli.services.import_records import (
    ArticleRecord,
    CalendarRecord,
    CaseRecord,
    ClockRecord,
    CustomerRecord,
    EventRecord,
    PolicyRecord,
    Record,
    ReviewRecord,
    RevisionRecord,
    SearchRecord,
    TargetRecord,
    UseRecord,
    parse_line,
)
from deskcli.services.sla_config import DEFAULT_POLICIES
from deskcli.services.sla_replay import give_clocks
from deskcli.services.tags import tag_key
from deskcli.services.transfer import (
    ARTICLE_FIELDS,
    ARTICLE_ROW_FIELDS,
    ARTICLE_TAGS,
    ARTICLES,
    CALENDAR_FIELDS,
    CALENDARS,
    CASE_FIELDS,
    CASES,
    CLOCK_FIELDS,
    CLOCKS,
    CUSTOMER_FIELDS,
    CUSTOMERS,
    EVENT_FIELDS,
    EVENTS,
    POLICIES,
    POLICY_FIELDS,
    REVIEW_FIELDS,
    REVIEWS,
    REVISION_FIELDS,
    REVISIONS,
    SEARCH_FIELDS,
    SEARCHES,
    TAGS,
    TARGET_FIELDS,
    TARGETS,
    USE_FIELDS,
    USES,
    WRITE_CHUNK,
    ImportSummary,
    case_columns,
)
from deskcli.services.write_path import SEARCHED_FIELDS, refresh_search_text
from deskcli.store import tx_of


def _row(record: Record, fields: tuple[str, ...]) -> dict[str, Any]:
    """The record's exported fields (a case's still with customer_crn, resolved
    to an id on insert, and its tags, rows of their own table)."""
    return {f: getattr(record, f) for f in fields}


def _new_customer_row(row: dict[str, Any]) -> dict[str, Any]:
    """With the derived columns the services keep (deskcli.folding)."""
    fields = (row["crn"], row["name"], row["email"], row["phone"])
    return row | {"crn_key": name_key(row["crn"]), "search_text": search_text(fields)}


def _new_case_row(row: dict[str, Any]) -> dict[str, Any]:
    """With the derived columns; the conversation's text is added once the
    events are in (refresh_search_text)."""
    return row | {
        "assignee_key": name_key(row["assignee"]),
        "team_key": name_key(row["team"]),
        "search_text": search_text(row[f] for f in SEARCHED_FIELDS),
    }


def _new_article_row(row: dict[str, Any]) -> dict[str, Any]:
    """With the folded words the search index reads (services.kb keeps them
    so); on SQLite the insert trigger indexes them under the article's id."""
    return row | {"title_fold": indexed_text(row["title"]), "body_fold": indexed_text(row["body"])}


def _tags_of(session: Session, owner: Any, tag: Any, ids: list[int]) -> dict[int, list[str]]:
    """The tags of each of these cases or articles (`owner`: the tag table's
    column naming them), as their records list them."""
    found: dict[int, list[str]] = {i: [] for i in ids}
    for owner_id, value in session.execute(select(owner, tag).where(owner.in_(ids))):
        found[owner_id].append(value)
    return {i: sorted_tags(tags) for i, tags in found.items()}


def _differences(wanted: dict[str, Any], existing: Any) -> list[str]:
    """The fields whose value in the file differs from the database row."""
    found = existing._mapping
    return [name for name, value in wanted.items() if found[name] != value]


class _Importer:
    """One pass over the lines: validate, check references, write in chunks.

    Writing stops at the first conflict, or at the first bad line unless bad
    lines are skipped; validation goes on to the end, so every bad line is
    reported in one run.
    """

    def __init__(self, session: Session, skip_invalid: bool, report: Callable[[int, str], None]):
        self.session = session
        self.skip_invalid = skip_invalid
        self.report = report
        self.summary = ImportSummary()
        self.conflict: Conflict | None = None
        # Keys of the valid lines so far, with their line numbers.  CRNs
        # match case-insensitively: by their name_key, here and below.
        self.file_crns: dict[str, int] = {}
        self.file_cases: dict[int, int] = {}
        self.new_cases: list[int] = []  # inserted by this import
        self.file_events: dict[int, int] = {}
        self.file_articles: dict[int, int] = {}
        self.file_revisions: dict[int, int] = {}
        self.file_uses: dict[tuple[int, int], int] = {}
        self.file_searches: dict[int, int] = {}
        self.file_calendars: dict[str, int] = {}
        self.file_policies: dict[str, int] = {}
        self.file_clocks: dict[int, int] = {}
        self.file_clock_runs: dict[tuple[int, str, int], int] = {}
        self.file_reviews: dict[int, int] = {}
        self.file_reviewers: dict[tuple[int, str], int] = {}
        self.file_targets: dict[str, int] = {}
        self.db_calendars: dict[str, bool] = {}
        # Customer ids by CRN (those written or matched), and what the
        # database held before the import (looked up once per key).
        self.customer_ids: dict[str, int] = {}
        self.db_customers: dict[str, int | None] = {}
        self.db_cases: dict[int, bool] = {}
        self.db_articles: dict[int, bool] = {}
        self.customers: list[tuple[int, CustomerRecord]] = []
        self.cases: list[tuple[int, CaseRecord]] = []
        self.events: list[tuple[int, EventRecord]] = []
        self.articles: list[tuple[int, ArticleRecord]] = []
        self.revisions: list[tuple[int, RevisionRecord]] = []
        self.uses: list[tuple[int, UseRecord]] = []
        self.searches: list[tuple[int, SearchRecord]] = []
        self.calendars: list[tuple[int, CalendarRecord]] = []
        self.policies: list[tuple[int, PolicyRecord]] = []
        self.clocks: list[tuple[int, ClockRecord]] = []
        self.reviews: list[tuple[int, ReviewRecord]] = []
        self.targets: list[tuple[int, TargetRecord]] = []
        # Cases that received a note, reply or customer message: their search
        # text is recomputed at the end.
        self.searched_cases: set[int] = set()
        # New feedback and remedy events: their rows are rebuilt at the end.
        self.projected_events: list[int] = []

    @property
    def writing(self) -> bool:
        return self.conflict is None and (self.skip_invalid or not self.summary.invalid)

    # Lines ----------------------------------------------------------------

    def line(self, number: int, raw: bytes) -> None:
        try:
            record = parse_line(raw)
            self._accept(number, record)
        except InvalidValue as exc:
            self.summary.invalid += 1
            exc.localize(_)
            self.report(number, exc.message)

    def _accept(self, number: int, record: Record) -> None:
        if isinstance(record, ReviewRecord | TargetRecord):
            self._accept_quality(number, record)
        elif isinstance(record, CalendarRecord | PolicyRecord | ClockRecord):
            self._accept_service_levels(number, record)
        elif isinstance(record, CustomerRecord):
            _unique(
                self.file_crns, name_key(record.crn), _("customer {crn}").format(crn=record.crn)
            )
            self.file_crns[name_key(record.crn) or ""] = number
            self.customers.append((number, record))
            if len(self.customers) >= WRITE_CHUNK:
                self._flush_customers()
        elif isinstance(record, CaseRecord):
            _unique(self.file_cases, record.id, _("case {id}").format(id=record.id))
            _earlier(
                name_key(record.customer_crn) in self.file_crns
                or self._customer_in_db(record.customer_crn),
                _("case {id}: customer {crn}").format(id=record.id, crn=record.customer_crn),
            )
            self.file_cases[record.id] = number
            self.cases.append((number, record))
            if len(self.cases) >= WRITE_CHUNK:
                self._flush_cases()
        elif isinstance(record, EventRecord):
            _unique(self.file_events, record.id, _("event {id}").format(id=record.id))
            _earlier(
                self._case_known(record.case_id),
                _("event {id}: case {case_id}").format(id=record.id, case_id=record.case_id),
            )
            self.file_events[record.id] = number
            self.events.append((number, record))
            if len(self.events) >= WRITE_CHUNK:
                self._flush_events()
        else:
            self._accept_knowledge(number, record)

    def _accept_knowledge(
        self, number: int, record: ArticleRecord | RevisionRecord | UseRecord | SearchRecord
    ) -> None:
        if isinstance(record, ArticleRecord):
            _unique(self.file_articles, record.id, _("article {id}").format(id=record.id))
            if record.source_case_id is not None:
                _earlier(
                    self._case_known(record.source_case_id),
                    _("article {id}: case {case_id}").format(
                        id=record.id, case_id=record.source_case_id
                    ),
                )
            self.file_articles[record.id] = number
            self.articles.append((number, record))
            if len(self.articles) >= WRITE_CHUNK:
                self._flush_articles()
        elif isinstance(record, RevisionRecord):
            _unique(self.file_revisions, record.id, _("revision {id}").format(id=record.id))
            _earlier(
                self._article_known(record.article_id),
                _("revision {id}: article {article_id}").format(
                    id=record.id, article_id=record.article_id
                ),
            )
            self.file_revisions[record.id] = number
            self.revisions.append((number, record))
            if len(self.revisions) >= WRITE_CHUNK:
                self._flush_revisions()
        elif isinstance(record, UseRecord):
            what = _("use of article {article_id} on case {case_id}").format(
                article_id=record.article_id, case_id=record.case_id
            )
            _unique(self.file_uses, (record.case_id, record.article_id), what)
            _earlier(
                self._case_known(record.case_id),
                _("{what}: case {case_id}").format(what=what, case_id=record.case_id),
            )
            _earlier(
                self._article_known(record.article_id),
                _("{what}: article {article_id}").format(what=what, article_id=record.article_id),
            )
            self.file_uses[record.case_id, record.article_id] = number
            self.uses.append((number, record))
            if len(self.uses) >= WRITE_CHUNK:
                self._flush_uses()
        else:
            _unique(self.file_searches, record.id, _("search {id}").format(id=record.id))
            self.file_searches[record.id] = number
            self.searches.append((number, record))
            if len(self.searches) >= WRITE_CHUNK:
                self._flush_searches()

    def _accept_service_levels(
        self, number: int, record: CalendarRecord | PolicyRecord | ClockRecord
    ) -> None:
        if isinstance(record, CalendarRecord):
            _unique(self.file_calendars, record.name, _("calendar {name}").format(name=record.name))
            self.file_calendars[record.name] = number
            self.calendars.append((number, record))
        elif isinstance(record, PolicyRecord):
            what = _("policy of {priority}").format(priority=record.priority)
            _unique(self.file_policies, record.priority, what)
            _earlier(
                self._calendar_known(record.calendar),
                _("{what}: calendar {calendar}").format(what=what, calendar=record.calendar),
            )
            self.file_policies[record.priority] = number
            self.policies.append((number, record))
        else:
            what = _("clock {id}").format(id=record.id)
            _unique(self.file_clocks, record.id, what)
            run = (record.case_id, record.name, record.cycle)
            again = _("{what}: {name} clock {cycle} of case {case_id}")
            _unique(
                self.file_clock_runs,
                run,
                again.format(
                    what=what, name=record.name, cycle=record.cycle, case_id=record.case_id
                ),
            )
            _earlier(
                self._case_known(record.case_id),
                _("{what}: case {case_id}").format(what=what, case_id=record.case_id),
            )
            _earlier(
                self._calendar_known(record.calendar),
                _("{what}: calendar {calendar}").format(what=what, calendar=record.calendar),
            )
            self.file_clocks[record.id] = number
            self.file_clock_runs[run] = number
            self.clocks.append((number, record))
            if len(self.clocks) >= WRITE_CHUNK:
                self._flush_clocks()

    def _accept_quality(self, number: int, record: ReviewRecord | TargetRecord) -> None:
        if isinstance(record, TargetRecord):
            key = name_key(record.category) or ""
            _unique(self.file_targets, key, _("target {category}").format(category=record.category))
            self.file_targets[key] = number
            self.targets.append((number, record))
            return
        what = _("review {id}").format(id=record.id)
        _unique(self.file_reviews, record.id, what)
        by = (record.case_id, name_key(record.reviewer) or "")
        again = _("{what}: a review of case {case_id} by {reviewer}")
        _unique(
            self.file_reviewers,
            by,
            again.format(what=what, case_id=record.case_id, reviewer=record.reviewer),
        )
        _earlier(
            self._case_known(record.case_id),
            _("{what}: case {case_id}").format(what=what, case_id=record.case_id),
        )
        self.file_reviews[record.id] = number
        self.file_reviewers[by] = number
        self.reviews.append((number, record))
        if len(self.reviews) >= WRITE_CHUNK:
            self._flush_reviews()

    def _calendar_known(self, name: str) -> bool:
        if name in self.file_calendars:
            return True
        if name not in self.db_calendars:
            query = select(CALENDARS.c.name).where(CALENDARS.c.name == name)
            self.db_calendars[name] = self.session.execute(query).first() is not None
        return self.db_calendars[name]

    # A key not among the earlier lines cannot have been written by this
    # import yet, so these lookups see the database as it was before it.

    def _customer_in_db(self, crn: str) -> bool:
        key = name_key(crn) or ""
        if key not in self.db_customers:
            query = select(CUSTOMERS.c.id).where(CUSTOMERS.c.crn_key == key)
            self.db_customers[key] = self.session.execute(query).scalar()
        return self.db_customers[key] is not None

    def _case_in_db(self, case_id: int) -> bool:
        if case_id not in self.db_cases:
            query = select(CASES.c.id).where(CASES.c.id == case_id)
            self.db_cases[case_id] = self.session.execute(query).first() is not None
        return self.db_cases[case_id]

    def _case_known(self, case_id: int) -> bool:
        return case_id in self.file_cases or self._case_in_db(case_id)

    def _article_known(self, article_id: int) -> bool:
        if article_id in self.file_articles:
            return True
        if article_id not in self.db_articles:
            query = select(ARTICLES.c.id).where(ARTICLES.c.id == article_id)
            self.db_articles[article_id] = self.session.execute(query).first() is not None
        return self.db_articles[article_id]

    # Chunks ---------------------------------------------------------------

    def finish(self) -> ImportSummary:
        self._flush_targets()  # flushes every earlier type first
        if self.summary.invalid and not self.skip_invalid:
            n = self.summary.invalid
            raise InvalidValue(
                n_(
                    "{count} invalid line; nothing was imported",
                    "{count} invalid lines; nothing was imported",
                    n,
                ),
                params={"count": n},
                hint=n_(
                    "fix it, or pass --skip-invalid to import the rest",
                    "fix them, or pass --skip-invalid to import the rest",
                    n,
                ),
            )
        if self.conflict is not None:
            raise self.conflict
        tx = tx_of(self.session)
        refresh_search_text(tx, self.searched_cases)
        project_events(tx, self.projected_events)
        # An export older than the clocks (schema 0009) has none: its new
        # cases get the clocks their events give (counted in `replayed`,
        # never silently).  A newer export's clocks are taken as they are.
        if not self.file_clock_runs:
            self.summary.replayed = give_clocks(tx, self.new_cases)
        s = self.summary
        if s.cases or s.events or s.clocks or s.articles or s.revisions or s.searches or s.reviews:
            _advance_sequences(self.session)
        return self.summary

    def _refuse(self, number: int, what: str, fields: list[str]) -> None:
        self.conflict = Conflict(
            N_(
                "line {number}: {what} differs from the one in the database ({fields});"
                " nothing was imported"
            ),
            params={"number": number, "what": what, "fields": ", ".join(fields)},
            hint=N_("an import adds records and never changes existing ones"),
        )

    def _flush_calendars(self) -> None:
        self._flush_searches()
        batch, self.calendars = self.calendars, []
        if not batch or not self.writing:
            return
        query = select(*(CALENDARS.c[f] for f in CALENDAR_FIELDS)).where(
            CALENDARS.c.name.in_([r.name for _, r in batch])
        )
        existing = {row.name: row for row in self.session.execute(query)}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, CALENDAR_FIELDS)
            found = existing.get(record.name)
            if found is None:
                new.append(row | {"updated_at": times.now()})
            elif differences := _differences(row, found):
                return self._refuse(
                    number, _("calendar {name}").format(name=record.name), differences
                )
            else:
                self.summary.skipped += 1
        if new:
            self.session.execute(insert(CALENDARS), new)
            self.summary.calendars += len(new)

    def _flush_policies(self) -> None:
        self._flush_calendars()
        batch, self.policies = self.policies, []
        if not batch or not self.writing:
            return
        query = select(*(POLICIES.c[f] for f in POLICY_FIELDS))
        existing = {row.priority: row for row in self.session.execute(query)}
        for number, record in batch:
            row = _row(record, POLICY_FIELDS)
            found = existing.get(record.priority)
            if found is None:
                self.session.execute(insert(POLICIES), [row | {"updated_at": times.now()}])
            elif not (differences := _differences(row, found)):
                self.summary.skipped += 1
                continue
            elif tuple(found)[1:] == DEFAULT_POLICIES.get(record.priority):
                # The database never chose its own: the file's policy is the desk's.
                self.session.execute(
                    update(POLICIES)
                    .where(POLICIES.c.priority == record.priority)
                    .values(**row, updated_at=times.now())
                )
            else:
                return self._refuse(
                    number, _("policy of {priority}").format(priority=record.priority), differences
                )
            self.summary.policies += 1

    def _flush_customers(self) -> None:
        batch, self.customers = self.customers, []
        if not batch or not self.writing:
            return
        keys = [name_key(r.crn) for _, r in batch]
        crns = [r.crn for _, r in batch]
        rows = list(
            self.session.execute(
                select(CUSTOMERS).where(CUSTOMERS.c.crn_key.in_(keys) | CUSTOMERS.c.crn.in_(crns))
            )
        )
        existing = {row.crn_key: row for row in rows if row.crn_key is not None}
        exact = {row.crn: row for row in rows}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, CUSTOMER_FIELDS)
            key = name_key(record.crn) or ""
            # The exact spelling first: a CRN that already differed by case
            # alone when migration 0004 ran has no key of its own.
            found = exact.get(record.crn, existing.get(key))
            if found is None:
                new.append(_new_customer_row(row))
                continue
            # Matched by CRN whatever its case; the stored spelling stays.
            if differences := _differences({k: v for k, v in row.items() if k != "crn"}, found):
                return self._refuse(number, _("customer {crn}").format(crn=record.crn), differences)
            self.customer_ids[key] = found.id
            self.summary.skipped += 1
        if new:
            self.session.execute(insert(CUSTOMERS), new)
            query = select(CUSTOMERS.c.crn_key, CUSTOMERS.c.id).where(
                CUSTOMERS.c.crn_key.in_([row["crn_key"] for row in new])
            )
            self.customer_ids.update({row.crn_key: row.id for row in self.session.execute(query)})
            self.summary.customers += len(new)

    def _customer_id(self, crn: str) -> int:
        key = name_key(crn) or ""
        found = self.customer_ids.get(key)
        if found is None:
            found = self.db_customers[key]
        assert found is not None  # _accept checked the reference
        return found

    def _flush_cases(self) -> None:
        self._flush_customers()
        batch, self.cases = self.cases, []
        if not batch or not self.writing:
            return
        query = (
            select(*case_columns())
            .join_from(CASES, CUSTOMERS, CASES.c.customer_id == CUSTOMERS.c.id)
            .where(CASES.c.id.in_([r.id for _, r in batch]))
        )
        existing = {row.id: row for row in self.session.execute(query)}
        existing_tags = _tags_of(self.session, TAGS.c.case_id, TAGS.c.tag, list(existing))
        new: list[dict[str, Any]] = []
        new_tags: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, CASE_FIELDS)
            tags = row.pop("tags")
            found = existing.get(record.id)
            if found is None:
                crn = row.pop("customer_crn")
                new.append(_new_case_row(row) | {"customer_id": self._customer_id(crn)})
                new_tags += [{"case_id": record.id, "tag_key": tag_key(t), "tag": t} for t in tags]
                continue
            differences = _differences(row, found)
            if sorted_tags(tags) != existing_tags[record.id]:
                differences.append("tags")
            if differences:
                return self._refuse(number, _("case {id}").format(id=record.id), differences)
            self.summary.skipped += 1
        if new:
            self.session.execute(insert(CASES), new)
            self.summary.cases += len(new)
            self.new_cases += [row["id"] for row in new]
        if new_tags:
            self.session.execute(insert(TAGS), new_tags)

    def _flush_events(self) -> None:
        self._flush_cases()
        batch, self.events = self.events, []
        if not batch or not self.writing:
            return
        query = select(*(EVENTS.c[f] for f in EVENT_FIELDS)).where(
            EVENTS.c.id.in_([r.id for _, r in batch])
        )
        existing = {row.id: row for row in self.session.execute(query)}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, EVENT_FIELDS)
            found = existing.get(record.id)
            if found is None:
                new.append(row)
                if record.kind in SEARCHED_EVENT_KINDS:
                    self.searched_cases.add(record.case_id)
                if record.kind in PROJECTED_KINDS:
                    self.projected_events.append(record.id)
            elif differences := _differences(row, found):
                # Events are append-only: an existing one is never rewritten.
                return self._refuse(number, _("event {id}").format(id=record.id), differences)
            else:
                self.summary.skipped += 1
        if new:
            self.session.execute(insert(EVENTS), new)
            self.summary.events += len(new)

    def _flush_clocks(self) -> None:
        self._flush_policies()
        batch, self.clocks = self.clocks, []
        if not batch or not self.writing:
            return
        query = select(*(CLOCKS.c[f] for f in CLOCK_FIELDS)).where(
            CLOCKS.c.case_id.in_({r.case_id for _, r in batch})
        )
        rows = list(self.session.execute(query))
        existing = {row.id: row for row in rows}
        runs = {(row.case_id, row.name, row.cycle): row.id for row in rows}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, CLOCK_FIELDS)
            found = existing.get(record.id)
            if found is None:
                taken = runs.get((record.case_id, record.name, record.cycle))
                if taken is not None:
                    self.conflict = Conflict(
                        N_(
                            "line {number}: clock {id} is run {cycle} of the {name} clock of"
                            " case {case_id}, which the database holds as clock {taken};"
                            " nothing was imported"
                        ),
                        params={
                            "number": number,
                            "id": record.id,
                            "cycle": record.cycle,
                            "name": record.name,
                            "case_id": record.case_id,
                            "taken": taken,
                        },
                        hint=N_("an import adds records and never changes existing ones"),
                    )
                    return
                new.append(row)
            elif differences := _differences(row, found):
                return self._refuse(number, _("clock {id}").format(id=record.id), differences)
            else:
                self.summary.skipped += 1
        if new:
            self.session.execute(insert(CLOCKS), new)
            self.summary.clocks += len(new)

    def _flush_reviews(self) -> None:
        self._flush_clocks()
        batch, self.reviews = self.reviews, []
        if not batch or not self.writing:
            return
        # The reviews of these cases: matched by id; a new one may not take
        # the place of another review by the same reviewer (one per case).
        query = select(*(REVIEWS.c[f] for f in REVIEW_FIELDS), REVIEWS.c.reviewer_key).where(
            REVIEWS.c.case_id.in_({r.case_id for _, r in batch})
        )
        rows = list(self.session.execute(query))
        existing = {row.id: row for row in rows}
        by_reviewer = {(row.case_id, row.reviewer_key): row.id for row in rows}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, REVIEW_FIELDS)
            found = existing.get(record.id)
            if found is None:
                key = name_key(record.reviewer)
                taken = by_reviewer.get((record.case_id, key))
                if taken is not None:
                    self.conflict = Conflict(
                        N_(
                            "line {number}: review {id} is {reviewer}'s review of case"
                            " {case_id}, which the database holds as review {taken};"
                            " nothing was imported"
                        ),
                        params={
                            "number": number,
                            "id": record.id,
                            "reviewer": record.reviewer,
                            "case_id": record.case_id,
                            "taken": taken,
                        },
                        hint=N_("an import adds records and never changes existing ones"),
                    )
                    return
                new.append(row | {"reviewer_key": key, "agent_key": name_key(record.agent)})
            elif differences := _differences(row, found):
                return self._refuse(number, _("review {id}").format(id=record.id), differences)
            else:
                self.summary.skipped += 1
        if new:
            self.session.execute(insert(REVIEWS), new)
            self.summary.reviews += len(new)

    def _flush_targets(self) -> None:
        self._flush_reviews()
        batch, self.targets = self.targets, []
        if not batch or not self.writing:
            return
        keys = [name_key(r.category) for _, r in batch]
        query = select(*(TARGETS.c[f] for f in TARGET_FIELDS), TARGETS.c.category_key).where(
            TARGETS.c.category_key.in_(keys)
        )
        existing = {row.category_key: row for row in self.session.execute(query)}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, TARGET_FIELDS)
            key = name_key(record.category)
            found = existing.get(key)
            if found is None:
                new.append(row | {"category_key": key})
            elif differences := _differences(row, found):
                return self._refuse(
                    number, _("target {category}").format(category=record.category), differences
                )
            else:
                self.summary.skipped += 1
        if new:
            self.session.execute(insert(TARGETS), new)
            self.summary.targets += len(new)

    def _flush_articles(self) -> None:
        self._flush_events()
        batch, self.articles = self.articles, []
        if not batch or not self.writing:
            return
        query = select(*(ARTICLES.c[f] for f in ARTICLE_ROW_FIELDS)).where(
            ARTICLES.c.id.in_([r.id for _, r in batch])
        )
        existing = {row.id: row for row in self.session.execute(query)}
        existing_tags = _tags_of(
            self.session, ARTICLE_TAGS.c.article_id, ARTICLE_TAGS.c.tag, list(existing)
        )
        new: list[dict[str, Any]] = []
        new_tags: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, ARTICLE_FIELDS)
            tags = row.pop("tags")
            found = existing.get(record.id)
            if found is None:
                new.append(_new_article_row(row))
                new_tags += [
                    {"article_id": record.id, "tag_key": tag_key(t), "tag": t} for t in tags
                ]
                continue
            differences = _differences(row, found)
            if sorted_tags(tags) != existing_tags[record.id]:
                differences.append("tags")
            if differences:
                return self._refuse(number, _("article {id}").format(id=record.id), differences)
            self.summary.skipped += 1
        if new:
            self.session.execute(insert(ARTICLES), new)
            self.summary.articles += len(new)
        if new_tags:
            self.session.execute(insert(ARTICLE_TAGS), new_tags)

    def _flush_revisions(self) -> None:
        self._flush_articles()
        batch, self.revisions = self.revisions, []
        new = self._append_only(batch, REVISIONS, REVISION_FIELDS, N_("revision {id}"))
        if new:
            self.session.execute(insert(REVISIONS), new)
            self.summary.revisions += len(new)

    def _flush_uses(self) -> None:
        self._flush_revisions()
        batch, self.uses = self.uses, []
        if not batch or not self.writing:
            return
        # Found by case and article (a use's id is internal): the pairs of
        # these cases and articles, filtered to the batch's own pairs.
        query = select(*(USES.c[f] for f in USE_FIELDS)).where(
            USES.c.case_id.in_({r.case_id for _, r in batch})
            & USES.c.article_id.in_({r.article_id for _, r in batch})
        )
        existing = {(row.case_id, row.article_id): row for row in self.session.execute(query)}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, USE_FIELDS)
            found = existing.get((record.case_id, record.article_id))
            if found is None:
                new.append(row)
            elif differences := _differences(row, found):
                what = _("use of article {article_id} on case {case_id}").format(
                    article_id=record.article_id, case_id=record.case_id
                )
                return self._refuse(number, what, differences)
            else:
                self.summary.skipped += 1
        if new:
            self.session.execute(insert(USES), new)
            self.summary.uses += len(new)

    def _flush_searches(self) -> None:
        self._flush_uses()
        batch, self.searches = self.searches, []
        new = self._append_only(batch, SEARCHES, SEARCH_FIELDS, N_("search {id}"))
        for row in new:
            # Derived as services.kb.search derives it: equal searches group together.
            row["query_key"] = " ".join(search_words(row["query"]))
        if new:
            self.session.execute(insert(SEARCHES), new)
            self.summary.searches += len(new)

    def _append_only(
        self,
        batch: list[tuple[int, RevisionRecord]] | list[tuple[int, SearchRecord]],
        table: Any,
        fields: tuple[str, ...],
        what: str,
    ) -> list[dict[str, Any]]:
        """The rows of `batch` not yet in `table` (matched by id); an existing
        identical one is skipped, a differing one refused: like events, these
        records are history, never rewritten."""
        if not batch or not self.writing:
            return []
        query = select(*(table.c[f] for f in fields)).where(
            table.c.id.in_([r.id for _, r in batch])
        )
        existing = {row.id: row for row in self.session.execute(query)}
        new: list[dict[str, Any]] = []
        for number, record in batch:
            row = _row(record, fields)
            found = existing.get(record.id)
            if found is None:
                new.append(row)
            elif differences := _differences(row, found):
                self._refuse(number, _(what).format(id=record.id), differences)
                return []
            else:
                self.summary.skipped += 1
        return new


def _advance_sequences(session: Session) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them,
    or the next `desk case open` would pick an id that is taken.  SQLite (max
    rowid + 1) needs nothing."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in (CASES, EVENTS, CLOCKS, ARTICLES, REVISIONS, SEARCHES, REVIEWS):
        quoted = bind.dialect.identifier_preparer.format_table(table)
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, 'id'), max(id)) FROM {quoted} "
                "HAVING max(id) IS NOT NULL"
            ),
            {"table": quoted},
        )


def _unique(seen: dict[Any, int], key: Any, what: str) -> None:
    if key in seen:
        raise InvalidValue(
            N_("{what} again (first on line {line})"), params={"what": what, "line": seen[key]}
        )


def _earlier(found: bool, what: str) -> None:
    """Refuse a line whose reference is neither on an earlier line nor in the database."""
    if not found:
        raise InvalidValue(
            N_("{what} is neither on an earlier line nor in the database"), params={"what": what}
        )


def import_jsonl(
    session: Session,
    lines: Iterable[bytes],
    *,
    skip_invalid: bool = False,
    report: Callable[[int, str], None],
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> ImportSummary:
    """Import a JSON Lines export into the session's (write) transaction.

    `report(line_number, message)` is called for every bad line.  Raises
    InvalidValue (exit 2) when any line is bad, unless `skip_invalid`, and
    Conflict (exit 4) when a record exists in the database and differs.
    `progress(done, total)` is called every few hundred lines; `total` is the
    number of lines, when the caller knows it.
    """
    importer = _Importer(session, skip_invalid, report)
    number = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if number == 1:
            stripped = stripped.removeprefix(b"\xef\xbb\xbf")  # a BOM some editors add
        if stripped:  # blank lines are allowed (and counted)
            importer.line(number, stripped)
        if progress is not None and number % WRITE_CHUNK == 0:
            progress(number, total)
    summary = importer.finish()
    if progress is not None:
        progress(number, max(total, number))
    return summary


@contextmanager
def open_source(name: str, stdin: Iterable[bytes]) -> Iterator[tuple[Iterable[bytes], int]]:
    """The file to import ('-': stdin) and its line count (0 when unknown).

    Raises InvalidValue (exit 2) with a one-line reason when it cannot be read.
    """
    if name == "-":
        yield stdin, 0
        return
    try:
        stream = open(name, "rb")  # closed below, after the caller's block
    except OSError as exc:
        raise InvalidValue(
            N_("cannot read {name}: {reason}"), params={"name": name, "reason": exc.strerror or exc}
        ) from None
    with stream:
        try:
            total = _count_lines(stream)
        except OSError as exc:  # e.g. a directory on some systems, or a FIFO
            raise InvalidValue(
                N_("cannot read {name}: {reason}"),
                params={"name": name, "reason": exc.strerror or exc},
            ) from None
        yield stream, total


def _count_lines(stream: IO[bytes]) -> int:
    """Lines in a regular file (fast: blocks, no decoding), for the progress bar."""
    if not stream.seekable():
        return 0
    total, last = 0, b"\n"
    while block := stream.read(1 << 20):
        total += block.count(b"\n")
        last = block[-1:]
    stream.seek(0)
    return total + (last != b"\n")
