"""Near-copies in the archive: found before an upload is confirmed, remembered once stored.

Every article keeps its MinHash bands (``TextBand``); a new text's bands find the few articles
that may be copies of it in one indexed query, and their texts decide (``similarity``). A
copy points at the first article of its group (``duplicate_of``), so results can list the
versions of one story under one hit.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive import similarity
from archive.models import Article, TextBand

CANDIDATES = 20


@dataclass(frozen=True)
class Copy:
    article: Article  # the earlier article this text copies (the first of its group)
    resemblance: float  # share of the shorter text found in the other, 0..1

    @property
    def percent(self) -> int:
        return int(self.resemblance * 100)


def near_copy(body_text: str, *, exclude: int | None = None) -> Copy | None:
    """The stored article this text is a near-copy of, or None."""
    hashes = similarity.shingles(body_text)
    keys = similarity.bands(hashes)
    if not keys:
        return None
    ids = (TextBand.objects.filter(value__in=keys).exclude(article_id=exclude)
           .values_list("article_id", flat=True).distinct()[:CANDIDATES])
    best = None
    for pk, text, lead in Article.objects.filter(pk__in=list(ids)).values_list(
            "pk", "body_text", "duplicate_of_id").order_by("pk"):
        score = similarity.copy_resemblance(hashes, similarity.shingles(text))
        if score is not None and (best is None or score > best[1]):
            best = (lead or pk, score)
    if best is None:
        return None
    return Copy(Article.objects.get(pk=best[0]), best[1])


def remember(article: Article) -> Copy | None:
    """Store an article's bands and, when it copies an earlier one, point it at that group."""
    found = near_copy(article.body_text, exclude=article.pk)
    if found and found.article.pk < article.pk:
        Article.objects.filter(pk=article.pk).update(duplicate_of=found.article,
                                                     resemblance=found.resemblance)
        article.duplicate_of, article.resemblance = found.article, found.resemblance
    TextBand.objects.filter(article=article).delete()
    TextBand.objects.bulk_create(
        TextBand(article=article, value=key)
        for key in similarity.bands(similarity.shingles(article.body_text)))
    return found


def remember_missing(batch_size: int = 500) -> int:
    """Bands for every article that has none yet (articles loaded from fixtures, or stored
    before bands existed), oldest first, so each copy finds the article it copies."""
    done, last = 0, 0
    while True:
        batch = list(Article.objects.filter(text_bands__isnull=True, pk__gt=last).order_by("pk")
                     .only("pk", "body_text", "duplicate_of")[:batch_size])
        if not batch:
            return done
        for article in batch:
            remember(article)
        done, last = done + len(batch), batch[-1].pk
