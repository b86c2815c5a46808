"""`desk kb ...`: the knowledge base.  Thin: parse, call services.kb, render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskcli.cli import _complete
from deskcli.cli._context import read_text, state
from deskcli.cli._group import LazyGroup
from deskcli.cli._options import MAX_ID, CaseIdArg, JsonOpt, if_version_option, value_option
from deskcli.domain import ArticleStatus
from deskcli.errors import InvalidValue
from deskcli.lang import N_, _

if TYPE_CHECKING:
    from deskcli.reads.rows import ArticleRow, RevisionRow
    from deskcli.reads.source import Source


class KbGroup(LazyGroup):
    lazy_commands = {
        "add": "kb_add",
        "show": "kb_show",
        "edit": "kb_edit",
        "archive": "kb_archive",
        "list": "kb_list",
        "search": "kb_search",
        "promote": "kb_promote",
        "gaps": "kb_gaps",
    }


app = typer.Typer(cls=KbGroup, rich_markup_mode=None, add_completion=False, no_args_is_help=True)


@app.callback()
def kb_group() -> None:
    """Write down solutions and find them again: the knowledge base."""


ArticleIdArg = Annotated[
    int,
    typer.Argument(
        min=1,
        max=MAX_ID,
        metavar="ID",
        help="The article id.",
        autocompletion=_complete.article_ids,
    ),
]
ArticleIfVersionOpt = Annotated[int | None, if_version_option("article")]
CategoryOpt = Annotated[
    str | None,
    value_option("--category", "NAME", "Free-text category, e.g. billing.", show_default=False),
]
TagsOpt = Annotated[
    list[str] | None,
    value_option("--tag", "TAG", "A tag, one word (repeatable).", short="-t", show_default=False),
]


def kb_add(
    ctx: typer.Context,
    title: Annotated[str, value_option("--title", "TEXT", "One line naming the problem.")],
    body: Annotated[str, value_option("--body", "TEXT", "The solution ('-' reads stdin).")],
    category: CategoryOpt = None,
    tags: TagsOpt = None,
    draft: Annotated[bool, typer.Option("--draft", help="Keep it a draft (not searched).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add an article, published unless --draft.

    \b
    Example: desk kb add --title "Wi-Fi drops every hour" --body - --category network < fix.txt
    """
    from deskcli import render
    from deskcli.services import kb
    from deskcli.shapes import article_record

    text = read_text(body, "--body")
    st = state(ctx)
    with st.writing() as tx:
        article = kb.add_article(
            tx,
            agent=st.agent,
            title=title,
            body=text,
            category=category,
            tags=tags or (),
            draft=draft,
        )
    if as_json:
        render.emit_json(article_record(article))
    else:
        from deskcli.render.kb import status_word

        render.say(
            _("Added article {article_id} ({status}).").format(
                article_id=article.id, status=status_word(article.status)
            )
        )


