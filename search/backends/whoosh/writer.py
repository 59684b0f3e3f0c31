"""Writing to the Whoosh index: the one writer, and an article's document in Whoosh's fields."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from whoosh import writing
from whoosh.index import Index

from archive.faults import crash_point
from search.backends.base import Document
from search.backends.whoosh import integrity
from search.backends.whoosh.index import WRITER_DELAY, WRITER_TIMEOUT, open_index
from search.backends.whoosh.internals import DossierCodec
from search.backends.whoosh.schema import NO_VALUE, UNDATED_NEWEST, UNDATED_OLDEST, date_number


@contextmanager
def index_writer(ix: Index | None = None, *, clear: bool = False,
                 **writer_args) -> Iterator[writing.IndexWriter]:
    """The one write path: waits for the lock, commits on success, cancels on any error.

    Segments are written uncompounded: opening and refreshing searchers and
    ``update_document`` are then two orders of magnitude faster.
    ``clear=True`` replaces every existing segment with what was written (rebuild).
    """
    ix = ix or open_index()
    writer_args.setdefault("timeout", WRITER_TIMEOUT)
    if writer_args.get("procs", 1) == 1:
        writer_args["codec"] = DossierCodec()
    writer = ix.writer(delay=WRITER_DELAY, compound=False, **writer_args)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    crash_point("index.before-commit")
    writer.commit(mergetype=writing.CLEAR if clear else None)
    integrity.write_manifest(ix)


def fields(document: Document) -> dict:
    """The Whoosh fields of an article's document."""
    c = document.components
    topics = document.topics
    doc = {
        "id": str(c["id"]),
        "pk": c["id"],
        "title": c["title"],
        "lede": c["lede"],
        "body": c["body"],
        "title_pairs": c["title"],
        "lede_pairs": c["lede"],
        "body_pairs": c["body"],
        "author": " ".join(c["authors"] + c["author_names"]),
        "outlet": f'{c["outlet"]} {c["outlet_name"]}'.strip(),
        "topic": " ".join(f"{slug} {name}" for slug, name in topics),
        "author_slug": " ".join(c["authors"]) or NO_VALUE,
        "outlet_slug": c["outlet"],
        "topic_slug": " ".join(slug for slug, _ in topics) or NO_VALUE,
        "month": c["month"],
        "year": str(c["year"] or ""),
        "precision": c["date_precision"],
        "newest": UNDATED_NEWEST,
        "oldest": UNDATED_OLDEST,
        "signature": document.signature,
    }
    if span := c["date_range"]:
        doc["published"], doc["published_end"] = date_number(span[0]), date_number(span[1])
        doc["newest"] = doc["oldest"] = doc["published"]
    return doc


def write(writer: writing.IndexWriter, documents: Mapping[int, Document | None], *,
          update: bool = True) -> None:
    """Write these documents; an id without one is deleted from the index."""
    for pk, document in documents.items():
        if document is None:
            writer.delete_by_term("id", str(pk))
        elif update:
            writer.update_document(**fields(document))
        else:
            writer.add_document(**fields(document))
