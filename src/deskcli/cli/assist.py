"""`desk assist ID`: the five A's, step by step, at a terminal or from a script."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from deskcli.cli import _complete
from deskcli.cli._context import (
    AppContext,
    check_text,
    read_stdin,
    read_text,
    state,
    stdin_is_terminal,
)
from deskcli.cli._options import CaseIdArg, JsonOpt, value_option
from deskcli.errors import DeskError, InvalidValue
from deskcli.lang import N_
from deskcli.lang import _ as tr

if TYPE_CHECKING:
    from deskcli.reads.queries import CaseDetail
    from deskcli.reads.rows import ArticleRow
    from deskcli.services.answers import Then


def assist(
    ctx: typer.Context,
    case_id: CaseIdArg,
    step: Annotated[
        str | None,
        value_option(
            "--step", "STEP", "Record one step: acknowledge, apologize, answer, analyze, adjust."
        ),
    ] = None,
    text: Annotated[
        str | None, value_option("--text", "TEXT", "What was said or done ('-' reads stdin).")
    ] = None,
    skip: Annotated[
        bool, typer.Option("--skip", help="Skip the step (apologize only); needs --reason.")
    ] = False,
    reason: Annotated[
        str | None, value_option("--reason", "TEXT", "Why the step is skipped, or why escalate.")
    ] = None,
    then: Annotated[
        str | None,
        value_option(
            "--then", "ACTION", "After adjust: resolve, escalate, follow-up, pending or leave."
        ),
    ] = None,
    resolution: Annotated[
        str | None, value_option("--resolution", "TEXT", "With --then resolve.")
    ] = None,
    root_cause: Annotated[
        str | None, value_option("--root-cause", "TEXT", "With --then resolve.")
    ] = None,
    to: Annotated[
        str | None,
        value_option("--to", "TEAM", "With --then escalate.", complete=_complete.teams),
    ] = None,
    in_: Annotated[
        str | None, value_option("--in", "DURATION", "With --then follow-up: 3d.")
    ] = None,
    on: Annotated[
        str | None, value_option("--on", "DATE", "With --then follow-up: a date.")
    ] = None,
    answers: Annotated[
        str | None,
        value_option(
            "--answers", "FILE", "Record several steps from a JSON file ('-' reads stdin)."
        ),
    ] = None,
    review: Annotated[
        bool, typer.Option("--review", help="Show the five A's record as a transcript.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Run the five A's on a case: acknowledge, apologize, answer, analyze, adjust.

    At a terminal it guides you step by step; every answer is saved at once, so
    an interrupted session resumes where it stopped.  Scripts record steps with
    --step or --answers; without a terminal and without a step it prints where
    the case stands.

    \b
    Example: desk assist 42
    Example: desk assist 42 --step answer --text "I'll refund it today; which card?"
    Example: desk assist 42 --step adjust --text "KB note" --then resolve --resolution Refunded
    """
    from deskcli.workflow.i18n import translator

    st = state(ctx)
    t = translator(st.lang)
    try:
        _run(
            st,
            t,
            case_id,
            step=step,
            text=text,
            skip=skip,
            reason=reason,
            then=then,
            resolution=resolution,
            root_cause=root_cause,
            to=to,
            in_=in_,
            on=on,
            answers=answers,
            review=review,
            as_json=as_json,
        )
    except DeskError as exc:
        exc.localize(t)
        raise


def _run(
    st: AppContext,
    t: Callable[[str], str],
    case_id: int,
    *,
    step: str | None,
    text: str | None,
    skip: bool,
    reason: str | None,
    then: str | None,
    resolution: str | None,
    root_cause: str | None,
    to: str | None,
    in_: str | None,
    on: str | None,
    answers: str | None,
    review: bool,
    as_json: bool,
) -> None:
    from deskcli import render
    from deskcli.services import assist as flow

    step_only = {"--text": text, "--skip": skip or None, "--then": then}
    if answers is not None and (step is not None or review):
        raise InvalidValue(t("use --answers alone, without --step or --review"))
    if step is None and answers is None:
        given = [name for name, value in step_only.items() if value is not None]
        if given:
            raise InvalidValue(t("{option} goes with --step").format(option=given[0]))
    decision = _then(
        t, then, resolution=resolution, root_cause=root_cause, to=to, reason=reason, in_=in_, on=on
    )

    if answers is not None:
        from deskcli.services.answers import parse_answers
        from deskcli.services.assist import record_answers

        parsed = parse_answers(_read_source(answers))
        with st.writing() as tx:
            result = record_answers(tx, agent=st.agent, case_id=case_id, answers=parsed)
    elif step is not None:
        if skip and text is not None:
            raise InvalidValue(t("use either --text or --skip, not both"))
        if skip and not reason:
            raise InvalidValue(t("--skip needs --reason: why is no apology needed?"))
        flow.check_then(decision, step)
        if not skip and text is None:
            raise InvalidValue(t("--step {step} needs --text").format(step=step))
        body = None if skip else read_text(text, "--text")
        with st.writing() as tx:
            result = flow.record_step(
                tx,
                agent=st.agent,
                case_id=case_id,
                step=step,
                text=body,
                skip_reason=reason if skip else None,
            )
            if decision is not None and decision.action != "leave":
                flow.apply_then(tx, agent=st.agent, case_id=case_id, then=decision)
                result = flow.assist_state(tx, case_id)
    elif not review and not as_json and stdin_is_terminal() and sys.stdout.isatty():
        _interactive(st, t, case_id)
        return
    else:
        # Where the case stands: one read of the case and its events, on the
        # read path (no terminal, --review, --json).
        from deskcli.domain import ACTIVE_STATUSES
        from deskcli.reads.queries import show_case
        from deskcli.workflow.state import state_from_events

        detail = st.read(lambda source: show_case(source, case_id))
        result = state_from_events(case_id, detail.view.case.handling_seconds, detail.events)
        if not as_json:
            if review:
                render.assist_transcript(t, detail, result)
            else:
                status = detail.view.case.status
                inactive = None if status in ACTIVE_STATUSES else status
                render.assist_summary(t, result, inactive=inactive)
            return
    if as_json:
        render.emit_json(result.record())
    else:
        render.assist_summary(t, result)


