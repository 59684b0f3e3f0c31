"""Keeping the Whoosh index in step with the database, which is the truth.

Every article change writes an ``IndexTask`` in the same transaction (``search.signals``);
after commit ``drain()`` applies the tasks under the index write lock and deletes them only
once the index has committed. Applying a task twice is harmless: a document is replaced by
its unique id, or deleted when the row is gone. ``sync()`` finds and repairs anything that
slipped through; ``rebuild()`` starts from scratch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.filedb.filestore import RamStorage
from whoosh.index import TOC, Index, LockError
from whoosh.query import Every, Query, Term
from whoosh.searching import Searcher
from whoosh.util.filelock import try_for

from archive.faults import crash_point
from archive.models import Article, DatePrecision, Topic
from search import evaluation, facets, matching
from search.models import IndexTask
from search.parsing import parse_query
from search.schema import NO_VALUE, UNDATED_NEWEST, UNDATED_OLDEST, build_schema, date_number, topic_schema
from search.storage import GracefulStorage

logger = logging.getLogger(__name__)

WRITER_TIMEOUT = 120.0  # seconds to wait for another process's writer; never 0
# After a commit in a web request, wait less than gunicorn's 60 s worker timeout; tasks that
# still could not be applied stay in the outbox for the next drain or sync_index.
REQUEST_WRITER_TIMEOUT = 15.0
WRITER_DELAY = 0.25
BATCH_SIZE = 200


# Opening and reading -------------------------------------------------------------------------


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
    if not has_index_files():
        logger.warning("No search index at %s yet: building it from the database.", index_dir())
        return rebuild()
    try:
        return open_existing()
    except Exception:  # EmptyIndexError, a truncated TOC, unpickling garbage...
        logger.error("Search index at %s cannot be opened: rebuilding it from the database.",
                     index_dir(), exc_info=True)
        return rebuild()


# One searcher per thread: a Whoosh searcher reads its segment files through shared file
# objects, and two gunicorn threads reading through one at once corrupt each other's reads
# (zlib errors, unpickling errors under wrk). Each thread reuses its own across requests.
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


_topic_counts: dict[tuple, dict[str, int]] = {}


def reset_searchers() -> None:
    """Close every thread's searcher (tests point each test at its own index directory)."""
    with _registry_lock:
        for searcher in _all_searchers:
            searcher.close()
        _all_searchers.clear()
    _local.searchers = {}
    _topic_counts.clear()


def indexed_topic_slugs(article_id: int) -> list[str] | None:
    """The topics the index holds for one article; None when it is not indexed (yet)."""
    fields = get_searcher().document(id=str(article_id))
    if fields is None:
        return None
    return [s for s in fields.get("topic_slug", "").split() if s != NO_VALUE]


# Writing -------------------------------------------------------------------------------------


@contextmanager
def index_writer(ix: Index | None = None, *, clear: bool = False,
                 **writer_args) -> Iterator[writing.IndexWriter]:
    """The one write path: waits for the lock, commits on success, cancels on any error.

    Segments are written uncompounded: opening and refreshing searchers and
    ``update_document`` are then two orders of magnitude faster (WHOOSH.md).
    ``clear=True`` replaces every existing segment with what was written (rebuild).
    """
    ix = ix or open_index()
    writer_args.setdefault("timeout", WRITER_TIMEOUT)
    writer = ix.writer(delay=WRITER_DELAY, compound=False, **writer_args)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    crash_point("index.before-commit")
    writer.commit(mergetype=writing.CLEAR if clear else None)
    write_manifest(ix)


def date_range(published: date | None, precision: str) -> tuple[date, date] | None:
    """The first and last day an article's known date can be ("February 2017": 1-28 Feb)."""
    if published is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return published.replace(month=1, day=1), published.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        first = published.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    return published, published


