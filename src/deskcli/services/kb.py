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
database's query syntax.  Standard library only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import replace
from itertools import islice
from typing import Any

from deskcli import limits, times
from deskcli.domain import ArticleStatus, EventKind
from deskcli.errors import InvalidValue, NotFound, StaleWrite
from deskcli.folding import indexed_text, search_words, sorted_tags, word_spans
from deskcli.reads.rows import (
    ARTICLE_COLUMNS,
    REVISION_COLUMNS,
    ArticleRow,
    RevisionRow,
    SearchHit,
    to_time,
)
from deskcli.reads.source import Source, in_list
from deskcli.services.tags import clean_tag, tag_key
from deskcli.services.write_path import (
    apply_change,
    load_for_write,
    make_event,
    optional_text,
    require_text,
)
from deskcli.tx import Tx

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
    " version, title_fold, body_fold) VALUES (:title, :body, :category, :status, :author,"
    " :created_at, :updated_at, 1, :title_fold, :body_fold) RETURNING id"
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


def _no_article(article_id: int) -> NotFound:
    return NotFound(f"no article {article_id}", hint="desk kb list shows the articles")


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
    return require_text(title, "the title", limits.SUBJECT, one_line=True)


def _body(body: str) -> str:
    return require_text(body, "the body")


def _category(category: str | None) -> str | None:
    return optional_text(category, "the category", limits.LABEL, one_line=True) or None


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
        for name in ("title", "body", "category", "status")
        if values[name] is not None
    }
    if cleaned:
        changes["tags"] = {"from": [], "to": cleaned}
    _revision(tx, article_id, agent, changes)
    return ArticleRow(id=article_id, version=1, tags=cleaned, **values)


def _stale(tx: Tx, article_id: int, expected: int, current: int) -> StaleWrite:
    last = tx.rows(LAST_REVISION, {"article_id": article_id})
    who = ""
    if last:
        agent, at = last[0]
        who = f" by {agent} ({times.ago(to_time(at))})"
    return StaleWrite(
        f"article {article_id} was changed{who} since version {expected};"
        f" it is now version {current}",
        hint=f"look again (desk kb show {article_id}) and retry",
    )


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
            "say what to change",
            hint="--title, --body, --category, --tag, --publish or --draft",
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
        raise InvalidValue("the search query must not be empty", hint="desk kb search WORDS")
    if len(query) > QUERY_LIMIT:
        raise InvalidValue(
            f"the search query is {len(query):,} characters long; the limit is {QUERY_LIMIT:,}",
            hint="search for a shorter part of the text",
        )
    return query


def fts5_query(words: Sequence[str]) -> str:
    """An FTS5 query of plain words: each quoted (a word is letters and
    digits only, so no quote to escape) and a prefix; all must match."""
    return " ".join(f'"{word}"*' for word in words)


def tsquery(words: Sequence[str]) -> str:
    """The same for PostgreSQL's to_tsquery: `word:*` joined by &."""
    return " & ".join(f"{word}:*" for word in words)


def search(
    tx: Tx,
    *,
    agent: str,
    query: str,
    limit: int | None = 10,
    include_drafts: bool = False,
) -> list[SearchHit]:
    """Published articles (and drafts, with `include_drafts`) holding every
    word of `query` (each also as a prefix), best first; the title weighs
    more than the body.  Every search is logged with its result count."""
    words = search_words(check_query(query))
    hits: list[SearchHit] = []
    if words:
        params: dict[str, Any] = {}
        statuses = [ArticleStatus.PUBLISHED] + ([ArticleStatus.DRAFT] if include_drafts else [])
        where = in_list("a.status", "s", [str(s) for s in statuses], params)
        if tx.dialect == "sqlite":
            sql, params["query"] = SQLITE_SEARCH.replace("STATUSES", where), fts5_query(words)
        else:
            sql, params["query"] = POSTGRES_SEARCH.replace("STATUSES", where), tsquery(words)
        if limit:
            sql += " LIMIT :limit"
            params["limit"] = limit
        found = tx.rows(sql, params)
        n = len(ARTICLE_COLUMNS)
        articles = _completed(tx, [ArticleRow.of(row[:n]) for row in found])
        hits = [
            SearchHit(article, float(row[n]), snippet(article, words))
            for article, row in zip(articles, found, strict=True)
        ]
    log = {"at": times.now(), "agent": agent, "query": query, "query_key": " ".join(words)}
    tx.execute(INSERT_SEARCH, {**log, "results": len(hits)})
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


# -- uses ----------------------------------------------------------------------

USE_ON_CASE = "SELECT id FROM kb_use WHERE case_id = :case_id AND article_id = :article_id"
INSERT_USE = (
    "INSERT INTO kb_use (case_id, article_id, at, agent)"
    " VALUES (:case_id, :article_id, :at, :agent)"
)


def record_use(tx: Tx, *, agent: str, case_id: int, article_id: int) -> bool:
    """Record that the article was used on the case: a kb_use row and a
    `kb_used` event on the case (its version moves, as with any change).
    An article counts once per case: False, and nothing written, when it was
    already used on this one.  NotFound for a missing case or article."""
    article = get_article(tx, article_id)
    view = load_for_write(tx, case_id, None)
    if tx.rows(USE_ON_CASE, {"case_id": case_id, "article_id": article_id}):
        return False
    event = make_event(case_id, agent, EventKind.KB_USED, article.title, {"article_id": article_id})
    apply_change(tx, view, [event])
    use = {"case_id": case_id, "article_id": article_id, "at": event["at"], "agent": agent}
    tx.execute(INSERT_USE, use)
    return True
