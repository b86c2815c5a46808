"""Knowledge base articles: the list, an article (with its revisions) and
search results.  User text (titles, bodies, snippets, tags) goes through
`user`/`one_line`, so markup and escape sequences print literally."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from deskcli import times
from deskcli.lang import N_, _
from deskcli.render.console import capped, fields, hint, one_line, out, show_rows, user, when

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from deskcli.reads.rows import ArticleRow, RevisionRow, SearchHit
    from deskcli.shapes import KbGaps

STATUS_STYLE = {"draft": "yellow", "published": "green", "archived": "dim"}
STATUS_WORDS = {"draft": N_("draft"), "published": N_("published"), "archived": N_("archived")}
# The fields of an article as named in its history ("title: old -> new").
FIELD_WORDS = {
    "title": N_("title"),
    "body": N_("body"),
    "category": N_("category"),
    "tags": N_("tags"),
    "status": N_("status"),
}


def status_word(status: str) -> str:
    """An article's status as people read it."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def _status(status: str) -> Text:
    from rich.text import Text

    return Text(status_word(status), style=STATUS_STYLE.get(status, ""))


def articles(found: Sequence[ArticleRow]) -> None:
    show_rows(found, articles_table, N_("No articles match."))


def articles_table(found: Sequence[ArticleRow]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    table.add_column(_("ID"), justify="right", style="bold", no_wrap=True)
    table.add_column(_("Status"), no_wrap=True)
    table.add_column(_("Category"), no_wrap=True, max_width=capped(16), overflow="ellipsis")
    table.add_column(_("Title"))  # wrappable: it gives way first
    table.add_column(_("Tags"), no_wrap=True, max_width=capped(24), overflow="ellipsis")
    table.add_column(_("Uses"), justify="right", no_wrap=True)
    table.add_column(_("Updated"), justify="right", no_wrap=True)
    for a in found:
        table.add_row(
            str(a.id),
            _status(a.status),
            user(a.category or ""),
            one_line(a.title),
            user(", ".join(a.tags)),
            str(a.uses),
            Text(times.age(a.updated_at), style="dim"),
        )
    return table


def article_detail(article: ArticleRow, revisions: Sequence[RevisionRow] | None) -> None:
    out().print(article_detail_view(article, revisions))


def article_detail_view(article: ArticleRow, revisions: Sequence[RevisionRow] | None) -> Group:
    """The article's panel, its body, and with `revisions` its history."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    heading = _("Article {article_id}").format(article_id=article.id)
    title = Text.assemble((f"{heading} ", "bold"), _status(article.status))
    rows: list[tuple[str, Text | str]] = [
        (_("Title"), user(article.title, "bold")),
        (_("Category"), user(article.category or "-")),
        (_("Tags"), user(", ".join(article.tags) or "-")),
        (_("Author"), user(article.author)),
        (_("Created"), when(article.created_at)),
        (_("Updated"), when(article.updated_at)),
        (_("Uses"), str(article.uses)),
        (_("Version"), str(article.version)),
    ]
    if article.source_case_id is not None:
        rows.append((_("From case"), str(article.source_case_id)))
    body = Group(fields(rows), Text(""), user(article.body))
    shown: list[Any] = [Panel(body, title=title, title_align="left", expand=False)]
    if revisions is not None:
        shown.append(history_table(revisions))
    return Group(*shown)


def history_table(revisions: Sequence[RevisionRow]) -> Table:
    from rich.table import Table

    table = Table(title=_("History"), title_justify="left", box=None, pad_edge=False)
    table.add_column(_("When"), no_wrap=True, style="dim")
    table.add_column(_("Agent"), no_wrap=True)
    table.add_column(_("Changes"))
    for r in revisions:
        table.add_row(times.local(r.at), user(r.agent), user(_changes(r.changes)))
    return table


# A changed value in the history shows at most this much (a body is long).
SHOWN_VALUE = 60


def _changes(changes: dict[str, Any]) -> str:
    """`title: "Old" -> "New"; status: draft -> published`, values shortened."""
    parts = []
    for name, change in changes.items():
        was, now = (change or {}).get("from"), (change or {}).get("to")
        if name == "status":  # our word, not the user's: in their language
            was = status_word(was) if isinstance(was, str) else was
            now = status_word(now) if isinstance(now, str) else now
        field = _(FIELD_WORDS[name]) if name in FIELD_WORDS else name
        if was is None or was == []:
            parts.append(f"{field}: {_value(now)}")
        else:
            parts.append(f"{field}: {_value(was)} -> {_value(now)}")
    return "; ".join(parts)


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    text = " ".join(str(value).split())
    if len(text) > SHOWN_VALUE:
        text = text[: SHOWN_VALUE - 3] + "..."
    return json.dumps(text, ensure_ascii=False)


def search_results(hits: Sequence[SearchHit]) -> None:
    show_rows(hits, search_table, N_("No articles match."))


def search_table(hits: Sequence[SearchHit]) -> Table:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    table.add_column(_("ID"), justify="right", style="bold", no_wrap=True)
    table.add_column(_("Title"), max_width=capped(40))
    table.add_column(_("Match"))  # the snippet, as written
    for hit in hits:
        a = hit.article
        title = user(a.title, "bold")
        if a.status != "published":
            title.append(f" ({status_word(a.status)})", style="yellow")
        table.add_row(str(a.id), title, user(hit.snippet))
    return table


def suggestions(found: Sequence[ArticleRow], *, case_id: int | None) -> None:
    """The articles that may help with a case, under its details; nothing
    at all when none match."""
    if found:
        out().print(suggestions_view(found, title=_("Articles that may help")))
        hint(
            _(
                "desk kb show ID reads one; desk case use-article {case_id} ID records its use"
            ).format(case_id=case_id)
        )


def suggestions_view(found: Sequence[ArticleRow], *, title: str) -> Group:
    """A heading (on its own line: a table's title would wrap at the table's
    width) and each article's id and title."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_header=False)
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    for a in found:
        table.add_row(str(a.id), one_line(a.title))
    return Group(Text(title, style="italic"), table)


# A root cause in the gaps table shows at most this much of itself.
SHOWN_CAUSE = 80


def kb_gaps(gaps: KbGaps) -> None:
    out().print(kb_gaps_view(gaps))


def kb_gaps_view(gaps: KbGaps) -> Group:
    """Resolved cases no article helped, by category and root cause, and the
    searches that found nothing."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    since = times.local(gaps.since)
    parts: list[Any] = []
    if gaps.groups:
        cases = Table(
            title=_("Resolved cases that used no article (since {since})").format(since=since),
            title_justify="left",
            box=None,
            pad_edge=False,
        )
        cases.add_column(_("Count"), justify="right", style="bold", no_wrap=True)
        cases.add_column(_("Category"), no_wrap=True, max_width=capped(16), overflow="ellipsis")
        cases.add_column(_("Root cause"))
        cases.add_column(_("Cases, newest first"), no_wrap=True)
        for g in gaps.groups:
            cause = " ".join((g.root_cause or "-").split())
            if len(cause) > SHOWN_CAUSE:
                cause = cause[: SHOWN_CAUSE - 3] + "..."
            more = "" if g.count <= len(g.case_ids) else ", ..."
            cases.add_row(
                str(g.count),
                user(g.category or "-"),
                user(cause),
                ", ".join(map(str, g.case_ids)) + more,
            )
        parts.append(cases)
    else:
        parts.append(
            Text(_("Every case resolved since {since} used an article.").format(since=since))
        )
    parts.append(Text(""))
    if gaps.searches:
        searches = Table(
            title=_("Searches that found nothing (since {since})").format(since=since),
            title_justify="left",
            box=None,
            pad_edge=False,
        )
        searches.add_column(_("Times"), justify="right", style="bold", no_wrap=True)
        searches.add_column(_("Words searched"))
        searches.add_column(_("Last"), justify="right", no_wrap=True)
        for s in gaps.searches:
            searches.add_row(str(s.count), user(s.query), Text(times.age(s.last_at), style="dim"))
        parts.append(searches)
    else:
        parts.append(Text(_("No search came back empty since {since}.").format(since=since)))
    return Group(*parts)