def signature(article: Article) -> str:
    """A digest of everything the document is built from except topic queries (see sync)."""
    authors = [(a.slug, a.name) for a in article.author_list]
    outlet = (article.outlet.slug, article.outlet.name) if article.outlet_id else None
    parts = [article.title, article.lede, article.content_hash, str(article.published),
             article.date_precision, authors, outlet,
             sorted(t.slug for t in article.topics.all()),
             sorted(t.slug for t in article.excluded_from_topics.all())]
    return hashlib.sha1(json.dumps(parts).encode()).hexdigest()


def article_document(article: Article, topics: Iterable[Topic]) -> dict:
    """The index document of an article, given the topics it belongs to."""
    c = article.index_components()
    topics = sorted(topics, key=lambda t: t.slug)
    doc = {
        "id": str(c["id"]),
        "pk": c["id"],
        "title": c["title"],
        "lede": c["lede"],
        "body": c["body"],
        "author": " ".join(c["authors"] + c["author_names"]),
        "outlet": f'{c["outlet"]} {c["outlet_name"]}'.strip(),
        "topic": " ".join(f"{t.slug} {t.name}" for t in topics),
        "author_slug": " ".join(c["authors"]) or NO_VALUE,
        "outlet_slug": c["outlet"],
        "topic_slug": " ".join(t.slug for t in topics) or NO_VALUE,
        "month": c["month"],
        "year": str(c["year"] or ""),
        "precision": c["date_precision"],
        "newest": UNDATED_NEWEST,
        "oldest": UNDATED_OLDEST,
        "signature": signature(article),
    }
    if span := date_range(c["published"], c["date_precision"]):
        doc["published"], doc["published_end"] = date_number(span[0]), date_number(span[1])
        doc["newest"] = doc["oldest"] = doc["published"]
    return doc


def _articles(ids: Iterable[int]) -> dict[int, Article]:
    return (Article.objects.with_related()
            .prefetch_related("topics", "excluded_from_topics").in_bulk(list(ids)))


def topic_membership(articles: list[Article], topics: list[Topic]) -> dict[int, set[Topic]]:
    """Each article's topics: saved-query hits + pinned - excluded.

    Topic queries only look at the article itself, so they are evaluated on each article's
    own tokens (``search.matching``); a query type that cannot be evaluated that way is run
    on a throwaway in-memory index of the batch instead.
    """
    members: dict[int, set[Topic]] = {a.pk: set() for a in articles}
    queried = [(t, parsed.query) for t in topics if t.query.strip()
               if (parsed := parse_query(t.query)).query is not None]
    fallback: list[tuple[Topic, Query]] = []
    tokens = {a.pk: matching.analyze(_topic_fields(a)) for a in articles} if queried else {}
    for topic, query in queried:
        verdicts = {pk: matching.matches(query, doc) for pk, doc in tokens.items()}
        if None in verdicts.values():
            fallback.append((topic, query))
            continue
        for pk, hit in verdicts.items():
            if hit:
                members[pk].add(topic)
    if fallback:
        _membership_in_memory(articles, fallback, members)
    for a in articles:
        members[a.pk].update(a.topics.all())
        members[a.pk].difference_update(a.excluded_from_topics.all())
    return members


def _topic_fields(article: Article) -> dict[str, str]:
    """The text a topic query can see: what the in-memory index of a batch would hold."""
    return {
        "title": article.title, "lede": article.lede, "body": article.body_text,
        "author": " ".join(f"{x.slug} {x.name}" for x in article.author_list),
        "outlet": f"{article.outlet.slug} {article.outlet.name}" if article.outlet_id else "",
    }


def _membership_in_memory(articles: list[Article], queries: list[tuple[Topic, Query]],
                          members: dict[int, set[Topic]]) -> None:
    # A unique name: the writer of a RAM index pools in $TMPDIR/<indexname>.tmp, and two
    # processes using the default "MAIN" would delete each other's pool.
    ram = RamStorage().create_index(topic_schema(), indexname=f"topics-{uuid.uuid4().hex}")
    with ram.writer() as writer:
        for a in articles:
            writer.add_document(id=str(a.pk), **_topic_fields(a))
    with ram.searcher() as searcher:
        for topic, query in queries:
            for fields in searcher.search(query, limit=None):
                members[int(fields["id"])].add(topic)


