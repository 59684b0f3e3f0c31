"""The whole admin flow in a real browser: log in, upload, correct, confirm, find by search."""

import urllib.request

import pytest

from tests.live import ADMIN_PASSWORD, ADMIN_USER

pytestmark = pytest.mark.browser

NEW_ARTICLE = (
    "Arms Control After New START: What Moscow Wants\n\n"
    "By Jon Placeholder\n\n"
    "3 March 2017\n\n"
    + "\n\n".join(
        f"Point {n}: negotiators in Geneva weighed verification, warhead ceilings and the "
        "future of strategic stability between Washington and Moscow." for n in range(10))
)


def test_upload_review_correct_confirm_and_search(live_url, page, screenshot, tmp_path):
    new = tmp_path / "new-start.txt"
    new.write_text(NEW_ARTICLE)
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01\x02\xff" * 400)
    duplicate = tmp_path / "duplicate.txt"
    with urllib.request.urlopen(live_url + "/captures/3/") as response:  # a seed's original
        duplicate.write_bytes(response.read())

    page.goto(live_url + "/admin/login/?next=/admin/")
    page.fill("#id_username", ADMIN_USER)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.get_by_role("link", name="Upload articles").first.click()
    page.set_input_files("#id_files", [str(new), str(junk), str(duplicate)])
    page.click("input[value='Extract and review']")

    assert "junk.txt" in page.locator(".errorlist").first.inner_text()
    rows = page.locator("section.review-row")
    assert rows.count() == 2
    assert "Duplicate of" in page.locator("section[data-file='duplicate.txt']").inner_text()
    new_row = page.locator("section[data-file='new-start.txt']")
    assert new_row.locator("input[name$='-title']").input_value() == (
        "Arms Control After New START: What Moscow Wants")
    new_row.locator("input[name$='-authors']").fill("Jonathan Example")
    screenshot(page, "upload-review")
    page.click("input[value='Import the checked articles']")

    assert "Imported (1)" in page.locator("#imported h2").inner_text()
    assert "(1)" in page.locator("#duplicates h2").inner_text()
    assert "(1)" in page.locator("#refused h2").inner_text()
    screenshot(page, "upload-results")

    page.goto(live_url + "/search/?q=warhead+ceilings")
    result = page.locator(".article-row").first
    assert "Arms Control After New START" in result.inner_text()
    assert "Jonathan Example" in result.inner_text()
