"""The knowledge base: articles (add, edit, archive, show, list) and their
full-text search.  Plain SQL over a `Tx` (writes) or a `Source` (reads),
the same texts on SQLite and PostgreSQL except the search itself.

Every change bumps the article's version (checked by `--if-version`) and
writes one revision: who, when, and {field: {"from", "to"}}.

Search: the title and body are folded and split into words in Python
(`folding.indexed_text`), stored in `title_fold` and `body_fold`, and indexed
by the database (FTS5 on SQLite, a tsvector on PostgreSQL; see migration
0007).  A query is split the same way and every word becomes a quoted prefix
term, so any text is a valid query: nothing a person types reaches either
database's query syntax.  Suggestions for a case (`suggest`) use the same
index with any of the case's words instead of all of them.

Articles and cases: `promote` writes a draft from a solved case,
`record_use` notes an article used on a case (`kb_use`, an article's `uses`),
`gaps` finds the cases and searches no article helped.  Standard library only.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from deskcli import limits, times
from deskcli.domain import ArticleStatus, EventKind
from deskcli.errors import Conflict, InvalidValue, NotFound, StaleWrite
from deskcli.folding import indexed_text, search_words, sorted_tags, word_spans
from deskcli.lang import N_, _
from deskcli.reads.rows import (
    ARTICLE_COLUMNS,
    REVISION_COLUMNS,
    ArticleRow,
    CaseRow,
    CaseView,
    EventRow,
    RevisionRow,
    SearchHit,
    to_time,
)
from deskcli.reads.source import Source, in_list
from deskcli.services.tags import clean_tag, tag_key
from deskcli.services.write_path import EventRow as NewEvent
from deskcli.services.write_path import (
    apply_change,
    load_for_write,
    make_event,
    optional_text,
    require_text,
)
from deskcli.shapes import GapGroup, GapSearch, KbGaps
from deskcli.tx import Tx

if TYPE_CHECKING:
    from deskcli.shapes import AssistState

# A query longer than this is refused (exit 2), as `--search` is.
QUERY_LIMIT = 1000
# Words a snippet shows around the first match (before it, and in all).
SNIPPET_BEFORE = 8
SNIPPET_WORDS = 20
# How much higher a title word ranks than a body word.
TITLE_WEIGHT = 10.0

_ARTICLE = ", ".join(f"a.{name}" for name in ARTICLE_COLUMNS)
ARTICLE_BY_ID = f"SELECT {_ARTICLE} FROM kb_article a WHERE a.id = :article_id"
ARTICLES = f"SELECT {_ARTICLE} FROM kb_article a"
TAGS_OF_ARTICLES = "SELECT article_id, tag FROM kb_article_tag WHERE "
USES_OF_ARTICLES = (
    "SELECT article_id, count(DISTINCT case_id) FROM kb_use WHERE {ids} GROUP BY article_id"
)
REVISIONS_OF_ARTICLE = (
    f"SELECT {', '.join(REVISION_COLUMNS)} FROM kb_revision"
    " WHERE article_id = :article_id ORDER BY id"
)
LAST_REVISION = (
    "SELECT agent, at FROM kb_revision WHERE article_id = :article_id ORDER BY id DESC LIMIT 1"
)
INSERT_ARTICLE = (
    "INSERT INTO kb_article (title, body, category, status, author, created_at, updated_at,"
    " version, source_case_id, title_fold, body_fold) VALUES (:title, :body, :category,"
    " :status, :author, :created_at, :updated_at, 1, :source_case_id, :title_fold, :body_fold)"
    " RETURNING id"
)
INSERT_TAG = (
    "INSERT INTO kb_article_tag (article_id, tag_key, tag) VALUES (:article_id, :tag_key, :tag)"
)
DELETE_TAGS = "DELETE FROM kb_article_tag WHERE article_id = :article_id"
INSERT_REVISION = (
    "INSERT INTO kb_revision (article_id, at, agent, changes)"
    " VALUES (:article_id, :at, :agent, :changes)"
)
INSERT_SEARCH = (
    "INSERT INTO kb_search (at, agent, query, query_key, results)"
    " VALUES (:at, :agent, :query, :query_key, :results)"
)
# The search itself, per backend; STATUSES becomes an IN list of parameter names.
# SQLite: bm25 is smaller for better matches; its weights are per column.
SQLITE_SEARCH = (
    f"SELECT {_ARTICLE}, -bm25(kb_fts, {TITLE_WEIGHT}, 1.0) AS rank"
    " FROM kb_fts JOIN kb_article a ON a.id = kb_fts.rowid"
    " WHERE kb_fts MATCH :query AND STATUSES"
    f" ORDER BY bm25(kb_fts, {TITLE_WEIGHT}, 1.0), a.id"
)
# PostgreSQL: ts_rank's weights are {D, C, B, A}: the body is B, the title A.
POSTGRES_SEARCH = (
    f"SELECT {_ARTICLE}, ts_rank(CAST('{{0.1, 0.2, {1 / TITLE_WEIGHT}, 1.0}}' AS real[]),"
    " a.search_vector, q.query) AS rank"
    " FROM kb_article a, to_tsquery('simple', :query) AS q (query)"
    " WHERE a.search_vector @@ q.query AND STATUSES"
    " ORDER BY rank DESC, a.id"
)

# The columns a change may set (never from user input: the services' own names).
_WRITABLE = frozenset({"title", "body", "category", "status", "title_fold", "body_fold"})


# -- reads -------------------------------------------------------------------


# An article's status in a message (render.kb shows it with the same words).
_STATUS_WORDS = {"draft": N_("draft"), "published": N_("published"), "archived": N_("archived")}


def _status_word(status: str) -> str:
    return _(_STATUS_WORDS[status]) if status in _STATUS_WORDS else status


def _no_article(article_id: int) -> NotFound:
    return NotFound(
        N_("no article {article_id}"),
        hint=N_("desk kb list shows the articles"),
        params={"article_id": article_id},
    )


def get_article(source: Source, article_id: int, *, lock: str = "") -> ArticleRow:
    """The article with its tags and uses; raises NotFound.  `lock` is the
    clause that row-locks it for a write on a server (" FOR UPDATE")."""
    if not 1 <= article_id <= source.max_id:
        raise _no_article(article_id)
    found = source.rows(ARTICLE_BY_ID + lock, {"article_id": article_id})
    if not found:
        raise _no_article(article_id)
    return _completed(source, [ArticleRow.of(found[0])])[0]


def history(source: Source, article_id: int) -> list[RevisionRow]:
    """The article's revisions, oldest first."""
    found = source.rows(REVISIONS_OF_ARTICLE, {"article_id": article_id})
    return [RevisionRow.of(r) for r in found]