def _read_source(name: str) -> str:
    if name == "-":
        return read_stdin(N_("the answers"))
    try:
        with open(name, encoding="utf-8") as handle:
            return check_text(handle.read(), tr(N_("the answers in {name}")).format(name=name))
    except OSError as exc:
        raise InvalidValue(f"cannot read {name}: {exc.strerror}") from None  # the OS's words
    except UnicodeDecodeError as exc:
        raise InvalidValue(
            f"the answers in {name} are not UTF-8 text (byte offset {exc.start})",
            hint="save the answers file as UTF-8",
        ) from None


def _then(t: Callable[[str], str], action: str | None, **given: str | None) -> Then | None:
    """The adjust step's decision, validated like an answers file's "then";
    `given` holds what it needs, by Then's field names (resolution, to, ...)."""
    if action is None:
        return None
    from deskcli.services.answers import Then
    from deskcli.workflow import ACTIONS, closest, unknown_choice_template

    if action not in ACTIONS:
        close = closest(action, ACTIONS)
        raise InvalidValue(
            t(unknown_choice_template("action", close)).format(
                value=action, close=close, choices=", ".join(ACTIONS)
            )
        )
    needs = {"resolve": ["resolution"], "escalate": ["to", "reason"]}.get(action, [])
    missing = [name for name in needs if not given.get(name)]
    if missing:
        option = "--" + missing[0]
        raise InvalidValue(t("--then {action} needs {option}").format(action=action, option=option))
    if action == "follow-up" and (given.get("in_") is None) == (given.get("on") is None):
        raise InvalidValue(t("--then follow-up needs exactly one of --in and --on"))
    return Then(action=action, **given)


# -- at a terminal ------------------------------------------------------------


class _Quit(Exception):
    """The agent ended the session (Ctrl-D)."""


def _ask_lines(t: Callable[[str], str], question: str) -> str:
    """Multi-line input, finished by an empty line; asks again when empty.
    Ctrl-D after some lines keeps them (said aloud); on nothing typed it quits."""
    from deskcli import render

    render.say(question)
    render.hint(t("(finish with an empty line)"))
    while True:
        lines: list[str] = []
        while True:
            try:
                line = input("> ")
            except EOFError:
                if not lines:
                    raise _Quit() from None
                render.say("")
                render.say(t("End of input (Ctrl-D): what you typed is saved as this step."))
                return "\n".join(lines)
            if not line.strip():
                break
            lines.append(line)
        if lines:
            return "\n".join(lines)
        render.say(t("Please type something, or press Ctrl-C to stop."))


def _ask_line(t: Callable[[str], str], question: str, *, required: bool = True) -> str:
    from deskcli import render

    while True:
        try:
            answer = input(question + " ").strip()
        except EOFError:
            raise _Quit() from None
        if answer or not required:
            return answer
        render.say(t("Please type something, or press Ctrl-C to stop."))


