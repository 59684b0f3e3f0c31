"""Home -> month -> article in a real browser against a real server."""

import pytest

pytestmark = pytest.mark.browser


def test_home_to_month_to_article(live_url, page, screenshot):
    page.goto(live_url + "/")
    assert page.locator("h1").first.inner_text() == "Latest articles"
    assert page.locator(".article-list > li").count() == 5
    screenshot(page, "home")

    page.get_by_role("link", name="February 2017").first.click()
    assert page.url.endswith("/archive/2017/02/")
    titles = page.locator(".article-row h3").all_inner_texts()
    assert sorted(titles) == sorted([
        "U.S. Russia Relations under President Trump",
        "US–Russia Relations: Is the Prospect of a Trump–Putin Reset Over?",
    ])
    screenshot(page, "month")

    page.get_by_role("link", name="US–Russia Relations: Is the Prospect of a Trump–Putin Reset Over?").click()
    assert page.locator("h1").inner_text().startswith("US–Russia Relations")
    byline = page.locator(".byline").first.inner_text()
    assert "Sarah Lain" in byline and "RUSI" in byline and "22 February 2017" in byline
    body = page.locator(".body").inner_text()
    assert "Minsk agreement" in body
    for residue in ("Subscribe to our Newsletter", "Support Rusi Research", "Banner image"):
        assert residue not in body
    screenshot(page, "article")


def test_pages_work_on_a_phone_screen_without_javascript(live_url, browser, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_url + "/archive/2017/02/")
    assert page.locator(".article-row").count() == 2
    page.get_by_role("link", name="U.S. Russia Relations under President Trump").click()
    assert "February 2017" in page.locator(".byline").first.inner_text()
    screenshot(page, "article-phone")
    context.close()


def test_no_horizontal_scrolling_on_a_phone(live_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path in ("/", "/archive/2017/02/", "/articles/3/"):
        page.goto(live_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()
