"""Dossier's own query tree: what a user asked for, before any engine reads it.

The parser (``search.parsing``) builds it from the query language; each engine compiles it
into its own query (``search.backends``). Words are kept as typed: stemming, stop words and
case are the engine's analysis, so two engines may read the same tree differently where their
languages differ, but never differently in its logic.

``field`` is None for the ranked text (title over lede over body) or one of ``FIELDS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Fields a user may name in a query ("author:lain"); anything else is read as words.
FIELDS = ("title", "lede", "body", "author", "outlet", "topic")


@dataclass(frozen=True)
class Node:
    """A part of a query."""

    def children(self) -> tuple[Node, ...]:
        return ()

    def leaves(self) -> Iterator[Node]:
        """Every word-level node under this one, left to right."""
        kids = self.children()
        if not kids:
            yield self
        for child in kids:
            yield from child.leaves()


@dataclass(frozen=True)
class Term(Node):
    """One word ("trump"); a word the engine splits ("sarah-lain") means all its parts."""

    word: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase(Node):
    """Words in this order, each within ``slop`` positions of the one before ("a b"~N)."""

    words: str
    field: str | None = None
    slop: int = 1


@dataclass(frozen=True)
class Prefix(Node):
    """Words beginning with ``text`` ("flyn*")."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Wildcard(Node):
    """Words matching a pattern with ``*`` (any run) and ``?`` (one character)."""

    pattern: str
    field: str | None = None


@dataclass(frozen=True)
class Fuzzy(Node):
    """Words within ``distance`` edits of ``word`` sharing its first ``prefix`` letters."""

    word: str
    field: str | None = None
    distance: int = 1
    prefix: int = 0


@dataclass(frozen=True)
class And(Node):
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Or(Node):
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Not(Node):
    """Everything but ``item``; inside an And, "and not"."""

    item: Node

    def children(self) -> tuple[Node, ...]:
        return (self.item,)


@dataclass(frozen=True)
class Near(Node):
    """Each item within ``distance`` words of the next (``ordered``: after it), or in the same
    paragraph (``paragraph``). Items are words, phrases, or ORs of words and phrases."""

    items: tuple[Node, ...]
    distance: int
    ordered: bool = False
    paragraph: bool = False

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class MatchAll(Node):
    """Every article (a search with filters and no words)."""