def kb_show(
    ctx: typer.Context,
    article_id: ArticleIdArg,
    show_history: Annotated[
        bool, typer.Option("--history", help="Also list every revision, oldest first.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show an article (with --history, who changed what and when)."""
    from deskcli import render
    from deskcli.services import kb
    from deskcli.shapes import article_detail_record

    def read(source: Source) -> tuple[ArticleRow, list[RevisionRow] | None]:
        article = kb.get_article(source, article_id)
        return article, kb.history(source, article_id) if show_history else None

    article, revisions = state(ctx).read(read)
    if as_json:
        render.emit_json(article_detail_record(article, revisions))
    else:
        render.article_detail(article, revisions)


def kb_edit(
    ctx: typer.Context,
    article_id: ArticleIdArg,
    title: Annotated[str | None, value_option("--title", "TEXT", "A new title.")] = None,
    body: Annotated[
        str | None, value_option("--body", "TEXT", "A new body ('-' reads stdin).")
    ] = None,
    category: Annotated[
        str | None,
        value_option("--category", "NAME", "A new category ('' clears it).", show_default=False),
    ] = None,
    tags: Annotated[
        list[str] | None,
        value_option(
            "--tag",
            "TAG",
            "The article's tags, replacing the old ones (repeatable).",
            short="-t",
            show_default=False,
        ),
    ] = None,
    publish: Annotated[bool, typer.Option("--publish", help="Publish it.")] = False,
    draft: Annotated[bool, typer.Option("--draft", help="Make it a draft again.")] = False,
    if_version: ArticleIfVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an article; every change is kept as a revision."""
    from deskcli import render
    from deskcli.services import kb
    from deskcli.shapes import article_record

    if publish and draft:
        raise InvalidValue(N_("use either --publish or --draft, not both"))
    status = ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT if draft else None
    text = read_text(body, "--body") if body is not None else None
    st = state(ctx)
    with st.writing() as tx:
        article, changes = kb.edit_article(
            tx,
            agent=st.agent,
            article_id=article_id,
            title=title,
            body=text,
            category=category,
            tags=tags,
            status=status,
            if_version=if_version,
        )
    if not changes:
        render.note(
            _("article {article_id} already says that; nothing changed").format(
                article_id=article_id
            )
        )
    if as_json:
        render.emit_json(article_record(article))
    elif changes:
        from deskcli.render.kb import FIELD_WORDS

        changed = ", ".join(_(FIELD_WORDS.get(name, name)) for name in changes)
        render.say(
            _("Updated article {article_id} ({changes}).").format(
                article_id=article_id, changes=changed
            )
        )


def kb_archive(
    ctx: typer.Context,
    article_id: ArticleIdArg,
    if_version: ArticleIfVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Archive an article: no longer listed or found (desk kb list --status archived)."""
    from deskcli import render
    from deskcli.services import kb
    from deskcli.shapes import article_record

    st = state(ctx)
    with st.writing() as tx:
        article, changed = kb.archive_article(
            tx, agent=st.agent, article_id=article_id, if_version=if_version
        )
    if not changed:
        render.note(_("article {article_id} is already archived").format(article_id=article_id))
    if as_json:
        render.emit_json(article_record(article))
    elif changed:
        render.say(_("Archived article {article_id}.").format(article_id=article_id))


def kb_list(
    ctx: typer.Context,
    statuses: Annotated[
        list[ArticleStatus] | None,
        value_option(
            "--status",
            "STATUS",
            "Only this status: draft, published, archived (repeatable; default: "
            "draft and published).",
            short="-s",
            show_default=False,
        ),
    ] = None,
    category: Annotated[
        str | None, value_option("--category", "NAME", "Only this category (any case).")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, max=MAX_ID, help="At most N (0: all).")
    ] = 0,
    as_json: JsonOpt = False,
    ids: Annotated[bool, typer.Option("--ids", "-q", help="Print article ids only.")] = False,
) -> None:
    """List articles, last updated first."""
    from deskcli import render
    from deskcli.services import kb
    from deskcli.shapes import article_record

    if as_json and ids:
        raise InvalidValue(N_("use either --json or --ids, not both"))
    found = state(ctx).read(
        lambda source: kb.list_articles(
            source, statuses=statuses or (), category=category, limit=limit or None
        )
    )
    if as_json:
        render.emit_json([article_record(a) for a in found])
    elif ids:
        render.emit_ids([a.id for a in found])
    else:
        render.articles(found)


def kb_search(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help="Words to find; any text is a valid query.")
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, max=MAX_ID, help="At most N (0: all).")
    ] = 10,
    include_drafts: Annotated[bool, typer.Option("--all", help="Search drafts too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Find published articles by words of their title (weighted higher) and body.

    Accents and case are ignored and a word also finds longer words it begins
    (fact finds factura).  Every search is logged with its result count.

    \b
    Example: desk kb search "wi-fi drops"
    """
    from deskcli import render
    from deskcli.errors import StorageError
    from deskcli.services import kb
    from deskcli.shapes import search_hit_record

    st = state(ctx)
    hits = st.read(
        lambda source: kb.find(source, query, limit=limit or None, include_drafts=include_drafts)
    )
    # Then the search log, in a short write of its own: a search that cannot
    # be logged (a read-only copy of the desk) still finds, and says so.
    try:
        with st.writing() as tx:
            kb.log_search(tx, agent=st.agent, query=query, results=len(hits))
    except StorageError as error:
        render.note(_("this search was not logged: {reason}").format(reason=error.message))
    if as_json:
        render.emit_json([search_hit_record(hit) for hit in hits])
    else:
        render.search_results(hits)


def kb_promote(
    ctx: typer.Context,
    case_id: CaseIdArg,
    title: Annotated[
        str | None,
        value_option("--title", "TEXT", "The article's title (default: the case's subject)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write down how a resolved (or closed) case was solved: a draft article.

    Its body holds the resolution, the root cause and, when the five A's were
    run, the answer and analysis; it keeps the case's category and is linked
    to the case (source_case_id).  Publish it with desk kb edit ID --publish.

    \b
    Example: desk kb promote 12 --title "Refund a double charge"
    """
    from deskcli import render
    from deskcli.services import kb
    from deskcli.shapes import article_record

    st = state(ctx)
    with st.writing() as tx:
        article = kb.promote(tx, agent=st.agent, case_id=case_id, title=title)
    if as_json:
        render.emit_json(article_record(article))
    else:
        render.say(
            _("Added draft article {article_id} from case {case_id}.").format(
                article_id=article.id, case_id=case_id
            )
        )
        render.hint(
            _("check it and publish it: desk kb edit {article_id} --publish").format(
                article_id=article.id
            )
        )


def kb_gaps(
    ctx: typer.Context,
    since: Annotated[
        str, value_option("--since", "DURATION", "Look back this far (30d, 2w).")
    ] = "30d",
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", min=0, max=MAX_ID, help="At most N groups and N searches (0: all)."
        ),
    ] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Where knowledge is missing: resolved cases no article helped, and
    searches that found nothing.

    Cases resolved within --since that used no article (desk case
    use-article), grouped by category and root cause, biggest groups first;
    then the searches that found nothing, most frequent first.

    \b
    Example: desk kb gaps --since 2w
    """
    from deskcli import render
    from deskcli.services import kb
    from deskcli.times import parse_duration

    window = parse_duration(since)
    found = state(ctx).read(lambda source: kb.gaps(source, since=window, limit=limit or None))
    if as_json:
        render.emit_json(found.record())
    else:
        render.kb_gaps(found)
