"""Finding a damaged Whoosh index before a reader does: a manifest of segment file sizes.

Whoosh writes a segment's files before the TOC that names them and never changes them after,
so a file shorter than recorded after its commit (a crash, a full disk, a careless copy) is
damage. One process repairs at a time (a lock file); the others wait and find it whole.
"""

from __future__ import annotations

import json
import os
import threading
from collections import deque
from collections.abc import Callable

from whoosh.index import TOC, Index

from search.backends.whoosh import index
from search.backends.whoosh.internals import segment_file_pattern
from search.backends.whoosh.storage import GracefulStorage

MANIFEST = "dossier-manifest.json"


def segment_files(ix: Index) -> tuple[int, dict[str, int]]:
    """The index's newest generation and the name and size of every file its segments use."""
    toc = TOC.read(ix.storage, ix.indexname)
    segments = {seg.segment_id() for seg in toc.segments}
    pattern = segment_file_pattern(ix.indexname)
    files = {name: ix.storage.file_length(name) for name in ix.storage.list()
             if (m := pattern.match(name)) and m.group(1) in segments}
    return toc.generation, files


def write_manifest(ix: Index) -> None:
    """Record, after each commit, the size of every segment file that commit left in use.
    Written beside the index and renamed into place, so a reader never sees half of it."""
    generation, files = segment_files(ix)
    path = index.index_dir() / MANIFEST
    temporary = path.with_name(f"{MANIFEST}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(json.dumps({"generation": generation, "files": files}))
    os.replace(temporary, path)


def verify_index() -> str | None:
    """What is wrong with the index on disk, in words, or None when it is whole."""
    if not index.has_index_files():
        return "there is no TOC file (the index is missing or was deleted)"
    try:
        ix = index.open_existing()
        generation, files = segment_files(ix)
    except Exception as error:
        return f"it cannot be opened ({type(error).__name__}: {error})"
    if not index.current_schema(ix.schema):
        return "it was built by an older version of Dossier, whose fields differ from this one's"
    try:
        record = json.loads((index.index_dir() / MANIFEST).read_text())
    except (OSError, ValueError):
        record = {}
    if record.get("generation") != generation:
        # Committed by a process that died before writing the manifest: read the files.
        return _read_segment_ends(ix)
    for name, size in record["files"].items():
        if files.get(name) != size:
            return f"segment file {name} has {files.get(name, 'no')} bytes instead of {size}"
    return None


def _read_segment_ends(ix: Index) -> str | None:
    """Read each segment's stored fields, columns and last posting list of every field: a
    truncated file fails here rather than in the middle of somebody's search."""
    try:
        with ix.searcher() as searcher:
            for reader, _ in searcher.reader().leaf_readers():
                for docnum in reader.all_doc_ids():
                    reader.stored_fields(docnum)
                for name in ix.schema.names():
                    if reader.has_column(name):
                        list(reader.column_reader(name))
                for name in reader.indexed_field_names():
                    for last in deque(reader.lexicon(name), maxlen=1):
                        list(reader.postings(name, last).all_ids())
    except Exception as error:
        return f"reading it failed ({type(error).__name__}: {error})"
    return None


def repair_if_damaged(rebuild: Callable[[], None]) -> str | None:
    """Rebuild a missing or damaged index; returns what was wrong. Readers keep their open
    searchers until the rebuilt index commits."""
    if not verify_index():
        return None
    lock = GracefulStorage(str(index.ensure_dir())).lock("REPAIRLOCK")
    lock.acquire(blocking=True)
    try:
        problem = verify_index()
        if problem:
            index.logger.error("Search index at %s is damaged: %s. Rebuilding it from the "
                               "database.", index.index_dir(), problem)
            rebuild()
    finally:
        lock.release()
    return problem
