"""Dossier in a browser's search bar: the OpenSearch description every page points to, the
search, feed and suggestion URLs it gives, and the suggestions as a browser reads them."""

import datetime
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
from django.urls import reverse

from archive.models import Article
from search.opensearch import SUGGESTIONS, TitleFinder, forget_titles
from tests.factories import make_article, make_author
from tests.test_feeds import head_links

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_titles():
    """Each test's database starts at the same archive version: its titles start afresh."""
    forget_titles()
    yield
    forget_titles()

OS = "{http://a9.com/-/spec/opensearch/1.1/}"


def description(client) -> ET.Element:
    response = client.get(reverse("follow:opensearch"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/opensearchdescription+xml; charset=utf-8"
    return ET.fromstring(response.content)


def url_templates(root: ET.Element) -> dict[str, str]:
    return {url.get("type"): url.get("template") for url in root.iter(f"{OS}Url")}


def filled(template: str, terms: str) -> str:
    """A template's URL as a browser fills it in, as a path for the test client."""
    url = urlsplit(template.replace("{searchTerms}", terms))
    assert url.scheme == "http" and url.netloc == "testserver"  # absolute, as the spec wants
    return f"{url.path}?{url.query}"


def suggest(client, q: str):
    response = client.get(reverse("follow:suggest"), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-suggestions+json"
    return json.loads(response.content)


def test_every_page_points_to_the_description(client, seeded):
    for url in (reverse("archive:home"), reverse("archive:latest"), reverse("search:search"),
                reverse("archive:authors"), "/no/such/page/"):
        links = head_links(client.get(url), "search")
        assert links == [{"rel": "search", "type": "application/opensearchdescription+xml",
                          "title": "Dossier", "href": reverse("follow:opensearch")}], url


def test_description_names_the_archive_and_its_encoding(client):
    root = description(client)
    assert root.tag == f"{OS}OpenSearchDescription"
    assert root.findtext(f"{OS}ShortName") == "Dossier"
    assert len(root.findtext(f"{OS}ShortName")) <= 16
    assert "Dossier archive" in root.findtext(f"{OS}Description")
    assert root.findtext(f"{OS}InputEncoding") == "UTF-8"
    assert root.find(f"{OS}Image") is None  # no favicon in static/, so none is claimed
    assert set(url_templates(root)) == {"text/html", "application/x-suggestions+json",
                                        "application/atom+xml", "application/opensearchdescription+xml"}


def test_description_urls_lead_to_results_feed_and_suggestions(client, seeded):
    from django.core.management import call_command

    call_command("sync_index", verbosity=0)
    templates = url_templates(description(client))
    page = client.get(filled(templates["text/html"], "Minsk"))
    assert page.status_code == 200
    assert [h.article.pk for h in page.context["result"].hits] == [3]
    feed = feedparser.parse(client.get(filled(templates["application/atom+xml"], "Minsk")).content)
    assert not feed.bozo and [e.title for e in feed.entries] == [page.context["result"].hits[0].article.title]
    typed, completions, *_ = json.loads(
        client.get(filled(templates["application/x-suggestions+json"], "fly")).content)
    assert typed == "fly" and "Michael Flynn" in completions
    self_url = filled(templates["application/opensearchdescription+xml"], "")
    assert self_url == reverse("follow:opensearch") + "?"


def test_suggestions_complete_topics_authors_outlets_then_titles(client, seeded):
    typed, completions, kinds, urls = suggest(client, "fly")
    assert typed == "fly"
    assert completions == ["Michael Flynn"]  # the topic; no author, outlet or title has a word "fly…"
    assert kinds == ["Topic"]
    assert urls == ["http://testserver" + reverse("search:topic", args=["michael-flynn"])]
    typed, completions, kinds, urls = suggest(client, "SARAH")
    assert (completions, kinds) == (["Sarah Lain"], ["Author"])
    typed, completions, kinds, urls = suggest(client, "rusi")
    assert (completions, kinds) == (["RUSI"], ["Outlet"])
    typed, completions, kinds, urls = suggest(client, "reset")
    assert completions == ["US–Russia Relations: Is the Prospect of a Trump–Putin Reset Over?"]
    assert kinds == ["Article"] and urls[0].endswith(reverse("archive:article-short", args=[3]) + "usrussia-"
                                                     "relations-is-the-prospect-of-a-trumpputin-reset-over/")


def test_suggestions_match_word_starts_not_the_middle_of_words(client):
    make_author("Vladimir Putin")
    make_author("Computing Weekly")
    assert suggest(client, "put")[1] == ["Vladimir Putin"]


def test_suggestions_are_bounded_and_one_per_text(client):
    for i in range(15):
        make_author(f"Sanders {i:02d}")
    make_article(title="Sanders 00", published=datetime.date(2017, 1, 1), date_precision="day")
    typed, completions, kinds, urls = suggest(client, "sand")
    assert completions == [f"Sanders {i:02d}" for i in range(SUGGESTIONS)]
    assert len(kinds) == len(urls) == SUGGESTIONS


@pytest.mark.parametrize("q", ["", "   ", "zzzz", "%", "_", "\x00", "<script>"])
def test_suggestions_for_nothing_or_wildcards_are_empty(client, seeded, q):
    typed, completions, kinds, urls = suggest(client, q)
    assert completions == kinds == urls == []


def test_too_long_a_suggestion_request_is_a_400_that_says_why(client):
    response = client.get(reverse("follow:suggest"), {"q": "x" * 101})
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["error"] == "Invalid suggestion request." and "q" in body["fields"]


def test_suggestions_cost_a_few_small_queries(client, seeded, django_assert_num_queries):
    # The archive version, topic, author and outlet names, the titles found (read back by id);
    # the first time, this process's copy of the titles too.
    with django_assert_num_queries(6):
        assert suggest(client, "relations")[1][0].startswith("Russian-U.S. Relations")
    with django_assert_num_queries(5):
        suggest(client, "relations")


def test_a_changed_title_is_suggested_once_the_change_is_in(client, seeded,
                                                         django_capture_on_commit_callbacks):
    assert suggest(client, "zeitenwende")[1] == []
    article = Article.objects.get(pk=3)
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Zeitenwende in US–Russia relations"
        article.save()
    assert suggest(client, "zeitenwende")[1] == ["Zeitenwende in US–Russia relations"]
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert suggest(client, "zeitenwende")[1] == []


def test_title_finder_matches_word_starts_newest_first_without_case_or_crossing_titles():
    finder = TitleFinder(1, [(9, "Die Straße nach Osten"), (7, "NATO  and\tthe east"),
                             (5, "The Eastern front"), (3, "Beast of the east")])
    assert finder.find("east", 10) == [7, 5, 3]
    assert finder.find("EAST", 2) == [7, 5]
    assert finder.find("strasse", 10) == [9]  # casefolded: ß is ss
    assert finder.find("and the", 10) == [7]  # runs of spaces and tabs are one space
    assert finder.find("osten nato", 10) == []  # never across two titles
    assert finder.find("east", 0) == []
    assert TitleFinder(1, []).find("east", 10) == []
