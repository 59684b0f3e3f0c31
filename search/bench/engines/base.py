"""What every engine answers: one result page for a query spec, the same for all engines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from archive.models import Article, DatePrecision

PAGE_SIZE = 20  # settings.PAGE_SIZE: every engine builds pages of the same size
FACET_LIMIT = 12


@dataclass(frozen=True)
class QuerySpec:
    """One committed benchmark query, placeholders resolved (see ``queries.resolve``)."""

    cls: str
    q: str = ""
    author: str = ""  # an author slug filter
    month: str = ""  # YYYY-MM filter
    sort: str = "relevance"  # or "newest"
    page: int = 1

    @property
    def label(self) -> str:
        parts = [self.q or "(all)"]
        parts += [f"author={self.author}"] if self.author else []
        parts += [f"month={self.month}"] if self.month else []
        parts += [f"sort={self.sort}"] if self.sort != "relevance" else []
        parts += [f"page={self.page}"] if self.page != 1 else []
        return " ".join(parts)


@dataclass
class PageResult:
    """What a result page holds: exact total, the page's ids, snippets, facet counts."""

    total: int
    ids: list[int]
    snippets: int = 0  # how many hits got a snippet
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # author/outlet/month


class Engine(Protocol):
    name: str

    def search(self, spec: QuerySpec) -> PageResult: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Document:
    """An article as the reference engines index it (read from the database, like Dossier)."""

    id: int
    title: str
    lede: str
    body: str
    author_slugs: list[str]
    author_names: list[str]
    outlet_slug: str
    outlet_name: str
    month: str
    published: int  # yyyymmdd of the (first possible) day; 0 when unknown


def documents(chunk: int = 1000) -> Iterator[Document]:
    """Every article of the database, in id order, a chunk at a time."""
    last = 0
    while True:
        rows = list(Article.objects.with_related().filter(pk__gt=last).order_by("pk")[:chunk])
        if not rows:
            return
        for a in rows:
            authors = a.author_list
            dated = a.published and a.date_precision != DatePrecision.UNKNOWN
            yield Document(
                id=a.pk, title=a.title, lede=a.lede, body=a.body_text,
                author_slugs=[x.slug for x in authors], author_names=[x.name for x in authors],
                outlet_slug=a.outlet.slug if a.outlet_id else "",
                outlet_name=a.outlet.name if a.outlet_id else "", month=a.month_key,
                published=int(a.published.strftime("%Y%m%d")) if dated else 0,
            )
        last = rows[-1].pk