def list_articles(
    source: Source,
    *,
    statuses: Sequence[str] = (),
    category: str | None = None,
    limit: int | None = None,
) -> list[ArticleRow]:
    """Articles, last updated first; without statuses, all but archived ones."""
    params: dict[str, Any] = {}
    wanted = [str(ArticleStatus(s)) for s in statuses] or [
        ArticleStatus.DRAFT,
        ArticleStatus.PUBLISHED,
    ]
    conditions = [in_list("a.status", "s", sorted(set(wanted)), params)]
    if category:
        conditions.append("lower(a.category) = :category")
        params["category"] = category.strip().lower()
    sql = f"{ARTICLES} WHERE {' AND '.join(conditions)} ORDER BY a.updated_at DESC, a.id DESC"
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return _completed(source, [ArticleRow.of(r) for r in source.rows(sql, params)])


_CHUNK = 500  # ids per IN list: well under both databases' parameter limits


def _completed(source: Source, articles: list[ArticleRow]) -> list[ArticleRow]:
    """The articles with their tags and uses, in two queries per chunk."""
    ids = [a.id for a in articles if a.id is not None]
    tags: dict[int, list[str]] = {i: [] for i in ids}
    uses: dict[int, int] = {}
    for start in range(0, len(ids), _CHUNK):
        params: dict[str, Any] = {}
        where = in_list("article_id", "i", ids[start : start + _CHUNK], params)
        for article_id, tag in source.rows(TAGS_OF_ARTICLES + where, params):
            tags[article_id].append(tag)
        for article_id, count in source.rows(USES_OF_ARTICLES.format(ids=where), params):
            uses[article_id] = int(count)
    return [
        replace(a, tags=sorted_tags(tags.get(a.id or 0, [])), uses=uses.get(a.id or 0, 0))
        for a in articles
    ]


