"""`desk import`: one line of an export, validated (Pydantic) against the ranges
the commands handle."""

from __future__ import annotations

import re
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
from deskcli.lang import N_, _, language
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


class _Invalid(ValueError):
    """A validator's refusal as a catalog template and its params, so that
    `_describe` shows it in the user's language (Pydantic keeps the exception
    in the error's context)."""

    def __init__(self, template: str, params: dict[str, object] | None = None) -> None:
        self.template, self.params = template, params
        super().__init__(template.format(**params) if params else template)

    def shown(self) -> str:
        text = _(self.template)
        return text.format(**self.params) if self.params else text


def _time_in_range(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _Invalid(
            N_("year {year} is out of range (use {low} to {high})"),
            {"year": value.year, "low": MIN_YEAR, "high": MAX_YEAR},
        )
    return value


def _storable(value: Any) -> Any:
    """Refuse NUL in any text, nested in event data too: PostgreSQL cannot store it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise _Invalid(N_("text must not contain NUL (\\u0000)"))
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
        raise _Invalid(
            N_("must be one line without control characters (found {found})"), {"found": repr(ch)}
        )
    return value


def _within(limit: int) -> AfterValidator:
    """At most `limit` characters, said the way the commands say it."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise _Invalid(
                N_("{length:,} characters long; the limit is {limit:,}"),
                {"length": len(value), "limit": limit},
            )
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
        raise _Invalid(N_("a tag appears twice (tags match in any case)"))
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
            raise _Invalid(exc.template, exc.params) from None
        return value

    return AfterValidator(validate)


def _stored_hours(hours: list[dict[str, Any]]) -> None:
    """Hours as sla_calendar stores them: [{"days": [0..6], "from", "to"}]."""
    for item in hours:
        if set(item) != {"days", "from", "to"}:
            raise InvalidValue(N_('each range has exactly "days", "from" and "to"'))
        days = item["days"]
        if not (
            isinstance(days, list) and days and all(type(d) is int and 0 <= d <= 6 for d in days)
        ):
            raise InvalidValue(N_("days are numbers from 0 (Monday) to 6 (Sunday)"))
        for key in ("from", "to"):
            if not isinstance(item[key], str) or len(item[key]) != 5:
                raise InvalidValue(
                    N_('"{key}" is a time HH:MM (24:00 ends a day)'), params={"key": key}
                )
    try:
        calendar = calendar_of("x", "UTC", hours, [])
    except ValueError:
        raise InvalidValue(N_('"from" and "to" are times HH:MM (24:00 ends a day)')) from None
    for one in calendar.hours:
        if one.seconds() <= 0:
            raise InvalidValue(
                N_("hours {spec!r}: the end must be later than the start"),
                params={"spec": one.spec()},
            )
    check_no_overlap(calendar.hours)


def _holidays(days: list[str]) -> None:
    for text in days:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise InvalidValue(
                N_("holiday {text!r} is not a date YYYY-MM-DD"), params={"text": text}
            ) from None
        if len(text) != 10:
            raise InvalidValue(
                N_("holiday {text!r} is not a date YYYY-MM-DD"), params={"text": text}
            )


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
                raise _Invalid(N_("a paused clock has no segment_started_at and no due_at"))
        elif self.stopped_at is None and (self.segment_started_at is None or self.due_at is None):
            raise _Invalid(N_("a running clock has a segment_started_at and a due_at"))
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
            raise _Invalid(
                N_(
                    "score {score} and flagged {flagged} do not follow"
                    " from the pillars (score {expected}, flagged {expected_flag})"
                ),
                {
                    "score": self.score,
                    "flagged": str(self.flagged).lower(),
                    "expected": score,
                    "expected_flag": str(flagged).lower(),
                },
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
        raise InvalidValue(
            N_("not UTF-8 text (byte {byte})"), params={"byte": exc.start + 1}
        ) from None
    try:
        return _RECORD.validate_json(decoded)
    except ValidationError as exc:
        raise InvalidValue(_describe(exc)) from None


# Pydantic's messages of the error types an export line meets, as catalog
# templates over the error's context (the same words as Pydantic's English):
# shown in another language, Pydantic's English is used only for a type not here.
_PYDANTIC: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "literal_error": N_("Input should be {expected}"),
    "enum": N_("Input should be {expected}"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "finite_number": N_("Input should be a finite number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "string_type": N_("Input should be a valid string"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be an object"),
    "datetime_type": N_("Input should be a valid datetime"),
    "timezone_aware": N_("Input should have timezone info"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "less_than": N_("Input should be less than {lt}"),
    "string_too_short": N_("String should have at least {min_length} character"),
    "string_too_long": N_("String should have at most {max_length} characters"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "union_tag_not_found": N_('no "type" field ({types})'),
    "union_tag_invalid": N_('unknown "type" (use {types})'),
}
_VALUE_ERROR = N_("Value error, {message}")


def _describe(exc: ValidationError) -> str:
    """Pydantic's errors as one line: `case.priority: Input should be ...; ...`,
    in the user's language."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        kind, message = error["type"], error["msg"]
        context = dict(error.get("ctx") or {})
        if kind == "json_invalid" and language() == "en":
            # The parser sees one line: its "line 1" would contradict ours.
            message = message.replace("at line 1 column", "at column")
        elif kind in ("union_tag_not_found", "union_tag_invalid"):
            message = _(_PYDANTIC[kind]).format(types=_either(TYPE_NAMES))
        elif kind == "value_error" and isinstance(context.get("error"), _Invalid):
            message = _(_VALUE_ERROR).format(message=context["error"].shown())
        elif language() != "en" and (kind in _PYDANTIC or kind in _WITHOUT_REASON):
            message = _pydantic_message(kind, context, message)
        where = ".".join(str(part) for part in error["loc"])
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


# Where Pydantic's context has a parser's own English reason, another
# language says what is wrong without it.
_WITHOUT_REASON: dict[str, str] = {
    "datetime_parsing": N_("Input should be a valid datetime"),
    "datetime_from_date_parsing": N_("Input should be a valid datetime or date"),
    "json_invalid": N_("Invalid JSON at column {column}"),
}


def _either(names: str) -> str:
    """`'a', 'b' or 'c'` with the last "or" in the user's language."""
    items, sep, last = names.rpartition(" or ")
    return _("{items} or {last}").format(items=items, last=last) if sep else names


def _pydantic_message(kind: str, context: dict[str, Any], english: str) -> str:
    """Pydantic's message of `kind` from the catalog (`english` for a context
    the template does not fit)."""
    if "expected" in context:
        context["expected"] = _either(str(context["expected"]))
    if kind in _WITHOUT_REASON:
        found = re.search(r"column (\d+)", str(context.get("error", "")))
        return _(_WITHOUT_REASON[kind]).format(column=found.group(1) if found else "?")
    if kind == "string_too_short" and context.get("min_length") != 1:
        return _("String should have at least {min_length} characters").format(**context)
    try:
        return _(_PYDANTIC[kind]).format(**context)
    except (KeyError, IndexError):
        return english
