"""Keeping the search engine and topic membership in step with the database, the truth.

Every article change writes an ``IndexTask`` in the same transaction (``search.signals``);
after commit ``drain()`` builds the documents of those articles, hands them to the engine,
stores their topic membership, and deletes the tasks only once both are written. Applying a
task twice is harmless: a document is replaced by its id, or deleted when the row is gone.
``sync()`` finds and repairs anything that slipped through; ``rebuild()`` starts from scratch.
Nothing here knows which engine runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F

from archive.faults import crash_point
from archive.models import Article, Topic, TopicMembership
from search import membership
from search.backends import get_backend
from search.backends.base import CheckReport, Document
from search.models import IndexTask, SearchState

logger = logging.getLogger(__name__)

WRITER_TIMEOUT = 120.0  # seconds to wait for another process's writer; never 0
# After a commit in a web request, wait less than gunicorn's 60 s worker timeout; tasks that
# still could not be applied stay in the outbox for the next drain or sync_index.
REQUEST_WRITER_TIMEOUT = 15.0
BATCH_SIZE = 200


# Documents -----------------------------------------------------------------------------------


def signature(components: dict, topics: list[Topic]) -> str:
    """A digest of everything a document is built from (the body by its hash), as two
    halves: the row's and its topic membership's, so a check can tell which changed."""
    row = [components["title"], components["lede"], components["content_hash"],
           str(components["published"]), components["date_precision"],
           list(zip(components["authors"], components["author_names"], strict=True)),
           [components["outlet"], components["outlet_name"]],
           components["pinned_topics"], components["excluded_topics"]]
    return f"{_digest(row)}:{_digest([(t.slug, t.name) for t in topics])}"


def _digest(parts: list) -> str:
    return hashlib.sha1(json.dumps(parts).encode()).hexdigest()


def _rows(ids: Iterable[int]) -> dict[int, Article]:
    return (Article.objects.with_related()
            .prefetch_related("topics", "excluded_from_topics").in_bulk(list(ids)))


def documents(ids: Iterable[int], topics: list[Topic] | None = None) -> tuple[
        dict[int, Document | None], dict[int, list[Topic]]]:
    """The documents of these articles as the rows are now (None for a deleted row), and
    their topic membership."""
    ids = set(ids)
    rows = _rows(ids)
    topics = list(Topic.objects.all()) if topics is None else topics
    members = membership.compute(list(rows.values()), topics)
    docs: dict[int, Document | None] = dict.fromkeys(ids)
    for pk, article in rows.items():
        c = article.index_components()
        docs[pk] = Document(c, [(t.slug, t.name) for t in members[pk]], signature(c, members[pk]))
    return docs, members


def apply(ids: Iterable[int], *, timeout: float = WRITER_TIMEOUT) -> None:
    """Bring the documents and membership of these articles in line with the database.

    The engine's write lock is held while the rows are read, so the last writer saw the
    newest rows; membership is stored after the engine committed, and a crash between leaves
    the tasks in the outbox, so the next drain writes both again.
    """
    ids = list(ids)
    if not ids:
        return
    docs, members = documents(ids)
    get_backend().apply(docs, timeout=timeout)
    membership.store(members, gone=[pk for pk, doc in docs.items() if doc is None])
    _bump()


def _bump() -> None:
    if not SearchState.objects.filter(pk=1).update(generation=F("generation") + 1):
        SearchState.objects.get_or_create(pk=1, defaults={"generation": 1})


def generation() -> int:
    """Changes whenever a drain, sync or rebuild wrote documents or membership: a key for
    page caches that follows the database, whichever engine serves search."""
    return SearchState.objects.filter(pk=1).values_list("generation", flat=True).first() or 0


# The outbox ----------------------------------------------------------------------------------


def enqueue(article_ids: Iterable[int]) -> None:
    """Record that these articles need their documents rebuilt, in the caller's
    transaction, and drain the outbox once that transaction has committed."""
    ids = sorted({int(i) for i in article_ids if i is not None})
    if not ids:
        return
    IndexTask.objects.bulk_create([IndexTask(article_id=i) for i in ids])
    transaction.on_commit(drain_after_commit)


def drain(*, batch_size: int = BATCH_SIZE, timeout: float = WRITER_TIMEOUT) -> int:
    """Apply pending tasks in batches; a task is deleted only after its commit."""
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

    A bulk import then costs a few large engine commits instead of one per article. The
    tasks are in the database all along, so nothing is lost if the process dies.
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


def rebuild(progress: Callable[[int, int], None] | None = None, **engine_args) -> None:
    """Every document and all membership from scratch; readers see the old ones until the
    engine commits."""
    backend = get_backend()
    last_task = IndexTask.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    topics = list(Topic.objects.all())
    members: dict[int, list[Topic]] = {}

    def batches() -> Iterator[list[Document]]:
        for start in range(0, len(ids), BATCH_SIZE):
            docs, batch_members = documents(ids[start:start + BATCH_SIZE], topics)
            members.update(batch_members)
            crash_point("index.rebuilding")
            yield [doc for doc in docs.values() if doc is not None]

    total = len(ids)
    backend.rebuild(batches(), (lambda done: progress(done, total)) if progress else None,
                    **engine_args)
    if progress and not ids:
        progress(0, 0)
    with transaction.atomic():
        TopicMembership.objects.all().delete()
        membership.store(members)
    _bump()
    # Everything up to here is in the new documents; later tasks are drained as usual.
    IndexTask.objects.filter(id__lte=last_task).delete()


def sync(*, repair: bool = True) -> CheckReport:
    """Drain the outbox, then compare the engine and membership with the database and fix
    every difference."""
    backend = get_backend()
    if not backend.exists():
        if not repair:
            return CheckReport(no_index=True)
        logger.warning("No search index at %s: building it.", backend.location())
        rebuild()
        return CheckReport(created=True)
    if problem := (repair_if_damaged() if repair else backend.damage()):
        return CheckReport(created=repair, damaged=problem)
    report = CheckReport(drained=drain() if repair else 0)
    indexed = backend.signatures()
    topics = list(Topic.objects.prefetch_related("pinned_articles", "excluded"))
    expected = _expected_membership(topics)
    by_slug = {t.slug: t for t in topics}
    stored = membership.stored()
    current: dict[int, str] = {}
    rows = Article.objects.defer("body_text", "body_html").order_by("pk")
    for start in range(0, rows.count(), 1000):
        for article in (rows[start:start + 1000].with_related()
                        .prefetch_related("topics", "excluded_from_topics")):
            slugs = sorted(expected.get(article.pk, set()))
            c = article.index_components()
            current[article.pk] = signature(c, [by_slug[s] for s in slugs])
    report.missing = sorted(current.keys() - indexed.keys())
    report.extra = sorted(indexed.keys() - current.keys())
    both = current.keys() & indexed.keys()
    report.stale = sorted(pk for pk in both if _row_half(current[pk]) != _row_half(indexed[pk]))
    wrong = {pk for pk in current if stored.get(pk, set()) != expected.get(pk, set())}
    wrong |= {pk for pk in both if current[pk] != indexed[pk]}
    wrong |= stored.keys() - current.keys()
    report.topics = sorted(wrong - set(report.missing) - set(report.stale))
    if repair:
        apply(set(report.missing + report.extra + report.stale + report.topics))
    return report


def _row_half(signature: str | None) -> str:
    return (signature or "").split(":")[0]


def _expected_membership(topics: list[Topic]) -> dict[int, set[str]]:
    """Each article's topics as the database and the engine's documents say they should be."""
    expected: dict[int, set[str]] = {}
    for topic in topics:
        hits = membership.matching_ids(membership.saved_queries([topic]).get(topic.slug))
        pinned = {a.pk for a in topic.pinned_articles.all()}
        for pk in (hits | pinned) - {a.pk for a in topic.excluded.all()}:
            expected.setdefault(pk, set()).add(topic.slug)
    return expected


def repair_if_damaged() -> str | None:
    """Rebuild a missing or damaged index from the database; returns what was wrong."""
    return get_backend().repair_if_damaged(rebuild)


_repairing = threading.Lock()


def repair_in_background() -> None:
    """After a search failed to read the index: check it and, if damaged, rebuild it in a
    thread of this process, so the site heals without a restart or an operator."""
    if not _repairing.acquire(blocking=False):
        return  # this process is already on it

    def run() -> None:
        try:
            repair_if_damaged()
        except Exception:
            logger.exception("Could not repair the search index; run manage.py sync_index.")
        finally:
            _repairing.release()

    threading.Thread(target=run, name="index-repair", daemon=True).start()


def recover() -> str:
    """Make the engine whole and current before serving (gunicorn runs this at start-up): a
    missing or damaged index is rebuilt, tasks a crash left in the outbox are applied."""
    problem = repair_if_damaged()
    drained = drain()
    done = f"rebuilt the damaged index ({problem})" if problem else "the index is whole"
    return f"{done}; applied {drained} pending index task(s)"