def write_articles(writer: writing.IndexWriter, ids: Iterable[int], *, update: bool = True) -> int:
    """Read the rows now (under the write lock, so the last writer saw the newest rows) and
    write their documents; ids without a row are deleted from the index."""
    ids = set(ids)
    articles = _articles(ids)
    members = topic_membership(list(articles.values()), list(Topic.objects.all()))
    for pk in ids:
        article = articles.get(pk)
        if article is None:
            writer.delete_by_term("id", str(pk))
            continue
        doc = article_document(article, members[pk])
        if update:
            writer.update_document(**doc)
        else:
            writer.add_document(**doc)
    return len(articles)


def apply(ids: Iterable[int], ix: Index | None = None, *,
          timeout: float = WRITER_TIMEOUT) -> None:
    """Bring the documents of these articles in line with the database, in one commit."""
    ids = list(ids)
    if ids:
        with index_writer(ix, timeout=timeout) as writer:
            write_articles(writer, ids)


# The outbox ----------------------------------------------------------------------------------


def enqueue(article_ids: Iterable[int]) -> None:
    """Record that these articles need reindexing, in the caller's transaction, and drain the
    outbox once that transaction has committed."""
    ids = sorted({int(i) for i in article_ids if i is not None})
    if not ids:
        return
    IndexTask.objects.bulk_create([IndexTask(article_id=i) for i in ids])
    transaction.on_commit(drain_after_commit)


def drain(*, batch_size: int = BATCH_SIZE, timeout: float = WRITER_TIMEOUT) -> int:
    """Apply pending index tasks in batches; a task is deleted only after its commit."""
    done = 0
    while tasks := list(IndexTask.objects.order_by("id").values_list("id", "article_id")
                        [:batch_size]):
        apply({article_id for _, article_id in tasks}, timeout=timeout)
        crash_point("index.after-commit")
        IndexTask.objects.filter(id__in=[task_id for task_id, _ in tasks]).delete()
        done += len(tasks)
    return done


_deferral = threading.local()


@contextmanager
def drains_deferred() -> Iterator[None]:
    """Within the block, commits leave their tasks in the outbox; one drain at the end.

    A bulk import then costs a few large index commits instead of one small commit per
    article. The tasks are in the database all along, so nothing is lost if the process dies.
    """
    outer = getattr(_deferral, "active", False)
    _deferral.active = True
    try:
        yield
    finally:
        _deferral.active = outer
        if not outer:
            drain_after_commit()


def drain_after_commit() -> None:
    """on_commit hook: the change is saved whatever happens here; failures wait for sync."""
    if getattr(_deferral, "active", False):
        return
    try:
        drain(timeout=REQUEST_WRITER_TIMEOUT)
    except Exception:
        logger.exception("Index update failed; the tasks stay in the outbox for sync_index.")


# Rebuild and reconcile -----------------------------------------------------------------------


def _create_index(*, force: bool = False) -> Index:
    """A new empty index (under a lock, so two processes never wipe each other's work)."""
    path = _ensure_dir()
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


def rebuild(progress: Callable[[int, int], None] | None = None, *, procs: int = 1) -> Index:
    """Index every article from scratch; readers see the old index until the commit."""
    try:
        ix = open_existing()
    except Exception:
        ix = _create_index()
    if not _current_schema(ix.schema):
        ix = _create_index(force=True)  # the schema changed: start a new index
    last_task = IndexTask.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    args = {"procs": procs, "multisegment": True} if procs > 1 else {}
    with index_writer(ix, clear=True, **args) as writer:
        for start in range(0, len(ids), BATCH_SIZE):
            write_articles(writer, ids[start:start + BATCH_SIZE], update=False)
            crash_point("index.rebuilding")
            if progress:
                progress(min(start + BATCH_SIZE, len(ids)), len(ids))
        if progress and not ids:
            progress(0, 0)
    # Everything up to here is in the new index; later tasks are drained as usual.
    IndexTask.objects.filter(id__lte=last_task).delete()
    return ix


