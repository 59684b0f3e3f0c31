"""The PostgreSQL engine: the articles' words in the archive's own database, searched with
PostgreSQL full-text search, so every app server behind one database serves one archive.

It runs on Django's connection (whatever ``DATABASE_URL`` names): a write is one transaction
of the engine's tables; totals, facets and the month timeline are counted in SQL over the
whole matching set; snippets, suggestions and topic queries use the same analysis as the
documents. The query tree is compiled by ``compiler``; the rows are built by ``documents``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction

from archive.routers import read_alias
from search import querytree as qt
from search.backends.base import UNDATED, Document, MatchRequest, MatchResult, SearchBackend
from search.backends.postgres import documents as docs
from search.backends.postgres.compiler import MARK, PARAGRAPHS, Compiler
from search.backends.postgres.compiler import quote as quote_lexeme

# ts_rank_cd's weights for D (body), C (lede), B (names), A (title), in the ratios of the
# Whoosh engine's field boosts.
WEIGHTS = "{0.25, 0.5, 0.375, 1.0}"
ORDERS = {
    "relevance": "title_rank DESC, rank DESC, published DESC NULLS LAST, article_id DESC",
    "newest": "published DESC NULLS LAST, article_id DESC",
    "oldest": "published ASC NULLS LAST, article_id ASC",
}
FACET_SQL = {
    "author": "SELECT v, count(*) AS n FROM m, unnest(m.authors) AS v GROUP BY v",
    "outlet": "SELECT outlet AS v, count(*) AS n FROM m WHERE outlet <> '' GROUP BY outlet",
    "topic": "SELECT v, count(*) AS n FROM m, unnest(m.topics) AS v GROUP BY v",
    "month": "SELECT month AS v, count(*) AS n FROM m WHERE month <> '' GROUP BY month",
}
WRITE_LOCK = 0x5EA2C4  # the advisory lock key every write of the engine's tables takes
WORK_MEM = "64MB"  # a batch's paragraphs are sorted into documents in memory, not on disk
SPELLING_SIMILARITY = 0.2  # pg_trgm's threshold for a candidate spelling
SPELLING_DISTANCE = 2  # edits, as the Whoosh engine's suggestions
_TOKEN = re.compile(r"\w+")


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self):
        if connection.vendor != "postgresql" or not apps.is_installed("search.backends.postgres"):
            raise ImproperlyConfigured(
                "DOSSIER_SEARCH_BACKEND=postgres needs the archive on PostgreSQL: set DATABASE_URL "
                f"to a postgres:// URL (the database is {connection.vendor}), or use whoosh.")

    # Writing -----------------------------------------------------------------------------

    def apply(self, documents: Mapping[int, Document | None], *, timeout: float) -> None:
        if not documents:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"{MARK}SET LOCAL lock_timeout = %s", [f"{int(timeout * 1000)}ms"])
            _write_lock(cursor)
            ids = list(documents)
            cursor.execute(f"{MARK}DELETE FROM search_pg_paragraph WHERE article_id = ANY(%s)", [ids])
            gone = [pk for pk, d in documents.items() if d is None]
            if gone:
                cursor.execute(f"{MARK}DELETE FROM search_pg_document WHERE article_id = ANY(%s)", [gone])
            kept = {pk: d for pk, d in documents.items() if d is not None}
            if kept:
                _insert(cursor, kept, upsert=True)
            _bump(cursor)

    def rebuild(self, batches: Iterable[list[Document]],
                progress: Callable[[int], None] | None = None, *, procs: int = 1) -> None:
        """Everything replaced in one transaction: readers see the old rows until it commits.
        ``procs`` (``rebuild_index --procs``) is accepted and unused: the text is analyzed
        by the database server, in the one transaction."""
        done = 0
        with transaction.atomic(), connection.cursor() as cursor:
            _write_lock(cursor)
            for table in ("search_pg_paragraph", "search_pg_document", "search_pg_word"):
                cursor.execute(f"{MARK}DELETE FROM {table}")
            for batch in batches:
                if batch:
                    _insert(cursor, {d.id: d for d in batch}, upsert=False)
                done += len(batch)
                if progress:
                    progress(done)
            _bump(cursor)

    def signatures(self) -> dict[int, str]:
        with connection.cursor() as cursor:
            cursor.execute(f"{MARK}SELECT article_id, signature FROM search_pg_document")
            return dict(cursor.fetchall())

    # Reading -----------------------------------------------------------------------------

    def match(self, request: MatchRequest) -> MatchResult:
        with reader().cursor() as cursor:
            compiled = None
            if request.query is not None:
                compiled = Compiler(cursor).compile(request.query)
                if compiled is None:
                    return MatchResult([], 0, searchable=False)
            sql, params = _match_sql(request, compiled)
            # Prefer the GIN bitmap even for a word in half the archive: a sequential scan
            # tests (and decompresses) every document, the bitmap reads only the rows' small
            # columns; ranking then reads the matches' documents alone. (A phrase's paragraphs
            # are rechecked either way: there the planner chooses.)
            bitmap = compiled is not None and PARAGRAPHS not in compiled.condition.sql
            with planner(cursor, enable_seqscan="off" if bitmap else None):
                cursor.execute(sql, params)
                total, ids, *facets = cursor.fetchone()
        result = MatchResult(list(ids or []), total, words=compiled.words if compiled else frozenset())
        if request.facets:
            result.facets = {name: dict(counts or {})
                             for name, counts in zip(FACET_SQL, facets, strict=False)}
            if undated := facets[-1]:
                result.facets["month"][UNDATED] = undated
        return result

    def topic_hits(self, components: list[dict], queries: Mapping[str, qt.Node]) -> dict[int, set[str]]:
        """Each saved query run over throwaway documents of these articles, built in the query
        itself (nothing is written)."""
        hits: dict[int, set[str]] = {c["id"]: set() for c in components}
        if not components or not queries:
            return hits
        with connection.cursor() as cursor:
            para, records, _words = docs.batch(components)
            selects, params = [], [*para, *records]
            for slug, tree in queries.items():
                compiled = Compiler(cursor).compile(tree)
                if compiled is None:
                    continue
                condition = compiled.condition
                selects.append(f"SELECT %s, d.article_id FROM d WHERE {condition.sql}")
                params += [slug, *condition.params]
            if not selects:
                return hits
            sql = (f"{MARK}WITH {docs.PARAGRAPHS_CTE}, d({docs.COLUMNS}) AS MATERIALIZED "
                   f"({docs.SELECT_ROWS}) " + " UNION ALL ".join(selects).replace(PARAGRAPHS, "x"))
            # The CTEs have no statistics: the planner would rescan the paragraphs once per
            # article for a phrase, where one hashed pass over them answers every article.
            with planner(cursor, enable_nestloop="off", work_mem=f"'{WORK_MEM}'"):
                cursor.execute(sql, params)
                for slug, pk in cursor.fetchall():
                    hits[pk].add(slug)
        return hits

    def respell(self, words: list[str]) -> dict[str, str]:
        """Each unknown word's closest word in the archive: fewest edits first, then a name
        before a title word before a text word, then the most similar (pg_trgm)."""
        found = {}
        with reader().cursor() as cursor, planner(
                cursor, **{"pg_trgm.similarity_threshold": str(SPELLING_SIMILARITY)}):
            for word in words:
                lower = word.lower()
                cursor.execute(f"{MARK}SELECT 1 FROM search_pg_word WHERE word = %s OR stem = %s LIMIT 1",
                               [lower, lower])
                if cursor.fetchone():
                    continue
                cursor.execute(
                    f"{MARK}SELECT word FROM search_pg_word WHERE word %% %s AND left(word, 1) = left(%s, 1) "
                    "AND levenshtein_less_equal(word, %s, %s) <= %s "
                    "ORDER BY levenshtein(word, %s), rank, similarity(word, %s) DESC, word LIMIT 1",
                    [lower, lower, lower, SPELLING_DISTANCE, SPELLING_DISTANCE, lower, lower])
                if row := cursor.fetchone():
                    found[word] = row[0]
        return found

    def spans(self, text: str, words: frozenset[str]) -> list[tuple[int, int]]:
        """Tokens whose stem (the documents' own stemmer) is one of ``words``, or begins with a
        ``prefix*`` of them. Only tokens that begin like a word are stemmed: the stemmer
        rewrites endings, so a word begins with its stem less its last three letters."""
        if not words:
            return []
        prefixes = tuple(w[:-1] for w in words if w.endswith("*"))
        stems = {w for w in words if not w.endswith("*")}
        starts = tuple({w[:max(2, len(w) - 3)] for w in stems}) + prefixes
        tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
        tokens = [t for t in tokens if t[2].startswith(starts)]
        if not tokens:
            return []
        with reader().cursor() as cursor:
            cursor.execute(f"{MARK}SELECT t, coalesce((ts_lexize('dossier_stem', t))[1], t) "
                           "FROM unnest(%s::text[]) AS t", [sorted({t[2] for t in tokens})])
            stemmed = dict(cursor.fetchall())
        return [(a, b) for a, b, t in tokens
                if stemmed.get(t) in stems or stemmed.get(t, "").startswith(prefixes or ("\0",))]

    def related(self, article_id: int, components: dict, *, limit: int) -> list[int]:
        if limit <= 0:
            return []
        with reader().cursor() as cursor:
            return related_ids(cursor, article_id, components, limit)

    def version(self) -> str:
        with reader().cursor() as cursor:
            cursor.execute(f"{MARK}SELECT version FROM search_pg_version WHERE id = 1")
            row = cursor.fetchone()
        return str(row[0] if row else 0)

    def location(self) -> str:
        return f"postgres:{connection.settings_dict.get('NAME', '')}"


def _insert(cursor, documents: Mapping[int, Document], *, upsert: bool) -> None:
    """The paragraphs, rows and words of these documents: each text analyzed once, the
    document made of its paragraphs' vectors."""
    para, records, words = docs.batch([d.components for d in documents.values()], documents)
    conflict = ""
    if upsert:
        columns = [c.strip() for c in docs.COLUMNS.split(",")][1:]
        conflict = (" ON CONFLICT (article_id) DO UPDATE SET "
                    + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns))
    cursor.execute(f"{MARK}WITH {docs.PARAGRAPHS_CTE}, p AS (INSERT INTO search_pg_paragraph "
                   "(article_id, words) SELECT article_id, words FROM x) "
                   f"INSERT INTO search_pg_document ({docs.COLUMNS}) {docs.SELECT_ROWS}{conflict}",
                   [*para, *records])
    cursor.execute(MARK + docs.INSERT_WORDS, words)


