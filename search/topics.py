"""Topics as browse pages show them: membership and counts, read from the database."""

from django.db.models import Count

from archive.models import Article, Topic
from search import outbox


def topics_for_article(article: Article) -> list[Topic]:
    """The topics an article belongs to, by name."""
    return list(Topic.objects.filter(memberships__article=article).order_by("name"))


def archive_version() -> int:
    """Changes whenever the outbox drain wrote documents or membership: a cache key."""
    return outbox.generation()


def topics_with_counts() -> list[tuple[Topic, int]]:
    """Every topic with its number of articles."""
    return [(t, t.article_count) for t in Topic.objects.annotate(article_count=Count("memberships"))]
