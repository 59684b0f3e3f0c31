"""What a crawler reads: robots.txt, the sitemap index and every section it lists, paged."""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from django.urls import reverse

from archive.models import Article, Topic, TopicMembership
from archive.sitemaps import ArticleSitemap
from tests.factories import make_article, make_author, make_outlet

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver"


def xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE  # absolute, as the protocol wants
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client) -> dict[str, str | None]:
    """Every URL the sitemap index leads to, with its lastmod, as a crawler collects them."""
    index = xml(client, reverse("follow:sitemap"))
    assert index.tag == f"{SM}sitemapindex"
    found = {}
    for sitemap in index.iter(f"{SM}sitemap"):
        urlset = xml(client, path_of(sitemap.findtext(f"{SM}loc")))
        for url in urlset.iter(f"{SM}url"):
            found[path_of(url.findtext(f"{SM}loc"))] = url.findtext(f"{SM}lastmod")
    return found


@pytest.fixture
def archive():
    lain = make_author("Sarah Lain", slug="sarah-lain")
    make_author("Nobody Yet", slug="nobody-yet")  # no articles: no page worth crawling
    rusi = make_outlet("RUSI", slug="rusi")
    make_outlet("Empty Outlet", slug="empty-outlet")
    feb = make_article(title="February", authors=[lain], outlet=rusi,
                       published=datetime.date(2017, 2, 22), date_precision="day")
    undated = make_article(title="Undated")
    nato = Topic.objects.create(name="NATO", slug="nato")
    Topic.objects.create(name="Empty topic", slug="empty-topic")
    TopicMembership.objects.create(topic=nato, article=feb)
    return {"feb": feb, "undated": undated}


def test_sitemap_lists_every_page_worth_crawling_and_nothing_else(client, archive):
    found = crawl(client)
    feb, undated = archive["feb"], archive["undated"]
    assert set(found) == {
        "/", "/latest/", "/archive/", "/authors/", "/outlets/", "/topics/", "/search/help/",
        feb.get_absolute_url(), undated.get_absolute_url(),
        "/authors/sarah-lain/", "/outlets/rusi/", "/topics/nato/", "/archive/2017/02/",
    }
    for url in found:
        assert client.get(url).status_code == 200, url
    assert found[feb.get_absolute_url()] == feb.updated.date().isoformat()
    assert found["/authors/sarah-lain/"] is None and found["/"] is None


def test_the_index_gives_the_newest_change_of_the_articles(client, archive):
    later = make_article(title="Later")
    Article.objects.filter(pk=later.pk).update(updated=datetime.datetime(2030, 1, 2, tzinfo=datetime.UTC))
    assert crawl(client)[later.get_absolute_url()] == "2030-01-02"
    index = xml(client, reverse("follow:sitemap"))
    lastmods = {path_of(s.findtext(f"{SM}loc")): s.findtext(f"{SM}lastmod")
                for s in index.iter(f"{SM}sitemap")}
    assert lastmods["/sitemap-articles.xml"].startswith("2030-01-02")


def test_a_large_section_is_paged_through_the_index(client, archive, monkeypatch):
    for i in range(3):
        make_article(title=f"More {i}")
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    index = xml(client, reverse("follow:sitemap"))
    locs = [path_of(s.findtext(f"{SM}loc")) for s in index.iter(f"{SM}sitemap")]
    assert [loc for loc in locs if "articles" in loc] == [
        "/sitemap-articles.xml", "/sitemap-articles.xml?p=2", "/sitemap-articles.xml?p=3"]
    pages = [[path_of(u.findtext(f"{SM}loc")) for u in xml(client, loc).iter(f"{SM}url")]
             for loc in locs if "articles" in loc]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(sum(pages, [])) == sorted(a.get_absolute_url() for a in Article.objects.all())
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-articles.xml?p=junk").status_code == 404


def test_unknown_sections_are_404(client, archive):
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("n", [2, 20])
def test_article_section_costs_two_queries(client, django_assert_num_queries, n):
    for _ in range(n):
        make_article()
    with django_assert_num_queries(3):  # the archive version, the count for paging, the rows
        root = xml(client, "/sitemap-articles.xml")
    assert len(list(root.iter(f"{SM}url"))) == n


def test_robots_keeps_crawlers_to_browse_pages_and_points_at_the_sitemap(client):
    response = client.get(reverse("follow:robots"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    rules = [line.split(": ", 1) for line in response.content.decode().splitlines()
             if line and not line.startswith("#")]
    assert rules[0] == ["User-agent", "*"]
    disallowed = {value for key, value in rules if key == "Disallow"}
    allowed = {value for key, value in rules if key == "Allow"}
    assert {reverse("admin:index"), reverse("search:search"), "/api/", "/captures/"} <= disallowed
    assert reverse("search:api-search").startswith("/api/")
    assert reverse("archive:capture", args=[1]).startswith("/captures/")
    assert reverse("search:help") in allowed and "/" in allowed
    assert ["Sitemap", BASE + reverse("follow:sitemap")] in rules


def test_robots_as_a_crawler_reads_it(client, archive):
    robots = RobotFileParser()
    robots.parse(client.get(reverse("follow:robots")).content.decode().splitlines())
    assert robots.site_maps() == [BASE + reverse("follow:sitemap")]
    for url in ["/", archive["feb"].get_absolute_url(), "/authors/sarah-lain/?page=2", "/topics/nato/",
                "/archive/2017/02/", reverse("search:help"), reverse("follow:latest-feed")]:
        assert robots.can_fetch("AnyBot", BASE + url), url
    for url in ["/admin/", "/search/?q=nato", reverse("search:api-search") + "?q=x",
                reverse("archive:capture", args=[1])]:
        assert not robots.can_fetch("AnyBot", BASE + url), url
