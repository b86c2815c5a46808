"""`desk import`: one line of an export, validated (Pydantic) against the ranges
the commands handle."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from deskcli import limits
from deskcli.domain import (
    PILLARS,
    SCORE_RANGE,
    ArticleStatus,
    Channel,
    EventKind,
    Priority,
    Status,
)
from deskcli.errors import DeskError, InvalidValue
from deskcli.limits import control_character
from deskcli.services.kb import QUERY_LIMIT
from deskcli.services.sla_config import MAX_TARGET, calendar_name, calendar_of, check_zone
from deskcli.services.tags import tag_key
from deskcli.sla.calendar import check_no_overlap
from deskcli.times import MAX_YEAR, MIN_YEAR

# Ranges the commands handle on both backends, so that an imported record
# never crashes a later command: ids fit the 32-bit INTEGER columns of
# PostgreSQL (an export moves between backends), counters leave room to count
# up (`version + 1`), and times stay in years where every time zone's
# arithmetic works (the same range as `--on` dates).
MAX_ROW_ID = 2**31 - 1
MAX_COUNTER = 10**9


def _time_in_range(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is out of range (use {MIN_YEAR} to {MAX_YEAR})")
    return value


def _storable(value: Any) -> Any:
    """Refuse NUL in any text, nested in event data too: PostgreSQL cannot store it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL (\\u0000)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif isinstance(value, list):
        for item in value:
            _storable(item)
    return value


def _one_line(value: str) -> str:
    if (ch := control_character(value, allow_newlines=False)) is not None:
        raise ValueError(f"must be one line without control characters (found {ch!r})")
    return value


