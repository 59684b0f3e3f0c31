"""What an engine behind ``search/`` implements, and what it is given and returns.

Shaped like wagtail's and haystack's search backends: the engine keeps a derived copy of the
articles (documents built from ``Article.index_components()``), answers a ``MatchRequest``
with article ids in order, the exact total and counts per facet value, and can be checked and
repaired against the database, which stays the truth. Labels, rows, snippets and the wording
of suggestions are engine-neutral and stay in ``search.query``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from search import querytree as qt

ORDERS = ("relevance", "newest", "oldest")
FACETS = ("author", "outlet", "topic", "month")


# The month facet's value for articles with no known date (a year-only date is dated, in no month).
UNDATED = "undated"


def months_of(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """A month filter as a tuple of values; one "YYYY-MM" string is one month."""
    return (value,) if isinstance(value, str) and value else tuple(value or ())


@dataclass(frozen=True)
class MatchRequest:
    """Which articles, in which order, which slice. Values of one facet are ORed, facets ANDed.

    ``month`` selects day- and month-precision articles of that month; ``date_from`` and
    ``date_to`` select articles whose known date may fall in the range (a month-precision
    article is the whole month); undated articles match no date filter.
    """

    query: qt.Node | None = None  # None: every article
    author: tuple[str, ...] = ()
    outlet: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    scope_topic: str = ""
    month: tuple[str, ...] = ()  # YYYY-MM values or UNDATED, ORed
    date_from: date | None = None
    date_to: date | None = None
    order: str = "relevance"
    offset: int = 0
    limit: int | None = 10  # None: every match, in no set order (topic queries, checks)
    facets: bool = True

    def __post_init__(self):
        object.__setattr__(self, "month", months_of(self.month))


@dataclass
class MatchResult:
    ids: list[int]  # the slice asked for, in order
    total: int  # every match, exactly
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # FACETS -> value -> count
    searchable: bool = True  # False: the engine found nothing to search for (stop words only)
    words: frozenset[str] = frozenset()  # the engine's terms to mark in snippets

    @property
    def months(self) -> dict[str, int]:
        """Matches per YYYY-MM month, for a timeline (the undated bucket is not a month)."""
        return {m: n for m, n in self.facets.get("month", {}).items() if m != UNDATED}


@dataclass
class Document:
    """What an engine stores of one article: its index components, the topics it belongs to
    and a signature of both (to find documents built from an older row)."""

    components: dict
    topics: list[tuple[str, str]]  # (slug, name), sorted
    signature: str

    @property
    def id(self) -> int:
        return self.components["id"]


@dataclass
class CheckReport:
    """How the engine's documents differ from the database (``sync_index``)."""

    created: bool = False
    no_index: bool = False  # only when checking without repair: there is no index to compare
    damaged: str = ""  # what made the index unreadable (rebuilt when repairing)
    drained: int = 0
    missing: list[int] = field(default_factory=list)  # in the database, not in the engine
    extra: list[int] = field(default_factory=list)  # in the engine, not in the database
    stale: list[int] = field(default_factory=list)  # built from an older row or membership
    topics: list[int] = field(default_factory=list)  # topic membership rows out of date

    @property
    def repaired(self) -> int:
        return len(set(self.missing + self.extra + self.stale + self.topics))


class SearchBackend(ABC):
    """One search engine. Methods that write are called by the outbox drain only."""

    name = ""

    # Writing: documents are built engine-neutrally (search.outbox) and handed over.
    @abstractmethod
    def apply(self, documents: Mapping[int, Document | None], *, timeout: float) -> None:
        """Store these documents in one commit; None deletes the article's document."""

    @abstractmethod
    def rebuild(self, batches: Iterable[list[Document]],
                progress: Callable[[int], None] | None = None) -> None:
        """Replace every document with these; readers see the old ones until it commits."""

    @abstractmethod
    def signatures(self) -> dict[int, str]:
        """Every stored article id with its document's signature."""

    # Health: an index the engine keeps outside the database can be lost or damaged.
    def exists(self) -> bool:
        return True

    def damage(self) -> str | None:
        """What is wrong with the engine's storage, in words, or None when it is whole."""
        return None

    def repair_if_damaged(self, rebuild: Callable[[], None]) -> str | None:
        """Call ``rebuild`` when the storage is damaged; returns what was wrong."""
        problem = self.damage()
        if problem:
            rebuild()
        return problem

    # Reading.
    @abstractmethod
    def match(self, request: MatchRequest) -> MatchResult:
        """The request's matches: the asked slice of ids, the exact total, facet counts."""

    @abstractmethod
    def topic_hits(self, components: list[dict], queries: Mapping[str, qt.Node]) -> dict[int, set[str]]:
        """Which of these articles each saved topic query matches (slug -> ...), judged on
        the articles' own text, so membership can be written before the documents are."""

    @abstractmethod
    def respell(self, words: list[str]) -> dict[str, str]:
        """For words the archive does not hold, the closest word it holds."""

    @abstractmethod
    def spans(self, text: str, words: frozenset[str]) -> list[tuple[int, int]]:
        """(start, end) of each token of ``text`` that is one of the engine's ``words``."""

    def related(self, article_id: int, components: dict, *, limit: int) -> list[int]:
        """Ids of the ``limit`` articles most like this one, best first, never itself;
        ``components`` holds at least the ranked text of ``index_components()`` (id, title,
        lede, body). Optional: this default returns [] (no related articles), so an engine
        without it still serves every page."""
        return []

    @abstractmethod
    def version(self) -> str:
        """Changes whenever the stored documents do."""

    def warm_up(self) -> None:
        """Read now what the first search of a new worker would otherwise wait for."""
        return None

    def reset(self) -> None:
        """Forget every open reader (tests move the index between tests)."""
        return None

    def location(self) -> str:
        """Where the engine keeps its documents, for messages."""
        return self.name