# -- writes ------------------------------------------------------------------


def _title(title: str) -> str:
    return require_text(title, N_("the title"), limits.SUBJECT, one_line=True)


def _body(body: str) -> str:
    return require_text(body, N_("the body"))


def _category(category: str | None) -> str | None:
    return optional_text(category, N_("the category"), limits.LABEL, one_line=True) or None


def _tags(tags: Sequence[str]) -> list[str]:
    """The tags, cleaned, the first spelling of each (case-insensitively) kept."""
    seen: dict[str, str] = {}
    for tag in tags:
        cleaned = clean_tag(tag)
        seen.setdefault(tag_key(cleaned), cleaned)
    return sorted_tags(seen.values())


def _write_tags(tx: Tx, article_id: int, tags: Sequence[str]) -> None:
    rows = [{"article_id": article_id, "tag_key": tag_key(t), "tag": t} for t in tags]
    if rows:
        tx.execute_many(INSERT_TAG, rows)


def _revision(tx: Tx, article_id: int, agent: str, changes: dict[str, Any]) -> None:
    params = {"article_id": article_id, "at": times.now(), "agent": agent, "changes": changes}
    tx.execute(INSERT_REVISION, params)


def add_article(
    tx: Tx,
    *,
    agent: str,
    title: str,
    body: str,
    category: str | None = None,
    tags: Sequence[str] = (),
    draft: bool = False,
    source_case_id: int | None = None,
) -> ArticleRow:
    """A new article, published unless `draft`; its first revision records
    every field it was given."""
    now = times.now()
    values: dict[str, Any] = {
        "title": _title(title),
        "body": _body(body),
        "category": _category(category),
        "status": str(ArticleStatus.DRAFT if draft else ArticleStatus.PUBLISHED),
        "author": agent,
        "created_at": now,
        "updated_at": now,
        "source_case_id": source_case_id,
    }
    cleaned = _tags(tags)
    folded = {
        "title_fold": indexed_text(values["title"]),
        "body_fold": indexed_text(values["body"]),
    }
    article_id = tx.insert(INSERT_ARTICLE, {**values, **folded})
    _write_tags(tx, article_id, cleaned)
    changes: dict[str, Any] = {
        name: {"from": None, "to": values[name]}
        for name in ("title", "body", "category", "status", "source_case_id")
        if values[name] is not None
    }
    if cleaned:
        changes["tags"] = {"from": [], "to": cleaned}
    _revision(tx, article_id, agent, changes)
    return ArticleRow(id=article_id, version=1, tags=cleaned, **values)


def _stale(tx: Tx, article_id: int, expected: int, current: int) -> StaleWrite:
    last = tx.rows(LAST_REVISION, {"article_id": article_id})
    params: dict[str, object] = {"article_id": article_id, "expected": expected, "current": current}
    hint = N_("look again (desk kb show {article_id}) and retry")
    if not last:
        return StaleWrite(
            N_("article {article_id} was changed since version {expected};"
               " it is now version {current}"),
            hint=hint,
            params=params,
        )  # fmt: skip
    agent, at = last[0]
    return StaleWrite(
        N_("article {article_id} was changed by {agent} ({ago}) since version {expected};"
           " it is now version {current}"),
        hint=hint,
        params={**params, "agent": agent, "ago": times.ago(to_time(at))},
    )  # fmt: skip


