"""The benchmark baseline: Whoosh used the obvious way, as a django-haystack-style integration does.

Its own index (one stored ``text`` field holding title, lede and body, as haystack's document
field does); every request opens the index and a new searcher, asks for all matches, counts
facets by reading every hit's stored fields and highlights the page from the stored text.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import And, Every, Query, Term

from archive.models import Article
from search.bench.engines.base import FACET_LIMIT, PAGE_SIZE, PageResult, QuerySpec, documents


def naive_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        text=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        author=TEXT(stored=True),
        outlet=TEXT(stored=True),
        author_slug=KEYWORD(stored=True, commas=True),
        outlet_slug=ID(stored=True),
        month=ID(stored=True),
        published=NUMERIC(int, bits=32, stored=True, sortable=True),
    )


def build(path: Path, *, procs: int = os.cpu_count() or 1) -> dict:
    """Index every article of the database into a new naive index at ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ix = whoosh_index.create_in(str(path), naive_schema())
    args = {"procs": procs, "multisegment": True, "limitmb": 128} if procs > 1 else {}
    writer = ix.writer(**args)
    count = 0
    for doc in documents():
        writer.add_document(
            id=str(doc.id), text=f"{doc.title}\n\n{doc.lede}\n\n{doc.body}", title=doc.title,
            author=" ".join(doc.author_names + doc.author_slugs),
            outlet=f"{doc.outlet_name} {doc.outlet_slug}",
            author_slug=",".join(doc.author_slugs), outlet_slug=doc.outlet_slug,
            month=doc.month, published=doc.published,
        )
        count += 1
    writer.commit()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "articles_per_s": round(count / seconds, 1)}


class NaiveEngine:
    name = "naive"

    def __init__(self, path: Path) -> None:
        self.path = path

    def _query(self, spec: QuerySpec, schema: Schema) -> Query:
        clauses = [QueryParser("text", schema).parse(spec.q)] if spec.q.strip() else []
        if spec.author:
            clauses.append(Term("author_slug", spec.author))
        if spec.month:
            clauses.append(Term("month", spec.month))
        return And(clauses) if len(clauses) > 1 else clauses[0] if clauses else Every()

    def search(self, spec: QuerySpec) -> PageResult:
        ix = whoosh_index.open_dir(str(self.path))
        with ix.searcher() as searcher:
            sort = {"sortedby": "published", "reverse": True} if spec.sort == "newest" else {}
            results = searcher.search(self._query(spec, ix.schema), limit=None, **sort)
            total = len(results)
            authors, outlets, months = Counter(), Counter(), Counter()
            for hit in results:
                fields = hit.fields()
                authors.update(s for s in fields.get("author_slug", "").split(",") if s)
                if fields.get("outlet_slug"):
                    outlets[fields["outlet_slug"]] += 1
                if fields.get("month"):
                    months[fields["month"]] += 1
            start = (spec.page - 1) * PAGE_SIZE
            page = results[start:start + PAGE_SIZE]
            ids = [int(hit["id"]) for hit in page]
            snippets = [hit.highlights("text") for hit in page] if spec.q.strip() else []
        rows = Article.objects.with_related().in_bulk(ids)
        return PageResult(
            total=total, ids=[pk for pk in ids if pk in rows], snippets=sum(map(bool, snippets)),
            facets={"author": dict(authors.most_common(FACET_LIMIT)),
                    "outlet": dict(outlets.most_common(FACET_LIMIT)), "month": dict(months)},
        )

    def close(self) -> None:
        pass
