"""The naive Django integration on PostgreSQL, as Django's documentation shows it.

``SearchVector`` annotations computed from the article columns at query time (no stored
tsvector, no index), ranked by ``SearchRank`` over a websearch ``SearchQuery``, with
``SearchHeadline`` snippets for the page and facet counts by ``values().annotate(Count)``
over the same filter: the baseline the PostgreSQL engine is measured against. The query text
goes to ``websearch_to_tsquery`` as typed (quotes and OR work; ``title:`` does not).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import Count, F, QuerySet

from archive.models import Article, DatePrecision
from search.bench.engines.base import FACET_LIMIT, PAGE_SIZE, PageResult, QuerySpec

KNOWN_MONTH = (DatePrecision.DAY, DatePrecision.MONTH)


def _filtered(spec: QuerySpec) -> tuple[QuerySet, SearchQuery | None]:
    """The matching articles (annotated with the vector and rank when there is a query)."""
    rows = Article.objects.all()
    if spec.author:
        rows = rows.filter(authors__slug=spec.author)
    if spec.month:
        year, month = map(int, spec.month.split("-"))
        rows = rows.filter(published__year=year, published__month=month,
                           date_precision__in=KNOWN_MONTH)
    if not spec.q.strip():
        return rows, None
    query = SearchQuery(spec.q, search_type="websearch")
    rows = rows.annotate(
        search=SearchVector("title", weight="A") + SearchVector("body_text", weight="D"),
        rank=SearchRank(F("search"), query),
    ).filter(search=query)
    return rows, query


def _facets(rows: QuerySet) -> dict[str, dict[str, int]]:
    """Author, outlet and month counts over the matching set, one GROUP BY each."""
    plain = rows.order_by()
    authors = (plain.exclude(authors__slug=None).values("authors__slug")
               .annotate(n=Count("id")).order_by("-n")[:FACET_LIMIT])
    outlets = (plain.exclude(outlet=None).values("outlet__slug")
               .annotate(n=Count("id")).order_by("-n")[:FACET_LIMIT])
    months = (plain.filter(date_precision__in=KNOWN_MONTH)
              .values("published__year", "published__month").annotate(n=Count("id")))
    return {"author": {r["authors__slug"]: r["n"] for r in authors},
            "outlet": {r["outlet__slug"]: r["n"] for r in outlets},
            "month": {f"{r['published__year']:04d}-{r['published__month']:02d}": r["n"]
                      for r in months}}


class DjangoNaivePgEngine:
    name = "django-naive-pg"

    def search(self, spec: QuerySpec) -> PageResult:
        rows, query = _filtered(spec)
        if query is not None and spec.sort == "relevance":
            ordered = rows.order_by("-rank", "-id")
        else:
            ordered = rows.order_by(F("published").desc(nulls_last=True), "-id")
        start = (spec.page - 1) * PAGE_SIZE
        page = ordered[start:start + PAGE_SIZE]
        if query is not None:
            page = page.annotate(headline=SearchHeadline("body_text", query))
        hits = list(page.values_list("id", *(["headline"] if query is not None else [])))
        return PageResult(total=rows.count(), ids=[row[0] for row in hits],
                          snippets=sum(bool(row[-1]) for row in hits) if query is not None else 0,
                          facets=_facets(rows))

    def close(self) -> None:
        return None