def _apply(
    tx: Tx, article: ArticleRow, agent: str, changes: dict[str, dict[str, Any]]
) -> ArticleRow:
    """Write `changes` ({field: {"from", "to"}}) if the article is still at the
    version read, bump it, and record the revision."""
    assert article.id is not None
    values = {name: change["to"] for name, change in changes.items() if name != "tags"}
    if "title" in values:
        values["title_fold"] = indexed_text(values["title"])
    if "body" in values:
        values["body_fold"] = indexed_text(values["body"])
    unknown = set(values) - _WRITABLE
    if unknown:
        raise ValueError(f"not a writable article column: {sorted(unknown)}")
    now = times.now()
    assignments = "".join(f"{name} = :v_{name}, " for name in values)
    sql = (
        f"UPDATE kb_article SET {assignments}updated_at = :now, version = :new_version"
        " WHERE id = :article_id AND version = :old_version"
    )
    params: dict[str, Any] = {f"v_{name}": value for name, value in values.items()}
    params.update(
        now=now, new_version=article.version + 1, article_id=article.id, old_version=article.version
    )
    if tx.execute(sql, params) != 1:
        raise _stale(tx, article.id, article.version, article.version)
    if "tags" in changes:
        tx.execute(DELETE_TAGS, {"article_id": article.id})
        _write_tags(tx, article.id, changes["tags"]["to"])
    _revision(tx, article.id, agent, changes)
    shown = {name: value for name, value in values.items() if name in ARTICLE_COLUMNS}
    tags = changes["tags"]["to"] if "tags" in changes else article.tags
    return replace(article, **shown, tags=list(tags), updated_at=now, version=article.version + 1)


def _load_for_write(tx: Tx, article_id: int, if_version: int | None) -> ArticleRow:
    # SQLite's write transaction already holds the whole file.
    lock = "" if tx.dialect == "sqlite" else " FOR UPDATE"
    article = get_article(tx, article_id, lock=lock)
    if if_version is not None and article.version != if_version:
        raise _stale(tx, article_id, if_version, article.version)
    return article


def edit_article(
    tx: Tx,
    *,
    agent: str,
    article_id: int,
    title: str | None = None,
    body: str | None = None,
    category: str | None = None,
    tags: Sequence[str] | None = None,
    status: ArticleStatus | None = None,
    if_version: int | None = None,
) -> tuple[ArticleRow, dict[str, dict[str, Any]]]:
    """Change the given fields (`tags` replaces the article's tags; an empty
    category clears it).  Returns the article and what changed: nothing
    changed means no revision and no new version."""
    wanted: dict[str, Any] = {}
    if title is not None:
        wanted["title"] = _title(title)
    if body is not None:
        wanted["body"] = _body(body)
    if category is not None:
        wanted["category"] = _category(category)
    if tags is not None:
        wanted["tags"] = _tags(tags)
    if status is not None:
        wanted["status"] = str(ArticleStatus(status))
    if not wanted:
        raise InvalidValue(
            N_("say what to change"),
            hint=N_("--title, --body, --category, --tag, --publish or --draft"),
        )
    article = _load_for_write(tx, article_id, if_version)
    changes = {
        name: {"from": getattr(article, name), "to": value}
        for name, value in wanted.items()
        if getattr(article, name) != value
    }
    if not changes:
        return article, {}
    return _apply(tx, article, agent, changes), changes


def archive_article(
    tx: Tx, *, agent: str, article_id: int, if_version: int | None = None
) -> tuple[ArticleRow, bool]:
    """Archive the article (no longer listed or found); False when it already was."""
    article = _load_for_write(tx, article_id, if_version)
    if article.status == ArticleStatus.ARCHIVED:
        return article, False
    changes = {"status": {"from": article.status, "to": str(ArticleStatus.ARCHIVED)}}
    return _apply(tx, article, agent, changes), True


# -- search ------------------------------------------------------------------


