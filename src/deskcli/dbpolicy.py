"""The database rules the ORM store and the stdlib read path share: the schema
revision this program writes, how long a writer waits, passwords kept out of
messages, and driver messages turned into one-line storage errors.
Standard library only: the fast read path imports this, not SQLAlchemy.
"""

from __future__ import annotations

import math
import os
import re

from deskcli.errors import DeskError, InvalidValue, StorageError

SCHEMA_HEAD = "0010"  # the newest migration in deskcli/migrations/versions

MAX_BUSY_TIMEOUT = 3600.0


def max_id(dialect: str) -> int:
    """The largest value an id column holds: PostgreSQL's INTEGER is 32 bits,
    SQLite's 64.  A larger id names no row; binding it would fail."""
    return 2**31 - 1 if dialect == "postgresql" else 2**63 - 1


def busy_timeout() -> float:
    """DESK_BUSY_TIMEOUT in seconds (0 .. 3600): how long a writer waits."""
    raw = os.environ.get("DESK_BUSY_TIMEOUT", "15")
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_BUSY_TIMEOUT:  # NaN and inf fail this too
        raise InvalidValue(
            f"DESK_BUSY_TIMEOUT must be a number of seconds from 0 to 3600, not {raw!r}"
        )
    if 0 < value < 0.001:
        # Both drivers count whole milliseconds: a smaller wait would round to
        # 0, which SQLite takes as "don't wait" (and PostgreSQL as "forever").
        value = 0.001
    return value


def lock_timeout_ms() -> int:
    # PostgreSQL's lock_timeout = 0 means "wait forever"; 0 s means "don't
    # wait" here as on SQLite, so ask for the shortest wait there is.
    return max(1, round(busy_timeout() * 1000))


# user:PASSWORD@ in a URL: up to the first '@' (as SQLAlchemy reads it) and up
# to the last '@' before the path (a password holding an unquoted '@').
_URL_PASSWORDS = (
    re.compile(r"(\w[\w+.-]*://[^:/@\s]*:)([^@\s]*)(@)"),
    re.compile(r"(\w[\w+.-]*://[^:/@\s]*:)([^/\s]*)(@)"),
)


def _passwords(url: str) -> list[str]:
    from urllib.parse import quote, unquote

    found = {match.group(2) for pattern in _URL_PASSWORDS for match in pattern.finditer(url)}
    head = url.split("://", 1)[-1]
    if "@" in head:  # a password holding '@' or '/': up to the last '@'
        userinfo = head.rsplit("@", 1)[0]
        if ":" in userinfo:
            found.add(userinfo.split(":", 1)[1])
    variants = {form for word in found for form in (word, unquote(word), quote(word, safe=""))}
    return sorted((word for word in variants if word), key=len, reverse=True)


def mask_password(message: str, url: str | None = None) -> str:
    """`message` with every password it holds (of `url`, or of any URL in it) as ***."""
    for secret in _passwords(url or ""):
        message = message.replace(secret, "***")
    for pattern in _URL_PASSWORDS:
        message = pattern.sub(lambda m: m.group(1) + "***" + m.group(3), message)
    return message


def storage_error(where: str, raw: str) -> DeskError:
    """A driver's message as a one-line storage error (exit 5) about `where`."""
    # A server's message may span lines ("...\nHINT: ...\nDETAIL: ..."): the
    # first line is the message, a HINT line becomes the one hint line.
    lines = [line.strip() for line in raw.strip().splitlines() if line.strip()]
    message = lines[0] if lines else raw
    server_hint = next(
        (line.removeprefix("HINT:").strip() for line in lines[1:] if line.startswith("HINT:")),
        None,
    )
    lowered = message.lower()
    unreachable = ("could not connect", "connection refused", "connection is bad", "resolve host")
    if any(words in lowered for words in unreachable):
        return StorageError(
            f"cannot connect to {where}", hint="check DESK_DB_URL and that the server is running"
        )
    if "deadlock" in lowered:
        return StorageError(
            "two writers got in each other's way; nothing was changed", hint="try again"
        )
    if "locked" in lowered or "lock timeout" in lowered or "could not obtain lock" in lowered:
        return StorageError(
            f"{where} is locked: another writer held it for more than {busy_timeout():g} s",
            hint="try again, or raise DESK_BUSY_TIMEOUT",
        )
    if "readonly" in lowered or "read-only" in lowered:
        return StorageError(f"{where} is read-only", hint="check the file's permissions")
    if "not a database" in lowered or "malformed" in lowered:
        return StorageError(
            f"{where} is not a desk database or is damaged ({message})",
            hint="restore it from a backup, or pass another --db",
        )
    if "unable to open" in lowered:
        return StorageError(f"cannot open {where}", hint="check the path and its permissions")
    if "no such table" in lowered or "no such column" in lowered:
        return StorageError(f"{where} has a damaged schema ({message})")
    return StorageError(f"database error on {where}: {message}", hint=server_hint)
