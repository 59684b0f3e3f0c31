"""Topic membership: a topic's saved query hits, plus pinned, minus excluded."""

from archive.models import Article, Topic


def topics_for_article(article: Article) -> list[Topic]:
    """The topics an article belongs to (pinned ones until the index computes query hits)."""
    excluded = set(article.excluded_from_topics.values_list("pk", flat=True))
    return [t for t in article.topics.all() if t.pk not in excluded]
