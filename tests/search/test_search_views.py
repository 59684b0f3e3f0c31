"""The search page, topic pages, help page and JSON API, as a user or client sees them."""

import json

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db

HOSTILE = ['"unbalanced', "(russia", "russia)", "*", "AND", "NOT", "OR", "x" * 1000,
           "a\x00b\x1bc", "<script>alert(1)</script>", "Путин ü 東京 🙂", "title:", "author:",
           "~", "-", "flynn~9", "((((", '"""', "topic:" + "z" * 300, "*ssia", "\u202e"]


# The seed collection's article 3 (RUSI, Sarah Lain) belongs to these topics, by name.
ARTICLE_3_TOPICS = [{"name": "Crimea and Ukraine", "slug": "crimea-ukraine"},
                    {"name": "Michael Flynn", "slug": "michael-flynn"},
                    {"name": "Nuclear arms", "slug": "nuclear-arms"},
                    {"name": "Sanctions", "slug": "sanctions"}]


def get(client, name, **params):
    return client.get(reverse(name), params)


def test_search_page_shows_results_facets_and_timeline(seeded_index, client):
    response = get(client, "search:search", q="Minsk agreement")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["q"] == "Minsk agreement"
    assert 'value="Minsk agreement"' in html
    assert "<mark>Minsk</mark> <mark>agreement</mark>" in html
    assert "Sarah Lain" in html and "22 February 2017" in html
    assert "?q=Minsk+agreement&amp;author=sarah-lain" in html  # facet link keeps q
    assert "<svg" in html and "<rect" in html


def test_active_filters_are_removable_chips(seeded_index, client):
    response = get(client, "search:search", q="sanction", author="sarah-lain", month="2017-02")
    html = response.content.decode()
    assert [h.article.pk for h in response.context["result"].hits] == [3]
    assert 'aria-label="Remove filter Sarah Lain"' in html
    assert 'href="?q=sanction&amp;month=2017-02"' in html  # removing the author keeps the rest


def test_empty_query_with_filters_browses_newest_first(seeded_index, client):
    response = get(client, "search:search", month="2017-02")
    assert [h.article.pk for h in response.context["result"].hits] == [3, 1]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail_or_reflect_markup(seeded_index, client, q):
    for name in ("search:search", "search:api-search"):
        response = get(client, name, q=q)
        assert response.status_code == 200, (name, q)
        assert b"<script>alert" not in response.content


@pytest.mark.parametrize("params", [
    {"page": "abc"}, {"month": "2017-13"}, {"from": "garbage"}, {"sort": "random"},
    {"author": "<b>"}, {"from": "2017-03-01", "to": "2017-02-01"}, {"page": "0"},
    {"q": "x" * 20_000},
])
def test_bad_parameters_give_400_with_the_errors(seeded_index, client, params):
    params = {"q": "sanction"} | params
    response = get(client, "search:search", **params)
    assert response.status_code == 400
    assert b"could not be used" in response.content
    api = get(client, "search:api-search", **params)
    assert api.status_code == 400
    body = api.json()
    assert body["error"] and set(body["fields"]) <= {"page", "month", "from", "to", "sort",
                                                     "author", "q"}


def test_no_results_page_offers_suggestion_and_tips(seeded_index, client):
    html = get(client, "search:search", q="sanktions").content.decode()
    assert "Did you mean" in html and "?q=sanctions" in html
    assert reverse("search:help") in html


def test_help_page(client):
    assert b"author:lain" in client.get(reverse("search:help")).content


def test_api_search_shape(seeded_index, client):
    body = json.loads(get(client, "search:api-search", q="Crimea").content)
    assert set(body) >= {"total", "page", "pages", "hits", "facets", "suggestion"}
    assert body["total"] == len(body["hits"]) == 5
    hit = next(h for h in body["hits"] if h["id"] == 3)
    assert hit["url"] == "/articles/3/usrussia-relations-is-the-prospect-of-a-trumpputin-reset-over/"
    assert hit["authors"] == [{"name": "Sarah Lain", "slug": "sarah-lain"}]
    assert hit["outlet"] == {"name": "RUSI", "slug": "rusi"}
    assert (hit["published"], hit["date_precision"]) == ("2017-02-22", "day")
    assert "<mark>Crimea</mark>" in hit["snippet"]
    undated = next(h for h in body["hits"] if h["id"] == 2)
    assert (undated["published"], undated["outlet"]) == (None, None)
    assert {"slug": "rusi", "name": "RUSI", "count": 1} in body["facets"]["outlet"]
    assert {"value": "2017-02", "count": 2} in body["facets"]["month"]
    assert set(body["facets"]) == {"author", "outlet", "topic", "month"}