def _ask_then(t: Callable[[str], str]) -> Then | None:
    from deskcli import render

    choices = {
        "1": ("resolve", t("resolve it")),
        "2": ("escalate", t("escalate it")),
        "3": ("follow-up", t("schedule a follow-up")),
        "4": ("pending", t("wait on the customer (pending)")),
        "5": ("leave", t("leave it open")),
    }
    # One choice a line, so the menu fits 80 columns in every language.
    render.say(t("What happens to the case now?"))
    for key, (_, label) in choices.items():
        render.say(f"  {key}) {label}")
    question = t("Choose 1-5 (Enter: 5, leave it open) >")
    while True:
        answer = _ask_line(t, question, required=False) or "5"
        if answer in choices:
            break
        render.say(
            t("{answer!r} is not one of the choices: type a number from 1 to 5").format(
                answer=answer
            )
        )
    action = choices[answer][0]
    if action == "resolve":
        resolution = _ask_line(t, t("Resolution:"))
        keep = t("Root cause (Enter to keep the one from the analysis):")
        return _then(
            t, action, resolution=resolution, root_cause=_ask_line(t, keep, required=False) or None
        )
    if action == "escalate":
        team, reason = _ask_line(t, t("Team:")), _ask_line(t, t("Reason:"))
        return _then(t, action, to=team, reason=reason)
    if action == "follow-up":
        return _ask_follow_up(t)
    return _then(t, action) if action == "pending" else None


def _ask_follow_up(t: Callable[[str], str]) -> Then | None:
    """A follow-up in a duration (3d) or on a date; asks again for this alone
    when it is neither."""
    from deskcli import render, times

    while True:
        when = _ask_line(t, t("Follow up when? A duration (3d) or a date (2026-12-01):"))
        try:
            if when[:1].isdigit() and "-" not in when:
                times.parse_duration(when)
                return _then(t, "follow-up", in_=when)
            times.parse_when(when)
            return _then(t, "follow-up", on=when)
        except DeskError:
            render.say(
                t(
                    "{when!r} is neither a duration nor a date, such as 3d, 4h, 2w or 2026-12-01"
                ).format(when=when)
            )


def _interactive(st: AppContext, t: Callable[[str], str], case_id: int) -> None:
    from deskcli import render
    from deskcli.domain import ACTIVE_STATUSES
    from deskcli.errors import TransitionNotAllowed
    from deskcli.reads.queries import show_case
    from deskcli.services import assist as flow
    from deskcli.workflow import N_, PROMPTS, SKIPPABLE

    detail, current = st.read(
        lambda source: (show_case(source, case_id), flow.assist_state(source, case_id))
    )
    if current.next is None:
        render.assist_transcript(t, detail, current)
        return
    if detail.view.case.status not in ACTIVE_STATUSES:
        raise TransitionNotAllowed(
            N_("case {case_id} is {status}; the five A's are for active cases"),
            hint=N_("reopen it first: desk case reopen {case_id} --reason TEXT"),
            params={"case_id": case_id, "status": detail.view.case.status},
        )
    owner = detail.view.case.assignee
    if owner is not None and owner != st.agent:
        render.say(
            t("Case {case_id} belongs to {owner}; you go on without taking it.").format(
                case_id=case_id, owner=owner
            )
        )
    if any(s.status != "pending" for s in current.steps):
        # Resuming: the step's panel lists what is already done, once.
        render.say(t("Resuming case {case_id} where it stopped.").format(case_id=case_id))
    session_id = flow.new_session_id()
    started = time.monotonic()
    try:
        while (name := current.next) is not None:
            # The answer step offers what the knowledge base knows about the case.
            suggested = _suggestions(st, detail) if name == "answer" else []
            render.assist_step(t, name, detail, current, suggested=suggested)
            answer = _ask_lines(t, t(PROMPTS[name]))
            skip_reason = None
            if name in SKIPPABLE and answer.strip() == "-":
                skip_reason = _ask_line(t, t("Why is no apology needed?"))
            with st.writing() as tx:
                current = flow.record_step(
                    tx,
                    agent=st.agent,
                    case_id=case_id,
                    step=name,
                    text=None if skip_reason else answer,
                    skip_reason=skip_reason,
                    seconds=time.monotonic() - started,
                    session_id=session_id,
                )
            started = time.monotonic()
            render.say(t("Saved."))
            if name == "adjust":
                _carry_out(st, t, case_id)
            detail = st.read(lambda source: show_case(source, case_id))
    except (_Quit, KeyboardInterrupt):
        render.say("")
        render.say(
            t(
                "Stopped. Every step you finished is saved; run `desk assist {case_id}` to go on."
            ).format(case_id=case_id)
        )
        raise typer.Exit(130) from None
    render.assist_summary(t, st.read(lambda source: flow.assist_state(source, case_id)))


def _suggestions(st: AppContext, detail: CaseDetail) -> list[ArticleRow]:
    from deskcli.services import kb

    texts = kb.case_texts(detail.view.case, detail.events)
    return st.read(lambda source: kb.suggest(source, texts))


def _carry_out(st: AppContext, t: Callable[[str], str], case_id: int) -> None:
    """Ask what happens to the case and do it; on a refusal, say why and ask again."""
    from deskcli import render
    from deskcli.services import assist as flow

    while True:
        decision = _ask_then(t)
        if decision is None:
            return
        try:
            with st.writing() as tx:
                flow.apply_then(tx, agent=st.agent, case_id=case_id, then=decision)
        except DeskError as exc:
            render.say(t("That did not work: {error}").format(error=exc.message))
            continue
        render.say(t("Done."))
        return