def reader():
    """The connection a search reads on: a streaming replica when the router allows it
    (``DATABASE_REPLICA_URL``, a visitor's page), else the primary. Writes and the drain's
    topic judgement always use ``connection``, the primary."""
    return connections[read_alias()]


@contextmanager
def planner(cursor, **values: str | None) -> Iterator[None]:
    """These server settings (this module's constants) for the statements of the block,
    then the defaults again; no savepoint, so a page's own query count stays its own."""
    values = {name: value for name, value in values.items() if value is not None}
    with transaction.atomic(using=cursor.db.alias, savepoint=False):
        for name, value in values.items():
            cursor.execute(f"{MARK}SET LOCAL {name} = {value}")
        yield
        for name in values:
            cursor.execute(f"{MARK}RESET {name}")


def _write_lock(cursor) -> None:
    """One writer at a time, until its transaction ends (``lock_timeout`` bounds the wait):
    two writers of one article would each delete the paragraphs they saw and both insert."""
    cursor.execute(f"{MARK}SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    cursor.execute(f"{MARK}SET LOCAL work_mem = '{WORK_MEM}'")


def _bump(cursor) -> None:
    cursor.execute(f"{MARK}INSERT INTO search_pg_version (id, version) VALUES (1, 1) "
                   "ON CONFLICT (id) DO UPDATE SET version = search_pg_version.version + 1")


def _filters(request: MatchRequest) -> tuple[list[str], list]:
    """The request's filters as SQL conditions on the document row, with their parameters."""
    sql, params = [], []
    for values, condition in ((request.author, "d.authors && %s::text[]"),
                              (request.outlet, "d.outlet = ANY(%s::text[])"),
                              (request.topic, "d.topics && %s::text[]")):
        if values:
            sql.append(condition)
            params.append(list(values))
    if request.scope_topic:
        sql.append("d.topics @> ARRAY[%s]::text[]")
        params.append(request.scope_topic)
    if request.month:
        months = [m for m in request.month if m != UNDATED]
        undated = " OR d.precision = 'unknown'" if UNDATED in request.month else ""
        sql.append(f"(d.month = ANY(%s::text[]){undated})")
        params.append(months)
    if request.date_from:
        sql.append("d.published_end >= %s")
        params.append(request.date_from)
    if request.date_to:
        sql.append("d.published <= %s")
        params.append(request.date_to)
    return sql, params


def _match_sql(request: MatchRequest, compiled) -> tuple[str, list]:
    """One statement: the matching set once (materialized), then its total, the asked slice
    in order and every facet's counts over it."""
    where, params = _filters(request)
    if compiled is not None:
        where.insert(0, compiled.condition.sql)
        params[:0] = compiled.condition.params
    relevance = request.order == "relevance" and compiled is not None and compiled.rank
    rank_params = []
    if relevance:
        ranks = (f"ts_rank_cd('{{0, 0, 0, 1}}', d.document, %s::tsquery) AS title_rank, "
                 f"ts_rank_cd('{WEIGHTS}', d.document, %s::tsquery, 1) AS rank")
        rank_params = [compiled.rank, compiled.rank]
        order = ORDERS["relevance"]
    else:
        ranks = "0 AS title_rank, 0 AS rank"
        order = ORDERS["oldest" if request.order == "oldest" else "newest"]
    condition = " AND ".join(where) or "TRUE"
    matches = (f"SELECT d.article_id, d.authors, d.outlet, d.topics, d.month, d.precision, "
               f"d.published, {ranks} FROM search_pg_document d WHERE {condition}")
    matches = matches.replace(PARAGRAPHS, "search_pg_paragraph")
    page = "ARRAY[]::bigint[]"
    page_params = []
    if request.limit != 0:
        page = f"ARRAY(SELECT article_id FROM m ORDER BY {order} LIMIT %s OFFSET %s)"
        page_params = [request.limit, request.offset]
    facets = ", ".join(f"(SELECT json_object_agg(v, n) FROM ({sql}) AS f)" for sql in FACET_SQL.values())
    facets += ", (SELECT count(*) FROM m WHERE precision = 'unknown')"
    if not request.facets:
        facets = "NULL, NULL, NULL, NULL, NULL"
    sql = (f"{MARK}WITH m AS MATERIALIZED ({matches}) "
           f"SELECT (SELECT count(*) FROM m), {page}, {facets}")
    return sql, [*rank_params, *params, *page_params]


# More like this --------------------------------------------------------------------------------

KEY_TERMS = 20  # the article's words a related query ORs, at most
CANDIDATES = 60  # its most used words whose archive frequency is counted
USE_WEIGHTS = {"A": 3.0, "C": 2.0, "D": 1.0}  # one use of a word, by field (title, lede, body)
MAX_SHARE = 0.2  # a word in more of the archive than this is too common to mean a subject
COMMON_FLOOR = 100
POSTINGS_BUDGET = 8_000  # documents the chosen words may match together, at any archive size


def related_ids(cursor, article_id: int, components: dict, limit: int) -> list[int]:
    """The articles that score best on this one's key words (tf-idf, as the Whoosh engine
    chooses them), each word's rank weighed by its share of the best word's tf-idf."""
    terms = _key_terms(cursor, components)
    if not terms:
        return []
    top = terms[0][1]
    score = " + ".join(f"{weight / top:.6f} * ts_rank('{WEIGHTS}', d.document, %s::tsquery)"
                       for _, weight in terms)
    queries = [quote_lexeme(term) for term, _ in terms]
    cursor.execute(f"{MARK}SELECT d.article_id FROM search_pg_document d "
                   f"WHERE d.document @@ %s::tsquery AND d.article_id <> %s "
                   f"ORDER BY {score} DESC, d.article_id LIMIT %s",
                   [" | ".join(queries), article_id, *queries, limit])
    return [row[0] for row in cursor.fetchall()]


def _key_terms(cursor, components: dict) -> list[tuple[str, float]]:
    """The article's best words by tf-idf among those other articles hold (document
    frequency 2 up to a share of the archive), within the postings budget."""
    lede, body = components.get("lede") or "", components.get("body") or ""
    if lede and lede in body:
        lede = ""  # a lede that opens the body is counted once, in the body
    cursor.execute(f"{MARK}SELECT lexeme, weights FROM unnest("
                   "setweight(to_tsvector('dossier_ranked', %s), 'A') || "
                   "setweight(to_tsvector('dossier_ranked', %s), 'C') || "
                   "setweight(to_tsvector('dossier_ranked', %s), 'D'))",
                   [components.get("title") or "", lede, body])
    uses = {lexeme: sum(USE_WEIGHTS.get(w, 0.0) for w in weights)
            for lexeme, weights in cursor.fetchall()
            if len(lexeme) > 1 and not lexeme.isdigit()}
    candidates = sorted(uses, key=lambda t: (-uses[t], t))[:CANDIDATES]
    if not candidates:
        return []
    cursor.execute(f"{MARK}SELECT count(*) FROM search_pg_document")
    total = cursor.fetchone()[0]
    ceiling = max(COMMON_FLOOR, MAX_SHARE * total)
    cap = int(min(ceiling, POSTINGS_BUDGET)) + 1
    cursor.execute(f"{MARK}SELECT t, (SELECT count(*) FROM (SELECT 1 FROM search_pg_document "
                   "WHERE document @@ q::tsquery LIMIT %s) AS x) "
                   "FROM unnest(%s::text[], %s::text[]) AS u(t, q)",
                   [cap, candidates, [quote_lexeme(t) for t in candidates]])
    frequency = dict(cursor.fetchall())
    scored = sorted((-uses[t] * math.log(1 + total / df), t, df) for t, df in frequency.items()
                    if 2 <= df <= ceiling)
    chosen, budget = [], POSTINGS_BUDGET
    for score, term, df in scored:
        if df <= budget:
            chosen.append((term, -score))
            budget -= df
            if len(chosen) == KEY_TERMS:
                break
    return chosen