def check_query(query: str) -> str:
    """A query as given: not blank, at most QUERY_LIMIT characters."""
    if not query.strip():
        raise InvalidValue(
            N_("the search query must not be empty"), hint=N_("desk kb search WORDS")
        )
    if len(query) > QUERY_LIMIT:
        raise InvalidValue(
            N_("the search query is {length:,} characters long; the limit is {limit:,}"),
            hint=N_("search for a shorter part of the text"),
            params={"length": len(query), "limit": QUERY_LIMIT},
        )
    return query


def fts5_query(words: Sequence[str], *, any_word: bool = False) -> str:
    """An FTS5 query of plain words: each quoted (a word is letters and
    digits only, so no quote to escape) and a prefix; all must match, or
    with `any_word` any of them (joined by OR)."""
    return (" OR " if any_word else " ").join(f'"{word}"*' for word in words)


def tsquery(words: Sequence[str], *, any_word: bool = False) -> str:
    """The same for PostgreSQL's to_tsquery: `word:*` joined by & (or |)."""
    return (" | " if any_word else " & ").join(f"{word}:*" for word in words)


def search_sql(
    dialect: str, words: Sequence[str], statuses: Sequence[str], *, any_word: bool = False
) -> tuple[str, dict[str, Any]]:
    """The ranked search of `words` (all of them, or with `any_word` any of
    them) among articles of `statuses`, for `dialect`, with its parameters."""
    params: dict[str, Any] = {}
    where = in_list("a.status", "s", [str(s) for s in statuses], params)
    if dialect == "sqlite":
        params["query"] = fts5_query(words, any_word=any_word)
        return SQLITE_SEARCH.replace("STATUSES", where), params
    params["query"] = tsquery(words, any_word=any_word)
    return POSTGRES_SEARCH.replace("STATUSES", where), params


def _ranked(
    source: Source,
    words: Sequence[str],
    statuses: Sequence[str],
    limit: int | None,
    *,
    any_word: bool = False,
) -> list[tuple[ArticleRow, float]]:
    """The articles the index finds for `words`, best first, with their rank.

    The index picks the candidates (its own ranking, bm25 or ts_rank, decides
    which when there are many); they are then ranked here, the same way on
    every backend, so a query lists the same articles in the same order on
    SQLite and PostgreSQL."""
    sql, params = search_sql(source.dialect, words, statuses, any_word=any_word)
    if limit:
        sql += " LIMIT :limit"
        params["limit"] = max(limit * CANDIDATES_PER_RESULT, MIN_CANDIDATES)
    found = source.rows(sql, params)
    n = len(ARTICLE_COLUMNS)
    articles = _completed(source, [ArticleRow.of(row[:n]) for row in found])
    ranked = sorted(((a, relevance(a, words)) for a in articles), key=lambda r: (-r[1], r[0].id))
    return ranked[:limit] if limit else ranked


# Candidates the index hands over per result asked for (at least MIN_CANDIDATES).
CANDIDATES_PER_RESULT = 5
MIN_CANDIDATES = 50


def relevance(article: ArticleRow, words: Sequence[str]) -> float:
    """How well `article` matches `words`: per word, the matching words of
    the title (TITLE_WEIGHT each) and of the body, each count dampened
    (log1p) so that repeating a word does not outweigh matching another."""
    title, body = search_words(article.title), search_words(article.body)
    score = 0.0
    for word in words:
        in_title = sum(1 for w in title if w.startswith(word))
        in_body = sum(1 for w in body if w.startswith(word))
        score += TITLE_WEIGHT * math.log1p(in_title) + math.log1p(in_body)
    return round(score, 4)


def find(
    source: Source, query: str, *, limit: int | None = 10, include_drafts: bool = False
) -> list[SearchHit]:
    """Published articles (and drafts, with `include_drafts`) holding every
    word of `query` (each also as a prefix), best first; the title weighs
    more than the body.  A read: `log_search` records it."""
    words = search_words(check_query(query))
    if not words:
        return []
    statuses = [ArticleStatus.PUBLISHED] + ([ArticleStatus.DRAFT] if include_drafts else [])
    return [
        SearchHit(article, rank, snippet(article, words))
        for article, rank in _ranked(source, words, statuses, limit)
    ]


