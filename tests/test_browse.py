"""Every browse page, as a reader sees it, with its query count guarded."""

import datetime

import pytest
from django.urls import reverse

from archive.models import Article
from tests.factories import make_article, make_author, make_outlet

pytestmark = pytest.mark.django_db

FEB_TITLES = ["U.S. Russia Relations under President Trump",
              "US–Russia Relations: Is the Prospect of a Trump–Putin Reset Over?"]


def titles(response) -> list[str]:
    return [a.title for a in response.context["page"].object_list]


def test_home_lists_latest_articles_topics_months_outlets_authors(client, seeded):
    response = client.get(reverse("archive:home"))
    assert response.status_code == 200
    latest = [a.title for a in response.context["articles"]]
    assert latest[0] == "Russian-U.S. Relations: Opportunities and Obstacles for Trump and Putin"
    assert len(latest) == 5
    assert {"Michael Flynn", "NATO"} <= {t.name for t in response.context["topics"]}
    assert [(m["month"], m["count"]) for m in response.context["months"]] == [
        (datetime.date(2017, 5, 1), 1), (datetime.date(2017, 2, 1), 2)]
    content = response.content.decode()
    assert 'href="/archive/2017/02/"' in content
    assert "Sarah Lain" in content and "RUSI" in content


def test_month_page_shows_exactly_the_two_february_articles(client, seeded):
    response = client.get("/archive/2017/02/")
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(FEB_TITLES)
    assert "February 2017" in response.content.decode()  # the month-precision date, shown as such
    assert "1 February 2017" not in response.content.decode()


def test_year_page_and_archive_index(client, seeded):
    response = client.get("/archive/2017/")
    assert len(titles(response)) == 3
    index = client.get("/archive/")
    assert [(y["year"], y["count"]) for y in index.context["years"]] == [(2017, 3)]
    assert index.context["undated_count"] == 2
    undated = client.get(reverse("archive:undated"))
    assert sorted(titles(undated)) == ["The Future of US-Russia Relations Under Trump Presidency",
                                       "Trump: Russia’s Chance for Friendship?"]


def test_empty_month_is_an_empty_state_and_impossible_dates_are_404(client, seeded):
    response = client.get("/archive/2016/03/")
    assert response.status_code == 200
    assert "No articles from this month." in response.content.decode()
    assert client.get("/archive/2017/13/").status_code == 404
    assert client.get("/archive/2017/2/").status_code == 404
    assert client.get("/archive/99999/").status_code == 404


def test_article_page_is_a_clean_reading_view(client, seeded):
    article = Article.objects.get(pk=1)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert '<time datetime="2017-02">February 2017</time>' in content
    assert 'href="/authors/naser-koshan/"' in content
    assert "Outlet unknown" in content
    assert reverse("archive:capture", args=[1]) in content
    for residue in ["Share This", "Leave a Reply", "CAPTCHA", "anti-spam", "Newsletter"]:
        assert residue not in content


def test_article_slug_is_canonical(client, seeded):
    article = Article.objects.get(pk=3)
    assert client.get("/articles/3/wrong-slug/").url == article.get_absolute_url()
    assert client.get("/articles/3/").status_code == 301
    assert client.get("/articles/999/x/").status_code == 404


def test_capture_download_is_the_original_bytes_as_attachment(client, seeded):
    response = client.get(reverse("archive:capture", args=[2]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="001_db97465ef9819302.txt"'
    assert response["Content-Type"] == "application/octet-stream"
    assert b"Previous ArticleNext Article" in response.content  # untouched original


def test_author_and_outlet_pages(client, seeded):
    response = client.get("/authors/sarah-lain/")
    assert titles(response) == [FEB_TITLES[1]]
    assert "Associate Fellow" in response.content.decode()
    assert titles(client.get("/outlets/rusi/")) == [FEB_TITLES[1]]
    assert client.get("/authors/nobody/").status_code == 404
    assert client.get("/outlets/nowhere/").status_code == 404
    authors = client.get("/authors/")
    assert [a.name for a in authors.context["page"].object_list] == [
        "Maia Otarashvili", "Naser Koshan", "Richard Weitz", "Sarah Lain"]
    assert "RUSI" in client.get("/outlets/").content.decode()


def test_a_short_last_page_is_folded_into_the_one_before(client, db):
    author = make_author("Prolific Writer")
    for day in range(1, 23):
        make_article(authors=[author], published=datetime.date(2017, 3, day),
                     date_precision="day")
    first = client.get("/authors/prolific-writer/")
    assert len(titles(first)) == 22
    assert first.context["page"].paginator.num_pages == 1


def test_pagination_pages(client, db):
    author = make_author("Prolific Writer")
    for day in range(1, 29):
        make_article(authors=[author], published=datetime.date(2017, 3, day),
                     date_precision="day")
    first = client.get("/authors/prolific-writer/")
    assert len(titles(first)) == 20
    second = client.get("/authors/prolific-writer/?page=2")
    assert len(titles(second)) == 8
    assert not set(titles(first)) & set(titles(second))
    assert client.get("/authors/prolific-writer/?page=abc").status_code == 200
    assert titles(client.get("/authors/prolific-writer/?page=99")) == titles(second)
    assert 'rel="next" href="?page=2"' in first.content.decode()


# Each browse page's exact query count (cold cache), and how many rows it lists for n dated
# articles by writer-0 in outlet "big" beside n undated ones, each with its own author and outlet.
LIST_PAGES = {
    "/": (8, None),  # one of them reads the archive version that keys the summary cache
    "/archive/": (3, None),
    "/archive/2017/": (5, lambda n: n),
    "/archive/2017/03/": (5, lambda n: n),
    "/archive/undated/": (3, lambda n: n),
    "/authors/writer-0/": (4, lambda n: n),
    "/outlets/big/": (4, lambda n: n),
    "/authors/": (2, lambda n: 2 * n + 1),
    "/outlets/": (2, lambda n: n + 1),
}


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_cost_the_same_queries_for_2_and_20_rows(client, db, django_assert_num_queries,
                                                            url, n):
    big = make_outlet("Big", slug="big")
    writer = make_author("Writer 0", slug="writer-0")
    for i in range(n):
        make_article(authors=[writer, make_author(f"Co-author {i}")], outlet=big,
                     published=datetime.date(2017, 3, i + 1), date_precision="day")
        make_article(authors=[make_author(f"Undated author {i}")], outlet=make_outlet(f"Small {i}"))
    queries, rows = LIST_PAGES[url]
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if rows:
        assert len(response.context["page"].object_list) == rows(n)


def test_pages_escape_markup_from_the_data(client, db):
    make_article(title="<script>alert(1)</script> headline",
                 published=datetime.date(2017, 4, 1), date_precision="month")
    content = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; headline" in content


def test_write_methods_are_refused_on_browse_pages(client, seeded):
    assert client.post("/").status_code in (403, 405)


def test_pages_carry_a_strict_content_security_policy(client, seeded):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_article_page_shows_an_edit_at_once_despite_its_cache(client, seeded):
    article = Article.objects.get(pk=3)
    assert "Minsk agreement" in client.get(article.get_absolute_url()).content.decode()
    article.body_text = article.body_text.replace("Minsk agreement", "Minsk accords")
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Minsk accords" in page and "Minsk agreement" not in page


def test_staff_and_readers_get_their_own_cached_article_page(client, admin_client, seeded):
    url = Article.objects.get(pk=1).get_absolute_url()
    assert 'href="/admin/"' in admin_client.get(url).content.decode()
    assert 'href="/admin/"' not in client.get(url).content.decode()
