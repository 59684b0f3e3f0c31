"""A search request in, a result page out: hits, highlights, facets, suggestion, timeline.

The index returns ids in rank order; the ORM fetches the rows. Filters are ANDed into the
query itself (never passed as ``filter=``), so totals stay exact even when a filter matches
nothing (WHOOSH.md, "empty filter, wrong total").

Dates: a ``month`` filter selects day- and month-precision articles of that month ("February
2017" is in February; a year-only date is in no month). ``date_from``/``date_to`` select
articles whose known date *may* fall in the range: a month-precision article counts as the
whole month and a year-precision one as the whole year, so "February 2017" is found by
from=2017-02-20 and by to=2017-02-05. Undated articles never match a date filter.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.query import And, Every, MultiTerm, NumericRange, Or, Query, Term

from archive.models import Article, Author, Outlet, Topic
from search import segments
from search.evaluation import evaluate
from search.facets import FACET_FIELDS, facet_counts
from search.indexing import get_searcher
from search.parsing import OPERATORS, parse_query
from search.schema import NO_VALUE, RANKED_FIELDS, TOKEN_RE, date_number, stemmed

SORTS = ("relevance", "newest", "oldest")
FACET_LIMIT = 12
SNIPPET_CHARS = 260
FEW_HITS = 3



@dataclass(frozen=True)
class SearchRequest:
    """A validated search (built by ``search.forms.SearchForm``)."""

    q: str = ""
    author: tuple[str, ...] = ()
    outlet: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    month: str = ""  # YYYY-MM
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    scope_topic: str = ""  # a topic page: only that topic's articles
    per_page: int = 0  # 0: settings.PAGE_SIZE

    @property
    def effective_sort(self) -> str:
        """Relevance needs words; without them the newest come first."""
        return self.sort if self.q.strip() or self.sort != "relevance" else "newest"


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    active: bool = False


@dataclass(frozen=True)
class Hit:
    article: Article
    snippet: SafeString | None


@dataclass
class ResultPage:
    """One page of results; quacks like a Django ``Page`` for the pagination partial."""

    request: SearchRequest
    hits: list[Hit]
    total: int
    number: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    months: list[tuple[str, int]] = field(default_factory=list)  # chronological, for a timeline
    suggestion: str | None = None
    note: str = ""
    searched: str = ""  # the words searched for, after cleaning

    @property
    def paginator(self) -> ResultPage:
        return self

    @property
    def num_pages(self) -> int:
        return self.pages

    def has_other_pages(self) -> bool:
        return self.pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def start_index(self) -> int:
        return (self.number - 1) * _per_page(self.request) + 1 if self.total else 0

    @property
    def active_filters(self) -> list[tuple[str, str, str]]:
        """(parameter, value, label) of every filter in force, for removable chips."""
        chips = [(name, f.value, f.label) for name in ("author", "outlet", "topic")
                 for f in self.facets.get(name, []) if f.active]
        r = self.request
        if r.month:
            chips.append(("month", r.month, _month_label(r.month)))
        if r.date_from:
            chips.append(("from", r.date_from.isoformat(), f"from {r.date_from:%-d %b %Y}"))
        if r.date_to:
            chips.append(("to", r.date_to.isoformat(), f"to {r.date_to:%-d %b %Y}"))
        return chips


def _per_page(request: SearchRequest) -> int:
    return request.per_page or settings.PAGE_SIZE


def filter_queries(request: SearchRequest) -> list[Query]:
    """The request's filters: values of one facet are ORed, different facets ANDed."""
    clauses: list[Query] = []
    for param, fieldname in (("author", "author_slug"), ("outlet", "outlet_slug"),
                             ("topic", "topic_slug")):
        values = getattr(request, param)
        if values:
            clauses.append(Or([Term(fieldname, v) for v in values]))
    if request.scope_topic:
        clauses.append(Term("topic_slug", request.scope_topic))
    if request.month:
        clauses.append(Term("month", request.month))
    if request.date_from:
        clauses.append(NumericRange("published_end", date_number(request.date_from), None))
    if request.date_to:
        clauses.append(NumericRange("published", None, date_number(request.date_to)))
    return clauses


