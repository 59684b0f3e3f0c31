"""Proximity in the Whoosh index: words or phrases within N words, in order, or in one paragraph.

``Proximity`` is one field's proximity query. Its operands are alternatives ("trump OR
\"donald trump\"" is one operand), each a run of indexed words. The numpy evaluator reads it
from the posting positions (``occurrences`` and ``near_docs``); anything else (a segment it
cannot read) runs Whoosh's own span matcher over the same operands, where "same paragraph"
is within half a paragraph step.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from whoosh import query as wq
from whoosh.query.spans import SpanNear2, SpanOr

from search.backends.whoosh.schema import PARAGRAPH_STEP

Operand = tuple[tuple[str, ...], ...]  # alternatives, each a run of indexed words


class Proximity(SpanNear2):
    """Operands within ``distance`` words of the next (``ordered``: each before the next), or
    in the same paragraph (``paragraph``)."""

    def __init__(self, fieldname: str, operands: Sequence[Operand], distance: int, *,
                 ordered: bool = False, paragraph: bool = False, boost: float = 1.0):
        self.fieldname = fieldname
        self.operands = tuple(tuple(tuple(run) for run in operand) for operand in operands)
        self.distance, self.paragraph, self.boost = distance, paragraph, boost
        slop = PARAGRAPH_STEP // 2 if paragraph else distance
        super().__init__([_span_operand(fieldname, op) for op in self.operands], slop=slop,
                         ordered=ordered and not paragraph, mindist=1)

    def __repr__(self) -> str:
        return (f"Proximity({self.fieldname!r}, {self.operands!r}, {self.distance}, "
                f"ordered={self.ordered}, paragraph={self.paragraph})")

    def __eq__(self, other) -> bool:
        return (type(other) is type(self) and self.fieldname == other.fieldname
                and self.operands == other.operands and self.distance == other.distance
                and self.ordered == other.ordered and self.paragraph == other.paragraph
                and self.boost == other.boost)

    def __hash__(self) -> int:
        return hash((self.fieldname, self.operands, self.distance, self.ordered, self.paragraph))

    def apply(self, fn) -> Proximity:
        return self  # its operands are words, not queries to rewrite

    def normalize(self) -> Proximity:
        return self

    def leaves(self) -> Iterator[wq.Term]:
        for operand in self.operands:
            for run in operand:
                for word in run:
                    yield wq.Term(self.fieldname, word)

    def iter_all_terms(self, phrases: bool = True) -> Iterator[tuple[str, str]]:
        for term in self.leaves():
            yield term.fieldname, term.text

    def matcher(self, searcher, context=None):
        matcher = super().matcher(searcher, context)
        if self.boost != 1.0:
            from whoosh.matching import WrappingMatcher

            matcher = WrappingMatcher(matcher, boost=self.boost)
        return matcher


def _span_operand(fieldname: str, operand: Operand) -> wq.Query:
    runs = [wq.Term(fieldname, run[0]) if len(run) == 1
            else SpanNear2([wq.Term(fieldname, w) for w in run], slop=1, ordered=True)
            for run in operand]
    return runs[0] if len(runs) == 1 else SpanOr(runs)


def near_docs(starts: list[np.ndarray], ends: list[np.ndarray], *, distance: int,
              ordered: bool, paragraph: bool) -> np.ndarray:
    """Documents where each operand occurs near the next. ``starts``/``ends`` are, per
    operand, the sorted ``doc << 32 | position`` keys of where its occurrences begin and end."""
    docs = None
    for i in range(len(starts) - 1):
        if paragraph:
            found = np.intersect1d(starts[i] >> 16, starts[i + 1] >> 16) >> 16
        else:
            found = _before(ends[i], starts[i + 1], distance)
            if not ordered:
                found = np.union1d(found, _before(ends[i + 1], starts[i], distance))
        docs = found if docs is None else np.intersect1d(docs, found)
        if not len(docs):
            break
    return np.unique(docs) if docs is not None else np.zeros(0, dtype=np.int64)


def _before(first_ends: np.ndarray, second_starts: np.ndarray, distance: int) -> np.ndarray:
    """Documents where some occurrence of the second begins 1 to ``distance`` positions after
    an occurrence of the first ends."""
    if not len(first_ends) or not len(second_starts):
        return np.zeros(0, dtype=np.int64)
    index = np.searchsorted(first_ends, second_starts - distance, side="left")
    inside = index < len(first_ends)
    close = np.zeros(len(second_starts), dtype=bool)
    close[inside] = first_ends[index[inside]] <= second_starts[inside] - 1
    return np.unique(second_starts[close] >> 32)
