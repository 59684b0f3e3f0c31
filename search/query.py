"""A search request in, a result page out: hits, highlights, facets, suggestion, timeline.

The engine (``search.backends``) returns ids in order, the exact total and facet counts; the
ORM fetches the rows, and labels, snippets and the wording of suggestions are made here, the
same for every engine.

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
from dataclasses import dataclass, field, replace
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.models import Article, Author, Outlet, Topic
from search.backends import get_backend
from search.backends.base import UNDATED, MatchRequest, months_of
from search.parsing import OPERATOR_WORDS, parse_query

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
    month: tuple[str, ...] = ()  # YYYY-MM values or "undated", ORed
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    scope_topic: str = ""  # a topic page: only that topic's articles
    per_page: int = 0  # 0: settings.PAGE_SIZE
    timeline: str = "count"  # or "share": each month's matches as a share of all its articles

    def __post_init__(self):
        object.__setattr__(self, "month", months_of(self.month))

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
    copies: tuple[Article, ...] = ()  # other versions of the same story lower on this page
    other_versions: int = 0  # versions of the story in the whole archive besides this one


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
    archive_months: dict[str, int] = field(default_factory=dict)  # all articles, for shares
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
        chips.extend(("month", month, _month_label(month)) for month in r.month)
        if r.date_from:
            chips.append(("from", r.date_from.isoformat(), f"from {r.date_from:%-d %b %Y}"))
        if r.date_to:
            chips.append(("to", r.date_to.isoformat(), f"to {r.date_to:%-d %b %Y}"))
        return chips


def _per_page(request: SearchRequest) -> int:
    return request.per_page or settings.PAGE_SIZE


def match_request(request: SearchRequest, query, *, page: int, per_page: int) -> MatchRequest:
    return MatchRequest(
        query=query, author=request.author, outlet=request.outlet, topic=request.topic,
        scope_topic=request.scope_topic, month=request.month, date_from=request.date_from,
        date_to=request.date_to, order=request.effective_sort,
        offset=(page - 1) * per_page, limit=per_page)


def search(request: SearchRequest) -> ResultPage:
    """Run a search and build one result page with facets over the whole result set."""
    parsed = parse_query(request.q) if request.q.strip() else None
    if parsed is not None and parsed.query is None:
        return ResultPage(request, [], 0, 1, 1, note=parsed.note, searched=parsed.text)
    backend = get_backend()
    per_page = _per_page(request)
    query = parsed.query if parsed else None
    found = backend.match(match_request(request, query, page=request.page, per_page=per_page))
    if not found.searchable:
        return ResultPage(request, [], 0, 1, 1, note=_join_notes(parsed.note, TOO_COMMON),
                          searched=parsed.text)
    pages = max(1, math.ceil(found.total / per_page))
    number = min(request.page, pages)  # past the end: show the last page
    if number != request.page:
        found = backend.match(match_request(request, query, page=number, per_page=per_page))
    rows = Article.objects.with_related().in_bulk(found.ids)
    hits = [Hit(rows[pk], highlight(rows[pk].body_text, found.words) if parsed else None)
            for pk in found.ids if pk in rows]
    facets = found.facets
    if request.month:
        # Months are alternatives: their counts (and the timeline) are taken without the
        # month filter, so another month can be added with one click.
        unfiltered = backend.match(replace(match_request(request, query, page=1, per_page=0),
                                           month=()))
        facets = {**facets, "month": unfiltered.facets.get("month", {})}
    page = ResultPage(
        request, hits, found.total, number, pages,
        facets=_facets(facets, request),
        months=sorted((m, n) for m, n in facets.get("month", {}).items() if m != UNDATED),
        note=parsed.note if parsed else "",
        searched=parsed.text if parsed else "",
    )
    if parsed is not None and found.total < FEW_HITS:
        page.suggestion = suggest(parsed.text, found.total)
    if request.timeline == "share":
        page.archive_months = archive_months()
    return page


def archive_months() -> dict[str, int]:
    """How many articles the whole archive has per month: what a share timeline divides by.
    Kept until the engine's documents change."""
    backend = get_backend()
    key = f"dossier:archive-months:{backend.location() or ''}:{backend.version()}"
    months = cache.get(key)
    if months is None:
        months = backend.match(MatchRequest(limit=0)).months
        cache.set(key, months, 24 * 3600)
    return months


