"""`desk case ...`: the case lifecycle.  Thin: parse, call a service, render."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskcli.cli import _complete
from deskcli.cli._context import ids_from_stdin, read_text, state
from deskcli.cli._filters import case_filter, case_filter_options
from deskcli.cli._group import LazyGroup
from deskcli.cli._options import (
    MAX_ID,
    CaseIdArg,
    IdsOpt,
    IfVersionOpt,
    JsonOpt,
    LimitOpt,
    SortOpt,
    value_option,
)
from deskcli.domain import Channel, Priority, RemedyKind, SortKey, shown_field, shown_status
from deskcli.errors import InvalidValue
from deskcli.lang import N_, _, n_

if TYPE_CHECKING:
    from deskcli.reads.queries import CaseDetail, FollowUps
    from deskcli.reads.rows import ArticleRow, CaseView, ReviewRow
    from deskcli.reads.source import Source
    from deskcli.shapes import Board
    from deskcli.tx import Tx


class CaseGroup(LazyGroup):
    lazy_commands = {
        "open": "case_open",
        "list": "case_list",
        "show": "case_show",
        "take": "case_take",
        "assign": "case_assign",
        "unassign": "case_unassign",
        "edit": "case_edit",
        "tag": "case_tag",
        "untag": "case_untag",
        "note": "case_note",
        "reply": "case_reply",
        "pending": "case_pending",
        "resume": "case_resume",
        "escalate": "case_escalate",
        "resolve": "case_resolve",
        "close": "case_close",
        "reopen": "case_reopen",
        "follow-up": "case_follow_up",
        "inbound": "case_inbound",
        "feedback": "case_feedback",
        "remedy": "case_remedy",
        "review": "deskcli.cli.review:case_review",
        "use-article": "case_use_article",
    }


app = typer.Typer(
    cls=CaseGroup,
    rich_markup_mode=None,
    add_completion=False,
    help="Open, work and close cases.  Without a command: list active cases.",
    no_args_is_help=False,
)

HUMAN_DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Change:
    """What a case verb does and says.  `apply(session, agent=, case_id=,
    if_version=)` is the service, its other values bound; `said` is the line
    printed after it.  A verb that may find nothing to change gives
    `unchanged`: its service returns the case and what changed, `said` gets
    both, and `unchanged` is noted instead (on stderr, so --json stays the
    case) when nothing did; no event is added then."""

    apply: Callable[..., Any]
    said: Callable[..., str]
    unchanged: Callable[[CaseView], str] | None = None


def _write(
    ctx: typer.Context,
    as_json: bool,
    action: Callable[[Tx, str], Any],
    said: Callable[..., str],
    unchanged: Callable[[CaseView], str] | None = None,
) -> None:
    """Run one change in one write transaction, then show the case."""
    from deskcli import render
    from deskcli.shapes import case_record

    st = state(ctx)
    with st.writing() as tx:
        result = action(tx, st.agent)
        if as_json:  # the case's clocks, as the change left them
            from deskcli.services import sla_clocks

            sla_clocks.attach(tx, [result[0] if unchanged else result])
    view, changed = result if unchanged else (result, None)
    if unchanged and not changed:
        render.note(unchanged(view))
    if as_json:
        render.emit_json(case_record(*view))
    elif not unchanged:
        render.say(said(view))
    elif changed:
        render.say(said(view, changed))


@app.callback(invoke_without_command=True)
def case_default(ctx: typer.Context) -> None:
    # Bare `desk case` is the agent's desk: their own active cases first, then
    # everyone else's, each newest first.
    if ctx.invoked_subcommand is None:
        _list(ctx, include_all=False, sort=SortKey.NEWEST, limit=None, as_json=False, ids=False,
              filters={}, mine_first=True)  # fmt: skip


def case_open(
    ctx: typer.Context,
    customer: Annotated[
        str,
        value_option(
            "--customer", "CRN", "The customer's CRN.", short="-c", complete=_complete.crns
        ),
    ],
    subject: Annotated[str, value_option("--subject", "TEXT", "One line saying what is wrong.")],
    body: Annotated[
        str | None, value_option("--body", "TEXT", "The description ('-' reads stdin).")
    ] = None,
    channel: Annotated[Channel, typer.Option(help="How the customer reached us.")] = Channel.PHONE,
    priority: Annotated[Priority, typer.Option(help="How urgent it is.")] = Priority.NORMAL,
    category: Annotated[
        str | None,
        value_option(
            "--category", "NAME", "Free-text category, e.g. billing.", complete=_complete.categories
        ),
    ] = None,
    assign: Annotated[
        str | None,
        value_option("--assign", "AGENT", "Assign it at once.", complete=_complete.agents),
    ] = None,
    me: Annotated[bool, typer.Option("--me", help="Assign it to yourself.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Open a case for a customer.

    \b
    Example: desk case open --customer C-1001 --subject "Double charge" --priority high --me
    """
    from deskcli.services import cases

    if assign and me:
        raise InvalidValue(N_("use either --assign AGENT or --me, not both"))
    description = read_text(body, "--body") if body is not None else ""
    st = state(ctx)
    _write(
        ctx,
        as_json,
        lambda s, agent: cases.open_case(
            s,
            agent=agent,
            customer_crn=customer,
            subject=subject,
            description=description,
            channel=channel,
            priority=priority,
            category=category,
            assignee=st.agent if me else assign,
        ),
        lambda v: _("Opened case {case_id} for {crn} ({status}).").format(
            case_id=v.case.id, crn=v.customer.crn, status=shown_status(v.case.status)
        ),
    )


