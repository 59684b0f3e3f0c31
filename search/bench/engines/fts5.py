"""SQLite FTS5 as a reference point: bm25 ranking, snippet(), facets by GROUP BY over matches."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from archive.models import Article
from search.bench.engines.base import FACET_LIMIT, PAGE_SIZE, PageResult, QuerySpec, documents
from search.bench.engines.translate import to_fts5

SCHEMA = """
CREATE TABLE doc(id INTEGER PRIMARY KEY, title TEXT, lede TEXT, body TEXT, authors TEXT,
                 outlet TEXT, outlet_slug TEXT, month TEXT, published INTEGER);
CREATE TABLE doc_author(doc_id INTEGER, author_slug TEXT);
CREATE INDEX doc_author_slug ON doc_author(author_slug, doc_id);
CREATE INDEX doc_author_doc ON doc_author(doc_id);
CREATE INDEX doc_month ON doc(month);
CREATE VIRTUAL TABLE fts USING fts5(title, lede, body, authors, outlet, content='doc',
                                    content_rowid='id', tokenize='porter unicode61');
"""
# Columns: title, lede, body, authors, outlet; names only count for author:/outlet: queries.
BM25 = "bm25(fts, 10.0, 5.0, 1.0, 0.0, 0.0)"


def build(path: Path) -> dict:
    """A new FTS5 database at ``path`` holding every article of the Dossier database."""
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
    count = 0
    with conn:
        for doc in documents():
            conn.execute("INSERT INTO doc VALUES (?,?,?,?,?,?,?,?,?)", (
                doc.id, doc.title, doc.lede, doc.body,
                " ".join(doc.author_names + doc.author_slugs),
                f"{doc.outlet_name} {doc.outlet_slug}", doc.outlet_slug, doc.month, doc.published))
            conn.executemany("INSERT INTO doc_author VALUES (?, ?)",
                             [(doc.id, slug) for slug in doc.author_slugs])
            count += 1
        conn.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    conn.commit()
    conn.close()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "articles_per_s": round(count / seconds, 1)}


class Fts5Engine:
    name = "fts5"

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self.conn.execute("CREATE TEMP TABLE m(id INTEGER PRIMARY KEY, score REAL)")

    def _match(self, spec: QuerySpec) -> tuple[str, str]:
        """Fill temp table ``m`` with the matches; return the MATCH expression (or "")."""
        self.conn.execute("DELETE FROM m")
        where, args = [], []
        expression = to_fts5(spec.q) if spec.q.strip() else ""
        if spec.author:
            where.append("{col} IN (SELECT doc_id FROM doc_author WHERE author_slug = ?)")
            args.append(spec.author)
        if spec.month:
            where.append("{col} IN (SELECT id FROM doc WHERE month = ?)")
            args.append(spec.month)
        if expression:
            sql = (f"INSERT INTO m SELECT rowid, {BM25} FROM fts WHERE fts MATCH ?"
                   + "".join(" AND " + w.format(col="rowid") for w in where))
            self.conn.execute(sql, [expression, *args])
        else:
            conditions = " AND ".join(w.format(col="id") for w in where)
            sql = "INSERT INTO m SELECT id, 0 FROM doc" + (f" WHERE {conditions}" if where else "")
            self.conn.execute(sql, args)
        return expression

    def search(self, spec: QuerySpec) -> PageResult:
        c = self.conn
        expression = self._match(spec)
        total = c.execute("SELECT count(*) FROM m").fetchone()[0]
        order = ("m.score, m.id" if expression and spec.sort == "relevance"
                 else "d.published DESC, d.id DESC")
        ids = [row[0] for row in c.execute(
            f"SELECT m.id FROM m JOIN doc d ON d.id = m.id ORDER BY {order} LIMIT ? OFFSET ?",
            (PAGE_SIZE, (spec.page - 1) * PAGE_SIZE))]
        snippets = []
        if expression and ids:
            snippets = c.execute(
                "SELECT rowid, snippet(fts, 2, '<mark>', '</mark>', '…', 40) FROM fts "
                f"WHERE fts MATCH ? AND rowid IN ({','.join('?' * len(ids))})",
                [expression, *ids]).fetchall()
        facets = {
            "author": dict(c.execute(
                "SELECT a.author_slug, count(*) n FROM m JOIN doc_author a ON a.doc_id = m.id "
                "GROUP BY 1 ORDER BY n DESC LIMIT ?", (FACET_LIMIT,))),
            "outlet": dict(c.execute(
                "SELECT d.outlet_slug, count(*) n FROM m JOIN doc d ON d.id = m.id "
                "WHERE d.outlet_slug != '' GROUP BY 1 ORDER BY n DESC LIMIT ?", (FACET_LIMIT,))),
            "month": dict(c.execute(
                "SELECT d.month, count(*) FROM m JOIN doc d ON d.id = m.id "
                "WHERE d.month != '' GROUP BY 1")),
        }
        rows = Article.objects.with_related().in_bulk(ids)
        return PageResult(total=total, ids=[pk for pk in ids if pk in rows],
                          snippets=sum(bool(s) for _, s in snippets), facets=facets)

    def close(self) -> None:
        self.conn.close()
