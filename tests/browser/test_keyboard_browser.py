"""Keyboard only: search -> facet -> result -> article with Tab and Enter, focus always visible.

At every Tab the focused element must show a focus indicator (a computed outline or box-shadow),
be on screen, and come after the previously focused one in document order.
"""

import re

import pytest

pytestmark = pytest.mark.browser

# The focused element as the test sees it; it also remembers it, to compare with the next one.
FOCUS = """() => {
    const el = document.activeElement;
    const previous = window.__lastFocus;
    window.__lastFocus = el;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== 'none';
    return {
        name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' +
              (el.textContent || el.value || '').trim().slice(0, 50),
        body: el === document.body,
        indicator: outline || shadow,
        onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0 &&
                  rect.top < innerHeight && rect.left < innerWidth,
        inOrder: !previous || previous === document.body || !document.contains(previous) ||
                 Boolean(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING),
    };
}"""


def tab_until(page, selector: str, text: str | None = None, limit: int = 120) -> list[str]:
    """Press Tab until the focused element matches `selector` (and holds `text`), checking each stop."""
    page.evaluate("window.__lastFocus = null")
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS)
        assert not state["body"], f"focus fell back to the page after {visited}"
        assert state["indicator"], f"no visible focus indicator on {state['name']}"
        assert state["onScreen"], f"focused element off screen: {state['name']}"
        assert state["inOrder"], f"focus jumped back to {state['name']} after {visited[-1]}"
        visited.append(state["name"])
        matches = page.evaluate(
            "([sel, text]) => document.activeElement.matches(sel) &&"
            " (!text || document.activeElement.textContent.includes(text))", [selector, text])
        if matches:
            return visited
    pytest.fail(f"{selector} never got focus in {limit} Tabs: {visited}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_facet_result_article_by_keyboard(live_url, browser, scheme, screenshot):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_url + "/")

    visited = tab_until(page, ".skip-link")
    assert len(visited) == 1  # the first stop on every page skips the header
    tab_until(page, "#site-q")
    page.keyboard.type("sanction")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=sanction"))

    tab_until(page, ".facet-author a", "Sarah Lain")
    screenshot(page, f"keyboard-facet-{scheme}")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"author=sarah-lain"))
    assert page.get_by_role("link", name="Remove filter Sarah Lain").is_visible()

    tab_until(page, ".search-results .article-row h3 a")
    title = page.evaluate("document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/3/"))
    assert page.locator("h1").inner_text() == title

    # The skip link takes focus past the header: the next Tab is inside the article.
    tab_until(page, ".skip-link")
    page.keyboard.press("Enter")
    tab_until(page, "main a")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.closest('.byline') !== null")
    screenshot(page, f"keyboard-article-{scheme}")
    context.close()
