"""tantivy (Rust, through its Python binding) as a reference point: the same fields, facets by
terms aggregation over the whole result set, snippets from SnippetGenerator."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import tantivy

from archive.models import Article
from search.bench.engines.base import FACET_LIMIT, PAGE_SIZE, PageResult, QuerySpec, documents
from search.bench.engines.translate import to_tantivy

BOOSTS = {"title": 3.0, "lede": 1.5}  # as Dossier's schema
MAX_MONTHS = 10_000


def tantivy_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in ("title", "lede"):
        sb.add_text_field(name, tokenizer_name="en_stem")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("author", tokenizer_name="default")
    sb.add_text_field("outlet", tokenizer_name="default")
    for name in ("author_slug", "outlet_slug", "month"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    sb.add_integer_field("published", indexed=True, fast=True)
    return sb.build()


def build(path: Path, *, threads: int = os.cpu_count() or 1) -> dict:
    """A new tantivy index at ``path`` holding every article of the Dossier database."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    started = time.perf_counter()
    index = tantivy.Index(tantivy_schema(), path=str(path))
    writer = index.writer(heap_size=200_000_000, num_threads=threads)
    count = 0
    for d in documents():
        doc = tantivy.Document()
        doc.add_integer("id", d.id)
        doc.add_text("title", d.title)
        doc.add_text("lede", d.lede)
        doc.add_text("body", d.body)
        doc.add_text("author", " ".join(d.author_names + d.author_slugs))
        doc.add_text("outlet", f"{d.outlet_name} {d.outlet_slug}")
        for slug in d.author_slugs:
            doc.add_text("author_slug", slug)
        if d.outlet_slug:
            doc.add_text("outlet_slug", d.outlet_slug)
        if d.month:
            doc.add_text("month", d.month)
        doc.add_integer("published", d.published)
        writer.add_document(doc)
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "articles_per_s": round(count / seconds, 1)}


def _buckets(aggregation: dict) -> dict[str, int]:
    return {b["key"]: b["doc_count"] for b in aggregation["buckets"]}


class TantivyEngine:
    name = "tantivy"

    def __init__(self, path: Path) -> None:
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _query(self, spec: QuerySpec) -> tuple[tantivy.Query, tantivy.Query | None]:
        text = to_tantivy(spec.q) if spec.q.strip() else ""
        words = (self.index.parse_query(text, ["title", "lede", "body"], field_boosts=BOOSTS,
                                        conjunction_by_default=True) if text else None)
        clauses = [(tantivy.Occur.Must, words)] if words else []
        for field, value in (("author_slug", spec.author), ("month", spec.month)):
            if value:
                clauses.append((tantivy.Occur.Must,
                                tantivy.Query.term_query(self.schema, field, value)))
        if not clauses:
            return tantivy.Query.all_query(), None
        query = clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
        return query, words

    def search(self, spec: QuerySpec) -> PageResult:
        query, words = self._query(spec)
        offset = (spec.page - 1) * PAGE_SIZE
        if words is not None and spec.sort == "relevance":
            result = self.searcher.search(query, PAGE_SIZE, count=True, offset=offset)
        else:
            result = self.searcher.search(query, PAGE_SIZE, count=True, offset=offset,
                                          order_by_field="published", order=tantivy.Order.Desc)
        addresses = [address for _, address in result.hits]
        ids = self.searcher.fast_field_values("id", addresses) if addresses else []
        snippets = 0
        if words is not None and addresses:
            generator = tantivy.SnippetGenerator.create(self.searcher, words, self.schema, "body")
            snippets = sum(bool(generator.snippet_from_doc(self.searcher.doc(a)).to_html())
                           for a in addresses)
        aggregations = self.searcher.aggregate(query, {
            "author": {"terms": {"field": "author_slug", "size": FACET_LIMIT}},
            "outlet": {"terms": {"field": "outlet_slug", "size": FACET_LIMIT}},
            "month": {"terms": {"field": "month", "size": MAX_MONTHS}},
        })
        rows = Article.objects.with_related().in_bulk(ids)
        return PageResult(total=result.count, ids=[pk for pk in ids if pk in rows],
                          snippets=snippets,
                          facets={name: _buckets(agg) for name, agg in aggregations.items()})

    def close(self) -> None:
        pass
