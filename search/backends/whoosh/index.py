"""Opening the Whoosh index and keeping one searcher per thread, reopened after commits."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh.index import Index, LockError
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for

from search.backends.whoosh.schema import build_schema
from search.backends.whoosh.storage import GracefulStorage

logger = logging.getLogger(__name__)

WRITER_TIMEOUT = 120.0  # seconds to wait for another process's writer; never 0
WRITER_DELAY = 0.25


def index_dir() -> Path:
    return Path(settings.DOSSIER_INDEX_DIR)


def index_exists() -> bool:
    return whoosh_index.exists_in(str(index_dir()))


def storage() -> GracefulStorage:
    return GracefulStorage(str(index_dir()))


def open_existing(attempts: int = 3) -> Index:
    """The index as last committed. Opening lists the newest TOC and then reads it; a commit
    in between replaces that TOC, so a failure is retried before it counts as damage."""
    for attempt in range(attempts):
        try:
            return storage().open_index()
        except Exception:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


def has_index_files() -> bool:
    """Whether an index was ever written here (a directory listing, cheap per request)."""
    return any(index_dir().glob("_MAIN_*.toc"))


def open_index() -> Index:
    """The index; a missing or unreadable one is rebuilt from the database, loudly."""
    from search import outbox  # the rebuild reads the database: engine-neutral code

    if not has_index_files():
        logger.warning("No search index at %s yet: building it from the database.", index_dir())
        outbox.rebuild()
        return open_existing()
    try:
        return open_existing()
    except Exception:  # EmptyIndexError, a truncated TOC, unpickling garbage...
        logger.error("Search index at %s cannot be opened: rebuilding it from the database.",
                     index_dir(), exc_info=True)
        outbox.rebuild()
        return open_existing()


def create_index(*, force: bool = False) -> Index:
    """A new empty index (under a lock, so two processes never wipe each other's work)."""
    path = ensure_dir()
    lock = storage().lock("CREATELOCK")
    if not try_for(lock.acquire, timeout=WRITER_TIMEOUT, delay=WRITER_DELAY):
        raise LockError(f"Could not lock {path} to create the index.")
    try:
        if not force:
            try:
                return open_existing()
            except Exception:
                logger.info("Creating a new search index at %s.", path)
        return storage().create_index(build_schema())
    finally:
        lock.release()


def current_schema(schema) -> bool:
    """Whether an index was created with this code's schema: the same fields, of the same
    classes. A rebuild writes with the schema of the index it clears, so a new field class
    would otherwise never take effect (and Whoosh's own ``==`` ignores field classes and never
    finds two sortable columns equal)."""
    current = build_schema()
    return schema.names() == current.names() and all(
        type(schema[name]) is type(current[name]) for name in current.names())


def ensure_dir() -> Path:
    path = index_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


# One searcher per thread: a Whoosh searcher reads its segment files through shared file
# objects, and two gunicorn threads reading through one at once corrupt each other's reads
# (zlib errors, unpickling errors under load). Each thread reuses its own across requests.
_local = threading.local()
_all_searchers: list[Searcher] = []  # so reset_searchers() can close every thread's searcher
_registry_lock = threading.Lock()


def get_searcher() -> Searcher:
    """This thread's searcher, reopened when another writer has committed.

    Only a thread with no searcher at all builds a missing index; once serving, a failed
    reopen keeps the searcher it has (and logs): a web request never rebuilds a live index.
    """
    key = str(index_dir())
    searcher = getattr(_local, "searchers", {}).get(key)
    if searcher is None:
        searcher = _remember(key, open_index().searcher())
    elif not _up_to_date(searcher):
        # Not searcher.refresh(): it reuses segment readers and so misses deletions
        # (update_document) in segments it already had. A fresh open of an uncompounded
        # index costs milliseconds.
        try:
            fresh = open_existing().searcher()
        except Exception:
            logger.error("Search index at %s cannot be reopened; serving the previous "
                         "version. Run manage.py sync_index.", key, exc_info=True)
        else:
            _forget(searcher)
            searcher = _remember(key, fresh)
    return searcher


def _remember(key: str, searcher: Searcher) -> Searcher:
    _local.searchers = {key: searcher}  # a test that moves the index forgets the old one
    with _registry_lock:
        _all_searchers.append(searcher)
    return searcher


def _forget(searcher: Searcher) -> None:
    """Drop an outdated searcher; not closed, since results of this request may still read
    from it: the garbage collector closes its files."""
    with _registry_lock:
        if searcher in _all_searchers:
            _all_searchers.remove(searcher)


def _up_to_date(searcher: Searcher) -> bool:
    try:
        return searcher.up_to_date()
    except Exception:  # the TOC is being replaced right now: keep what we have
        return True


def reset_searchers() -> None:
    """Close every thread's searcher (tests point each test at its own index directory)."""
    with _registry_lock:
        for searcher in _all_searchers:
            searcher.close()
        _all_searchers.clear()
    _local.searchers = {}