def test_api_article(seeded_index, client):
    body = client.get(reverse("search:api-article", args=[3])).json()
    assert body["id"] == 3 and "Minsk agreement" in body["body_text"]
    assert body["topics"] == ARTICLE_3_TOPICS
    missing = client.get(reverse("search:api-article", args=[999]))
    assert missing.status_code == 404 and missing.json()["error"]


def test_topic_pages(seeded_index, client):
    listing = client.get(reverse("search:topics"))
    counts = {t.slug: n for t, n in listing.context["topics"]}
    assert counts["crimea-ukraine"] == 5 and counts["sanctions"] == 5
    assertContains(listing, '<a href="/topics/crimea-ukraine/">Crimea and Ukraine</a>', html=True)
    page = client.get(reverse("search:topic", args=["crimea-ukraine"]))
    assert page.status_code == 200
    assert sorted(h.article.pk for h in page.context["result"].hits) == [1, 2, 3, 4, 5]
    narrowed = client.get(reverse("search:topic", args=["crimea-ukraine"]), {"month": "2017-02"})
    assert sorted(h.article.pk for h in narrowed.context["result"].hits) == [1, 3]
    assert client.get(reverse("search:topic", args=["no-such-topic"])).status_code == 404


def test_article_page_lists_its_topics(seeded_index, client):
    response = client.get("/articles/3/")
    response = client.get(response["Location"])
    assert [{"name": t.name, "slug": t.slug} for t in response.context["topics"]] == ARTICLE_3_TOPICS
    assertContains(response, '<ul class="tag-list" aria-label="Topics">' + "".join(
        f'<li><a href="/topics/{t["slug"]}/">{t["name"]}</a></li>' for t in ARTICLE_3_TOPICS)
        + "</ul>", html=True)


def test_api_gives_month_precision_dates_as_months(client, seeded_index):
    data = client.get("/api/search", {"q": "trump"}).json()
    published = {hit["id"]: (hit["published"], hit["date_precision"]) for hit in data["hits"]}
    assert published[1] == ("2017-02", "month")
    assert published[2] == (None, "unknown")


def _reference_toggle(params, key: str, value: str) -> str:
    """What the tag computed before it encoded the parameters once per request."""
    params = params.copy()
    values = params.getlist(key)
    if value in values:
        values.remove(value)
    elif key in ("sort", "from", "to", "timeline"):  # months add up: several are ORed
        values = [value]
    else:
        values.append(value)
    params.setlist(key, values)
    params.pop("page", None)
    return "?" + params.urlencode()


@pytest.mark.parametrize("query", ["", "q=health+care", "q=a%26b&author=x&author=y&page=3",
                                   "month=2017-02&q=%22the+president%22&sort=newest",
                                   "page=2&topic=t%C3%BCrkiye&q=caf%C3%A9&outlet=o"])
def test_facet_links_keep_every_other_parameter(rf, query):
    from django.http import QueryDict

    from search.templatetags.search_tags import set_url, toggle_url

    request = rf.get("/search/?" + query)
    for key, value in [("author", "x"), ("author", "z"), ("month", "2017-02"), ("month", "2018-01"),
                       ("topic", "türkiye"), ("q", "new words & more"), ("sort", "oldest")]:
        assert toggle_url({"request": request}, key, value) == _reference_toggle(request.GET, key, value)
    params = QueryDict(query, mutable=True)
    params["sort"] = "newest"
    params.pop("page", None)
    assert set_url({"request": request}, "sort", "newest") == "?" + params.urlencode()
