"""What can be read once per index segment and kept: Whoosh segments never change once written.

Posting lists, field lengths, sortable columns and facet tables of a segment are the same for as
long as the segment exists; only its set of deleted documents grows, and that is read per search
(``live_mask``). Tables of segments merged away are dropped whenever a searcher over the current
segments asks (``forget_other_segments``), so memory follows the live index.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
from django.conf import settings
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search.backends.whoosh import internals

_cache: dict[tuple[str, str], Any] = {}  # (segment id, what) -> value
_lock = threading.Lock()

# Whoosh stores a field's length per document as one byte on a logarithmic scale.
_BYTE_LENGTHS = np.array([byte_to_length(b) or 0 for b in range(256)], dtype=np.float64)


def leaves(searcher: Searcher) -> list[tuple[Searcher, int]]:
    """(segment searcher, document number offset) for every segment of ``searcher``."""
    return searcher.subsearchers or [(searcher, 0)]


def segment_id(reader) -> str:
    segment = reader.segment() if hasattr(reader, "segment") else None
    return segment.segment_id() if segment is not None else f"reader-{id(reader)}"


def cached(reader, what: str, build: Callable[[], Any]) -> Any:
    """``build()`` for this segment, computed once."""
    key = (segment_id(reader), what)
    value = _cache.get(key)
    if value is None:
        value = build()
        with _lock:
            _cache[key] = value
    return value


_last_live: frozenset[str] = frozenset()


def forget_other_segments(searcher: Searcher) -> None:
    """Drop what was kept for segments that are no longer in the index. The caches are
    walked only when the set of segments changed (a commit), not on every query."""
    global _last_live
    live = frozenset(segment_id(leaf.reader()) for leaf, _ in leaves(searcher))
    if live == _last_live:
        return
    with _lock:
        for key in [k for k in _cache if k[0] not in live]:
            del _cache[key]
    POSTINGS_CACHE.forget(live)
    _last_live = live


def live_mask(reader) -> np.ndarray:
    """True for every document of the segment that is not deleted."""
    count = reader.doc_count_all()
    mask = np.ones(count, dtype=bool)
    if isinstance(reader, SegmentReader):
        deleted = reader.deleted_docs_set
    else:
        deleted = {docnum for docnum in range(count) if reader.is_deleted(docnum)}
    if deleted:
        mask[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = False
    return mask


def readable(reader) -> bool:
    """Whether this module can read the segment's files directly (Whoosh's own on-disk codec)."""
    return internals.readable(reader)


class Postings:
    """One term's whole posting list in a segment: document numbers, weights, and (on request)
    the encoded positions, decoded block by block with zlib and pickle (C code) instead of
    posting by posting through a matcher."""

    __slots__ = ("ids", "weights", "values")

    def __init__(self, ids: np.ndarray, weights: np.ndarray, values: list | None):
        self.ids, self.weights, self.values = ids, weights, values

    EMPTY: Postings


Postings.EMPTY = Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64), [])


class PostingsCache:
    """The most recently used decoded posting lists, up to a size in bytes.

    Decoding is most of a common word's result page (zlib and unpickling of every block, the
    positions included: Whoosh stores them in the same pickle), and the same words come back as
    a reader pages through results or narrows them by facets. Segments never change, so an
    entry is never stale; deleted documents are masked per search; entries of merged-away
    segments are dropped with the segment's other tables. Lists with positions (phrases) are
    not kept: they are several times larger.
    """

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple, Postings] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def limit() -> int:
        return settings.DOSSIER_POSTINGS_CACHE_MB * 2**20

    def get(self, key: tuple) -> Postings | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple, found: Postings) -> None:
        size = found.ids.nbytes + found.weights.nbytes
        limit = self.limit()
        if size > limit:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = found
            self._bytes += size
            while self._bytes > limit:
                _, old = self._entries.popitem(last=False)
                self._bytes -= old.ids.nbytes + old.weights.nbytes

    def forget(self, live_segments: set[str]) -> None:
        with self._lock:
            for key in [k for k in self._entries if k[0] not in live_segments]:
                old = self._entries.pop(key)
                self._bytes -= old.ids.nbytes + old.weights.nbytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes


POSTINGS_CACHE = PostingsCache()


def postings(reader, fieldname: str, text, *, values: bool = False) -> Postings:
    """The term's postings in a segment that ``readable`` accepted (deleted documents included:
    callers mask them with ``live_mask``)."""
    if values:
        return _decode(reader, fieldname, text, values=True)
    key = (segment_id(reader), fieldname, text.encode("utf-8") if isinstance(text, str) else text)
    found = POSTINGS_CACHE.get(key)
    if found is None:
        found = _decode(reader, fieldname, text, values=False)
        POSTINGS_CACHE.put(key, found)
    return found


def _decode(reader, fieldname: str, text, *, values: bool) -> Postings:
    try:
        info = reader.term_info(fieldname, text)
    except TermNotFound:
        return Postings.EMPTY
    if info.is_inlined():
        ids, weights, vals = info.inlined_postings()
        return Postings(np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64),
                        list(vals) if values else None)
    deltas: list[int] = []
    weights: list[float] = []
    vals: list = []
    previous_max = 0
    for block_ids, block_weights, block_values, count, last_id in internals.posting_blocks(
            reader, fieldname, info):
        start = len(deltas)
        deltas.extend(block_ids)
        deltas[start] -= previous_max  # each block's ids are deltas from 0
        previous_max = last_id
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        if values:
            vals.extend(block_values if block_values is not None else [None] * count)
    return Postings(np.cumsum(np.array(deltas, dtype=np.int64)),
                    np.array(weights, dtype=np.float64), vals if values else None)


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Each document's length in the field, exactly as Whoosh's scorer reads it."""

    def build() -> np.ndarray:
        count = reader.doc_count_all()
        raw = internals.length_bytes(reader, fieldname)
        if raw is None:
            return np.ones(count, dtype=np.float64)
        codes = np.zeros(count, dtype=np.uint8)
        codes[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)
        return _BYTE_LENGTHS[codes]

    return cached(reader, f"lengths:{fieldname}", build)


