"""Property-based: no generated parameters make a search or topic feed, or the suggestions,
answer 5xx. The generated queries and parameters are the search fuzz tests' own."""

import json

import feedparser
import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from search.opensearch import forget_titles
from tests.search.test_search_fuzz import FUZZ, TAG_MARK, params, queries, query_string

pytestmark = pytest.mark.django_db

# A feed request costs more than a page's: fewer examples than the search fuzz tests run
# (the long campaign, HYPOTHESIS_PROFILE=campaign, keeps its own count).
FEED_FUZZ = FUZZ if FUZZ.max_examples > 250 else hsettings(FUZZ, max_examples=60)


@pytest.fixture
def seeded_index(seeded, index_dir):
    call_command("sync_index", verbosity=0)
    forget_titles()
    yield index_dir
    forget_titles()


def check_feed(response) -> None:
    """A valid Atom feed, or a 400 that says which parameter is wrong, as plain text that no
    browser renders as markup (so it may quote the bad value as it came)."""
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content.decode().startswith("Invalid search parameters. ")
        return
    assert TAG_MARK not in response.content.decode().lower()
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) <= 50


def test_search_feed_never_fails(seeded_index, client):
    @FEED_FUZZ
    @given(pairs=st.one_of(params, queries.map(lambda q: [("q", q)])))
    def run(pairs):
        check_feed(client.get(f"/search/feed/?{query_string(pairs)}"))

    run()


def test_topic_feed_never_fails(seeded_index, client):
    @FEED_FUZZ
    @given(pairs=params)
    def run(pairs):
        check_feed(client.get(f"/topics/michael-flynn/feed/?{query_string(pairs)}"))

    run()


def test_suggestions_never_fail(seeded_index, client):
    @FEED_FUZZ
    @given(q=queries)
    def run(q):
        response = client.get(f"/search/suggest?{query_string([('q', q)])}")
        assert response.status_code in (200, 400)
        body = json.loads(response.content)
        if response.status_code == 200:
            assert isinstance(body[0], str) and len(body[1]) == len(body[2]) == len(body[3]) <= 10
        else:
            assert body["error"] and body["fields"]["q"]

    run()
