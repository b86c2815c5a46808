"""The database rules the ORM store and the stdlib read path share: the schema
revision this program writes, how long a writer waits, passwords kept out of
messages, and driver messages turned into one-line storage errors.
Standard library only: the fast read path imports this, not SQLAlchemy.
"""

from __future__ import annotations

import errno
import math
import os
import re

from deskcli.errors import DeskError, InvalidValue, StorageError
from deskcli.lang import N_, _

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
            N_("DESK_BUSY_TIMEOUT must be a number of seconds from 0 to 3600, not {raw}"),
            params={"raw": repr(raw)},
        )
    if 0 < value < 0.001:
        # Both drivers count whole milliseconds: a smaller wait would round to
        # 0, which SQLite takes as "don't wait" (and PostgreSQL as "forever").
        value = 0.001
    return value


# The OS's words for the failures a database file meets, in every catalog
# (strerror speaks the C locale's English whatever the user's language).
_OS_REASONS = {
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EROFS: N_("read-only file system"),
    errno.ENOSPC: N_("no space left on the device"),
    errno.ENOENT: N_("no such file or directory"),
    errno.ENOTDIR: N_("a part of the path is not a directory"),
    errno.EISDIR: N_("it is a directory"),
    errno.ELOOP: N_("too many levels of symbolic links"),
    errno.ENAMETOOLONG: N_("the file name is too long"),
}


_SQLITE_WORDS = {
    "file is not a database": N_("file is not a database"),
    "database disk image is malformed": N_("database disk image is malformed"),
}


def os_reason(exc: OSError) -> str:
    """Why the OS refused, in the user's language when it is a usual reason."""
    reason = _OS_REASONS.get(exc.errno or 0)
    return _(reason) if reason else str(exc.strerror or exc)


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
    params: dict[str, object] = {"where": where, "message": message}
    if any(words in lowered for words in unreachable):
        return StorageError(
            N_("cannot connect to {where}"),
            hint=N_("check DESK_DB_URL and that the server is running"),
            params=params,
        )
    if "deadlock" in lowered:
        return StorageError(
            N_("two writers got in each other's way; nothing was changed"),
            hint=N_("try again"),
            params=params,
        )
    if "locked" in lowered or "lock timeout" in lowered or "could not obtain lock" in lowered:
        params["seconds"] = f"{busy_timeout():g}"
        return StorageError(
            N_("{where} is locked: another writer held it for more than {seconds} s"),
            hint=N_("try again, or raise DESK_BUSY_TIMEOUT"),
            params=params,
        )
    if "readonly" in lowered or "read-only" in lowered:
        return StorageError(
            N_("{where} is read-only"), hint=N_("check the file's permissions"), params=params
        )
    if "not a database" in lowered or "malformed" in lowered:
        # SQLite's own words would be the only English left in the line: the
        # two it says here are in the catalogs too.
        params["message"] = _(_SQLITE_WORDS.get(message, message))
        return StorageError(
            N_("{where} is not a desk database or is damaged ({message})"),
            hint=N_("restore it from a backup, or pass another --db"),
            params=params,
        )
    if "unable to open" in lowered:
        return StorageError(
            N_("cannot open {where}"), hint=N_("check the path and its permissions"), params=params
        )
    if "no such table" in lowered or "no such column" in lowered:
        return StorageError(N_("{where} has a damaged schema ({message})"), params=params)
    # The server's own words, in its language (and its hint, if it gave one).
    return StorageError(
        N_("database error on {where}: {message}"),
        hint=server_hint.replace("{", "{{").replace("}", "}}") if server_hint else None,
        params=params,
    )
