"""The desk's vocabulary: statuses, priorities, channels and event kinds.

Standard library only, so the CLI layer can offer these as choices (and shell
completion) without importing the database stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from deskcli.lang import N_, _


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"  # waiting on the customer
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CLOSED = "closed"


# Cases an agent still has to work on.
ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ESCALATED)


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


# As people read them (tables, panels, refusals); JSON keeps the values.
STATUS_WORDS = {
    Status.NEW: N_("new"),
    Status.OPEN: N_("open"),
    Status.PENDING: N_("pending"),
    Status.ESCALATED: N_("escalated"),
    Status.RESOLVED: N_("resolved"),
    Status.CLOSED: N_("closed"),
}
PRIORITY_WORDS = {
    Priority.LOW: N_("low"),
    Priority.NORMAL: N_("normal"),
    Priority.HIGH: N_("high"),
    Priority.URGENT: N_("urgent"),
}


def shown_status(status: str) -> str:
    """A status as people read it, in their language."""
    return _(STATUS_WORDS.get(status, status))  # type: ignore[call-overload]


def shown_priority(priority: str) -> str:
    return _(PRIORITY_WORDS.get(priority, priority))  # type: ignore[call-overload]


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    SOCIAL = "social"
    IN_PERSON = "in_person"
    WEB = "web"


# A changed field as people read it (the event's data keeps the column name).
FIELD_WORDS = {
    "subject": N_("subject"),
    "description": N_("description"),
    "priority": N_("priority"),
    "category": N_("category"),
    "channel": N_("channel"),
    "customer": N_("customer"),
}


def shown_field(name: str) -> str:
    return _(FIELD_WORDS.get(name, name))


CHANNEL_WORDS = {
    Channel.PHONE: N_("phone"),
    Channel.EMAIL: N_("email"),
    Channel.CHAT: N_("chat"),
    Channel.SOCIAL: N_("social"),
    Channel.IN_PERSON: N_("in_person"),
    Channel.WEB: N_("web"),
}


def shown_channel(channel: str) -> str:
    """A channel as people read it, in their language (English: the value)."""
    return _(CHANNEL_WORDS.get(channel, channel))  # type: ignore[call-overload]


class EventKind(StrEnum):
    """The kinds of timeline event; scripts may rely on these names."""

    OPENED = "opened"
    NOTE = "note"
    REPLY = "reply"
    ASSIGNED = "assigned"
    STATUS = "status"  # pending / resume
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    FOLLOW_UP = "follow_up"
    FEEDBACK = "feedback"  # data: csat, nps, resolution_no, credited_agent, credited_team
    INBOUND = "inbound"  # what the customer said or wrote; data: channel, from, to
    REMEDY = "remedy"  # data: kind, amount, currency
    ASSIST_STEP = "assist_step"
    KB_PROMOTED = "kb_promoted"  # the case became a draft article; data: article_id
    KB_USED = "kb_used"  # an article was used on the case; data: article_id, title
    EDITED = "edited"  # data: {field: {"from": old, "to": new}, ...}
    TAGGED = "tagged"  # data: {"tags": [added]}
    UNTAGGED = "untagged"  # data: {"tags": [removed]}
    REVIEW = "review"  # a QA review; data: agent, scores, score, flagged, replaced


# A QA review's scores (seed 000), each a whole number from 0 to 10: the six
# pillars make the score; the three P's are reported beside it.  The names are
# the case_review columns and the keys of a review's JSON `scores`.
PILLARS = ("personalization", "integrity", "expectations", "resolution", "time_effort", "empathy")
THREE_PS = ("professionalism", "patience", "people_first")
SCORE_RANGE = (0, 10)
# Integrity is critical: a review below this scores 0 and is flagged.
INTEGRITY_FLOOR = 5


class RemedyKind(StrEnum):
    """What was given to make amends (`desk case remedy --kind`)."""

    CREDIT = "credit"  # a goodwill credit on the account
    REFUND = "refund"
    REPLACEMENT = "replacement"
    DISCOUNT = "discount"
    OTHER = "other"


REMEDY_WORDS = {
    RemedyKind.CREDIT: N_("credit"),
    RemedyKind.REFUND: N_("refund"),
    RemedyKind.REPLACEMENT: N_("replacement"),
    RemedyKind.DISCOUNT: N_("discount"),
    RemedyKind.OTHER: N_("other"),
}


def shown_remedy(kind: str) -> str:
    """A remedy's kind as people read it, in their language."""
    return _(REMEDY_WORDS.get(kind, kind))  # type: ignore[call-overload]


class SortKey(StrEnum):
    """Orders for `desk case list`; each has one natural direction."""

    NEWEST = "newest"  # created, newest first (the default)
    OLDEST = "oldest"
    ID = "id"
    PRIORITY = "priority"  # urgent first, then newest
    UPDATED = "updated"  # most recently changed first
    FOLLOW_UP = "follow-up"  # soonest follow-up first
    DUE = "due"  # earliest service-level due time first (cases without one last)


# -- status transitions ------------------------------------------------------
# One table for what each verb may do to a case's status: the verbs check it,
# the README's status table is tested against it, and the SLA rules read it.

