"""Dossier's own search: ``search.query.search``, exactly as the search page calls it."""

from __future__ import annotations

from search import query
from search.backends import get_backend
from search.backends.whoosh import segments
from search.bench.engines.base import PAGE_SIZE, PageResult, QuerySpec


class DossierEngine:
    name = "dossier"

    def __init__(self) -> None:
        get_backend().reset()  # the first search pays for opening, as a new worker does

    def search(self, spec: QuerySpec) -> PageResult:
        page = query.search(query.SearchRequest(
            q=spec.q, author=(spec.author,) if spec.author else (), month=spec.month,
            sort=spec.sort, page=spec.page, per_page=PAGE_SIZE,
        ))
        facets = {name: {f.value: f.count for f in page.facets.get(name, [])}
                  for name in ("author", "outlet")}
        facets["month"] = dict(page.months)
        return PageResult(total=page.total, ids=[hit.article.pk for hit in page.hits],
                          snippets=sum(hit.snippet is not None for hit in page.hits),
                          facets=facets)

    def close(self) -> None:
        get_backend().reset()


class DossierColdEngine(DossierEngine):
    """Dossier with its postings cache emptied before every search: each term's posting list
    is decoded from the index blocks again, as for a word nobody searched for lately."""

    name = "dossier-cold"

    def search(self, spec: QuerySpec) -> PageResult:
        segments.POSTINGS_CACHE.clear()
        return super().search(spec)


class DossierPgEngine(DossierEngine):
    """The same call with the process on PostgreSQL (``DATABASE_URL`` and
    ``DOSSIER_SEARCH_BACKEND=postgres`` set by the bench run for its child)."""

    name = "dossier-pg"
