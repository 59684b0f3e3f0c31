"""The search and topic pages cost a fixed number of queries, however many results they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from archive.models import Topic
from tests.factories import make_article, make_author, make_outlet
from tests.search.helpers import page_queries

pytestmark = pytest.mark.django_db

# Each page's exact query count, cold cache: the page's articles, their authors, how many
# versions each story has, then the labels of the author, outlet and topic facets; a topic page
# first looks its topic up. An engine that lives in the same database (PostgreSQL) sends its own
# statements beside these, a fixed number per search: they are not the page's.
PAGES = {
    "search words": (reverse("search:search"), {"q": "pipeline"}, 6),
    "search words, filtered and sorted": (reverse("search:search"),
                                          {"q": "pipeline", "author": "writer-0", "sort": "newest"}, 6),
    "search filters only": (reverse("search:search"), {"month": "2017-03"}, 6),
    "topic": (reverse("search:topic", args=["pipelines"]), {}, 7),
    "topic narrowed": (reverse("search:topic", args=["pipelines"]), {"month": "2017-03"}, 7),
}


def make_archive(n: int) -> list:
    """n indexed articles in the topic "Pipelines", each with its own outlet, co-author and topic
    beside a shared writer, so every result adds a row and a value to each facet."""
    Topic.objects.create(name="Pipelines", slug="pipelines", query="pipeline")
    writer = make_author("Writer 0", slug="writer-0")
    articles = []
    for i in range(n):
        Topic.objects.create(name=f"Topic {i}", slug=f"topic-{i}", query=f"number{i}")
        articles.append(make_article(
            title=f"Pipeline number{i}", authors=[writer, make_author(f"Co-author {i}")],
            outlet=make_outlet(f"Outlet {i}"), published=datetime.date(2017, 3, i + 1),
            date_precision="day"))
    return articles


@pytest.mark.parametrize("n", [3, 12])
@pytest.mark.parametrize("page", PAGES)
def test_search_and_topic_pages_cost_the_same_queries_for_3_and_12_results(
        client, index_dir, django_capture_on_commit_callbacks, page, n):
    with django_capture_on_commit_callbacks(execute=True):
        articles = make_archive(n)
    url, params, queries = PAGES[page]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert len(page_queries(captured)) == queries, page_queries(captured)
    assert response.status_code == 200
    assert sorted(hit.article.pk for hit in response.context["result"].hits) == [a.pk for a in articles]
    for article in articles:
        assertContains(response, article.get_absolute_url())


@pytest.mark.parametrize("n", [3, 12])
def test_topic_list_costs_one_query_for_4_and_13_topics(
        client, index_dir, django_capture_on_commit_callbacks, django_assert_num_queries, n):
    with django_capture_on_commit_callbacks(execute=True):
        make_archive(n)
    with django_assert_num_queries(1):
        response = client.get(reverse("search:topics"))
    counts = {topic.slug: count for topic, count in response.context["topics"]}
    assert counts == {"pipelines": n} | {f"topic-{i}": 1 for i in range(n)}