REOPEN_ADVICE = N_("reopen it first: desk case reopen {case_id} --reason TEXT")
CLOSE_ADVICE = N_("resolve it first, or pass --resolution to resolve and close in one step")


@dataclass(frozen=True)
class Transition:
    """What `verb` does: from which statuses, to which one (None: unchanged,
    except that `new` becomes `open` where `opens` is set, and the statuses
    `moves` maps), and the sentence that refuses it from each other status."""

    verb: str
    allowed: frozenset[Status]
    to: Status | None
    refusals: dict[Status, str] = field(default_factory=dict)
    opens: bool = False  # a new case becomes open
    moves: dict[Status, Status] = field(default_factory=dict)

    def refusal(self, case_id: int, status: str) -> str | None:
        """None when the verb may run from `status`; else why not and what to do."""
        if status in self.allowed:
            return None
        advice = self.refusals.get(Status(status), REOPEN_ADVICE)
        return (
            _("case {case_id} is {status}; {advice}")
            .format(case_id=case_id, status=_(STATUS_WORDS[Status(status)]), advice=_(advice))
            .format(case_id=case_id)
        )

    def target(self, status: str) -> Status:
        """The status the case has after the verb."""
        if self.to is not None:
            return self.to
        if status in self.moves:
            return self.moves[Status(status)]
        return Status.OPEN if self.opens and status == Status.NEW else Status(status)


_ACTIVE = frozenset(ACTIVE_STATUSES)
_ANY = frozenset(Status)

TRANSITIONS: dict[str, Transition] = {
    t.verb: t
    for t in (
        Transition("take", _ACTIVE, None, opens=True),
        Transition("assign", _ACTIVE, None, opens=True),
        Transition("note", _ANY, None),
        # Correcting a case rewrites what it says: a closed case is history, so
        # it is reopened first; tags only file it, so they go on in every status.
        Transition("edit", _ANY - {Status.CLOSED}, None),
        Transition("unassign", _ACTIVE, None),
        Transition("tag", _ANY, None),
        Transition("untag", _ANY, None),
        Transition("reply", _ANY - {Status.CLOSED}, None, opens=True),
        Transition(
            "pending",
            frozenset({Status.NEW, Status.OPEN}),
            Status.PENDING,
            {
                Status.PENDING: N_(
                    "it is already waiting on the customer (desk case resume {case_id})"
                ),
                Status.ESCALATED: N_(
                    "resume it first (desk case resume {case_id}), then set it pending"
                ),
            },
        ),
        Transition(
            "resume",
            frozenset({Status.PENDING, Status.ESCALATED}),
            Status.OPEN,
            dict.fromkeys(
                (Status.NEW, Status.OPEN), N_("only pending or escalated cases can be resumed")
            ),
        ),
        Transition("escalate", _ACTIVE, Status.ESCALATED),
        # The customer answered: a case waiting on them is worked again.  A
        # resolved or closed case stays so (reopening is the agent's call);
        # `desk case show` shows the message prominently instead.
        Transition("inbound", _ANY, None, moves={Status.PENDING: Status.OPEN}),
        Transition(
            "feedback",
            frozenset({Status.RESOLVED, Status.CLOSED}),
            None,
            dict.fromkeys(
                ACTIVE_STATUSES,
                N_(
                    "only a resolved or closed case is rated; resolve it first "
                    "(desk case resolve {case_id} --resolution TEXT)"
                ),
            ),
        ),
        # A QA review judges how a case was handled: only a handled (solved) case has that.
        Transition(
            "review",
            frozenset({Status.RESOLVED, Status.CLOSED}),
            None,
            dict.fromkeys(
                ACTIVE_STATUSES,
                "only a resolved or closed case is reviewed; resolve it first "
                "(desk case resolve {case_id} --resolution TEXT)",
            ),
        ),
        # Amends may be made at any time, also after the case is closed.
        Transition("remedy", _ANY, None),
        # An article is written from what solved a case: only a solved case has that.
        Transition(
            "promote",
            frozenset({Status.RESOLVED, Status.CLOSED}),
            None,
            dict.fromkeys(
                ACTIVE_STATUSES,
                N_(
                    "only a resolved or closed case becomes an article; resolve it first "
                    "(desk case resolve {case_id} --resolution TEXT)"
                ),
            ),
        ),
        Transition(
            "resolve",
            _ACTIVE,
            Status.RESOLVED,
            {
                Status.RESOLVED: N_(
                    "it is already resolved; close it with desk case close {case_id}"
                )
            },
        ),
        Transition(
            "close",
            frozenset({Status.RESOLVED}),
            Status.CLOSED,
            dict.fromkeys(ACTIVE_STATUSES, CLOSE_ADVICE),
        ),
        Transition(
            "reopen",
            frozenset({Status.RESOLVED, Status.CLOSED}),
            Status.OPEN,
            dict.fromkeys(ACTIVE_STATUSES, N_("only resolved or closed cases can be reopened")),
        ),
    )
}


class ArticleStatus(StrEnum):
    """A knowledge base article's status: searched when published."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"
