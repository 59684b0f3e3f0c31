"""Following the archive in a real browser against the real server (DEBUG off, collected
static files): the feed a page advertises, the search bar's description and suggestions,
"More articles", and the 404 page's way back into the archive."""

import json
import xml.etree.ElementTree as ET

import feedparser
import pytest

pytestmark = pytest.mark.browser


def test_the_feed_a_search_page_advertises_is_the_search_as_a_feed(live_url, page):
    page.goto(live_url + "/search/?q=Minsk")
    titles = page.locator(".article-row h3").all_inner_texts()
    href = page.locator('head link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    assert href == "/search/feed/?q=Minsk"
    response = page.request.get(live_url + href)
    assert response.ok and response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.body())
    assert not feed.bozo and [entry.title for entry in feed.entries] == titles
    page.get_by_role("link", name="Feed of this page").click()  # the visible link leads there too
    assert page.url == live_url + href


def test_home_leads_to_more_articles_and_the_browser_finds_the_search_engine(live_url, page):
    page.goto(live_url + "/")
    page.get_by_role("link", name="More articles, newest first").click()
    assert page.url == live_url + "/latest/"
    assert page.locator(".article-list > li").count() == 5
    description = page.locator('head link[rel="search"]').get_attribute("href")
    root = ET.fromstring(page.request.get(live_url + description).body())
    urls = {u.get("type"): u.get("template") for u in root.iter("{http://a9.com/-/spec/opensearch/1.1/}Url")}
    suggest = page.request.get(urls["application/x-suggestions+json"].replace("{searchTerms}", "fly"))
    assert json.loads(suggest.body())[:2] == ["fly", ["Michael Flynn"]]


def test_a_missing_page_offers_search_and_the_way_home(live_url, page, screenshot):
    response = page.goto(live_url + "/no/such/page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    screenshot(page, "not-found")
    page.get_by_label("Search the archive instead").fill("Minsk")
    page.get_by_label("Search the archive instead").press("Enter")
    assert "/search/?q=Minsk" in page.url
    assert page.locator(".article-row").count() >= 1
    page.go_back()
    page.get_by_role("link", name="Home", exact=True).click()
    assert page.url == live_url + "/"