def _within(limit: int) -> AfterValidator:
    """At most `limit` characters, said the way the commands say it."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"{len(value):,} characters long; the limit is {limit:,}")
        return value

    return AfterValidator(check)


Id = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNTER)]
Counter = Annotated[int, Field(ge=1, le=MAX_COUNTER)]  # version, tier: start at 1
# Every text within the limits the commands enforce (deskcli.limits).
Text = Annotated[str, AfterValidator(_storable), _within(limits.LONG_TEXT)]
Label = Annotated[Text, _within(limits.LABEL)]
Crn = Annotated[Label, Field(min_length=1, pattern=r"^\S+$")]  # one word, as customers.py wants
NonEmpty = Annotated[Text, Field(min_length=1)]
Csat = Annotated[int, Field(ge=1, le=5)]
Nps = Annotated[int, Field(ge=0, le=10)]
Subject = Annotated[NonEmpty, _within(limits.SUBJECT), AfterValidator(_one_line)]


def _distinct_tags(tags: list[str]) -> list[str]:
    keys = [tag_key(t) for t in tags]
    if len(set(keys)) != len(keys):
        raise ValueError("a tag appears twice (tags match in any case)")
    return tags


Tag = Annotated[Label, Field(min_length=1, pattern=r"^\S+$"), AfterValidator(_one_line)]
Tags = Annotated[list[Tag], AfterValidator(_distinct_tags)]
Time = Annotated[AwareDatetime, AfterValidator(_time_in_range)]
Data = Annotated[dict[str, Any], AfterValidator(_storable)]


class _Record(BaseModel):
    # Strict: a JSON string is not an int, true is not 1.  Unknown fields are
    # refused, so a file from a newer desk (more columns) is not half imported.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_enum_values=True)


class CustomerRecord(_Record):
    """A `"type": "customer"` line.  Every field is required (null where allowed)."""

    type: Literal["customer"]
    crn: Crn
    name: Annotated[NonEmpty, _within(limits.NAME)]
    email: Annotated[Text, _within(limits.EMAIL)] | None
    phone: Annotated[Text, _within(limits.PHONE)] | None
    created_at: Time


class CaseRecord(_Record):
    """A `"type": "case"` line."""

    type: Literal["case"]
    id: Id
    customer_crn: Crn
    subject: Subject
    description: Text
    channel: Channel
    category: Label | None
    priority: Priority
    status: Status
    assignee: Label | None
    team: Label | None
    tier: Counter
    created_at: Time
    updated_at: Time
    first_response_at: Time | None
    resolved_at: Time | None
    closed_at: Time | None
    resolution: Text | None
    root_cause: Text | None
    follow_up_at: Time | None
    reopen_count: Count
    handling_seconds: Count
    # Optional: an export made before schema 0007 still imports.
    last_inbound_at: Time | None = None
    csat: Csat | None = None
    nps: Nps | None = None
    # Optional: an export made before schema 0009 has no service levels.
    due_at: Time | None = None
    version: Counter
    # Optional: an export made before tags existed still imports.
    tags: Tags = Field(default_factory=list)


class EventRecord(_Record):
    """A `"type": "event"` line."""

    type: Literal["event"]
    id: Id
    case_id: Id
    at: Time
    agent: NonEmpty
    kind: EventKind
    body: Text
    data: Data | None


# The knowledge base (schema 0007): the same limits as `desk kb add`/`edit`.
OneLineLabel = Annotated[Label, AfterValidator(_one_line)]


class ArticleRecord(_Record):
    """A `"type": "article"` line (its folded words are recomputed, not imported)."""

    type: Literal["article"]
    id: Id
    title: Subject
    body: NonEmpty
    category: OneLineLabel | None
    status: ArticleStatus
    author: NonEmpty
    created_at: Time
    updated_at: Time
    version: Counter
    source_case_id: Id | None
    tags: Tags


class RevisionRecord(_Record):
    """A `"type": "revision"` line: one change of an article."""

    type: Literal["revision"]
    id: Id
    article_id: Id
    at: Time
    agent: NonEmpty
    changes: Data


class UseRecord(_Record):
    """A `"type": "use"` line: an article used on a case (once per case)."""

    type: Literal["use"]
    case_id: Id
    article_id: Id
    at: Time
    agent: NonEmpty


class SearchRecord(_Record):
    """A `"type": "search"` line: a logged `desk kb search` (its query_key is recomputed)."""

    type: Literal["search"]
    id: Id
    at: Time
    agent: NonEmpty
    query: Annotated[NonEmpty, _within(QUERY_LIMIT)]
    results: Count


# Service levels (schema 0009): the same checks as `desk sla calendar set` and
# `desk sla policy set`; clocks as they stand (nothing is recomputed).


def _desk_rule(check: Any) -> Any:
    """A check of the commands (raising DeskError) as a validator (ValueError)."""

    def validate(value: Any) -> Any:
        try:
            check(value)
        except DeskError as exc:
            raise ValueError(exc.message) from None
        return value

    return AfterValidator(validate)


def _stored_hours(hours: list[dict[str, Any]]) -> None:
    """Hours as sla_calendar stores them: [{"days": [0..6], "from", "to"}]."""
    for item in hours:
        if set(item) != {"days", "from", "to"}:
            raise InvalidValue('each range has exactly "days", "from" and "to"')
        days = item["days"]
        if not (
            isinstance(days, list) and days and all(type(d) is int and 0 <= d <= 6 for d in days)
        ):
            raise InvalidValue("days are numbers from 0 (Monday) to 6 (Sunday)")
        for key in ("from", "to"):
            if not isinstance(item[key], str) or len(item[key]) != 5:
                raise InvalidValue(f'"{key}" is a time HH:MM (24:00 ends a day)')
    try:
        calendar = calendar_of("x", "UTC", hours, [])
    except ValueError:
        raise InvalidValue('"from" and "to" are times HH:MM (24:00 ends a day)') from None
    for one in calendar.hours:
        if one.seconds() <= 0:
            raise InvalidValue(f"hours {one.spec()!r}: the end must be later than the start")
    check_no_overlap(calendar.hours)


def _holidays(days: list[str]) -> None:
    for text in days:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise InvalidValue(f"holiday {text!r} is not a date YYYY-MM-DD") from None
        if len(text) != 10:
            raise InvalidValue(f"holiday {text!r} is not a date YYYY-MM-DD")


CalendarName = Annotated[str, _desk_rule(calendar_name)]
Zone = Annotated[str, Field(max_length=64), _desk_rule(check_zone)]
Target = Annotated[int, Field(ge=1, le=int(MAX_TARGET.total_seconds()))]


class CalendarRecord(_Record):
    """A `"type": "calendar"` line (a calendar's updated_at is not exported)."""

    type: Literal["calendar"]
    name: CalendarName
    tz: Zone
    hours: Annotated[list[dict[str, Any]], Field(min_length=1), _desk_rule(_stored_hours)]
    holidays: Annotated[list[str], _desk_rule(_holidays)]


class PolicyRecord(_Record):
    """A `"type": "policy"` line: one priority's targets (seconds) and calendar."""

    type: Literal["policy"]
    priority: Priority
    first_response_seconds: Target
    next_reply_seconds: Target
    resolution_seconds: Target
    calendar: CalendarName


class ClockRecord(_Record):
    """A `"type": "clock"` line: a case clock as it stands (see migration 0009)."""

    type: Literal["clock"]
    id: Id
    case_id: Id
    name: Literal["first_response", "next_reply", "resolution"]  # sla_config.CLOCKS
    cycle: Count
    target_seconds: Target
    calendar: CalendarName
    started_at: Time
    segment_started_at: Time | None
    used_seconds: Annotated[float, Field(ge=0, le=MAX_COUNTER * 10, allow_inf_nan=False)]
    due_at: Time | None
    stopped_at: Time | None
    paused: bool
    breached: bool

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        # What later commands rely on: a running clock has a segment and a
        # due time; a paused one has neither.
        if self.stopped_at is None and self.paused:
            if self.segment_started_at is not None or self.due_at is not None:
                raise ValueError("a paused clock has no segment_started_at and no due_at")
        elif self.stopped_at is None and (self.segment_started_at is None or self.due_at is None):
            raise ValueError("a running clock has a segment_started_at and a due_at")
        return self


# QA reviews and handling-time targets (schema 0010): the same ranges as
# `desk case review`; a review's score and flag must follow from its pillars.
Score = Annotated[int, Field(ge=SCORE_RANGE[0], le=SCORE_RANGE[1])]


class ReviewRecord(_Record):
    """A `"type": "review"` line: a QA review of a case (its keys are recomputed)."""

    type: Literal["review"]
    id: Id
    case_id: Id
    at: Time
    reviewer: Annotated[NonEmpty, _within(limits.LABEL)]
    agent: Label | None
    personalization: Score
    integrity: Score
    expectations: Score
    resolution: Score
    time_effort: Score
    empathy: Score
    professionalism: Score | None
    patience: Score | None
    people_first: Score | None
    score: Annotated[float, Field(ge=0, le=SCORE_RANGE[1], allow_inf_nan=False)]
    flagged: bool
    comment: Text

    @model_validator(mode="after")
    def _scored(self) -> Self:
        from deskcli.services.reviews import review_score

        score, flagged = review_score({name: getattr(self, name) for name in PILLARS})
        if flagged != self.flagged or abs(score - self.score) > 1e-9:
            raise ValueError(
                f"score {self.score} and flagged {str(self.flagged).lower()} do not follow"
                f" from the pillars (score {score}, flagged {str(flagged).lower()})"
            )
        return self


class TargetRecord(_Record):
    """A `"type": "target"` line: the handling time aimed at in a category."""

    type: Literal["target"]
    category: Annotated[OneLineLabel, Field(min_length=1)]
    handling_seconds: Annotated[int, Field(ge=1, le=MAX_COUNTER)]
    set_at: Time
    set_by: NonEmpty


Record = (
    CalendarRecord
    | PolicyRecord
    | ClockRecord
    | CustomerRecord
    | CaseRecord
    | EventRecord
    | ArticleRecord
    | RevisionRecord
    | UseRecord
    | SearchRecord
    | ReviewRecord
    | TargetRecord
)
TYPE_NAMES = (
    "customer, case, event, article, revision, use, search, calendar, policy, clock,"
    " review or target"
)
AnyRecord = Annotated[Record, Field(discriminator="type")]
_RECORD: TypeAdapter[Record] = TypeAdapter(AnyRecord)


def parse_line(raw: bytes) -> Record:
    """One line as a validated record; InvalidValue saying what is wrong."""
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidValue(f"not UTF-8 text (byte {exc.start + 1})") from None
    try:
        return _RECORD.validate_json(decoded)
    except ValidationError as exc:
        raise InvalidValue(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    """Pydantic's errors as one line: `case.priority: Input should be ...; ...`."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        kind, message = error["type"], error["msg"]
        if kind == "json_invalid":
            # The parser sees one line: its "line 1" would contradict ours.
            message = message.replace("at line 1 column", "at column")
        elif kind == "union_tag_not_found":
            message = f'no "type" field ({TYPE_NAMES})'
        elif kind == "union_tag_invalid":
            message = f'unknown "type" (use {TYPE_NAMES})'
        where = ".".join(str(part) for part in error["loc"])
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)
