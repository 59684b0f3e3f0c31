"""An article's document as the engine's rows, built in SQL from its text.

The text goes to PostgreSQL as bound JSON and arrays; ``to_tsvector`` analyzes it there, so
the documents, the paragraphs, the words and the queries (``compiler``) share one analysis.
The same SQL builds the throwaway documents that topic queries are judged on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date

from search.backends.base import Document

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")  # a paragraph break, as the Whoosh engine reads it

# The columns of one article's row, as jsonb_to_recordset reads them.
RECORD = ("u(id bigint, title text, names text, lede text, body text, author_text text, "
          "outlet_text text, topic_text text, authors text[], outlet text, topics text[], "
          "month text, precision text, published date, published_end date, signature text)")
# The weighted words: title A, names B, lede C, body D, stop words left out.
DOCUMENT = ("setweight(to_tsvector('english', u.title), 'A') || "
            "setweight(to_tsvector('english', u.names), 'B') || "
            "setweight(to_tsvector('english', u.lede), 'C') || "
            "setweight(to_tsvector('english', u.body), 'D')")
COLUMNS = ("article_id, document, author_words, outlet_words, topic_words, authors, outlet, "
           "topics, month, precision, published, published_end, signature")
SELECT_ROWS = (f"SELECT u.id, {DOCUMENT}, to_tsvector('simple', u.author_text), "
               "to_tsvector('simple', u.outlet_text), to_tsvector('simple', u.topic_text), "
               "u.authors, u.outlet, u.topics, u.month, u.precision, u.published, "
               "u.published_end, u.signature "
               f"FROM jsonb_to_recordset(%s::jsonb) AS {RECORD}")
SELECT_PARAGRAPHS = ("SELECT x.id, setweight(to_tsvector('dossier', x.t), x.w::\"char\") "
                     "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS x(id, t, w)")
# Words seen in names rank 0, in titles 1, in the text 2 ("did you mean" prefers names).
INSERT_WORDS = """
INSERT INTO search_pg_word (word, stem, rank)
SELECT w.lexeme, coalesce((ts_lexize('dossier_stem', w.lexeme))[1], w.lexeme), min(x.r)
FROM unnest(%s::text[], %s::int[]) AS x(t, r), unnest(to_tsvector('simple', x.t)) AS w
GROUP BY w.lexeme
ON CONFLICT (word) DO UPDATE SET rank = EXCLUDED.rank WHERE search_pg_word.rank > EXCLUDED.rank
"""


def paragraphs(text: str) -> list[str]:
    return [p for p in _BLANK_LINE.split(text or "") if p.strip()]


def record(c: Mapping, topics: list[tuple[str, str]] = (), signature: str = "") -> dict:
    """One article's row before analysis: its texts and facet values."""
    authors = list(c.get("authors") or [])
    names = list(c.get("author_names") or [])
    outlet, outlet_name = c.get("outlet") or "", c.get("outlet_name") or ""
    span = c.get("date_range")
    return {
        "id": c["id"], "title": c.get("title") or "", "lede": c.get("lede") or "",
        "body": c.get("body") or "",
        "names": " ".join([*authors, *names, outlet, outlet_name]),
        "author_text": " ".join(authors + names), "outlet_text": f"{outlet} {outlet_name}",
        "topic_text": " ".join(f"{slug} {name}" for slug, name in topics),
        "authors": authors, "outlet": outlet, "topics": [slug for slug, _ in topics],
        "month": c.get("month") or "", "precision": c.get("date_precision") or "unknown",
        "published": _iso(span[0]) if span else None,
        "published_end": _iso(span[1]) if span else None, "signature": signature,
    }


def _iso(value: date) -> str:
    return value.isoformat()


def paragraph_rows(c: Mapping) -> list[tuple[int, str, str]]:
    """(article id, text, weight) of each paragraph: the title, the lede's and the body's
    paragraphs, each author's name and the outlet's."""
    pk = c["id"]
    rows = [(pk, c.get("title") or "", "A")]
    rows += [(pk, name, "B") for name in (c.get("author_names") or [])]
    if c.get("outlet_name"):
        rows.append((pk, c["outlet_name"], "B"))
    rows += [(pk, p, "C") for p in paragraphs(c.get("lede") or "")]
    rows += [(pk, p, "D") for p in paragraphs(c.get("body") or "")]
    return [row for row in rows if row[1].strip()]


def batch(components: Iterable[Mapping], documents: Mapping[int, Document] | None = None):
    """The parameters of SELECT_ROWS, SELECT_PARAGRAPHS and INSERT_WORDS for these articles."""
    records, para, texts, ranks = [], ([], [], []), [], []
    for c in components:
        document = documents.get(c["id"]) if documents else None
        records.append(record(c, document.topics if document else (),
                              document.signature if document else ""))
        for pk, text, weight in paragraph_rows(c):
            para[0].append(pk)
            para[1].append(text)
            para[2].append(weight)
        names = " ".join([*(c.get("author_names") or []), c.get("outlet_name") or ""])
        for text, rank in ((names, 0), (c.get("title") or "", 1),
                           (c.get("lede") or "", 2), (c.get("body") or "", 2)):
            if text.strip():
                texts.append(text)
                ranks.append(rank)
    return [json.dumps(records)], list(para), [texts, ranks]
