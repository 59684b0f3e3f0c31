"""A query evaluated over whole posting lists at once, one segment at a time, with numpy.

Whoosh answers a query by stepping its matchers one document at a time in Python, and a
result page walked a common word's postings twice (the exact set for totals and facets, then
scoring); the README's benchmark notes have the figures. Here each term's posting list is
decoded block by block (zlib and pickle, C code) into arrays, BM25F is computed for all of its
postings in one vectorized expression, and AND, OR and NOT are array operations over the
segment's documents: one pass gives the exact set and every score.

Scores are Whoosh's own: the same BM25F formula over the same statistics (global idf and average
field length from the top searcher, field lengths from the segment's length bytes), boosts and
sums as Whoosh's matchers apply them, so ranking does not change (a test compares both on every
query shape). Query types not handled here (prefixes, wildcards, fuzzy terms, numeric ranges,
anything new) are evaluated by Whoosh's own matcher for that part of the tree only, and so are
segments in a codec this module cannot read (in-memory indexes): every query works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import chain

import numpy as np
from whoosh.query import And, AndMaybe, AndNot, Every, Not, NullQuery, Or, Phrase, Query, Require, Term
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from search.backends.whoosh import internals, segments
from search.backends.whoosh.proximity import Proximity, near_docs
from search.backends.whoosh.schema import is_common, pair_token, pairs_field


@dataclass
class SegmentMatches:
    """The matching documents of one segment: a mask over its documents and, when scored,
    each document's score (0 where the mask is False)."""

    offset: int
    reader: object
    mask: np.ndarray
    scores: np.ndarray | None


class Matches:
    """Every match of a query over all segments of a searcher."""

    def __init__(self, parts: list[SegmentMatches]):
        self.parts = parts
        self.total = int(sum(np.count_nonzero(p.mask) for p in parts))

    def docnums(self) -> np.ndarray:
        """Global document numbers of the matches, in index order."""
        return _concat([np.flatnonzero(p.mask) + p.offset for p in self.parts])

    def ranked(self, stop: int) -> list[int]:
        """The best ``stop`` matches by score, ties in index order (as Whoosh's collector)."""
        docnums = self.docnums()
        scores = _concat([p.scores[p.mask] for p in self.parts], dtype=np.float64)
        if stop < len(scores):
            # Everything that scores at least the stop-th best; ties at the cut stay in.
            threshold = np.partition(scores, len(scores) - stop)[len(scores) - stop]
            keep = scores >= threshold
            docnums, scores = docnums[keep], scores[keep]
        order = np.lexsort((docnums, -scores))[:stop]
        return docnums[order].tolist()

    def by_column(self, fieldname: str, *, descending: bool, stop: int) -> list[int]:
        """The first ``stop`` matches ordered by a sortable column (ties: by the article's
        primary key, in the same direction)."""
        docnums = self.docnums()
        keys = _concat([segments.column(p.reader, fieldname)[p.mask] for p in self.parts])
        pks = _concat([segments.column(p.reader, "pk")[p.mask] for p in self.parts])
        if descending:
            keys, pks = -keys, -pks
        order = np.lexsort((pks, keys))[:stop]
        return docnums[order].tolist()

    def value_counts(self, fieldname: str) -> dict[str, int]:
        """How many matches carry each value of a keyword field."""
        counts: dict[str, int] = {}
        for p in self.parts:
            found = segments.value_table(p.reader, fieldname).counts(p.mask)
            if not counts:
                counts = dict(found)
                continue
            for value, n in found:
                counts[value] = counts.get(value, 0) + n
        return counts


def _concat(arrays: list[np.ndarray], dtype=np.int64) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def evaluate(searcher: Searcher, query: Query, *, scored: bool) -> Matches:
    """Every document ``query`` matches, with Whoosh's BM25F scores when ``scored``."""
    parts = []
    for leaf, offset in segments.leaves(searcher):
        segment = _Segment(searcher, leaf, scored)
        mask, scores = segment.node(query, scored)
        mask &= segment.live
        if scores is not None:
            scores = np.where(mask, scores, 0.0)
        parts.append(SegmentMatches(offset, leaf.reader(), mask, scores))
    segments.forget_other_segments(searcher)
    return Matches(parts)


