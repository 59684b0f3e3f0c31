"""Atom feeds as a feed reader meets them: fetched from the pages' own <link>, parsed by feedparser."""

import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.feeds import FEED_SIZE
from archive.models import Article, Topic
from tests.factories import make_article, make_author, make_outlet
from tests.search.helpers import page_queries

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DCTERMS = "{http://purl.org/dc/terms/}"
BASE = "http://testserver"


def parse(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def entry_ids(feed) -> list[int]:
    """Article ids of a feed's entries, in order (entry ids are the short article URLs)."""
    return [int(e.id.removeprefix(f"{BASE}/articles/").rstrip("/")) for e in feed.entries]


class HeadLinks(HTMLParser):
    """The <link> tags of a page's <head>, as attribute dicts."""

    def __init__(self):
        super().__init__()
        self.links, self.in_head = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        elif tag == "link" and self.in_head:
            self.links.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def head_links(response, rel: str) -> list[dict]:
    parser = HeadLinks()
    parser.feed(response.content.decode())
    return [link for link in parser.links if link.get("rel") == rel]


def advertised_feed(client, url: str, params=None) -> str:
    """The one Atom feed a page advertises in its <head>, as a path."""
    response = client.get(url, params or {})
    assert response.status_code == 200
    feeds = [link for link in head_links(response, "alternate")
             if link.get("type") == "application/atom+xml"]
    assert len(feeds) == 1, feeds
    assert feeds[0]["title"].startswith("Dossier: ")
    return feeds[0]["href"]


@pytest.fixture
def archive():
    """Articles of every date precision, two authors, two outlets."""
    rusi, tass = make_outlet("RUSI", slug="rusi"), make_outlet("TASS", slug="tass")
    lain, weitz = make_author("Sarah Lain", slug="sarah-lain"), make_author("Richard Weitz")
    return {
        "day": make_article(title="Sanctions after Minsk", authors=[lain, weitz], outlet=rusi,
                            published=datetime.date(2017, 2, 22), date_precision="day",
                            lede="The Minsk agreement & what comes next.", language="en"),
        "month": make_article(title="A February overview", authors=[weitz], outlet=tass,
                              published=datetime.date(2017, 2, 1), date_precision="month"),
        "year": make_article(title="The year in sanctions", outlet=rusi,
                             published=datetime.date(2016, 1, 1), date_precision="year"),
        "undated": make_article(title="An undated piece on sanctions"),
    }


def test_latest_feed_lists_the_latest_page_with_every_field(client, archive):
    feed = parse(client.get(reverse("follow:latest-feed")))
    assert feed.feed.title == "Dossier: latest articles"
    assert feed.feed.link == BASE + reverse("archive:latest")
    assert entry_ids(feed) == [a.pk for a in Article.objects.latest_first()]
    day, month, year, undated = feed.entries
    article = archive["day"]
    assert day.title == "Sanctions after Minsk"
    assert day.link == BASE + article.get_absolute_url()
    assert [a.name for a in day.authors] == ["Sarah Lain", "Richard Weitz"]
    assert day.published_parsed[:3] == (2017, 2, 22)
    assert day.tags == [{"term": "rusi", "label": "RUSI", "scheme": BASE + reverse("archive:outlets")}]
    assert day.summary == "RUSI · 22 February 2017. The Minsk agreement & what comes next."
    assert day.summary_detail.type == "text/plain"
    assert day.title_detail.language == "en"  # the article's own language, from xml:lang
    # Month and year precision: the date as precisely as known, never a made-up first day.
    assert month.published == "2017-02" and month.summary.startswith("TASS · February 2017. ")
    assert year.published == "2016" and year.authors == [{"name": "Author unknown"}]
    # Undated: no publication date at all; updated is when it entered the archive.
    assert "published" not in undated
    assert undated.updated_parsed[:6] == archive["undated"].created.utctimetuple()[:6]
    assert undated.summary.startswith("Outlet unknown · Date unknown. ")


def test_atom_dates_are_written_at_their_precision(client, archive):
    root = ET.fromstring(client.get(reverse("follow:latest-feed")).content)
    entries = {e.find(f"{ATOM}title").text: e for e in root.iter(f"{ATOM}entry")}
    issued = {title: (e.findtext(f"{DCTERMS}issued"), e.findtext(f"{ATOM}published"))
              for title, e in entries.items()}
    assert issued == {
        "Sanctions after Minsk": ("2017-02-22", "2017-02-22T00:00:00+00:00"),
        "A February overview": ("2017-02", None),
        "The year in sanctions": ("2016", None),
        "An undated piece on sanctions": (None, None),
    }
    assert all(e.find(f"{ATOM}updated") is not None for e in entries.values())


def test_markup_in_titles_and_text_is_plain_text_in_the_feed(client):
    make_article(title='<script>alert(1)</script> & "quotes"',
                 lede="<b>bold</b> <img src=x onerror=alert(2)>")
    response = client.get(reverse("follow:latest-feed"))
    assert b"<script>" not in response.content and b"<img" not in response.content
    entry = parse(response).entries[0]
    assert entry.title == '<script>alert(1)</script> & "quotes"'
    assert entry.title_detail.type == "text/plain"
    assert entry.summary.endswith("<b>bold</b> <img src=x onerror=alert(2)>")


def test_characters_xml_cannot_hold_never_break_a_feed(client):
    outlet = make_outlet("Out\x02let", slug="outlet")
    author = make_author("Ann\x03 Roe", slug="ann-roe")
    make_article(title="Pasted\x01title\x0bhere\ufffe", lede="A lede\x1f with a control character.",
                 authors=[author], outlet=outlet)
    for url in (reverse("follow:latest-feed"), reverse("follow:author-feed", args=["ann-roe"]),
                reverse("follow:outlet-feed", args=["outlet"])):
        entry = parse(client.get(url)).entries[0]
        assert entry.title == "Pasted title here"
        assert [a.name for a in entry.authors] == ["Ann  Roe"]
        assert entry.summary == "Out let · Date unknown. A lede with a control character."


def test_entry_ids_survive_a_corrected_title(client, archive, django_capture_on_commit_callbacks):
    before = parse(client.get(reverse("follow:latest-feed"))).entries[0]
    article = archive["day"]
    with django_capture_on_commit_callbacks(execute=True):
        article.title, article.slug = "Sanctions after Minsk, corrected", ""
        article.save()
    after = parse(client.get(reverse("follow:latest-feed"))).entries[0]
    assert after.link != before.link and after.id == before.id


@pytest.mark.parametrize("n", [3, FEED_SIZE + 5])
def test_latest_feed_is_bounded_and_costs_two_queries(client, django_assert_num_queries, n):
    outlet = make_outlet("Big")
    for i in range(n):
        make_article(authors=[make_author(f"Writer {i}")], outlet=outlet,
                     published=datetime.date(2017, 1, 1) + datetime.timedelta(days=i),
                     date_precision="day")
    with django_assert_num_queries(3):  # the archive version, the articles with their outlet, authors
        response = client.get(reverse("follow:latest-feed"))
    assert len(parse(response).entries) == min(n, FEED_SIZE)
    with django_assert_num_queries(1):  # polled again: only the archive version
        assert client.get(reverse("follow:latest-feed")).content == response.content


@pytest.mark.parametrize(("name", "slug", "expected"), [
    ("author", "sarah-lain", ["day"]),
    ("author", "richard-weitz", ["day", "month"]),
    ("outlet", "rusi", ["day", "year"]),
    ("outlet", "tass", ["month"]),
])
def test_author_and_outlet_pages_advertise_their_own_feed(client, archive, django_assert_num_queries,
                                                          name, slug, expected):
    page = reverse(f"archive:{name}", args=[slug])
    href = advertised_feed(client, page)
    assert href == reverse(f"follow:{name}-feed", args=[slug])
    with django_assert_num_queries(4):  # the archive version, the author or outlet, articles, authors
        response = client.get(href)
    feed = parse(response)
    assert entry_ids(feed) == [archive[key].pk for key in expected]
    assert feed.feed.link == BASE + page
    assert feed.feed.title in ("Dossier: articles by Sarah Lain", "Dossier: articles by Richard Weitz",
                               "Dossier: articles from RUSI", "Dossier: articles from TASS")


@pytest.mark.parametrize("url", ["/authors/nobody/feed/", "/outlets/nowhere/feed/",
                                 "/topics/no-such-topic/feed/"])
def test_feeds_of_unknown_authors_outlets_topics_are_404(client, archive, url):
    assert client.get(url).status_code == 404


def test_feeds_refuse_writes(client, archive):
    assert client.post(reverse("follow:latest-feed")).status_code in (403, 405)


@pytest.fixture
def indexed(archive, django_capture_on_commit_callbacks, index_dir):
    """The archive fixture, indexed, plus a topic on sanctions."""
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.create(name="Sanctions", slug="sanctions", query="sanctions")
        for article in archive.values():
            article.save()
    return archive


def search_ids(client, **params) -> list[int]:
    response = client.get(reverse("search:search"), params)
    return [hit.article.pk for hit in response.context["result"].hits]


def test_search_page_advertises_a_feed_of_the_same_search_without_the_page(client, indexed):
    href = advertised_feed(client, reverse("search:search"), {"q": "sanctions", "outlet": "rusi",
                                                              "page": "1"})
    assert href == reverse("follow:search-feed") + "?q=sanctions&outlet=rusi"
    feed = parse(client.get(href))
    assert feed.feed.title == "Dossier search: “sanctions”, RUSI"
    assert feed.feed.link == BASE + reverse("search:search") + "?q=sanctions&outlet=rusi"
    assert entry_ids(feed) == search_ids(client, q="sanctions", outlet="rusi", sort="newest")
    assert entry_ids(feed) == [indexed["day"].pk, indexed["year"].pk]


def test_search_feed_lists_newest_first_unless_sort_asks(client, indexed):
    newest = entry_ids(parse(client.get(reverse("follow:search-feed"), {"q": "sanctions"})))
    assert newest == [indexed[k].pk for k in ("day", "year", "undated")]
    ranked = entry_ids(parse(client.get(reverse("follow:search-feed"),
                                        {"q": "sanctions", "sort": "relevance"})))
    assert ranked == search_ids(client, q="sanctions", sort="relevance")
    assert sorted(ranked) == sorted(newest)
    oldest = entry_ids(parse(client.get(reverse("follow:search-feed"), {"q": "sanctions", "sort": "oldest"})))
    assert oldest == search_ids(client, q="sanctions", sort="oldest")


def test_search_feed_filters_like_the_search_page(client, indexed):
    feed = parse(client.get(reverse("follow:search-feed"), {"month": "2017-02", "author": "richard-weitz"}))
    assert entry_ids(feed) == [indexed["day"].pk, indexed["month"].pk]
    assert feed.feed.title == "Dossier search: Richard Weitz, February 2017"
    everything = parse(client.get(reverse("follow:search-feed")))
    assert everything.feed.title == "Dossier search: every article"
    assert len(everything.entries) == 4


@pytest.mark.parametrize(("params", "field"), [
    ({"month": "2017-13"}, "month"), ({"sort": "loudest"}, "sort"), ({"author": "<b>"}, "author"),
    ({"q": "x" * 5000}, "q"), ({"page": "100000"}, "page"),
])
def test_bad_search_feed_parameters_are_a_400_naming_them(client, indexed, params, field):
    response = client.get(reverse("follow:search-feed"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Invalid search parameters.") and f"{field}: " in text


@pytest.mark.parametrize("q", ["(", '"', "((((", "NOT", "<script>alert(1)</script>"])
def test_unsearchable_queries_give_an_empty_valid_feed(client, indexed, q):
    response = client.get(reverse("follow:search-feed"), {"q": q})
    feed = parse(response)
    assert b"<script>" not in response.content
    assert feed.entries == []


# An index directory that cannot be opened: Whoosh's failure; the PostgreSQL engine's storage
# is the database itself, which no feed outlives.
@pytest.mark.engine("whoosh")
def test_search_feed_is_a_503_when_the_index_cannot_be_read(client, indexed, settings, tmp_path,
                                                            search_backend):
    working = settings.DOSSIER_INDEX_DIR
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.DOSSIER_INDEX_DIR = blocker / "index"
    search_backend.reset()
    response = client.get(reverse("follow:search-feed"), {"q": "sanctions"})
    assert response.status_code == 503
    assert "Search is unavailable" in response.content.decode()
    # A failure is never what the next reader gets from the cache.
    settings.DOSSIER_INDEX_DIR = working
    search_backend.reset()
    assert len(parse(client.get(reverse("follow:search-feed"), {"q": "sanctions"})).entries) == 3


def test_a_polled_feed_shows_a_new_article_once_it_is_in_the_archive(
        client, indexed, django_capture_on_commit_callbacks):
    for url in (reverse("follow:latest-feed"), reverse("follow:search-feed") + "?q=sanctions"):
        assert "Fresh sanctions" not in [e.title for e in parse(client.get(url)).entries]
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Fresh sanctions", published=datetime.date(2018, 1, 1), date_precision="day")
    for url in (reverse("follow:latest-feed"), reverse("follow:search-feed") + "?q=sanctions"):
        assert parse(client.get(url)).entries[0].title == "Fresh sanctions"


def test_a_reader_that_has_the_feed_gets_a_304(client, archive, django_capture_on_commit_callbacks):
    first = client.get(reverse("follow:latest-feed"))
    assert first.status_code == 200 and first["ETag"]
    again = client.get(reverse("follow:latest-feed"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    # A corrected title changes no entry's date: only the content's ETag can tell.
    assert "Last-Modified" not in first
    with django_capture_on_commit_callbacks(execute=True):
        archive["day"].title = "Sanctions after Minsk, corrected"
        archive["day"].save()
    changed = client.get(reverse("follow:latest-feed"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert parse(changed).entries[0].title == "Sanctions after Minsk, corrected"


def test_a_search_page_with_bad_parameters_advertises_no_feed(client, indexed):
    response = client.get(reverse("search:search"), {"month": "2017-13"})
    assert response.status_code == 400
    assert not [link for link in head_links(response, "alternate")
                if link.get("type") == "application/atom+xml"]
    assert "Feed of this page" not in response.content.decode()


def test_a_cached_feed_keeps_the_host_it_was_asked_for(client, archive, settings):
    settings.ALLOWED_HOSTS = ["testserver", "archive.example.org"]
    client.get(reverse("follow:latest-feed"))
    other = parse(client.get(reverse("follow:latest-feed"), HTTP_HOST="archive.example.org"))
    assert other.entries[0].link.startswith("http://archive.example.org/")


def test_topic_page_advertises_its_feed_narrowed_as_the_page_is(client, indexed):
    page = reverse("search:topic", args=["sanctions"])
    assert advertised_feed(client, page) == reverse("follow:topic-feed", args=["sanctions"])
    feed = parse(client.get(reverse("follow:topic-feed", args=["sanctions"])))
    assert feed.feed.title == "Dossier topic: Sanctions"
    assert entry_ids(feed) == [indexed[k].pk for k in ("day", "year", "undated")]
    narrowed = advertised_feed(client, page, {"outlet": "rusi", "page": "2"})
    assert narrowed == reverse("follow:topic-feed", args=["sanctions"]) + "?outlet=rusi"
    feed = parse(client.get(narrowed))
    assert feed.feed.title == "Dossier topic: Sanctions, RUSI"
    assert feed.feed.link == BASE + page + "?outlet=rusi"
    assert entry_ids(feed) == [indexed["day"].pk, indexed["year"].pk]


@pytest.mark.parametrize("n", [3, 12])
@pytest.mark.parametrize("params", [{"q": "sanctions"}, {"month": "2017-03", "sort": "relevance"}])
def test_search_feed_costs_the_same_queries_for_3_and_12_results(
        client, index_dir, django_capture_on_commit_callbacks, n, params):
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.create(name="Sanctions", slug="sanctions", query="sanctions OR number")
        for i in range(n):
            make_article(title=f"Sanctions number {i}", authors=[make_author(f"Writer {i}")],
                         outlet=make_outlet(f"Outlet {i}"), published=datetime.date(2017, 3, i + 1),
                         date_precision="day")
    # The archive version, the articles with their outlet, their authors, then the author, outlet
    # and topic labels.
    # (A search engine that shares the database sends statements of its own: not counted.)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("follow:search-feed"), params)
    assert len(page_queries(captured)) == 6, page_queries(captured)
    assert len(parse(response).entries) == n


def test_month_and_year_pages_advertise_their_articles_as_a_search_feed(client, indexed):
    month = advertised_feed(client, reverse("archive:month", args=[2017, 2]))
    assert month == reverse("follow:search-feed") + "?month=2017-02"
    page = client.get(reverse("archive:month", args=[2017, 2]))
    assert entry_ids(parse(client.get(month))) == [a.pk for a in page.context["page"].object_list]
    assert entry_ids(parse(client.get(month))) == [indexed["day"].pk, indexed["month"].pk]
    year = advertised_feed(client, reverse("archive:year", args=[2016]))
    assert year == reverse("follow:search-feed") + "?from=2016-01-01&to=2016-12-31"
    assert entry_ids(parse(client.get(year))) == [indexed["year"].pk]  # a year-only date counts


def test_home_and_latest_advertise_the_latest_feed_and_show_a_feed_link(client, archive):
    for page in (reverse("archive:home"), reverse("archive:latest")):
        assert advertised_feed(client, page) == reverse("follow:latest-feed")
    html = client.get(reverse("archive:home")).content.decode()
    assert (f'<a class="feed-link" href="{reverse("follow:latest-feed")}" type="application/atom+xml">'
            "Feed of this page</a>") in html


def test_pages_without_a_feed_advertise_none(client, archive):
    for url in (archive["day"].get_absolute_url(), reverse("archive:authors"), reverse("search:help")):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert not [link for link in head_links(response, "alternate")
                    if link.get("type") == "application/atom+xml"], url