def log_search(tx: Tx, *, agent: str, query: str, results: int) -> None:
    """The search log's line: what was searched and how many articles it found."""
    words = search_words(check_query(query))
    log = {"at": times.now(), "agent": agent, "query": query, "query_key": " ".join(words)}
    tx.execute(INSERT_SEARCH, {**log, "results": results})


def search(
    tx: Tx,
    *,
    agent: str,
    query: str,
    limit: int | None = 10,
    include_drafts: bool = False,
) -> list[SearchHit]:
    """`find`, logged in the same transaction (the demo's searches)."""
    hits = find(tx, query, limit=limit, include_drafts=include_drafts)
    log_search(tx, agent=agent, query=query, results=len(hits))
    return hits


def snippet(article: ArticleRow, words: Sequence[str]) -> str:
    """About SNIPPET_WORDS words of the article's body as written, around the
    first word that matches (a query word, or a word it begins); the title
    when the body has none; whitespace shown as single spaces."""
    for text in (article.body, article.title):
        found = _around_first_match(text, words)
        if found is not None:
            return found
    return _around_first_match(article.body, None) or ""


def _around_first_match(text: str, words: Sequence[str] | None) -> str | None:
    """The words around the first match in `text` (the first words of it
    with `words` None); None when nothing matches."""
    before: deque[tuple[int, int]] = deque(maxlen=SNIPPET_BEFORE)
    seen = 0
    spans = word_spans(text)
    for start, end, folded in spans:
        if words is None or any(f.startswith(w) for f in folded for w in words):
            first = before[0][0] if before else start
            after = list(islice(spans, SNIPPET_WORDS - len(before) - 1))
            last = after[-1][1] if after else end
            more = next(spans, None) is not None
            shown = " ".join(text[first:last].split())
            return ("... " if seen > len(before) else "") + shown + (" ..." if more else "")
        before.append((start, end))
        seen += 1
    return None


# -- suggestions -------------------------------------------------------------

# What a case is matched on: at most SUGGEST_WORDS distinct words of at least
# SUGGEST_MIN_LETTERS letters, from the start of each text (a pasted email is
# long; its first lines say what it is about), function words left out: any
# one of them finds an article, the ranking puts those with more (and rarer)
# of them, and title words, first.
SUGGESTIONS = 3
SUGGEST_WORDS = 12
SUGGEST_MIN_LETTERS = 3
SUGGEST_TEXT = 2000
# Words too common to say what a case is about (folded, as search_words gives them).
STOP_WORDS = frozenset(
    """the and for are but not you your our was were has have had this that with from
    they them their there what when where which who will would can could should its
    been being also any all just than then too very into out about after again
    please thanks thank hello dear regards yes
    que los las del por para con una uno como pero mas muy sus este esta esto hay
    gracias hola saludos""".split()
)


def suggestion_words(texts: Sequence[str | None]) -> list[str]:
    """The words a case is matched on, from its texts in order (folded and
    split as the index is: folding.search_words; never the raw text)."""
    words: list[str] = []
    for text in texts:
        for word in search_words((text or "")[:SUGGEST_TEXT]):
            if len(word) < SUGGEST_MIN_LETTERS or word in STOP_WORDS or word in words:
                continue
            words.append(word)
            if len(words) == SUGGEST_WORDS:
                return words
    return words


def suggest(
    source: Source, texts: Sequence[str | None], *, limit: int = SUGGESTIONS
) -> list[ArticleRow]:
    """Published articles that match any word of `texts`, best first (a
    read: nothing is logged).  The same index search as `search`."""
    words = suggestion_words(texts)
    if not words:
        return []
    found = _ranked(source, words, [ArticleStatus.PUBLISHED], limit, any_word=True)
    return [article for article, _rank in found]


