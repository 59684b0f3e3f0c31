"""The index directory, with a grace period before Whoosh deletes a merged-away segment.

Segments are uncompounded (fast commits and searcher opens), and a Whoosh reader
opens a segment's column files lazily, on first use. When another process commits a merge,
Whoosh deletes the old segment's files at once, so a searcher opened a moment earlier finds
its stored fields gone in the middle of a request (seen under concurrent uploads: 503s from
``stored_fields``). Here a segment file is deleted only once it has been unused for
``GRACE_SECONDS``, far longer than any request, so every searcher that could still read it has
been replaced. Whoosh retries the deletion at every commit; the first time each file was found
unused is kept in a small file beside the index, written under the index write lock.
"""

import json
import os
import re
import time
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from search.backends.whoosh.internals import storage_path

GRACE_SECONDS = 300.0
GRAVEYARD = "dossier-unused-since.json"
SEGMENT_FILE = re.compile(r"^[A-Za-z0-9]+_[0-9a-z]+\.")  # MAIN_<segment id>.<part>, never a TOC


class GracefulStorage(FileStorage):
    """A FileStorage whose segment files outlive their last commit by ``GRACE_SECONDS``."""

    _record: dict[str, float] | None = None
    _record_stamp: float | None = None

    def delete_file(self, name: str) -> None:
        if not SEGMENT_FILE.match(name):
            return super().delete_file(name)
        unused_since, now = self._unused_since(), time.time()
        if name in unused_since and now - unused_since[name] < GRACE_SECONDS:
            return  # still within its grace period: nothing changed
        if now - unused_since.setdefault(name, now) >= GRACE_SECONDS:
            super().delete_file(name)
            del unused_since[name]
        self._save()

    def _unused_since(self) -> dict[str, float]:
        """The record, read once per commit (Whoosh calls delete_file for every unused file)."""
        path = Path(storage_path(self, GRAVEYARD))
        stamp = path.stat().st_mtime_ns if path.exists() else None
        if self._record is None or stamp != self._record_stamp:
            try:
                record = json.loads(path.read_text())
            except (OSError, ValueError):
                record = {}
            self._record = {name: when for name, when in record.items() if self.file_exists(name)}
            self._record_stamp = stamp
        return self._record

    def _save(self) -> None:
        path = Path(storage_path(self, GRAVEYARD))
        temporary = path.with_name(f"{GRAVEYARD}.{os.getpid()}")
        temporary.write_text(json.dumps(self._record))
        os.replace(temporary, path)
        self._record_stamp = path.stat().st_mtime_ns