@case_filter_options(after="include_all")
def case_list(
    ctx: typer.Context,
    include_all: Annotated[
        bool, typer.Option("--all", help="Include resolved and closed cases.")
    ] = False,
    sort: SortOpt = SortKey.NEWEST,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
    ids: IdsOpt = False,
    **filters: Any,
) -> None:
    """List cases: active ones (not resolved or closed), newest first.

    \b
    Example: desk case list --mine --priority urgent --priority high
    """
    _list(ctx, include_all, sort, limit, as_json, ids, filters)


def _list(
    ctx: typer.Context,
    include_all: bool,
    sort: SortKey,
    limit: int | None,
    as_json: bool,
    ids: bool,
    filters: dict[str, Any],
    *,
    mine_first: bool = False,
) -> None:
    from deskcli import render
    from deskcli.reads import queries
    from deskcli.shapes import case_records

    if as_json and ids:
        raise InvalidValue(N_("use either --json or --ids, not both"))
    st = state(ctx)
    wanted = case_filter(st, include_all=include_all, **filters)
    first = st.agent if mine_first else None
    # With the default limit a table fetches one row more than it shows, to say
    # whether there are more without counting every match; a limit the user
    # asked for (0: all) is taken as meant, without a note.
    default_limit = limit is None and not (as_json or ids)
    fetch = HUMAN_DEFAULT_LIMIT + 1 if default_limit else limit

    def read(source: Source) -> list[CaseView]:
        views = queries.list_cases(
            source, wanted, sort=sort, limit=fetch or None, first_assignee=first
        )
        if as_json:  # tables show the case's due time only
            from deskcli.services import sla_clocks

            sla_clocks.attach(source, views)
        return views

    views = st.read(read)
    if as_json:
        render.emit_json(case_records(views))
    elif ids:
        render.emit_ids([v.case.id for v in views])
    elif default_limit:
        render.case_list(views[:HUMAN_DEFAULT_LIMIT], more=len(views) > HUMAN_DEFAULT_LIMIT)
    else:
        render.case_list(views)


