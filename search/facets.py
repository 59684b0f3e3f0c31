"""Facet counts over a whole result set, from per-segment tables of each document's values.

Whoosh's ``groupedby=`` categorizes every matching document through several layers of Python
per facet and was the dominant cost of a result page (WHOOSH.md; our profile at 10k: 83% of a
common-word search). Segments never change once written, so each segment's document→values
table is built once from the postings and kept; a result set is then counted with one pass
over its document numbers. Deleted documents are never in a result set, so the stale rows
they leave in a table are harmless.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from collections.abc import Sequence
from itertools import chain

from whoosh.searching import Searcher

FACET_FIELDS = {"author": "author_slug", "outlet": "outlet_slug", "topic": "topic_slug",
                "month": "month"}

_tables: dict[tuple[str, str], list[tuple[str, ...]]] = {}  # (segment id, field) -> rows
_lock = threading.Lock()


def facet_counts(searcher: Searcher, docnums: Sequence[int]) -> dict[str, Counter]:
    """How many of ``docnums`` carry each value of each facet field."""
    return {name: Counter(chain.from_iterable(map(values_by_docnum(searcher, field).__getitem__,
                                                  docnums)))
            for name, field in FACET_FIELDS.items()}


def sorted_page(searcher: Searcher, docnums: Sequence[int], *, newest: bool,
                start: int, stop: int) -> list[int]:
    """Docnums ``start:stop`` of the result set by date (ties: latest added first), picked
    from the cached date columns without scoring or sorting every match."""
    column = column_by_docnum(searcher, "newest" if newest else "oldest")
    pks = column_by_docnum(searcher, "pk")

    def key(docnum: int) -> tuple[int, int]:
        return column[docnum], pks[docnum]

    pick = heapq.nlargest if newest else heapq.nsmallest
    return pick(stop, docnums, key=key)[start:stop]


def column_by_docnum(searcher: Searcher, fieldname: str) -> list:
    """A sortable column's value for every document number (cached per segment)."""
    rows: list = []
    for leaf, _offset in searcher.subsearchers or [(searcher, 0)]:
        reader = leaf.reader()
        key = (_segment_id(reader), f"column:{fieldname}")
        table = _tables.get(key)
        if table is None:
            table = list(reader.column_reader(fieldname)) if reader.doc_count_all() else []
            with _lock:
                _tables[key] = table
        rows.extend(table)
    return rows


def values_by_docnum(searcher: Searcher, fieldname: str) -> list[tuple[str, ...]]:
    """For every document number of the searcher, the field's values (terms)."""
    leaves = searcher.subsearchers or [(searcher, 0)]
    rows: list[tuple[str, ...]] = []
    for leaf, _offset in leaves:  # offsets are the running total of the leaves before
        rows.extend(_segment_table(leaf.reader(), fieldname))
    _forget_other_segments({_segment_id(leaf.reader()) for leaf, _ in leaves})
    return rows


def _segment_id(reader) -> str:
    segment = reader.segment()
    return segment.segment_id() if segment is not None else str(id(reader))


def _segment_table(reader, fieldname: str) -> list[tuple[str, ...]]:
    key = (_segment_id(reader), fieldname)
    table = _tables.get(key)
    if table is None:
        table = [()] * reader.doc_count_all()
        if fieldname in reader.indexed_field_names():
            for term in reader.lexicon(fieldname):
                value = term.decode("utf-8") if isinstance(term, bytes) else term
                for docnum in reader.postings(fieldname, term).all_ids():
                    table[docnum] += (value,)
        with _lock:
            _tables[key] = table
    return table


def _forget_other_segments(live: set[str]) -> None:
    """Drop the tables of segments merged away since (bounded memory across commits)."""
    with _lock:
        for key in [k for k in _tables if k[0] not in live]:
            del _tables[key]