def _current_schema(schema) -> bool:
    """Whether an index was created with this code's schema: the same fields, of the same
    classes. A rebuild writes with the schema of the index it clears, so a new field class
    would otherwise never take effect (and Whoosh's own ``==`` ignores field classes and never
    finds two sortable columns equal)."""
    current = build_schema()
    return schema.names() == current.names() and all(
        type(schema[name]) is type(current[name]) for name in current.names())


def _ensure_dir() -> Path:
    path = index_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class SyncReport:
    created: bool = False
    no_index: bool = False  # only with repair=False: there is no index to compare
    damaged: str = ""  # what made the index unreadable (rebuilt unless repair=False)
    drained: int = 0
    missing: list[int] = field(default_factory=list)  # in the database, not in the index
    extra: list[int] = field(default_factory=list)  # in the index, not in the database
    stale: list[int] = field(default_factory=list)  # indexed from an older row
    topics: list[int] = field(default_factory=list)  # topic membership out of date

    @property
    def repaired(self) -> int:
        return len(set(self.missing + self.extra + self.stale + self.topics))


def sync(*, repair: bool = True) -> SyncReport:
    """Drain the outbox, then compare index and database and fix every difference."""
    if not index_exists():
        if not repair:
            return SyncReport(no_index=True)
        logger.warning("No search index at %s: building it.", index_dir())
        rebuild()
        return SyncReport(created=True)
    if problem := (rebuild_if_damaged() if repair else verify_index()):
        return SyncReport(created=repair, damaged=problem)
    report = SyncReport(drained=drain() if repair else 0)
    ix = open_index()
    with ix.searcher() as searcher:
        indexed = {int(f["id"]): f.get("signature") for f in searcher.all_stored_fields()}
        in_topic = {
            slug: {int(f["id"]) for f in searcher.search(Term("topic_slug", slug), limit=None)}
            for slug in Topic.objects.values_list("slug", flat=True)
        }
        expected = _expected_membership(searcher)
    current: dict[int, str] = {}
    rows = Article.objects.defer("body_text", "body_html").order_by("pk")
    for start in range(0, rows.count(), 1000):
        for article in _with_signature_data(rows[start:start + 1000]):
            current[article.pk] = signature(article)
    report.missing = sorted(current.keys() - indexed.keys())
    report.extra = sorted(indexed.keys() - current.keys())
    report.stale = sorted(pk for pk in current.keys() & indexed.keys()
                          if current[pk] != indexed[pk])
    report.topics = sorted({
        pk for slug, ids in expected.items()
        for pk in ids.symmetric_difference(in_topic.get(slug, set()))
        if pk in current
    } - set(report.missing) - set(report.stale))
    if repair:
        apply(set(report.missing + report.extra + report.stale + report.topics), ix)
    return report


def _with_signature_data(queryset):
    return queryset.with_related().prefetch_related("topics", "excluded_from_topics")


def _expected_membership(searcher: Searcher) -> dict[str, set[int]]:
    """Each topic's articles as the database and the indexed text say they should be."""
    expected: dict[str, set[int]] = {}
    for topic in Topic.objects.prefetch_related("pinned_articles", "excluded"):
        parsed = parse_query(topic.query) if topic.query.strip() else None
        hits = set()
        if parsed and parsed.query is not None:
            hits = {int(f["id"]) for f in searcher.search(parsed.query, limit=None)}
        pinned = {a.pk for a in topic.pinned_articles.all()}
        expected[topic.slug] = (hits | pinned) - {a.pk for a in topic.excluded.all()}
    return expected


def articles_in_topic_index(slug: str) -> set[int]:
    """Ids the index currently files under a topic."""
    searcher = get_searcher()
    return {int(f["id"]) for f in searcher.search(Term("topic_slug", slug), limit=None)}


