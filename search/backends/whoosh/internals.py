"""Every use of a private part of Whoosh, in one place, checked against the pinned version.

Search reads Whoosh 2.7.5's on-disk codec directly (posting blocks, field-length bytes,
pickled positions, BM25F's per-field B) because stepping Whoosh's matchers one document at a
time was most of a result page. Those parts are not Whoosh's public API and the fork we pin is
no longer maintained, so nothing upstream guards them: ``check_version()`` runs when the app
starts, and this module's tests pin each contact. Anything else in the backend uses Whoosh's
public API or its extension points (a codec, a storage subclass).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pickle import loads

import whoosh
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3Codec,
    W3LeafMatcher,
    W3PerDocReader,
    W3TermsReader,
    _lenfield,
)
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader

PINNED = (2, 7, 5)
_INT_SIZE = 4  # the frequency that prefixes each posting's encoded positions


def check_version() -> str | None:
    """What is wrong with the installed Whoosh for this module, in words, or None."""
    if tuple(whoosh.__version__[:3]) != PINNED:
        found = ".".join(map(str, whoosh.__version__))
        return (f"Dossier's Whoosh backend reads Whoosh {'.'.join(map(str, PINNED))}'s private "
                f"codec, but Whoosh {found} is installed. Install the pinned version "
                f"(pip install -r requirements.txt: whoosh-reloaded==2.7.5), or update "
                f"search/backends/whoosh/internals.py and its tests for {found}.")
    return None


# Reading segments directly ---------------------------------------------------------------------


def readable(reader) -> bool:
    """Whether a segment is in the codec this module reads (not an in-memory index)."""
    return isinstance(reader, SegmentReader) and isinstance(reader._terms, W3TermsReader)


def posting_blocks(reader, fieldname: str, info) -> Iterator[tuple[list, object, list | None, int]]:
    """(document number deltas, weights, encoded values, last id of the block) of every block
    of a term's posting list, decoded block by block (zlib and pickle: C code)."""
    offset, length = info.extent()
    matcher = W3LeafMatcher(reader._terms._postfile, offset, length,
                            reader.schema[fieldname].format)
    while True:
        matcher._read_data()
        ids, weights, values = matcher._data
        yield ids, weights, values, matcher._blocklength, matcher._maxid
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


def length_bytes(reader, fieldname: str) -> bytes | None:
    """Each document's field length as Whoosh stores it (one byte, log scale), or None."""
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    return column._dbfile.get(column._basepos, column._count) if column._count else b""


def field_b(weighting, fieldname: str) -> float:
    """BM25F's length normalization for one field."""
    return weighting._field_B.get(fieldname, weighting.B)


def position_deltas(value: bytes) -> list[int]:
    """One posting's position deltas, as ``whoosh.formats.Positions.decode_positions`` reads
    them (a frequency, then pickled deltas whose final stop byte may have been dropped)."""
    return loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")


# Files -----------------------------------------------------------------------------------------


def segment_file_pattern(indexname: str) -> re.Pattern:
    """The names of a segment's files, with the segment id as group 1."""
    return TOC._segment_pattern(indexname)


def storage_path(storage: FileStorage, name: str) -> str:
    return storage._fpath(name)


# The codec: Whoosh's own, remembering missing columns ----------------------------------------


class _PerDocReader(W3PerDocReader):
    """Whoosh looks a field's length column up through the storage (a ``stat``) for every
    posting it writes at commit and remembers only columns that exist, so every posting of the
    unscored filter fields asked the file system again. Segments never gain
    a column once written, so remembering misses too is exact."""

    def _cached_reader(self, fieldname, column):
        misses = self.__dict__.setdefault("_dossier_missing", set())
        if fieldname in misses:
            return None
        found = super()._cached_reader(fieldname, column)
        if found is None:
            misses.add(fieldname)
        return found


class DossierCodec(W3Codec):
    """Whoosh 3's codec with the reader above; segments written with it remember it."""

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)
