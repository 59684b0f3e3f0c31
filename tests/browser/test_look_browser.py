"""The finished look in a real browser: page titles, icons, the dark scheme, and print.

The print test gives one seed article a source URL through the admin's change form and puts
it back afterwards, so the other browser tests see the seed collection as loaded.
"""

import re
import urllib.parse
import urllib.request

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.live import ADMIN_PASSWORD, ADMIN_USER

pytestmark = pytest.mark.browser

ARTICLE_3 = "/articles/3/usrussia-relations-is-the-prospect-of-a-trumpputin-reset-over/"
TITLES = [
    ("/", "Home — Dossier"),
    (ARTICLE_3, "US–Russia Relations: Is the Prospect of a Trump–Putin Reset Over? — Dossier"),
    ("/search/", "Search — Dossier"),
    ("/search/?q=crimea", "Search: crimea — Dossier"),
    ("/search/?q=sanction&author=sarah-lain", "Search: sanction, Sarah Lain — Dossier"),
    ("/search/?author=sarah-lain", "Search: Sarah Lain — Dossier"),
    ("/search/help/", "Search syntax — Dossier"),
    ("/topics/", "Topics — Dossier"),
    ("/topics/sanctions/", "Topic: Sanctions — Dossier"),
    ("/authors/", "Authors — Dossier"),
    ("/authors/sarah-lain/", "Author: Sarah Lain — Dossier"),
    ("/outlets/", "Outlets — Dossier"),
    ("/outlets/rusi/", "Outlet: RUSI — Dossier"),
    ("/archive/", "Archive by date — Dossier"),
    ("/archive/2017/", "Archive: 2017 — Dossier"),
    ("/archive/2017/02/", "Archive: February 2017 — Dossier"),
    ("/archive/undated/", "Archive: undated articles — Dossier"),
    ("/latest/", "Latest articles — Dossier"),
    ("/no-such-page/", "Page not found — Dossier"),
]


def test_every_page_title_says_where_you_are(live_url, page):
    seen = {}
    for path, _title in TITLES:
        page.goto(live_url + path)
        seen[path] = page.title()
    assert seen == dict(TITLES)


def test_icons_are_linked_and_served(live_url, page):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto(live_url + "/")
    links = page.eval_on_selector_all(
        "link[rel~=icon], link[rel=apple-touch-icon], link[rel=manifest]",
        "els => els.map(e => [e.rel, e.href])")
    hrefs = {}
    for rel, href in links:
        hrefs.setdefault(rel, []).append(href)
    assert sorted(hrefs) == ["apple-touch-icon", "icon", "manifest"] and len(hrefs["icon"]) == 2
    for rel, href in links:
        assert page.request.get(href).ok, (rel, href)
    manifest_url = hrefs["manifest"][0]
    for icon in page.request.get(manifest_url).json()["icons"]:
        assert page.request.get(urllib.parse.urljoin(manifest_url, icon["src"])).ok, icon
    assert missing == []


def test_favicon_ico_is_no_404(live_url):
    """Feed readers and crawlers ask for /favicon.ico whatever the page links."""
    with urllib.request.urlopen(live_url + "/favicon.ico") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
        assert response.read(4) == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.parametrize(("scheme", "background", "ink"), [
    ("light", "rgb(251, 251, 249)", "rgb(29, 35, 48)"),
    ("dark", "rgb(20, 24, 31)", "rgb(230, 233, 238)"),
])
def test_colour_scheme_follows_the_system(live_url, browser, screenshot, scheme, background, ink):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_url + "/search/?q=sanction")
    root = page.evaluate("(() => { const s = getComputedStyle(document.documentElement);"
                         " return [s.backgroundColor, s.color]; })()")
    assert root == [background, ink]
    screenshot(page, f"search-{scheme}")
    context.close()


@pytest.fixture
def article_with_source(live_url, browser):
    """Article 3 with a source URL, set and then cleared again through the admin's change form."""
    source = "https://rusi.org/explore-our-research/publications/commentary/us-russia-relations-reset"
    context = browser.new_context()
    admin = context.new_page()
    admin.goto(live_url + "/admin/login/?next=/admin/archive/article/3/change/")
    admin.fill("#id_username", ADMIN_USER)
    admin.fill("#id_password", ADMIN_PASSWORD)
    admin.click("input[type=submit]")

    def set_source(value: str) -> None:
        admin.goto(live_url + "/admin/archive/article/3/change/")
        admin.fill("#id_source_url", value)
        admin.click("input[name=_save]")
        admin.wait_for_url(re.compile(r"/admin/archive/article/(\?.*)?$"))

    set_source(source)
    try:
        yield source
    finally:
        set_source("")
        context.close()


def test_an_article_prints_as_a_clean_page_with_its_citation(live_url, page, article_with_source):
    page.goto(live_url + ARTICLE_3)
    assert not page.locator(".print-citation").is_visible()  # on screen, the Cite box does this
    page.emulate_media(media="print")
    for hidden in (".site-header", ".search-box", "nav", ".site-footer", "aside.related",
                   ".cite-box", ".tag-list", ".skip-link"):
        for element in page.locator(hidden).all():
            assert not element.is_visible(), hidden
    for shown in ("h1", ".byline", ".body", ".print-citation"):
        assert page.locator(shown).first.is_visible(), shown
    byline = page.locator(".byline").first.inner_text()
    assert "Sarah Lain" in byline and "RUSI" in byline and "22 February 2017" in byline
    citation = page.locator(".print-citation").inner_text()
    assert f"Source: {article_with_source}" in citation
    assert f"Archived in Dossier: {live_url}/articles/3/" in citation
    assert "Lain, S." in citation  # the APA reference
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in (
        "rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "article-print.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
