"""The embedded engine: a Whoosh index on local disk, evaluated with numpy over its postings."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping

from whoosh.query import And, Every, NullQuery, NumericRange, Or, Query, Term

from search import querytree as qt
from search.backends.base import UNDATED, Document, MatchRequest, MatchResult, SearchBackend
from search.backends.whoosh import highlighting, index, integrity, matching, segments, writer
from search.backends.whoosh.compiler import compile_query
from search.backends.whoosh.evaluation import evaluate
from search.backends.whoosh.facets import FACET_FIELDS, facet_counts
from search.backends.whoosh.related import related_ids
from search.backends.whoosh.schema import NO_VALUE, RANKED_FIELDS, date_number
from search.backends.whoosh.spelling import SPELLING_FIELDS, edit_distance


class WhooshBackend(SearchBackend):
    name = "whoosh"

    # Writing -----------------------------------------------------------------------------

    def apply(self, documents: Mapping[int, Document | None], *, timeout: float) -> None:
        if documents:
            with writer.index_writer(index.open_index(), timeout=timeout) as w:
                writer.write(w, documents)

    def rebuild(self, batches: Iterable[list[Document]],
                progress: Callable[[int], None] | None = None, *, procs: int = 1) -> None:
        try:
            ix = index.open_existing()
        except Exception:
            ix = index.create_index()
        if not index.current_schema(ix.schema):
            ix = index.create_index(force=True)  # the schema changed: start a new index
        args = {"procs": procs, "multisegment": True} if procs > 1 else {}
        done = 0
        with writer.index_writer(ix, clear=True, **args) as w:
            for batch in batches:
                writer.write(w, {d.id: d for d in batch}, update=False)
                done += len(batch)
                if progress:
                    progress(done)

    def signatures(self) -> dict[int, str]:
        with index.open_index().searcher() as searcher:
            return {int(f["id"]): f.get("signature") for f in searcher.all_stored_fields()}

    # Health ------------------------------------------------------------------------------

    def exists(self) -> bool:
        return index.index_exists()

    def damage(self) -> str | None:
        return integrity.verify_index()

    def repair_if_damaged(self, rebuild: Callable[[], None]) -> str | None:
        return integrity.repair_if_damaged(rebuild)

    # Reading -----------------------------------------------------------------------------

    def match(self, request: MatchRequest) -> MatchResult:
        clauses = _filters(request)
        if request.query is not None:
            query = compile_query(request.query)
            if query is NullQuery or isinstance(query, type(NullQuery)):
                return MatchResult([], 0, searchable=False)
            clauses.insert(0, query)
        query = And(clauses) if len(clauses) > 1 else clauses[0] if clauses else Every()
        searcher = index.get_searcher()
        relevance = request.order == "relevance" and request.query is not None
        matches = evaluate(searcher, query, scored=relevance)
        start = request.offset
        stop = None if request.limit is None else start + request.limit
        if request.limit == 0:
            docnums = []
        elif request.limit is None and not relevance:
            docnums = matches.docnums().tolist()
        elif relevance:
            docnums = matches.ranked(stop if stop is not None else matches.total)[start:stop]
        else:
            newest = request.order != "oldest"
            docnums = matches.by_column("newest" if newest else "oldest", descending=newest,
                                        stop=stop)[start:stop]
        pks = _pks(searcher, docnums)
        facets = {}
        if request.facets:
            facets = {name: {k: v for k, v in counts.items() if k and k != NO_VALUE}
                      for name, counts in facet_counts(matches).items()}
            if undated := facets.pop("precision", {}).get("unknown"):
                facets["month"][UNDATED] = undated
        words = (highlighting.query_words(clauses[0], searcher.reader())
                 if request.query is not None else frozenset())
        return MatchResult(pks, matches.total, facets, words=words)

    def topic_hits(self, components: list[dict], queries: Mapping[str, qt.Node]) -> dict[int, set[str]]:
        return matching.topic_hits(components, queries)

    def respell(self, words: list[str]) -> dict[str, str]:
        """Each unknown word's closest spelling among the names and words the archive holds:
        fewest edits first, and at the same distance a name, then a title word, then a body
        word, so a misspelled name is offered the name, never a common word."""
        searcher = index.get_searcher()
        reader = searcher.reader()
        found = {}
        for word in words:
            lower = word.lower()
            if any((f"spell_{name}", lower) in reader or (name, lower) in reader
                   for name in SPELLING_FIELDS):
                continue
            options = [(edit_distance(lower, option), rank, option)
                       for rank, name in enumerate(SPELLING_FIELDS)
                       for option in searcher.suggest(name, lower, limit=1, prefix=1)
                       if option != lower]
            if options:
                found[word] = min(options)[2]
        return found

    def spans(self, text: str, words: frozenset[str]) -> list[tuple[int, int]]:
        return highlighting.matched_spans(text, words)

    def related(self, article_id: int, components: dict, *, limit: int) -> list[int]:
        return related_ids(article_id, components, limit=limit)

    def version(self) -> str:
        if not index.has_index_files():
            return "-1"  # a page view never builds an index
        try:
            return str(index.get_searcher().ixreader.generation())
        except Exception:
            return "-1"

    def warm_up(self) -> None:
        """Read the per-segment tables every result page needs (facet values, field lengths,
        date columns) now, so the first visitor of a new worker does not wait for them."""
        searcher = index.get_searcher()
        for leaf, _offset in segments.leaves(searcher):
            reader = leaf.reader()
            for fieldname in FACET_FIELDS.values():
                segments.value_table(reader, fieldname)
            for fieldname in ("newest", "oldest", "pk"):
                segments.column(reader, fieldname)
            if segments.readable(reader):
                for fieldname in RANKED_FIELDS:
                    segments.field_lengths(reader, fieldname)

    def reset(self) -> None:
        index.reset_searchers()

    def location(self) -> str:
        return str(index.index_dir())


def _filters(request: MatchRequest) -> list[Query]:
    """The request's filters, ANDed into the query itself: a Whoosh ``filter=`` that matches
    nothing reports the unfiltered total."""
    clauses: list[Query] = []
    for param, fieldname in (("author", "author_slug"), ("outlet", "outlet_slug"),
                             ("topic", "topic_slug")):
        values = getattr(request, param)
        if values:
            clauses.append(Or([Term(fieldname, v) for v in values]))
    if request.scope_topic:
        clauses.append(Term("topic_slug", request.scope_topic))
    if request.month:
        clauses.append(Or([Term("precision", "unknown") if month == UNDATED else Term("month", month)
                           for month in request.month]))
    if request.date_from:
        clauses.append(NumericRange("published_end", date_number(request.date_from), None))
    if request.date_to:
        clauses.append(NumericRange("published", None, date_number(request.date_to)))
    return clauses


def _pks(searcher, docnums: list[int]) -> list[int]:
    """The article ids of global document numbers, from each segment's ``pk`` column."""
    leaves = segments.leaves(searcher)
    offsets = [offset for _, offset in leaves]
    pks = []
    for docnum in docnums:
        leaf, offset = leaves[bisect_right(offsets, docnum) - 1]
        pks.append(int(segments.column(leaf.reader(), "pk")[docnum - offset]))
    return pks
