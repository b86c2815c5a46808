"""The desk's vocabulary: statuses, priorities, channels and event kinds.

Standard library only, so the CLI layer can offer these as choices (and shell
completion) without importing the database stack.
"""

from __future__ import annotations

from enum import StrEnum


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


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    SOCIAL = "social"
    IN_PERSON = "in_person"
    WEB = "web"


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
    FEEDBACK = "feedback"
    ASSIST_STEP = "assist_step"


class SortKey(StrEnum):
    """Orders for `desk case list`; each has one natural direction."""

    NEWEST = "newest"  # created, newest first (the default)
    OLDEST = "oldest"
    ID = "id"
    PRIORITY = "priority"  # urgent first, then newest
    UPDATED = "updated"  # most recently changed first
    FOLLOW_UP = "follow-up"  # soonest follow-up first
