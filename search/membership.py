"""Topic membership: a topic's saved query hits, plus pinned, minus excluded articles.

Judged by the engine (its analysis decides what a saved query matches) and stored in the
database (``TopicMembership``) by the outbox drain, beside the documents it hands the engine,
so browse pages, counts and caches read the database and never the index.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from archive.models import Article, Topic, TopicMembership
from search import querytree as qt
from search.backends import get_backend
from search.backends.base import MatchRequest
from search.parsing import parse_query


def saved_queries(topics: list[Topic]) -> dict[str, qt.Node]:
    """Each topic's saved query as a tree (topics without a readable one are left out)."""
    trees = {}
    for topic in topics:
        if topic.query.strip() and (tree := parse_query(topic.query).query) is not None:
            trees[topic.slug] = tree
    return trees


def compute(articles: list[Article], topics: list[Topic]) -> dict[int, list[Topic]]:
    """Each article's topics, sorted by slug. Articles must carry their pins and exclusions
    (``prefetch_related("topics", "excluded_from_topics")``)."""
    by_slug = {t.slug: t for t in topics}
    components = [a.index_components() for a in articles]
    queries = saved_queries(topics)
    hits = get_backend().topic_hits(components, queries) if queries and articles else {}
    members: dict[int, list[Topic]] = {}
    for article, c in zip(articles, components, strict=True):
        slugs = (hits.get(article.pk, set()) | set(c["pinned_topics"])) - set(c["excluded_topics"])
        members[article.pk] = [by_slug[s] for s in sorted(slugs) if s in by_slug]
    return members


def store(members: Mapping[int, list[Topic]], gone: list[int] = ()) -> None:
    """Replace the stored membership of these articles (and forget deleted ones)."""
    with transaction.atomic():
        TopicMembership.objects.filter(article_id__in=[*members, *gone]).delete()
        TopicMembership.objects.bulk_create(
            TopicMembership(article_id=pk, topic=topic)
            for pk, topics in members.items() for topic in topics)


def stored() -> dict[int, set[str]]:
    """Every article's stored topic slugs (articles in no topic are absent)."""
    found: dict[int, set[str]] = {}
    for pk, slug in TopicMembership.objects.values_list("article_id", "topic__slug"):
        found.setdefault(pk, set()).add(slug)
    return found


def matching_ids(tree: qt.Node | None) -> set[int]:
    """Ids of every article the engine finds for a saved query."""
    if tree is None:
        return set()
    result = get_backend().match(MatchRequest(query=tree, order="oldest", limit=None,
                                              facets=False))
    return set(result.ids)


def articles_matching(text: str) -> set[int]:
    """Ids of every article a topic query (as typed) matches."""
    return matching_ids(parse_query(text).query) if text.strip() else set()


def articles_in_topic(topic: Topic) -> set[int]:
    return set(TopicMembership.objects.filter(topic=topic).values_list("article_id", flat=True))