def case_show(
    ctx: typer.Context,
    case_id: CaseIdArg,
    full: Annotated[
        bool,
        typer.Option("--full", help="Print long texts whole (they are shortened otherwise)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show a case: details, timeline and the customer's history.

    Texts longer than 2,000 characters are shortened, with a marker saying
    how much more there is; --full prints them whole (--json always does)."""
    from deskcli import render
    from deskcli.reads import queries
    from deskcli.services import sla_clocks
    from deskcli.shapes import detail_record
    from deskcli.workflow.state import state_from_events

    st = state(ctx)

    def clocked(source: Source) -> tuple[CaseDetail, list[ReviewRow]]:
        found = queries.show_case(source, case_id)
        sla_clocks.attach(source, [found.view])
        return found, queries.case_reviews(source, case_id)

    if as_json:
        detail, reviews = st.read(clocked)
        suggested: list[ArticleRow] = []
    else:
        # People also see the articles that may help, read in the same snapshot.
        from deskcli.services import kb

        def read(source: Source) -> tuple[CaseDetail, list[ReviewRow], list[ArticleRow]]:
            found, reviewed = clocked(source)
            texts = kb.case_texts(found.view.case, found.events)
            return found, reviewed, kb.suggest(source, texts)

        detail, reviews, suggested = st.read(read)
    five_as = state_from_events(case_id, detail.view.case.handling_seconds, detail.events)
    if as_json:
        render.emit_json(
            detail_record(*detail.view, detail.events, detail.history, five_as, reviews)
        )
    else:
        render.case_detail(detail, full=full, reviews=reviews)
        render.suggestions(suggested, case_id=case_id)
        if five_as.last_at is not None:
            from deskcli.workflow.i18n import translator

            render.assist_transcript(translator(st.lang), detail, five_as)


def case_verb(declare: Callable[..., Change]) -> Callable[..., None]:
    """The `desk case VERB ID` command that `declare` describes: it takes the
    verb's own options and returns its Change.

    Every such verb also takes the case id, --if-version and --json.  Typer
    reads a command's options from its signature, so those are spliced in
    around the verb's own, in the order --help shows them."""

    def command(
        ctx: typer.Context, case_id: int, if_version: int | None, as_json: bool, **own: Any
    ) -> None:
        change = declare(**own)
        _write(
            ctx,
            as_json,
            lambda s, agent: change.apply(s, agent=agent, case_id=case_id, if_version=if_version),
            change.said,
            change.unchanged,
        )

    shared = list(inspect.signature(_every_verb, eval_str=True).parameters.values())
    own = list(inspect.signature(declare, eval_str=True).parameters.values())
    command.__signature__ = inspect.Signature([*shared[:2], *own, *shared[2:]])  # type: ignore[attr-defined]
    command.__doc__ = declare.__doc__
    return command


def _every_verb(
    ctx: typer.Context,
    case_id: CaseIdArg,
    if_version: IfVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Never called: its parameters are what every case verb takes."""


@case_verb
def case_take(
    steal: Annotated[
        bool, typer.Option("--steal", help="Take it even if another agent owns it.")
    ] = False,
) -> Change:
    """Assign a case to yourself (refused if another agent owns it)."""
    from deskcli.services import cases

    return Change(
        partial(cases.take, steal=steal),
        lambda v: _("Case {case_id} is yours ({status}).").format(
            case_id=v.case.id, status=shown_status(v.case.status)
        ),
    )


@case_verb
def case_assign(
    to: Annotated[
        str, value_option("--to", "AGENT", "The agent to assign it to.", complete=_complete.agents)
    ],
) -> Change:
    """Assign a case to an agent."""
    from deskcli.services import cases

    return Change(
        partial(cases.assign, to=to),
        lambda v: _("Case {case_id} assigned to {agent} ({status}).").format(
            case_id=v.case.id, agent=v.case.assignee, status=shown_status(v.case.status)
        ),
    )


@case_verb
def case_unassign() -> Change:
    """Leave a case to nobody (its status stays); a case nobody owns is left as is."""
    from deskcli.services import cases

    return Change(
        cases.unassign,
        lambda v, _changed: _("Case {case_id} is unassigned ({status}).").format(
            case_id=v.case.id, status=shown_status(v.case.status)
        ),
        unchanged=lambda v: _("case {case_id} has no owner; nothing changed").format(
            case_id=v.case.id
        ),
    )


@case_verb
def case_edit(
    subject: Annotated[
        str | None, value_option("--subject", "TEXT", "The new subject (one line).")
    ] = None,
    description: Annotated[
        str | None, value_option("--description", "TEXT", "The new description ('-' reads stdin).")
    ] = None,
    priority: Annotated[Priority | None, typer.Option(help="The new priority.")] = None,
    category: Annotated[
        str | None,
        value_option(
            "--category", "NAME", "The new category ('' clears it).", complete=_complete.categories
        ),
    ] = None,
    channel: Annotated[Channel | None, typer.Option(help="The new channel.")] = None,
    customer: Annotated[
        str | None,
        value_option(
            "--customer",
            "CRN",
            "Move the case to another customer.",
            short="-c",
            complete=_complete.crns,
        ),
    ] = None,
) -> Change:
    """Correct a case: one `edited` event lists each field's old and new value.

    Refused on closed cases (reopen first).

    \b
    Example: desk case edit 12 --subject "Charged twice in March" --priority high
    """
    from deskcli.services import cases

    text = read_text(description, "--description") if description is not None else None
    return Change(
        partial(
            cases.edit_case,
            subject=subject,
            description=text,
            priority=priority,
            category=category,
            channel=channel,
            customer_crn=customer,
        ),
        lambda v, changed: _("Case {case_id} edited: {fields}.").format(
            case_id=v.case.id, fields=", ".join(map(shown_field, changed))
        ),
        unchanged=lambda v: _("case {case_id} already says that; nothing changed").format(
            case_id=v.case.id
        ),
    )


TagsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="TAG...", help="Tags: one word each, any case.", autocompletion=_complete.tags
    ),
]


@case_verb
def case_tag(tags: TagsArg) -> Change:
    """Tag a case (tags match in any case and are kept as first typed)."""
    from deskcli.services import tags as tag_service

    already = (
        N_("case {case_id} already has that tag; nothing changed")
        if len(tags) == 1
        else N_("case {case_id} already has those tags; nothing changed")
    )
    return Change(
        partial(tag_service.retag, tags=tags),
        lambda v, added: _("Case {case_id} tagged {tags}.").format(
            case_id=v.case.id, tags=", ".join(added)
        ),
        unchanged=lambda v: _(already).format(case_id=v.case.id),
    )


@case_verb
def case_untag(tags: TagsArg) -> Change:
    """Remove tags from a case."""
    from deskcli.services import tags as tag_service

    return Change(
        partial(tag_service.retag, tags=tags, remove=True),
        lambda v, removed: _("Case {case_id}: removed tag {tags}.").format(
            case_id=v.case.id, tags=", ".join(removed)
        ),
        unchanged=lambda v: _("case {case_id} has no such tag; nothing changed").format(
            case_id=v.case.id
        ),
    )


TextArg = Annotated[str, typer.Argument(metavar="TEXT", help="The text ('-' reads stdin).")]

CsatOpt = Annotated[
    int | None,
    typer.Option(
        "--csat", min=1, max=5, metavar="1-5", help="Customer satisfaction: 1 (bad) to 5 (great)."
    ),
]
NpsOpt = Annotated[
    int | None,
    typer.Option(
        "--nps", min=0, max=10, metavar="0-10", help="How likely to recommend us: 0 to 10."
    ),
]
CommentOpt = Annotated[
    str | None, value_option("--comment", "TEXT", "What the customer said ('-' reads stdin).")
]


@case_verb
def case_note(text: TextArg) -> Change:
    """Add an internal note (not seen by the customer)."""
    from deskcli.services import cases

    body = read_text(text, N_("the note"))
    return Change(
        partial(cases.add_note, text=body),
        lambda v: _("Note added to case {case_id}.").format(case_id=v.case.id),
    )


@case_verb
def case_reply(text: TextArg) -> Change:
    """Record what was said to the customer (the first reply is the first response)."""
    from deskcli.services import cases

    body = read_text(text, N_("the reply"))
    return Change(
        partial(cases.add_reply, text=body),
        lambda v: _("Reply recorded on case {case_id} ({status}).").format(
            case_id=v.case.id, status=shown_status(v.case.status)
        ),
    )


@case_verb
def case_pending(
    reason: Annotated[
        str | None, value_option("--reason", "TEXT", "What we are waiting for.")
    ] = None,
) -> Change:
    """Mark a case as waiting on the customer."""
    from deskcli.services import cases

    return Change(
        partial(cases.set_pending, reason=reason),
        lambda v: _("Case {case_id} is pending (waiting on the customer).").format(
            case_id=v.case.id
        ),
    )


@case_verb
def case_resume() -> Change:
    """Put a pending or escalated case back to open."""
    from deskcli.services import cases

    return Change(
        cases.resume, lambda v: _("Case {case_id} is open again.").format(case_id=v.case.id)
    )


@case_verb
def case_escalate(
    to: Annotated[
        str, value_option("--to", "TEAM", "The team that takes it over.", complete=_complete.teams)
    ],
    reason: Annotated[str, value_option("--reason", "TEXT", "Why it needs that team.")],
) -> Change:
    """Escalate a case to another team, one tier up (it leaves its owner)."""
    from deskcli.services import cases

    return Change(
        partial(cases.escalate, team=to, reason=reason),
        lambda v: _("Case {case_id} escalated to {team} (tier {tier}).").format(
            case_id=v.case.id, team=v.case.team, tier=v.case.tier
        ),
    )


@case_verb
def case_resolve(
    resolution: Annotated[
        str, value_option("--resolution", "TEXT", "What fixed it ('-' reads stdin).", short="-r")
    ],
    root_cause: Annotated[
        str | None, value_option("--root-cause", "TEXT", "Why it happened.")
    ] = None,
    follow_up: Annotated[
        str | None, value_option("--follow-up", "DURATION", "Schedule a follow-up, e.g. 3d.")
    ] = None,
    article: Annotated[
        int | None,
        typer.Option(
            "--article",
            min=1,
            max=MAX_ID,
            metavar="ID",
            help="The knowledge base article that solved it (recorded as used).",
            autocompletion=_complete.usable_article_ids,
        ),
    ] = None,
) -> Change:
    """Resolve a case.

    \b
    Example: desk case resolve 12 -r "Refunded the double charge" --follow-up 3d
    Example: desk case resolve 12 -r "Reset the router" --article 7
    """
    from deskcli.services import cases
    from deskcli.times import parse_duration

    text = read_text(resolution, "--resolution")
    follow_up_in = parse_duration(follow_up) if follow_up else None
    return Change(
        partial(
            cases.resolve,
            resolution=text,
            root_cause=root_cause,
            follow_up_in=follow_up_in,
            article_id=article,
        ),
        lambda v: (
            _("Case {case_id} resolved.").format(case_id=v.case.id)
            + (
                " " + _("Article {article_id} recorded as used.").format(article_id=article)
                if article is not None
                else ""
            )
            + (" " + _("Follow-up scheduled.") if follow_up_in else "")
        ),
    )


def case_use_article(
    ctx: typer.Context,
    case_id: CaseIdArg,
    article_id: Annotated[
        int,
        typer.Argument(
            min=1,
            max=MAX_ID,
            metavar="ARTICLE_ID",
            help="The knowledge base article used.",
            autocompletion=_complete.usable_article_ids,
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Record that a knowledge base article was used on a case (any status).

    Once per case and article: the article's uses count the cases it helped.

    \b
    Example: desk case use-article 12 7
    """
    from deskcli.services import kb

    _write(
        ctx,
        as_json,
        lambda tx, agent: kb.record_use(tx, agent=agent, case_id=case_id, article_id=article_id),
        lambda v, _changed: _("Article {article_id} recorded as used on case {case_id}.").format(
            article_id=article_id, case_id=v.case.id
        ),
        unchanged=lambda v: _(
            "article {article_id} is already recorded as used on case {case_id}; nothing changed"
        ).format(article_id=article_id, case_id=v.case.id),
    )


@case_filter_options(after="dry_run")
def case_close(
    ctx: typer.Context,
    case_ids: Annotated[
        list[int] | None,
        typer.Argument(min=1, max=MAX_ID, metavar="ID", help="Cases to close.", show_default=False),
    ] = None,
    from_stdin: Annotated[
        bool, typer.Option("--from-stdin", help="Read case ids from stdin, one a line.")
    ] = False,
    resolution: Annotated[
        str | None,
        value_option(
            "--resolution",
            "TEXT",
            "Resolve unresolved cases with this text, then close them.",
            short="-r",
        ),
    ] = None,
    root_cause: Annotated[
        str | None, value_option("--root-cause", "TEXT", "With --resolution: the root cause.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would close; change nothing.")
    ] = False,
    as_json: JsonOpt = False,
    **filter_values: Any,
) -> None:
    """Close cases: by id, from stdin, or all matching the list filters; all or nothing.

    Only resolved cases close, unless --resolution resolves the others in the
    same step.  Closing a case that is already closed is not an error.

    \b
    Example: desk case list --status resolved --older-than 7d --ids | desk case close --from-stdin
    """
    from deskcli import render
    from deskcli.reads import queries
    from deskcli.services import bulk_close
    from deskcli.shapes import CloseSummary

    st = state(ctx)
    filters = case_filter(st, include_all=True, exclude_closed=True, **filter_values)
    wanted = list(case_ids or ())
    if from_stdin:
        wanted += ids_from_stdin()
    if filters.narrowed and (case_ids or from_stdin):
        raise InvalidValue(N_("give case ids or filters, not both"))
    if not filters.narrowed and not wanted:
        if from_stdin:
            render.note(_("no case ids on stdin; nothing to close"))
            summary = CloseSummary(dry_run=dry_run)
            render.emit_json(summary.record()) if as_json else render.close_summary(summary)
            return
        raise InvalidValue(
            N_("say which cases to close"),
            hint=N_("give ids (desk case close 3 4), --from-stdin, or filters (--status resolved)"),
        )
    with st.writing() as tx:
        if filters.narrowed:
            wanted = queries.matching_ids(tx, filters)
        with render.progress(len(wanted), N_("Closing")) as tick:
            summary = bulk_close.close_cases(
                tx,
                agent=st.agent,
                ids=wanted,
                resolution=resolution,
                root_cause=root_cause,
                dry_run=dry_run,
                progress=tick,
            )
    if summary.already_closed and not as_json:
        render.already_closed(summary.already_closed)
    if as_json:
        render.emit_json(summary.record())
    else:
        render.close_summary(summary)


@case_verb
def case_reopen(
    reason: Annotated[str, value_option("--reason", "TEXT", "Why it is not solved after all.")],
) -> Change:
    """Reopen a resolved or closed case."""
    from deskcli.services import cases

    return Change(
        partial(cases.reopen, reason=reason),
        lambda v: n_(
            "Case {case_id} reopened (reopened {count} time).",
            "Case {case_id} reopened (reopened {count} times).",
            v.case.reopen_count,
        ).format(case_id=v.case.id, count=v.case.reopen_count),
    )


@case_verb
def case_follow_up(
    in_: Annotated[str | None, value_option("--in", "DURATION", "In how long: 4h, 3d, 2w.")] = None,
    on: Annotated[
        str | None, value_option("--on", "DATE", "On a date (YYYY-MM-DD, 09:00) or date-time.")
    ] = None,
    done: Annotated[
        bool, typer.Option("--done", help="Mark the follow-up done and clear it.")
    ] = False,
    note: Annotated[
        str | None, value_option("--note", "TEXT", "What the follow-up is for, or what it found.")
    ] = None,
    csat: CsatOpt = None,
    nps: NpsOpt = None,
    comment: CommentOpt = None,
) -> Change:
    """Schedule a follow-up with the customer (or mark it done).

    With --done, --csat (and --nps, --comment) also record the rating the
    call collected, in the same transaction (see desk case feedback).

    \b
    Example: desk case follow-up 12 --in 3d --note "check the refund arrived"
    Example: desk case follow-up 12 --done --csat 5 --nps 9 --comment "all good"
    """
    from deskcli import times
    from deskcli.services import cases

    if sum([in_ is not None, on is not None, done]) != 1:
        raise InvalidValue(N_("give exactly one of --in, --on and --done"))
    if not done and (csat is not None or nps is not None or comment is not None):
        raise InvalidValue(N_("--csat, --nps and --comment go with --done (the call that asked)"))
    if done and (csat is not None or nps is not None or comment is not None):
        from deskcli.services import feedback

        text = read_text(comment, "--comment") if comment is not None else None
        return Change(
            partial(feedback.follow_up_done, note=note, csat=csat, nps=nps, comment=text),
            lambda v: (
                _("Follow-up on case {case_id} done; rated CSAT {csat}.")
                if csat is not None
                else _("Follow-up on case {case_id} done.")
            ).format(case_id=v.case.id, csat=v.case.csat),
        )
    at = None
    if in_ is not None:
        at = times.now() + times.parse_duration(in_)
    elif on is not None:
        at = times.parse_when(on)
    return Change(
        partial(cases.schedule_follow_up, at=at, note=note),
        lambda v: (
            _("Follow-up on case {case_id} scheduled for {when}.")
            if at
            else _("Follow-up on case {case_id} done.")
        ).format(case_id=v.case.id, when=times.local(v.case.follow_up_at)),
    )


@case_verb
def case_inbound(
    text: TextArg,
    channel: Annotated[
        Channel | None,
        typer.Option(help="How it came in (default: the case's channel)."),
    ] = None,
) -> Change:
    """Record what the customer said or wrote.

    A pending case goes back to open (the customer answered); a resolved or
    closed case stays as it is, and desk case show shows the message first.

    \b
    Example: desk case inbound 12 "The refund has not arrived yet" --channel email
    """
    from deskcli.services import feedback

    body = read_text(text, N_("the message"))
    return Change(
        partial(feedback.add_inbound, text=body, channel=channel),
        lambda v: _("Customer message recorded on case {case_id} ({status}).").format(
            case_id=v.case.id, status=shown_status(v.case.status)
        ),
    )


@case_verb
def case_feedback(
    csat: Annotated[
        int,
        typer.Option(
            "--csat",
            min=1,
            max=5,
            metavar="1-5",
            help="Customer satisfaction: 1 (bad) to 5 (great).",
        ),
    ],
    nps: NpsOpt = None,
    comment: CommentOpt = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace this resolution's rating.")
    ] = False,
) -> Change:
    """Record the customer's rating of a resolved or closed case.

    One rating per resolution (a second is refused unless --replace); it is
    credited to the assignee and team that resolved the case.

    \b
    Example: desk case feedback 12 --csat 4 --nps 9 --comment "quick and friendly"
    """
    from deskcli.services import feedback

    text = read_text(comment, "--comment") if comment is not None else None
    return Change(
        partial(feedback.rate, csat=csat, nps=nps, comment=text, replace=replace),
        lambda v: (
            _("Rating recorded on case {case_id} (CSAT {csat}, NPS {nps}).")
            if v.case.nps is not None
            else _("Rating recorded on case {case_id} (CSAT {csat}).")
        ).format(case_id=v.case.id, csat=v.case.csat, nps=v.case.nps),
    )


@case_verb
def case_remedy(
    kind: Annotated[
        RemedyKind,
        typer.Option(
            "--kind", help="What was given: credit, refund, replacement, discount, other."
        ),
    ],
    note: Annotated[
        str, value_option("--note", "TEXT", "What was given and why ('-' reads stdin).")
    ],
    amount: Annotated[
        str | None, value_option("--amount", "AMOUNT", "How much, e.g. 12.50 (needs --currency).")
    ] = None,
    currency: Annotated[
        str | None, value_option("--currency", "CODE", "Three-letter currency code, e.g. EUR.")
    ] = None,
) -> Change:
    """Record what was given to make amends: a refund, a goodwill credit...

    Amounts are exact decimals (up to 4 places), with a three-letter currency.

    \b
    Example: desk case remedy 12 --kind credit --amount 12.50 --currency EUR --note "goodwill"
    """
    from deskcli.services import feedback

    text = read_text(note, "--note")
    return Change(
        partial(feedback.add_remedy, kind=kind, note=text, amount=amount, currency=currency),
        lambda v: _("Remedy recorded on case {case_id}.").format(case_id=v.case.id),
    )


def follow_ups(
    ctx: typer.Context,
    due: Annotated[bool, typer.Option("--due", help="Only follow-ups that are due now.")] = False,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
    ids: IdsOpt = False,
) -> None:
    """List scheduled follow-ups, soonest first."""
    from deskcli import render
    from deskcli.reads import queries
    from deskcli.shapes import case_records

    # None due: people are told when the next one is; JSON stays a list.

    def read(source: Source) -> FollowUps:
        found = queries.follow_up_list(
            source, due_only=due, limit=limit or None, say_next=not (as_json or ids)
        )
        if as_json:
            from deskcli.services import sla_clocks

            sla_clocks.attach(source, found.views)
        return found

    found = state(ctx).read(read)
    if as_json:
        render.emit_json(case_records(found.views))
    elif ids:
        render.emit_ids([v.case.id for v in found.views])
    else:
        render.follow_ups(found.views, next_due=found.next_due)


def board(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="A full-screen board that follows the database (needs the `live` extra); "
            "without a terminal, the ordinary board.",
        ),
    ] = False,
) -> None:
    """The case board: active cases by status, most urgent first."""
    from deskcli import render
    from deskcli.reads import queries

    if live:
        if as_json:
            raise InvalidValue(N_("use either --live or --json, not both"))
        from deskcli.live import start

        if start(state(ctx)):
            return

    def read(source: Source) -> Board:
        found = queries.board(source)
        if as_json:  # the board's tables show the due time only
            from deskcli.services import sla_clocks

            sla_clocks.attach(source, [v for views in found.columns.values() for v in views])
        return found

    data = state(ctx).read(read)
    if as_json:
        render.emit_json(data.record())
    else:
        render.board(data)