def search(request: SearchRequest) -> ResultPage:
    """Run a search and build one result page with facets over the whole result set."""
    parsed = parse_query(request.q) if request.q.strip() else None
    clauses = filter_queries(request)
    if parsed is not None:
        if parsed.query is None:
            return ResultPage(request, [], 0, 1, 1, note=parsed.note, searched=parsed.text)
        clauses.insert(0, parsed.query)
    query = And(clauses) if len(clauses) > 1 else clauses[0] if clauses else Every()

    searcher = get_searcher()
    per_page = _per_page(request)
    relevance = request.effective_sort == "relevance"
    # One pass over the postings: the exact set (total, facets) and, for relevance, every score.
    matches = evaluate(searcher, query, scored=relevance)
    total = matches.total
    pages = max(1, math.ceil(total / per_page))
    number = min(request.page, pages)  # past the end: show the last page
    start, stop = (number - 1) * per_page, number * per_page
    if relevance:
        page_docnums = matches.ranked(stop)[start:stop]
    else:
        newest = request.effective_sort == "newest"
        page_docnums = matches.by_column("newest" if newest else "oldest", descending=newest,
                                         stop=stop)[start:stop]
    ids = [int(searcher.stored_fields(docnum)["id"]) for docnum in page_docnums]
    words = highlight_words(parsed.query, searcher) if parsed else set()
    rows = Article.objects.with_related().in_bulk(ids)
    hits = [Hit(rows[pk], highlight(rows[pk].body_text, words) if parsed else None)
            for pk in ids if pk in rows]
    groups = facet_counts(matches)

    page = ResultPage(
        request, hits, total, number, pages,
        facets=_facets(groups, request),
        months=sorted((m, n) for m, n in groups["month"].items() if m),
        note=parsed.note if parsed else "",
        searched=parsed.text if parsed else "",
    )
    if parsed is not None and total < FEW_HITS:
        page.suggestion = suggest(parsed.text, total)
    return page


def highlight_words(query: Query, searcher) -> set[str]:
    """The indexed words of the ranked fields that the query looks for (prefixes, wildcards
    and fuzzy terms expanded against the index), to mark in the page's snippets."""
    reader = searcher.reader()
    words: set[str] = set()
    for leaf in query.leaves():
        try:
            terms = (leaf.expanded_terms(reader) if isinstance(leaf, MultiTerm)
                     else leaf.iter_all_terms(phrases=True))
            words.update(_text(t) for f, t in terms if f in RANKED_FIELDS)
        except Exception:  # a leaf the expansion cannot walk: fewer marks, same results
            continue
    return words


def _text(term) -> str:
    return term.decode() if isinstance(term, bytes) else term


def _facets(groups: dict[str, dict], request: SearchRequest) -> dict[str, list[FacetValue]]:
    """The values shown for each facet: the most frequent, plus every active one, labelled
    from the database (only those shown: a common word may have thousands of authors)."""
    facets = {}
    for name, model in (("author", Author), ("outlet", Outlet), ("topic", Topic)):
        active = set(getattr(request, name))
        counts = {k: v for k, v in groups[name].items() if k and k != NO_VALUE}
        top = [slug for slug, _ in Counter(counts).most_common(FACET_LIMIT)]
        shown = list(dict.fromkeys([*top, *active]))
        labels = dict(model.objects.filter(slug__in=shown).values_list("slug", "name"))
        values = [FacetValue(slug, labels.get(slug, slug), counts.get(slug, 0), slug in active)
                  for slug in shown]
        values.sort(key=lambda f: (not f.active, -f.count, f.label.casefold()))
        facets[name] = values
    months = [FacetValue(m, _month_label(m), n, m == request.month)
              for m, n in sorted(groups["month"].items(), reverse=True) if m]
    if request.month and request.month not in groups["month"]:
        months.insert(0, FacetValue(request.month, _month_label(request.month), 0, True))
    facets["month"] = months
    return facets


def _month_label(value: str) -> str:
    try:
        return date(int(value[:4]), int(value[5:7]), 1).strftime("%B %Y")
    except ValueError:
        return value


