"""Saving drafts as articles: one transaction per article, duplicates refused with a link.

``archive.ingest`` turns bytes into a :class:`Draft` without touching the database; this module
is the only place that turns a draft into rows (outlet, authors, article, byline, capture). The
search outbox is written by signals inside the same transaction.
"""

import dataclasses
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction

from archive import duplicates
from archive.ingest import Draft, IngestError, expand_upload, extract
from archive.models import (
    Article,
    ArticleAuthor,
    Author,
    Capture,
    Outlet,
    Topic,
    body_hash,
    iso_date,
    name_key,
)

IMPORTED, DUPLICATE, ERROR, DRAFT = "imported", "duplicate", "error", "draft"
logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What became of one file: imported, duplicate (of ``article``), error, or draft (dry run)."""

    file: str
    status: str
    article: Article | None = None
    draft: Draft | None = None
    error: str = ""
    copy: duplicates.Copy | None = None  # stored (or, in a dry run, to be stored) as a near-copy

    @property
    def ok(self) -> bool:
        return self.status in (IMPORTED, DUPLICATE, DRAFT)

    def as_json(self) -> dict:
        """One line of ``import_articles --json``: the stored article's fields, else the draft's."""
        if self.status == IMPORTED:
            fields = article_fields(self.article)
        elif self.draft:
            fields = draft_fields(self.draft)
        else:
            fields = dict.fromkeys(["title", "outlet", "published", "date_precision", "body_text"])
            fields["authors"] = []
        return {"file": self.file, "status": self.status,
                "id": self.article.pk if self.article else None, **fields,
                "error": self.error or None,
                "near_copy_of": self.copy.article.pk if self.copy else None,
                "resemblance": round(self.copy.resemblance, 3) if self.copy else None}


def draft_fields(draft: Draft) -> dict:
    return {"title": draft.title, "authors": list(draft.authors), "outlet": draft.outlet,
            "published": iso_date(draft.published, draft.date_precision),
            "date_precision": draft.date_precision, "body_text": draft.body_text}


def article_fields(article: Article) -> dict:
    return {"title": article.title,
            "authors": [a.author.name for a in article.authorships.select_related("author")],
            "outlet": article.outlet.name if article.outlet else None,
            "published": article.published_iso,
            "date_precision": article.date_precision, "body_text": article.body_text}


@dataclass
class Batch:
    """Choices that apply to every file of one upload: an outlet and topics to set."""

    outlet: str = ""
    topics: list[Topic] = field(default_factory=list)
    user: object = None


def find_duplicate(raw: bytes, body_text: str) -> Article | None:
    """The article that already holds this capture or this body, if any."""
    capture = Capture.objects.filter(sha256=hashlib.sha256(raw).hexdigest()).first()
    if capture:
        return capture.article
    return Article.objects.filter(content_hash=body_hash(body_text)).first()


def outlet_named(name: str) -> Outlet | None:
    name = " ".join(name.split())
    if not name:
        return None
    outlet, _ = Outlet.objects.get_or_create(name_key=name_key(name), defaults={"name": name})
    return outlet


def author_named(name: str, affiliation: str = "") -> Author:
    name = " ".join(name.split())
    author, created = Author.objects.get_or_create(
        name_key=name_key(name), defaults={"name": name, "affiliation": affiliation}
    )
    if not created and affiliation and not author.affiliation:
        author.affiliation = affiliation
        author.save(update_fields=["affiliation"])
    return author


def save_draft(draft: Draft, raw: bytes, file_name: str, batch: Batch | None = None) -> Outcome:
    """Store one draft with its capture atomically, or report the article it duplicates."""
    batch = batch or Batch()
    if existing := find_duplicate(raw, draft.body_text):
        return Outcome(file_name, DUPLICATE, article=existing, draft=draft,
                       error=f"Already in the archive as “{existing.title}”.")
    try:
        with transaction.atomic():
            article = create_article(draft, raw, file_name, batch)
    except IntegrityError:
        # Lost a race with a concurrent import of the same text: the constraint is the judge.
        existing = find_duplicate(raw, draft.body_text)
        if existing is None:
            raise
        return Outcome(file_name, DUPLICATE, article=existing, draft=draft,
                       error=f"Already in the archive as “{existing.title}”.")
    copy = duplicates.Copy(article.duplicate_of, article.resemblance) if article.duplicate_of else None
    return Outcome(file_name, IMPORTED, article=article, draft=draft, copy=copy)


def create_article(draft: Draft, raw: bytes, file_name: str, batch: Batch) -> Article:
    article = Article.objects.create(
        title=draft.title[:500],
        outlet=outlet_named(batch.outlet or draft.outlet or ""),
        published=draft.published,
        date_precision=draft.date_precision if draft.published else "unknown",
        source_url=draft.source_url[:2000],
        lede=draft.lede,
        body_text=draft.body_text,
        body_html=draft.body_html,
        language=draft.language[:12],
    )
    affiliations = getattr(draft, "author_affiliations", {}) or {}
    seen = set()
    for name in draft.authors:
        author = author_named(name, affiliations.get(name, ""))
        if author.pk not in seen:
            ArticleAuthor.objects.create(article=article, author=author, position=len(seen))
            seen.add(author.pk)
    if batch.topics:
        article.topics.add(*batch.topics)
    duplicates.remember(article)
    Capture.objects.create(
        article=article, file_name=file_name[:255], media_type=draft.media_type,
        content=raw, uploaded_by=batch.user,
    )
    return article


def upload_members(data: bytes, file_name: str, max_bytes: int) -> Iterator[
        tuple[str, bytes | IngestError]]:
    """The files of an upload; a broken or oversized archive becomes one refusal."""
    members = expand_upload(data, file_name, max_bytes=max_bytes,
                            max_members=settings.DOSSIER_ZIP_MAX_MEMBERS,
                            max_total_bytes=settings.DOSSIER_ZIP_MAX_TOTAL_BYTES)
    try:
        yield from members
    except IngestError as error:
        yield file_name, error


def drafts_from_upload(data: bytes, file_name: str, max_bytes: int) -> Iterator[
        tuple[str, bytes, Draft | IngestError]]:
    """Every article file in an upload (a zip gives many) with its draft or its refusal."""
    for member, content in upload_members(data, file_name, max_bytes):
        if isinstance(content, IngestError):
            yield member, b"", content
            continue
        try:
            yield member, content, extract(content, member, max_bytes=max_bytes)
        except IngestError as error:
            yield member, content, error
        except Exception:  # a bug of ours must cost one file, not the batch
            logger.exception("extracting %s failed", member)
            yield member, content, IngestError(
                "Dossier could not process this file (the error was logged for the developers).")


def import_upload(data: bytes, file_name: str, *, batch: Batch | None = None,
                  max_bytes: int, dry_run: bool = False,
                  seen: set[str] | None = None) -> Iterator[Outcome]:
    """Import every article of one upload; a refused file never stops the rest.

    A dry run stores nothing, so it remembers the bodies it has seen in ``seen`` (share one
    set across a run) to report the duplicates a real run would find within the batch.
    """
    seen = set() if seen is None else seen
    for member, content, draft in drafts_from_upload(data, file_name, max_bytes):
        if isinstance(draft, IngestError):
            yield Outcome(member, ERROR, error=str(draft))
        elif dry_run:
            yield dry_run_outcome(member, content, draft, seen)
        else:
            yield save_draft(draft, content, member, batch)


def dry_run_outcome(member: str, content: bytes, draft: Draft, seen: set[str]) -> Outcome:
    duplicate = find_duplicate(content, draft.body_text)
    key = body_hash(draft.body_text)
    if duplicate or key in seen:
        return Outcome(member, DUPLICATE, article=duplicate, draft=draft,
                       error="Already in the archive." if duplicate else
                       "Same text as an earlier file of this run.")
    seen.add(key)
    return Outcome(member, DRAFT, draft=draft, copy=duplicates.near_copy(draft.body_text))


def corrected(draft: Draft, **changes) -> Draft:
    """A copy of ``draft`` with an editor's corrections applied."""
    return dataclasses.replace(draft, **changes)


def resolve_topics(names: Iterable[str]) -> list[Topic]:
    """Topics named by slug or name; an unknown one is an error, never silently created."""
    topics = []
    for name in names:
        topic = (Topic.objects.filter(slug=name).first()
                 or Topic.objects.filter(name__iexact=name).first())
        if topic is None:
            raise ValueError(f"No topic called “{name}”.")
        topics.append(topic)
    return topics


def draft_to_json(draft: Draft) -> dict:
    """A draft as JSON for the review step (dates as ISO strings)."""
    data = dataclasses.asdict(draft)
    data["published"] = draft.published.isoformat() if draft.published else None
    return data


def draft_from_json(data: dict) -> Draft:
    import datetime

    names = {f.name for f in dataclasses.fields(Draft)}
    values = {k: v for k, v in data.items() if k in names}
    if values.get("published"):
        values["published"] = datetime.date.fromisoformat(values["published"])
    return Draft(**values)