def case_texts(case_: CaseRow, events: Sequence[EventRow]) -> list[str | None]:
    """What a case is about, most telling first: its subject, what the
    customer last wrote (the latest `inbound` event), its description."""
    latest = next((e.body for e in reversed(events) if e.kind == EventKind.INBOUND), None)
    return [case_.subject, latest, case_.description]


# -- articles and cases ------------------------------------------------------

PROMOTED_FROM_CASE = (
    "SELECT id, status FROM kb_article WHERE source_case_id = :case_id"
    " AND status != 'archived' ORDER BY id LIMIT 1"
)
USE_OF_ARTICLE = "SELECT id FROM kb_use WHERE case_id = :case_id AND article_id = :article_id"
INSERT_USE = (
    "INSERT INTO kb_use (case_id, article_id, at, agent)"
    " VALUES (:case_id, :article_id, :at, :agent)"
)


def promoted_body(case_: CaseRow, five_as: AssistState, title: str) -> str:
    """An article's body from a solved case: the problem (when the title
    says it otherwise), the resolution, the root cause and, when the five A's
    were run, what the customer was told and what the analysis found."""
    sections: list[tuple[str, str | None]] = []
    if title != case_.subject:
        sections.append((N_("Problem"), case_.subject))
    sections += [(N_("Resolution"), case_.resolution), (N_("Root cause"), case_.root_cause)]
    answer, analysis = five_as.step("answer"), five_as.step("analyze")
    if analysis.status == "done" and (analysis.text or "").strip() != (case_.root_cause or ""):
        sections.append((N_("Analysis"), analysis.text))  # the analyze step sets the root cause
    if answer.status == "done":
        sections.append((N_("What we told the customer"), answer.text))
    # The headings in the language of whoever writes the article: it is theirs to edit.
    return "\n\n".join(f"{_(head)}:\n{text.strip()}" for head, text in sections if text)


def promote(tx: Tx, *, agent: str, case_id: int, title: str | None = None) -> ArticleRow:
    """A draft article from a resolved or closed case, linked to it (its
    `source_case_id`), and a `kb_promoted` event on the case.  A case that
    already has an article (not archived) is refused: edit that one."""
    # Here, not at the top: services.assist imports services.cases, which
    # imports this module (desk case resolve --article).
    from deskcli.services.assist import assist_state

    view = load_for_write(tx, case_id, None, verb="promote")
    case_ = view.case
    existing = tx.rows(PROMOTED_FROM_CASE, {"case_id": case_id})
    if existing:
        article_id, status = existing[0]
        raise Conflict(
            N_("case {case_id} is already article {article_id} ({status})"),
            hint=N_("change that one: desk kb edit {article_id}"),
            params={"case_id": case_id, "article_id": article_id, "status": _status_word(status)},
        )
    chosen = _title(title) if title is not None else case_.subject
    body = promoted_body(case_, assist_state(tx, case_id), chosen)
    article = add_article(
        tx,
        agent=agent,
        title=chosen,
        body=body,
        category=case_.category,
        draft=True,
        source_case_id=case_id,
    )
    data = {"article_id": article.id}
    apply_change(tx, view, [make_event(case_id, agent, EventKind.KB_PROMOTED, chosen, data)])
    return article


def usable_article(source: Source, article_id: int) -> ArticleRow:
    """An article that may be used on a case: NotFound, or a Conflict when archived."""
    article = get_article(source, article_id)
    if article.status == ArticleStatus.ARCHIVED:
        raise Conflict(
            N_("article {article_id} is archived"),
            hint=N_(
                "publish it again first (desk kb edit {article_id} --publish), or pick another"
            ),
            params={"article_id": article_id},
        )
    return article


