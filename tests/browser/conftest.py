"""Browser tests: a real gunicorn on a free loopback port, driven by Playwright in Debian's Chromium.

The server runs on its own data directory, prepared by `make setup` (the same steps as
`make run`), so these tests also prove that the run command sets up a working archive.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
ADMIN_USER, ADMIN_PASSWORD = "editor", "browser-test-password-91"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DOSSIER_"))}
    env.update({
        "DOSSIER_DATA_DIR": str(data_dir), "DJANGO_SECURE": "0", "PORT": str(port),
        "HOST": "127.0.0.1", "WEB_CONCURRENCY": "2", "GUNICORN_ACCESSLOG": "",
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
    })
    return env


def wait_until_serving(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def live_url():
    """Base URL of a gunicorn serving a freshly set-up archive (seed collection, index, staff user)."""
    data_dir = Path(tempfile.mkdtemp(prefix="dossier-browser-"))
    port = free_port()
    env = server_env(data_dir, port)
    subprocess.run(["make", "--no-print-directory", "setup"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "manage.py", "createsuperuser", "--noinput",
                    "--username", ADMIN_USER, "--email", "editor@example.org"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url + "/", proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
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
