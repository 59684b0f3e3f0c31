"""Search in a real browser: header box, facet, chip, paging; works without JavaScript."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_search_facet_chip_and_paging(live_url, browser, screenshot):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_url + "/")
    page.fill("#site-q", "sanction")
    page.press("#site-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=sanction"))
    assert page.locator("#site-q").input_value() == "sanction"
    assert page.locator(".search-results .article-row").count() == 5
    assert page.locator(".snippet mark").count() >= 5
    assert page.locator(".timeline svg rect").count() >= 2
    screenshot(page, "search-results")

    page.locator(".facet-author").get_by_role("link", name="Sarah Lain").click()
    assert "author=sarah-lain" in page.url
    assert page.locator(".search-results .article-row").count() == 1
    chip = page.get_by_role("link", name="Remove filter Sarah Lain")
    assert chip.is_visible()
    screenshot(page, "search-facet")

    chip.click()
    assert "author=" not in page.url and "q=sanction" in page.url
    assert page.locator(".search-results .article-row").count() == 5

    # The seed collection (5 articles) fits on one page of 20: no pager is offered.
    pagination = page.locator(".search-results .pagination")
    if pagination.count():
        pagination.get_by_role("link", name=re.compile("Next")).click()
        assert "page=2" in page.url and "q=sanction" in page.url
    else:
        assert page.get_by_role("link", name=re.compile("Next")).count() == 0

    page.get_by_role("link", name="newest").click()
    assert "sort=newest" in page.url
    context.close()


def test_no_results_offers_a_suggestion(live_url, page, screenshot):
    page.goto(live_url + "/search/?q=sanktions")
    page.get_by_role("link", name="sanctions").first.click()
    assert page.locator(".search-results .article-row").count() == 5
    page.goto(live_url + "/topics/crimea-ukraine/")
    assert page.locator(".article-row").count() == 5
    screenshot(page, "topic-page")