def use_event(tx: Tx, view: CaseView, agent: str, article_id: int) -> NewEvent | None:
    """Record that the article was used on the case (a `kb_use` row) and
    return its `kb_used` event for the case's change; None when it already
    was (once per case and article)."""
    case_id = view.case.id
    article = usable_article(tx, article_id)
    if tx.rows(USE_OF_ARTICLE, {"case_id": case_id, "article_id": article_id}):
        return None
    event = make_event(
        case_id or 0,
        agent,
        EventKind.KB_USED,
        article.title,
        {"article_id": article_id, "title": article.title},
    )
    tx.execute(INSERT_USE, {"case_id": case_id, "article_id": article_id,
                            "at": event["at"], "agent": agent})  # fmt: skip
    return event


def record_use(tx: Tx, *, agent: str, case_id: int, article_id: int) -> tuple[CaseView, bool]:
    """The article was used on the case, in any status: a `kb_used` event and
    a `kb_use` row (the article's `uses` counts distinct cases).  Returns the
    case and whether anything changed: a second use is no change."""
    view = load_for_write(tx, case_id, None)
    event = use_event(tx, view, agent, article_id)
    if event is None:
        return view, False
    return apply_change(tx, view, [event]), True


# -- where knowledge is missing ----------------------------------------------

GAP_CASES_PER_GROUP = 5
# Resolved cases in the window (a range of ix_case_resolved) with no article
# used (one lookup in kb_use's (case_id, article_id) key each), materialized
# first so that no index on another column tempts the planner into walking
# every case; then grouped by category and root cause with window functions:
# each group's size, its newest case, its cases numbered newest first; the
# groups ranked biggest first (the newest case breaks ties: the same order on
# both databases, whatever their collation).
GAP_CASES = (
    "WITH gap AS MATERIALIZED ("
    ' SELECT c.id, c.category, c.root_cause FROM "case" c WHERE c.resolved_at >= :since'
    " AND NOT EXISTS (SELECT 1 FROM kb_use u WHERE u.case_id = c.id)"
    "), counted AS ("
    " SELECT id, category, root_cause,"
    " count(*) OVER (PARTITION BY category, root_cause) AS n,"
    " max(id) OVER (PARTITION BY category, root_cause) AS newest,"
    " row_number() OVER (PARTITION BY category, root_cause ORDER BY id DESC) AS r"
    " FROM gap"
    "), ranked AS ("
    " SELECT category, root_cause, n, id, r,"
    " dense_rank() OVER (ORDER BY n DESC, newest DESC) AS g"
    " FROM counted WHERE r <= :per_group"
    ")"
    " SELECT category, root_cause, n, id FROM ranked WHERE g <= :groups ORDER BY g, r"
)
# Searches that found nothing in the window, read from ix_kb_search_results_at
# alone; a query without words (its key is empty) says nothing.
GAP_SEARCHES = (
    "SELECT query_key, count(*) AS n, max(at) AS last_at FROM kb_search"
    " WHERE results = 0 AND at >= :since AND query_key != ''"
    " GROUP BY query_key ORDER BY n DESC, last_at DESC, query_key LIMIT :limit"
)
# The most either part lists when no limit is asked for (0: all).
GAPS_UNLIMITED = 2**31 - 1


def gaps(source: Source, *, since: timedelta, limit: int | None = 10) -> KbGaps:
    """Where knowledge is missing since `since` ago: resolved cases that used
    no article, by category and root cause, and the searches that found
    nothing, at most `limit` of each (None: all)."""
    start = times.now() - since
    wanted = limit or GAPS_UNLIMITED
    params = {"since": source.time(start), "per_group": GAP_CASES_PER_GROUP, "groups": wanted}
    groups: list[GapGroup] = []
    for category, root_cause, n, case_id in source.rows(GAP_CASES, params):
        if not groups or (groups[-1].category, groups[-1].root_cause) != (category, root_cause):
            groups.append(GapGroup(category, root_cause, int(n)))
        groups[-1].case_ids.append(int(case_id))
    found = source.rows(GAP_SEARCHES, {"since": source.time(start), "limit": wanted})
    searches = [GapSearch(str(key), int(n), to_time(at)) for key, n, at in found]
    return KbGaps(start, groups, searches)
