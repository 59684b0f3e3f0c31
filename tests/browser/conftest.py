"""Browser tests: a real gunicorn on a free loopback port, driven by Playwright in Debian's Chromium.

The server runs on its own data directory, prepared by `make setup` (the same steps as
`make run`), so these tests also prove that the run command sets up a working archive.
"""

from pathlib import Path

import pytest

from tests.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture(scope="session")
def live_url():
    """Base URL of a gunicorn serving a freshly set-up archive (seed collection, index, staff user)."""
    with LiveServer() as server:
        server.setup().start()
        yield server.url


@pytest.fixture(scope="module")
def browser():
    """Chromium, for one test module at a time.

    While Playwright's sync API is connected it marks an asyncio loop as running in this
    thread, and Django refuses ORM calls then (SynchronousOnlyOperation). Closing it with the
    module lets whatever test runs next in this process use the database, in any order.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: sudo apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-artifacts/ as the test's visible record."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str | None = None) -> Path:
        path = ARTIFACTS / f"{name or request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