def articles_matching(text: str) -> set[int]:
    """Ids of indexed articles a topic query matches."""
    parsed = parse_query(text)
    if parsed.query is None:
        return set()
    return {int(f["id"]) for f in get_searcher().search(parsed.query, limit=None)}


def topic_counts() -> dict[str, int]:
    """How many articles each topic slug holds, from the index; counted once per index
    generation, since walking every document per request would grow with the archive."""
    searcher = get_searcher()
    key = (str(index_dir()), searcher.ixreader.generation())
    if key not in _topic_counts:
        everything = evaluation.evaluate(searcher, Every(), scored=False)
        counts = facets.facet_counts(everything)["topic"]
        _topic_counts.clear()
        _topic_counts[key] = {k: v for k, v in counts.items() if k != NO_VALUE}
    return _topic_counts[key]



# Integrity -----------------------------------------------------------------------------------

MANIFEST = "dossier-manifest.json"


def segment_files(ix: Index) -> tuple[int, dict[str, int]]:
    """The index's newest generation and the name and size of every file its segments use."""
    toc = TOC.read(ix.storage, ix.indexname)
    segments = {seg.segment_id() for seg in toc.segments}
    pattern = TOC._segment_pattern(ix.indexname)
    files = {name: ix.storage.file_length(name) for name in ix.storage.list()
             if (m := pattern.match(name)) and m.group(1) in segments}
    return toc.generation, files


def write_manifest(ix: Index) -> None:
    """Record, after each commit, the size of every segment file that commit left in use.

    Whoosh writes a segment's files before the TOC that names them and never changes them
    after, so a file shorter than recorded (a crash, a full disk, a careless copy) is damage.
    Written beside the index and renamed into place, so a reader never sees half of it.
    """
    generation, files = segment_files(ix)
    path = index_dir() / MANIFEST
    temporary = path.with_name(f"{MANIFEST}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(json.dumps({"generation": generation, "files": files}))
    os.replace(temporary, path)


def verify_index() -> str | None:
    """What is wrong with the index on disk, in words, or None when it is whole."""
    if not has_index_files():
        return "there is no TOC file (the index is missing or was deleted)"
    try:
        ix = open_existing()
        generation, files = segment_files(ix)
    except Exception as error:
        return f"it cannot be opened ({type(error).__name__}: {error})"
    try:
        record = json.loads((index_dir() / MANIFEST).read_text())
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


def rebuild_if_damaged() -> str | None:
    """Rebuild a missing or damaged index from the database; returns what was wrong.

    One process repairs at a time (a lock file); the others wait and find it whole. Readers
    keep their open searchers until the rebuilt index commits.
    """
    if not verify_index():
        return None
    lock = GracefulStorage(str(_ensure_dir())).lock("REPAIRLOCK")
    lock.acquire(blocking=True)
    try:
        problem = verify_index()
        if problem:
            logger.error("Search index at %s is damaged: %s. Rebuilding it from the database.",
                         index_dir(), problem)
            rebuild()
    finally:
        lock.release()
    return problem


_repairing = threading.Lock()


def repair_in_background() -> None:
    """After a search failed to read the index: check it and, if damaged, rebuild it in a
    thread of this process, so the site heals without a restart or an operator."""
    if not _repairing.acquire(blocking=False):
        return  # this process is already on it

    def run() -> None:
        try:
            rebuild_if_damaged()
        except Exception:
            logger.exception("Could not repair the search index; run manage.py sync_index.")
        finally:
            _repairing.release()

    threading.Thread(target=run, name="index-repair", daemon=True).start()


def recover() -> str:
    """Make the index whole and current before serving (gunicorn runs this at start-up): a
    missing or damaged index is rebuilt, tasks a crash left in the outbox are applied."""
    problem = rebuild_if_damaged()
    drained = drain()
    done = f"rebuilt the damaged index ({problem})" if problem else "the index is whole"
    return f"{done}; applied {drained} pending index task(s)"
