"""A 25-file zip through the real upload in Chromium with JavaScript off: the review page is a
short page of closed cards, pages keep what was changed on them, topics are set per article,
and one Import stores every chosen article once.

The batch runs on a server of its own, so its 25 articles never change what the other browser
tests search and count."""

import io
import re
import zipfile

import pytest

from tests.browser.axe import audit
from tests.live import ADMIN_PASSWORD, ADMIN_USER, LiveServer, article_text, unique_word

pytestmark = pytest.mark.browser
FILES = 25
MAX_HEIGHT = 2400  # px of the first review page at 1280 px wide (one card a file was ~6,000)


def title(n: int) -> str:
    return f"Review batch {n:02d}: {unique_word(500 + n)} and the envoys"


@pytest.fixture(scope="module")
def own_server():
    with LiveServer() as server:
        server.setup().start()
        yield server


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def batch_zip(path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for n in range(FILES):
            zf.writestr(f"capture-{n:02d}.txt", article_text(500 + n, title(n)))
    path.write_bytes(buffer.getvalue())


def card(page, n: int):
    return page.locator(f"section.review-row[data-file='capture-{n:02d}.txt']")


def files_shown(page) -> list[str]:
    cards = page.locator("section.review-row")
    return [cards.nth(i).get_attribute("data-file") for i in range(cards.count())]


def test_a_25_file_zip_is_reviewed_in_pages_and_imported_once(own_server, no_js_page, screenshot,
                                                            tmp_path):
    page, base = no_js_page, own_server.url
    upload = tmp_path / "batch.zip"
    batch_zip(upload)
    page.goto(base + "/admin/login/?next=/admin/")
    page.fill("#id_username", ADMIN_USER)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.goto(base + "/admin/archive/article/upload/")
    page.set_input_files("#id_files", [str(upload)])
    page.click("input[value='Extract and review']")

    # Page 1: ten closed cards, each a summary line; the date hint said once.
    assert files_shown(page) == [f"capture-{n:02d}.txt" for n in range(10)]
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < MAX_HEIGHT, height
    screenshot(page, "review-25")
    assert page.locator("details.card-details[open]").count() == 0
    assert page.get_by_text("what you write sets the precision").count() == 1
    assert title(0) in card(page, 0).locator("summary").inner_text()
    assert not card(page, 0).get_by_label("Title").is_visible()
    closed = audit(page, "review of 25 files, closed cards", scripts=False)
    assert closed.violations == [], closed.describe()

    # Open a card, correct its title, pin it to a topic its text does not match; leave one out.
    card(page, 0).locator("summary").click()
    card(page, 0).get_by_label("Title").fill("A Corrected Headline of the Review Batch")
    card(page, 0).get_by_label("China").check()
    card(page, 3).get_by_label(re.compile("^Import")).uncheck()
    box = card(page, 0).get_by_label("Title").bounding_box()
    assert box["width"] > 600  # the title field spans the card, not a 75 px table cell

    page.get_by_role("button", name="Files 11–20").click()
    assert files_shown(page) == [f"capture-{n:02d}.txt" for n in range(10, 20)]
    assert "(14 of 15 checked there)" in page.locator(".review-submit").inner_text()
    card(page, 12).locator("summary").click()
    card(page, 12).get_by_label("Authors").fill("Ann Reviewer; Bo Second")
    card(page, 12).get_by_label("Date").fill("March 2017")
    opened = audit(page, "review of 25 files, page 2 with a card open", scripts=False)
    assert opened.violations == [], opened.describe()

    page.get_by_role("button", name="Files 21–25").click()
    assert files_shown(page) == [f"capture-{n:02d}.txt" for n in range(20, 25)]
    page.get_by_role("button", name="Files 1–10").click()
    assert card(page, 0).locator("input[name$='-title']").input_value() == (
        "A Corrected Headline of the Review Batch")
    assert not card(page, 3).locator("input[name$='-include']").is_checked()
    page.click("input[value='Import the checked articles']")

    assert "Imported (24)" in page.locator("#imported h2").inner_text()
    assert "Left out (1)" in page.locator("#skipped h2").inner_text()
    imported = page.locator("#imported li")
    assert imported.count() == 24
    assert "A Corrected Headline of the Review Batch" in page.locator("#imported").inner_text()

    page.goto(base + "/topics/china/")
    assert "A Corrected Headline of the Review Batch" in page.locator("main").inner_text()
    page.goto(base + f"/search/?q={unique_word(512)}")
    row = page.locator(".article-row").first
    assert title(12) in row.inner_text() and "Ann Reviewer" in row.inner_text()
    assert "March 2017" in row.inner_text()
    page.goto(base + f"/search/?q={unique_word(503)}")
    assert page.locator(".article-row").count() == 0  # the one left out
    assert own_server.server_errors() == []
