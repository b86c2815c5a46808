"""Exit codes and the errors that carry them.  Standard library only.

Every failure a user can cause is a `DeskError`: the CLI prints its message as
one line (`desk: error: ...`), an optional hint line, and exits with its code.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum

from deskcli.lang import N_, _


class ExitCode(IntEnum):
    OK = 0
    UNEXPECTED = 1  # a bug: please report it (DESK_DEBUG=1 shows the traceback)
    USAGE = 2  # bad usage or an invalid value; nothing was changed
    NOT_FOUND = 3  # no such case, customer, ...
    CONFLICT = 4  # refused: transition not allowed, owned by someone else, stale write
    STORAGE = 5  # locked past the timeout, read-only, corrupt, schema newer than this program
    BREACHED = 6  # `desk sla check`: a service-level clock is past its due time
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class DeskError(Exception):
    """A failure to report to the user as one line, with an exit code."""

    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(
        self, message: str, *, hint: str | None = None, params: dict[str, object] | None = None
    ) -> None:
        # With `params`, message and hint are templates ("case {case_id} ...") that
        # a guided flow can translate before they are shown (see localize).
        self.template, self.hint_template, self.params = message, hint, params
        self.message = message.format(**params) if params else message
        self.hint = hint.format(**params) if params and hint else hint
        super().__init__(self.message)

    def localize(self, translate: Callable[[str], str]) -> None:
        """Show the message in the user's language: a template (raised with
        `params`) or a fixed message (a message built with an f-string is not in
        any catalog and stays as it is: raise it as a template instead)."""
        if self.params is None:
            self.message = translate(self.template)
            self.hint = translate(self.hint_template) if self.hint_template else None
            return
        self.message = translate(self.template).format(**self.params)
        if self.hint_template:
            self.hint = translate(self.hint_template).format(**self.params)


class InvalidValue(DeskError):
    exit_code = ExitCode.USAGE


class NotFound(DeskError):
    exit_code = ExitCode.NOT_FOUND


class Conflict(DeskError):
    exit_code = ExitCode.CONFLICT


class TransitionNotAllowed(Conflict):
    """A status change the case's current status does not allow."""


class StaleWrite(Conflict):
    """Someone else changed the case since the caller read it."""


class StorageError(DeskError):
    exit_code = ExitCode.STORAGE


class Interrupted(DeskError):
    """Ctrl-C during a command: its transaction finished entirely or not at all."""

    exit_code = ExitCode.INTERRUPTED

    @classmethod
    def in_a_command(cls) -> Interrupted:
        return cls(
            N_("interrupted"),
            hint=N_("a change is made entirely or not at all: check it before running it again"),
        )


def no_case(case_id: int) -> NotFound:
    return NotFound(
        N_("no case {case_id}"),
        hint=N_("desk case list --all shows every case"),
        params={"case_id": case_id},
    )


def closest(value: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """The choice `value` was most likely meant to be, if any is close."""
    from difflib import get_close_matches

    found = get_close_matches(value.lower(), list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_choice(what: str, value: str, choices: list[str] | tuple[str, ...]) -> str:
    """The one sentence for a value outside its choices, whatever option or
    file field it came from: `unknown status 'opne' (did you mean 'open'?);
    use one of: new, open, ...`."""
    close = closest(value, choices)
    template = (
        N_("unknown {what} {value!r} (did you mean {close!r}?); use one of: {choices}")
        if close
        else N_("unknown {what} {value!r}; use one of: {choices}")
    )
    return _(template).format(what=_(what), value=value, close=close, choices=", ".join(choices))


# What `unknown_choice` names (an option's or a field's word), for the catalogs.
CHOICE_WORDS = (
    N_("status"),
    N_("priority"),
    N_("channel"),
    N_("sort"),
    N_("format"),
    N_("kind"),
    N_("step"),
    N_("then"),
    N_("by"),
)
