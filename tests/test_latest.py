"""The latest articles page: every article newest first, paged, reached from the home page."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.factories import make_article, make_author, make_outlet

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [a.title for a in response.context["page"].object_list]


@pytest.fixture
def twenty_five():
    """23 dated articles (1-23 March 2017, one a day) and 2 undated ones, added last."""
    dated = [make_article(title=f"March {day}", published=datetime.date(2017, 3, day),
                          date_precision="day") for day in range(1, 24)]
    undated = [make_article(title=f"Undated {i}") for i in (1, 2)]
    return dated, undated


def test_home_links_to_more_articles(client, seeded):
    response = client.get(reverse("archive:home"))
    assertContains(response, f'<a href="{reverse("archive:latest")}">More articles, newest first</a>',
                   html=True)


def test_latest_pages_every_article_newest_first_undated_last(client, twenty_five):
    first = client.get(reverse("archive:latest"))
    assert first.status_code == 200
    assert titles(first) == [f"March {day}" for day in range(23, 3, -1)]
    assertContains(first, "25 articles, newest first")
    assertContains(first, 'rel="next" href="?page=2"')
    second = client.get(reverse("archive:latest"), {"page": 2})
    assert titles(second) == ["March 3", "March 2", "March 1", "Undated 2", "Undated 1"]
    assertContains(second, 'rel="prev" href="?page=1"')
    assertContains(second, "Page 2 of 2")


def test_a_short_last_page_joins_the_one_before(client, twenty_five):
    """Orphans: 22 articles are one page of 22, not 20 and a lonely 2."""
    dated, undated = twenty_five
    for article in [*undated, dated[0]]:
        article.delete()
    response = client.get(reverse("archive:latest"))
    assert len(titles(response)) == 22
    assert "Page 1 of" not in response.content.decode()


@pytest.mark.parametrize(("page", "shown"), [("9999", 2), ("0", 2), ("junk", 1), ("", 1)])
def test_a_page_out_of_range_or_junk_shows_the_nearest_page(client, twenty_five, page, shown):
    response = client.get(reverse("archive:latest"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == shown


def test_empty_archive_says_so(client):
    assertContains(client.get(reverse("archive:latest")), "The archive is empty.")


@pytest.mark.parametrize("n", [2, 20])
def test_latest_costs_the_same_queries_for_2_and_20_rows(client, django_assert_num_queries, n):
    outlet = make_outlet("Big")
    for i in range(n):
        make_article(authors=[make_author(f"Writer {i}")], outlet=outlet,
                     published=datetime.date(2017, 3, i + 1), date_precision="day")
    # the count, the page of rows with their outlet, their authors
    with django_assert_num_queries(3):
        response = client.get(reverse("archive:latest"))
    assert len(titles(response)) == n
