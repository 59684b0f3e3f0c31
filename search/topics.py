"""Topic membership: a topic's saved query hits, plus pinned, minus excluded.

The index holds the computed membership of each article (``search.indexing``); an article not
indexed yet shows its pinned topics until its index task drains.
"""

import logging

from archive.models import Article, Topic
from search import indexing

logger = logging.getLogger(__name__)


def topics_for_article(article: Article) -> list[Topic]:
    """The topics an article belongs to, by name."""
    try:
        slugs = indexing.indexed_topic_slugs(article.pk)
    except Exception:
        logger.exception("Search index unreadable; showing pinned topics only.")
        slugs = None
    if slugs is None:
        excluded = set(article.excluded_from_topics.values_list("pk", flat=True))
        return [t for t in article.topics.all() if t.pk not in excluded]
    return list(Topic.objects.filter(slug__in=slugs))


def index_version() -> int:
    """Changes whenever the index commits: a key for what is derived from it.
    -1 while there is no index (a page view never builds one)."""
    if not indexing.has_index_files():
        return -1
    try:
        return indexing.get_searcher().ixreader.generation()
    except Exception:
        return -1


def topics_with_counts() -> list[tuple[Topic, int]]:
    """Every topic with its number of articles."""
    counts = indexing.topic_counts()
    return [(t, counts.get(t.slug, 0)) for t in Topic.objects.all()]
