"""An article's document as the engine's rows, built in SQL from its text.

The text goes to PostgreSQL as bound arrays and JSON and is analyzed there once, paragraph by
paragraph ('dossier': every word, stemmed like 'english'); the article's weighted document is
its paragraphs' vectors concatenated in order (title A, names B, lede C, body D), so the
documents, the paragraphs and the queries (``compiler``) share one analysis. The same SQL
builds the throwaway documents that topic queries are judged on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from search.backends.base import Document

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")  # a paragraph break, as the Whoosh engine reads it
_WORD = re.compile(r"[^\W_]+")
MAX_WORD = 60  # longer "words" (hashes, runs of letters) are no spelling to offer

# The facet and field-query values of one article's row, as jsonb_to_recordset reads them.
RECORD = ("u(id bigint, author_text text, outlet_text text, topic_text text, authors text[], "
          "outlet text, topics text[], month text, precision text, published date, "
          "published_end date, signature text)")
COLUMNS = ("article_id, document, author_words, outlet_words, topic_words, authors, outlet, "
           "topics, month, precision, published, published_end, signature")
# Each paragraph analyzed once (the CTE ``x``), in the order of the article's text.
PARAGRAPHS_CTE = ("x AS MATERIALIZED (SELECT x.id AS article_id, x.ord, "
                  "setweight(to_tsvector('dossier', x.t), x.w::\"char\") AS words "
                  "FROM unnest(%s::bigint[], %s::int[], %s::text[], %s::text[]) AS x(id, ord, t, w))")
SELECT_ROWS = ("SELECT u.id, coalesce(g.document, ''::tsvector), to_tsvector('simple', u.author_text), "
               "to_tsvector('simple', u.outlet_text), to_tsvector('simple', u.topic_text), "
               "u.authors, u.outlet, u.topics, u.month, u.precision, u.published, "
               "u.published_end, u.signature "
               f"FROM jsonb_to_recordset(%s::jsonb) AS {RECORD} LEFT JOIN "
               "(SELECT article_id, dossier_tsvector_agg(words ORDER BY ord) AS document "
               "FROM x GROUP BY article_id) AS g ON g.article_id = u.id")
# Words seen in names rank 0, in titles 1, in the text 2 ("did you mean" prefers names).
INSERT_WORDS = """
INSERT INTO search_pg_word (word, stem, rank)
SELECT w, coalesce((ts_lexize('dossier_stem', w))[1], w), r FROM unnest(%s::text[], %s::int[]) AS y(w, r)
ON CONFLICT (word) DO UPDATE SET rank = EXCLUDED.rank WHERE search_pg_word.rank > EXCLUDED.rank
"""


def paragraphs(text: str) -> list[str]:
    return [p for p in _BLANK_LINE.split(text or "") if p.strip()]


def record(c: Mapping, topics: list[tuple[str, str]] = (), signature: str = "") -> dict:
    """One article's facet values and field-query texts."""
    authors = list(c.get("authors") or [])
    names = list(c.get("author_names") or [])
    outlet, outlet_name = c.get("outlet") or "", c.get("outlet_name") or ""
    span = c.get("date_range")
    return {
        "id": c["id"], "author_text": " ".join(authors + names),
        "outlet_text": f"{outlet} {outlet_name}",
        "topic_text": " ".join(f"{slug} {name}" for slug, name in topics),
        "authors": authors, "outlet": outlet, "topics": [slug for slug, _ in topics],
        "month": c.get("month") or "", "precision": c.get("date_precision") or "unknown",
        "published": span[0].isoformat() if span else None,
        "published_end": span[1].isoformat() if span else None, "signature": signature,
    }


def paragraph_rows(c: Mapping) -> list[tuple[str, str]]:
    """(text, weight) of each paragraph in order: the title, each author's name and slug,
    the outlet's, the lede's and the body's paragraphs."""
    rows = [(c.get("title") or "", "A")]
    rows += [(name, "B") for name in (c.get("author_names") or [])]
    rows += [(slug, "B") for slug in (c.get("authors") or [])]
    rows += [(c.get("outlet_name") or "", "B"), (c.get("outlet") or "", "B")]
    rows += [(p, "C") for p in paragraphs(c.get("lede") or "")]
    rows += [(p, "D") for p in paragraphs(c.get("body") or "")]
    return [row for row in rows if row[0].strip()]


def spelling(c: Mapping, found: dict[str, int]) -> None:
    """Add the article's words to ``found`` (word -> the best rank it was seen with)."""
    names = " ".join([*(c.get("author_names") or []), c.get("outlet_name") or ""])
    for text, rank in ((names, 0), (c.get("title") or "", 1), (c.get("lede") or "", 2),
                       (c.get("body") or "", 2)):
        for word in set(_WORD.findall(text.lower())):
            if len(word) <= MAX_WORD and found.get(word, 3) > rank:
                found[word] = rank


def batch(components: Iterable[Mapping], documents: Mapping[int, Document] | None = None):
    """The parameters of PARAGRAPHS_CTE, SELECT_ROWS and INSERT_WORDS for these articles."""
    records, para, words = [], ([], [], [], []), {}
    for c in components:
        document = documents.get(c["id"]) if documents else None
        records.append(record(c, document.topics if document else (),
                              document.signature if document else ""))
        for ordinal, (text, weight) in enumerate(paragraph_rows(c)):
            for column, value in zip(para, (c["id"], ordinal, text, weight), strict=True):
                column.append(value)
        spelling(c, words)
    return list(para), [json.dumps(records)], [list(words), list(words.values())]