def warm_up() -> None:
    """Read the per-segment tables every result page needs (facet values, field lengths, date
    columns) now, so the first visitor of a new worker does not wait for them."""
    searcher = get_searcher()
    for leaf, _offset in segments.leaves(searcher):
        reader = leaf.reader()
        for fieldname in FACET_FIELDS.values():
            segments.value_table(reader, fieldname)
        for fieldname in ("newest", "oldest", "pk"):
            segments.column(reader, fieldname)
        if segments.readable(reader):
            for fieldname in RANKED_FIELDS:
                segments.field_lengths(reader, fieldname)


# Highlighting --------------------------------------------------------------------------------

# The index analyzer's own tokens and stemmer (search.schema), without its per-token object
# pipeline: running the full analyzer over each hit's body was 80% of a rare-word result page.


def matched_spans(text: str, words: set[str]) -> list[tuple[int, int]]:
    """(start, end) of every token of ``text`` whose stem is one of ``words``.

    Only tokens that begin like one of the stems are stemmed: the Porter stemmer rewrites
    suffixes only, so a word always begins with its stem less its last three letters. A C-level
    regular expression finds those few candidates; stemming every token of every hit's body in
    Python was half of a rare-word result page after the query itself got fast.
    """
    if not words:
        return []
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lowercases to two characters: positions would shift
        return [m.span() for m in TOKEN_RE.finditer(text) if stemmed(m.group().lower()) in words]
    spans = []
    for start in _candidate_starts(frozenset(words)).finditer(lowered):
        token = TOKEN_RE.match(text, start.start())
        if token and stemmed(token.group().lower()) in words:
            spans.append(token.span())
    return spans


@lru_cache(maxsize=256)
def _candidate_starts(words: frozenset[str]) -> re.Pattern:
    prefixes = sorted({word[:max(2, len(word) - 3)] for word in words}, key=len, reverse=True)
    # At a token's first character: not after a token character, nor after "x." (U.S.A.).
    return re.compile(r"(?<![\w*])(?<![\w*]\.)(?:" + "|".join(map(re.escape, prefixes)) + ")")


def highlight(text: str, words: set[str], *, size: int = SNIPPET_CHARS) -> SafeString | None:
    """The passage of ``text`` with the most matched (stemmed) words, HTML-escaped, with
    ``<mark>`` around each match. None when no word matches."""
    if not words:
        return None
    spans = matched_spans(text, words)
    if not spans:
        return None
    # The window starting at some match that covers the most matches.
    best, best_count, j = 0, 0, 0
    for i, (start, _) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= start + size:
            j += 1
        if j - i > best_count:
            best, best_count = i, j - i
    first = spans[best][0]
    begin = max(0, first - size // 5)
    if begin:
        begin = _word_start(text, begin)
    end = min(len(text), begin + size)
    if end < len(text):
        end = _word_end(text, end)
    out, cursor = [], begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(escape(text[cursor:end]))
    snippet = " ".join("".join(out).split())
    return mark_safe(("… " if begin else "") + snippet + (" …" if end < len(text) else ""))


def _word_start(text: str, pos: int) -> int:
    space = text.rfind(" ", 0, pos)
    return space + 1 if space != -1 else pos


def _word_end(text: str, pos: int) -> int:
    space = text.find(" ", pos)
    return space if space != -1 and space - pos < 30 else pos


# "Did you mean" ------------------------------------------------------------------------------


def suggest(text: str, total: int) -> str | None:
    """A respelling of the query's unknown words that finds more articles, or None."""
    searcher = get_searcher()
    reader = searcher.reader()
    changed, suggestion = False, text
    for match in reversed(list(re.finditer(r"(?<![:\w])[^\W\d_]{3,}(?![\w:*~])", text))):
        word = match.group()
        if word in OPERATORS:
            continue
        lower = word.lower()
        if any((f"spell_{name}", lower) in reader or (name, lower) in reader
               for name in ("title", "body")):
            continue
        options = searcher.suggest("body", lower, limit=1, prefix=1) or searcher.suggest(
            "title", lower, limit=1, prefix=1)
        if options and options[0] != lower:
            suggestion = suggestion[:match.start()] + options[0] + suggestion[match.end():]
            changed = True
    if not changed:
        return None
    parsed = parse_query(suggestion)
    if parsed.query is None or len(searcher.search(parsed.query, limit=1)) <= total:
        return None
    return suggestion