class _Segment:
    """Evaluates query nodes over one segment; every node gives (mask, scores or None)."""

    def __init__(self, top: Searcher, leaf: Searcher, scored: bool):
        self.top, self.leaf, self.reader = top, leaf, leaf.reader()
        self.count = self.reader.doc_count_all()
        self.live = segments.live_mask(self.reader)
        self.direct = segments.readable(self.reader)
        weighting = top.weighting
        self.bm25 = weighting if isinstance(weighting, BM25F) else None
        self.context = top.context() if scored else top.boolean_context()

    def empty(self, scored: bool):
        return np.zeros(self.count, dtype=bool), np.zeros(self.count) if scored else None

    def node(self, q: Query, scored: bool):
        if q is NullQuery or isinstance(q, type(NullQuery)):
            return self.empty(scored)
        kind = type(q)
        if kind is Term and self.direct and (self.bm25 or not scored):
            return self.term(q, scored)
        if kind is And:
            return self.conjunction(q, scored)
        if kind is Or and not (q.minmatch or q.scale or any(isinstance(s, Not) for s in q.subqueries)):
            return self.disjunction(q, scored)
        if kind is AndNot:
            mask, scores = self.node(q.a, scored)
            exclude, _ = self.node(q.b, False)
            mask = mask & ~exclude
            return mask, _masked(scores, mask)
        if kind is AndMaybe:
            mask, scores = self.node(q.a, scored)
            if scored:
                _, extra = self.node(q.b, True)
                scores = scores + np.where(mask, extra, 0.0)
            return mask, scores
        if kind is Require:
            mask, scores = self.node(q.a, scored)
            needed, _ = self.node(q.b, False)
            mask = mask & needed
            return mask, _masked(scores, mask)
        if kind is Not:
            excluded, _ = self.node(q.query, False)
            mask = self.live & ~excluded
            return mask, mask.astype(np.float64) if scored else None
        if kind is Every and not q.fieldname:
            mask = self.live.copy()
            return mask, mask * float(q.boost) if scored else None
        if kind is Phrase and q.slop == 1 and self.direct and (self.bm25 or not scored):
            return self.phrase(q, scored)
        if kind is Proximity and self.direct and (self.bm25 or not scored):
            return self.proximity(q, scored)
        return self.whoosh(q, scored)

    # Leaves ----------------------------------------------------------------------------------

    def term_arrays(self, fieldname: str, text, scored: bool, *, values: bool = False):
        """(postings, scores of those postings or None) of one term in this segment."""
        if fieldname not in self.reader.schema:
            return segments.Postings.EMPTY, None
        found = segments.postings(self.reader, fieldname, text, values=values)
        if not scored:
            return found, None
        if not len(found.ids):
            return found, found.weights
        if not self.reader.schema[fieldname].scorable:
            return found, found.weights  # Whoosh's WeightScorer: the posting's weight
        B = internals.field_b(self.bm25, fieldname)
        K1 = self.bm25.K1
        idf = self.top.idf(fieldname, text)
        avgfl = self.top.avg_field_length(fieldname) or 1
        tf = found.weights
        fl = segments.field_lengths(self.reader, fieldname)[found.ids]
        # whoosh.scoring.bm25, operation for operation.
        return found, idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

    def term(self, q: Term, scored: bool):
        found, term_scores = self.term_arrays(q.fieldname, q.text, scored)
        mask = np.zeros(self.count, dtype=bool)
        mask[found.ids] = True
        if not scored:
            return mask, None
        scores = np.zeros(self.count)
        scores[found.ids] = term_scores if q.boost == 1.0 else term_scores * q.boost
        return mask, scores

    def phrase(self, q: Phrase, scored: bool):
        """Documents with the words at consecutive positions; the score is the sum of the
        words' term scores."""
        if q.fieldname not in self.reader.schema:
            return self.empty(scored)
        field = self.reader.schema[q.fieldname]
        if not field.format.supports("positions"):
            return self.whoosh(q, scored)
        words = [field.to_bytes(word) for word in q.words]
        terms = [self.term_arrays(q.fieldname, word, scored) for word in words]
        if any(not len(found.ids) for found, _ in terms):
            return self.empty(scored)
        docs = reduce(_intersect_sorted, [found.ids for found, _ in terms])
        if len(words) > 1:
            docs = np.unique(self.run_starts(q.fieldname, q.words, docs) >> 32)
        mask = np.zeros(self.count, dtype=bool)
        mask[docs] = True
        mask &= self.live
        if not scored:
            return mask, None
        scores = np.zeros(self.count)
        for found, term_scores in terms:
            scores[found.ids] += term_scores
        scores = np.where(mask, scores, 0.0)
        return mask, scores if q.boost == 1.0 else scores * q.boost

    def run_starts(self, fieldname: str, words: Sequence[str], docs: np.ndarray) -> np.ndarray:
        """Sorted ``doc << 32 | p`` of every place in ``docs`` where word i is at p + i for
        every i. Each part of the run gives (document, p) keys, intersected rarest first, and
        each intersection narrows the documents the next part is read for."""
        keys = None
        for part_field, text, shift in self.run_parts(fieldname, words):
            if keys is not None:
                docs = np.unique(keys >> 32)
            found = segments.postings(self.reader, part_field, text, values=True)
            present = _intersect_sorted(found.ids, docs)
            postings = np.searchsorted(found.ids, present)
            starts = _phrase_keys(present, [found.values[k] for k in postings.tolist()], shift)
            keys = starts if keys is None else _intersect_sorted(keys, starts)
            if not len(keys):
                break
        return keys if keys is not None else np.zeros(0, dtype=np.int64)

    def run_parts(self, fieldname: str, words: Sequence[str]) -> list[tuple[str, bytes, int]]:
        """(field, term, shift) parts that cover a run of words, rarest first: every pair of
        neighbours with a common word, from the field's pairs (``schema.text_pairs``), so a
        phrase with "the" never reads the positions of "the"; then each word no pair covers."""
        pairs = pairs_field(fieldname)
        parts, covered = [], set()
        if pairs in self.reader.schema:
            for i in range(len(words) - 1):
                if is_common(words[i]) or is_common(words[i + 1]):
                    parts.append((pairs, pair_token(words[i], words[i + 1]).encode("utf-8"), i))
                    covered |= {i, i + 1}
        parts += [(fieldname, word.encode("utf-8"), i) for i, word in enumerate(words)
                  if i not in covered]
        return sorted(parts, key=lambda part: self.reader.doc_frequency(part[0], part[1]))

    def proximity(self, q: Proximity, scored: bool):
        """Documents where each operand occurs near the next (``search.backends.whoosh.
        proximity``); the score is the sum of the term scores of the words found."""
        if q.fieldname not in self.reader.schema:
            return self.empty(scored)
        field = self.reader.schema[q.fieldname]
        if not field.format.supports("positions"):
            return self.whoosh(q, scored)
        starts, ends, scores = [], [], np.zeros(self.count) if scored else None
        for operand in q.operands:
            operand_starts = []
            for run in operand:
                terms = [self.term_arrays(q.fieldname, field.to_bytes(word), scored, values=True)
                         for word in run]
                if any(not len(found.ids) for found, _ in terms):
                    continue
                docs = reduce(np.intersect1d, [found.ids for found, _ in terms])
                keys = self.run_starts(q.fieldname, run, docs) if len(docs) else docs
                if not len(keys):
                    continue
                operand_starts.append((keys, keys + (len(run) - 1)))
                if scored:
                    for found, term_scores in terms:
                        scores[found.ids] += term_scores
            if not operand_starts:
                return self.empty(scored)
            starts.append(_union([k for k, _ in operand_starts]))
            ends.append(_union([e for _, e in operand_starts]))
        mask = np.zeros(self.count, dtype=bool)
        mask[near_docs(starts, ends, distance=q.distance, ordered=q.ordered,
                       paragraph=q.paragraph)] = True
        if not scored:
            return mask, None
        return mask, _boosted(np.where(mask, scores, 0.0), q.boost)

    def whoosh(self, q: Query, scored: bool):
        """Whoosh's own matcher for this node (query types this module does not evaluate)."""
        mask = np.zeros(self.count, dtype=bool)
        scores = np.zeros(self.count) if scored else None
        matcher = q.matcher(self.leaf, self.context)
        if not scored:
            ids = np.fromiter(matcher.all_ids(), dtype=np.int64)
            mask[ids] = True
            return mask, None
        while matcher.is_active():
            docnum = matcher.id()
            mask[docnum] = True
            scores[docnum] = matcher.score()
            matcher.next()
        return mask, scores

    # Compounds -------------------------------------------------------------------------------

    def conjunction(self, q: And, scored: bool):
        positive = [s for s in q.subqueries if not isinstance(s, Not)]
        negative = [s.query for s in q.subqueries if isinstance(s, Not)]
        if not positive:
            return self.whoosh(q, scored)
        mask, scores = self.node(positive[0], scored)
        for sub in positive[1:]:
            if not mask.any():
                break
            sub_mask, sub_scores = self.node(sub, scored)
            mask &= sub_mask
            if scored:
                scores += sub_scores
        for sub in negative:
            excluded, _ = self.node(sub, False)
            mask &= ~excluded
            if scored:
                scores += 1.0  # Whoosh's InverseMatcher scores its weight, 1, for every match
        return mask, _boosted(_masked(scores, mask), q.boost)

    def disjunction(self, q: Or, scored: bool):
        mask, scores = self.empty(scored)
        for sub in q.subqueries:
            sub_mask, sub_scores = self.node(sub, scored)
            mask |= sub_mask
            if scored:
                scores += sub_scores
        return mask, _boosted(scores, q.boost)


def _masked(scores, mask):
    return None if scores is None else np.where(mask, scores, 0.0)


def _boosted(scores, boost: float):
    return scores if scores is None or boost == 1.0 else scores * boost


def _phrase_keys(docs: np.ndarray, values: list[bytes], shift: int) -> np.ndarray:
    """Sorted unique ``doc << 32 | (position - shift)`` for every position of every posting."""
    deltas = [internals.position_deltas(value) for value in values]
    lengths = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
    flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(lengths.sum()))
    running = np.cumsum(flat)
    firsts = np.cumsum(lengths) - lengths  # where each posting's deltas begin
    base = np.repeat(running[firsts] - flat[firsts], lengths)  # the running sum before it
    positions = running - base - shift
    keys = (np.repeat(docs, lengths) << 32) | positions
    # Documents ascend and each posting's positions ascend: the keys are sorted and unique
    # already. A position before ``shift`` cannot start the run, so it is left out.
    return keys[positions >= 0]


def _union(arrays: list[np.ndarray]) -> np.ndarray:
    return arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))


def _intersect_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both sorted unique arrays: the smaller searched in the larger, without
    sorting the two together (a common word's positions run to millions)."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    index = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return a[b[index] == a]
