"""Citing and exporting in a real browser, without JavaScript: the Cite box, its downloads,
and a whole result set exported from the search page."""

import re
from pathlib import Path

import bibtexparser
import pytest
import rispy

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def download(page, link) -> str:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_search_results_export_as_ris(live_url, no_js_page, screenshot):
    page = no_js_page
    page.goto(live_url + "/search/?q=sanction")
    assert page.locator(".search-results .article-row").count() == 5
    assert page.locator(".article-row .Z3988").count() == 5
    links = page.locator(".export-links")
    assert re.search(r"Export all 5 articles", links.inner_text())
    screenshot(page, "search-export-links")
    entries = rispy.loads(download(page, links.get_by_role("link", name="RIS")))
    assert len(entries) == 5 and {e["type_of_reference"] for e in entries} == {"NEWS"}


def test_cite_box_opens_and_downloads_bibtex(live_url, no_js_page, screenshot):
    page = no_js_page
    page.goto(live_url + "/search/?q=Minsk+agreement")
    page.locator(".article-row h3 a").first.click()
    box = page.locator("details.cite-box")
    assert not page.get_by_text("APA", exact=True).is_visible()
    box.locator("summary").click()
    assert page.get_by_text("APA", exact=True).is_visible()
    assert "Lain, S." in box.inner_text()
    screenshot(page, "cite-box")
    library = bibtexparser.parse_string(download(page, box.get_by_role("link", name="BibTeX")))
    assert len(library.entries) == 1 and library.failed_blocks == []
    assert library.entries[0]["author"].startswith("Lain, Sarah")


def test_article_page_metadata_breaks_no_content_security_policy(live_url, page):
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    page.goto(live_url + "/search/?q=Minsk+agreement")
    page.locator(".article-row h3 a").first.click()
    page.wait_for_load_state("load")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert page.locator('meta[name="DC.type"]').get_attribute("content") == "newspaperArticle"
    assert problems == []