def group_versions(hits: list[Hit]) -> list[Hit]:
    """Syndicated and edited copies of one story under its first hit on the page, each hit
    with the number of other versions the archive holds (one query for the whole page). For
    the pages people read; feeds, the API and exports list every article."""
    leads: dict[int, int] = {}  # story (the original's id) -> index in ``grouped``
    grouped: list[Hit] = []
    for hit in hits:
        story = hit.article.duplicate_of_id or hit.article.pk
        if story in leads:
            lead = grouped[leads[story]]
            grouped[leads[story]] = replace(lead, copies=(*lead.copies, hit.article))
        else:
            leads[story] = len(grouped)
            grouped.append(hit)
    sizes = dict(Article.objects.filter(duplicate_of__in=list(leads)).values("duplicate_of")
                 .annotate(n=Count("pk")).values_list("duplicate_of", "n"))
    for story, index in leads.items():
        versions = sizes.get(story, 0) + 1  # the copies and the original
        if versions > 1:
            grouped[index] = replace(grouped[index], other_versions=versions - 1)
    return grouped


TOO_COMMON = "Those words are too common or too short to search for: try others."


def _join_notes(*notes: str) -> str:
    return " ".join(note for note in notes if note)


def _facets(groups: dict[str, dict], request: SearchRequest) -> dict[str, list[FacetValue]]:
    """The values shown for each facet: the most frequent, plus every active one, labelled
    from the database (only those shown: a common word may have thousands of authors)."""
    facets = {}
    for name, model in (("author", Author), ("outlet", Outlet), ("topic", Topic)):
        active = set(getattr(request, name))
        counts = groups.get(name, {})
        top = [slug for slug, _ in Counter(counts).most_common(FACET_LIMIT)]
        shown = list(dict.fromkeys([*top, *active]))
        labels = dict(model.objects.filter(slug__in=shown).values_list("slug", "name"))
        values = [FacetValue(slug, labels.get(slug, slug), counts.get(slug, 0), slug in active)
                  for slug in shown]
        values.sort(key=lambda f: (not f.active, -f.count, f.label.casefold()))
        facets[name] = values
    counts = groups.get("month", {})
    shown = sorted(set(counts) | set(request.month), reverse=True)
    shown.sort(key=lambda m: m == UNDATED)  # newest month first, the undated bucket last
    months = [FacetValue(m, _month_label(m), counts.get(m, 0), m in request.month) for m in shown]
    facets["month"] = months
    return facets


def _month_label(value: str) -> str:
    if value == UNDATED:
        return "Undated"
    try:
        return date(int(value[:4]), int(value[5:7]), 1).strftime("%B %Y")
    except ValueError:
        return value


# Highlighting --------------------------------------------------------------------------------

def highlight(text: str, words: frozenset[str], *, size: int = SNIPPET_CHARS) -> SafeString | None:
    """The passage of ``text`` with the most words the engine matched, HTML-escaped, with
    ``<mark>`` around each match. None when no word matches."""
    if not words:
        return None
    spans = get_backend().spans(text, words)
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
    found = list(re.finditer(r"(?<![:\w/])[^\W\d_]{3,}(?![\w:*~/])", text))
    words = [m.group() for m in found if m.group() not in OPERATOR_WORDS]
    respelled = get_backend().respell(words) if words else {}
    if not respelled:
        return None
    suggestion = text
    for match in reversed(found):
        if match.group() in respelled:
            suggestion = suggestion[:match.start()] + respelled[match.group()] + suggestion[match.end():]
    parsed = parse_query(suggestion)
    if parsed.query is None:
        return None
    if get_backend().match(MatchRequest(query=parsed.query, limit=0, facets=False)).total <= total:
        return None
    return suggestion
