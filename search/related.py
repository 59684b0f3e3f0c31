"""Related articles for an article page: the engine's more-like-this, near-copies left out.

A copy of the article (the same text, or a lightly edited or syndicated version) is what the
engine finds most alike, and it is not further reading: copies are dropped here, by their text,
engine-neutrally. The ids are cached per article and per version of the engine's documents, so
a new upload is offered on the next view; a page never fails because the index cannot be read.
"""

from __future__ import annotations

import logging
import re

from django.core.cache import cache

from archive import similarity
from archive.models import Article
from search.backends import get_backend

logger = logging.getLogger(__name__)

EXTRA = 5  # candidates asked for beyond ``limit``, to make up for the copies dropped
CACHE_SECONDS = 24 * 3600
_WORD_RE = re.compile(r"\w+")  # the words of ``similarity.shingles``


def related_articles(article: Article, limit: int = 5) -> list[Article]:
    """Up to ``limit`` articles like this one, best first, never itself or a copy of it;
    none (logged) when the engine cannot be read."""
    backend = get_backend()
    try:
        key = f"dossier:related:{backend.location()}:{backend.version()}:{article.pk}:{limit}"
        ids = cache.get(key)
        candidates = None if ids is not None else backend.related(
            article.pk, ranked_text(article), limit=limit + EXTRA)
    except Exception:  # an unreadable index must not take the article page down with it
        logger.exception("Related articles of article %s: the search index cannot be read.",
                         article.pk)
        return []
    if candidates is not None:
        rows = _rows(candidates)
        ids = _not_copies(article, candidates, rows, limit)
        cache.set(key, ids, CACHE_SECONDS)
    else:
        rows = _rows(ids)
    return [rows[pk] for pk in ids if pk in rows]


def ranked_text(article: Article) -> dict:
    """The index components more-like-this reads: the article's id and ranked text (all of
    ``index_components()`` would cost a query per relation for fields it ignores)."""
    return {"id": article.pk, "title": article.title, "lede": article.lede,
            "body": article.body_text}


def _not_copies(article: Article, candidates: list[int], rows: dict[int, Article],
                limit: int) -> list[int]:
    """The first ``limit`` candidates that are neither the article nor a near-copy of it,
    no text compared past the ``limit``-th keeper: comparing texts is most of a cold call."""
    mine, kept = None, []
    for pk in candidates:
        other = rows.get(pk)
        if other is None or pk == article.pk or other.content_hash == article.content_hash:
            continue
        if mine is None:
            mine = runs(article.body_text)
        if similarity.copy_resemblance(mine, runs(other.body_text)) is None:
            kept.append(pk)
            if len(kept) == limit:
                break
    return kept


def runs(text: str) -> frozenset[tuple[str, ...]]:
    """``similarity.shingles`` as the word runs themselves: the same comparisons, without
    hashing each run (stable hashes are for stored signatures; this set never leaves the
    call), several times faster."""
    words = _WORD_RE.findall(text.lower())
    n = similarity.SHINGLE_WORDS
    if len(words) < n:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(zip(*(words[i:] for i in range(n)), strict=False))


def _rows(ids: list[int]) -> dict[int, Article]:
    """The rows a related list shows (outlet, byline) and the text copies are judged by."""
    return Article.objects.with_related().defer("body_html").in_bulk(ids) if ids else {}