def column(reader, fieldname: str) -> np.ndarray:
    """A sortable column's value for every document of the segment."""

    def build() -> np.ndarray:
        if not reader.doc_count_all():
            return np.zeros(0, dtype=np.int64)
        return np.array(list(reader.column_reader(fieldname)), dtype=np.int64)

    return cached(reader, f"column:{fieldname}", build)


class ValueTable:
    """A keyword field's (document, value) pairs in a segment, for counting facets with
    ``np.bincount`` over any set of documents."""

    __slots__ = ("values", "pair_docs", "pair_codes")

    def __init__(self, values: list[str], pair_docs: np.ndarray, pair_codes: np.ndarray):
        self.values, self.pair_docs, self.pair_codes = values, pair_docs, pair_codes

    def counts(self, mask: np.ndarray) -> list[tuple[str, int]]:
        """(value, documents of ``mask`` carrying it) for every value carried at least once."""
        if not self.values:
            return []
        counted = np.bincount(self.pair_codes[mask[self.pair_docs]], minlength=len(self.values))
        present = np.flatnonzero(counted)
        return list(zip(map(self.values.__getitem__, present.tolist()), counted[present].tolist(),
                        strict=True))


def value_table(reader, fieldname: str) -> ValueTable:
    def build() -> ValueTable:
        values, docs, codes = [], [], []
        if fieldname in reader.indexed_field_names():
            direct = readable(reader)
            for term in reader.lexicon(fieldname):
                ids = (postings(reader, fieldname, term).ids if direct
                       else np.fromiter(reader.postings(fieldname, term).all_ids(), dtype=np.int64))
                docs.append(ids)
                codes.append(np.full(len(ids), len(values), dtype=np.int64))
                values.append(term.decode("utf-8") if isinstance(term, bytes) else term)
        empty = np.zeros(0, dtype=np.int64)
        return ValueTable(values, np.concatenate(docs) if docs else empty,
                          np.concatenate(codes) if codes else empty)

    return cached(reader, f"values:{fieldname}", build)
