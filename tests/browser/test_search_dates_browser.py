"""A researcher's search in a real browser: a name, a date range from the form, two months at
once, proximity, and an operator the parser does not know."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_name_dates_months_and_proximity(live_url, browser, screenshot):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(live_url + "/search/?q=Lain")  # an author's name, not a word of any text
    assert page.locator(".search-results .article-row").count() >= 1
    assert "Sarah Lain" in page.locator(".search-results").inner_text()

    page.goto(live_url + "/search/?q=sanction")
    everything = page.locator(".search-results .article-row").count()
    page.fill("#date-from", "2017-02")
    page.fill("#date-to", "2017-02")
    page.get_by_role("button", name="Apply dates").click()
    page.wait_for_url(re.compile(r"from=2017-02"))
    assert "q=sanction" in page.url
    chips = page.get_by_role("list", name="Active filters").inner_text()
    assert "from 1 Feb 2017" in chips and "to 28 Feb 2017" in chips
    february = page.locator(".search-results .article-row").count()
    assert 0 < february < everything
    screenshot(page, "search-dates")

    page.goto(live_url + "/search/?q=sanction")
    months = page.locator(".facet-month a")
    first, second = months.nth(0).inner_text(), months.nth(1).inner_text()
    months.nth(0).click()
    page.locator(".facet-month").get_by_role("link", name=second).click()
    chips = page.get_by_role("list", name="Active filters").inner_text()
    assert first in chips and second in chips
    assert page.url.count("month=") == 2

    page.goto(live_url + "/search/?q=sanctions+w%2Fs+russia")
    assert "is not an operator we know" in page.locator(".search-results .note").inner_text()
    context.close()
