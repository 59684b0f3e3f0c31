"""Issue 6, promise 1: no lost or ghost articles under concurrency.

gunicorn with 4 workers; 8 staff members upload 200 distinct articles through the real admin
upload (form, review, confirm) while 4 readers search without pause. Afterwards the database
holds exactly those 200, a search for a word unique to each finds it and only it, the index
holds nothing the database lacks, ``sync_index --check`` finds no drift, and no request failed.
"""

import json
import random
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live import WORDS, AdminSession, LiveServer, article_text, unique_word

pytestmark = pytest.mark.heavy

UPLOADERS, SEARCHERS, ARTICLES, PER_BATCH = 8, 4, 200, 5


def title(n: int) -> str:
    return f"Concurrent upload number {n}: {unique_word(n)}"


def upload_share(server: LiveServer, numbers: list[int]) -> list[int]:
    """One staff member uploads their share in batches; returns every HTTP status seen."""
    session = AdminSession(server.url)
    for start in range(0, len(numbers), PER_BATCH):
        batch = numbers[start:start + PER_BATCH]
        review = session.upload([(f"upload-{n}.txt", article_text(n, title(n))) for n in batch])
        assert review.status == 200 and "/upload/" in review.url, review.text[:500]
        results = session.confirm(review)
        assert results.status == 200 and results.url.endswith("/done/"), results.text[:500]
        assert results.text.count("Concurrent upload number") >= len(batch)
    return session.statuses


def search_until(server: LiveServer, stop: threading.Event) -> list[tuple[int, bool]]:
    """Search without pause; each answer's status and whether it was a real result page."""
    seen, rng = [], random.Random()
    while not stop.is_set():
        path = rng.choice(["/search/?q=", "/api/search?q="]) + rng.choice(WORDS + ["concurrent upload"])
        try:
            with urllib.request.urlopen(server.url + path.replace(" ", "+"), timeout=60) as r:
                body = r.read().decode()
                seen.append((r.status, "result-count" in body or '"total"' in body))
        except urllib.error.HTTPError as error:
            seen.append((error.code, False))
    return seen


def api_search(server: LiveServer, q: str) -> dict:
    with urllib.request.urlopen(f"{server.url}/api/search?q={q}", timeout=60) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server():
    with LiveServer(workers=4) as live:
        live.setup().start()
        yield live


def test_concurrent_uploads_lose_nothing_and_leave_no_ghosts(server):
    shares = [list(range(i, ARTICLES, UPLOADERS)) for i in range(UPLOADERS)]
    stop = threading.Event()
    started = time.monotonic()
    with ThreadPoolExecutor(UPLOADERS + SEARCHERS) as pool:
        searches = [pool.submit(search_until, server, stop) for _ in range(SEARCHERS)]
        uploads = [pool.submit(upload_share, server, share) for share in shares]
        upload_statuses = [s for future in uploads for s in future.result()]
        stop.set()
        search_answers = [a for future in searches for a in future.result()]
    elapsed = time.monotonic() - started
    print(f"\n{ARTICLES} articles uploaded by {UPLOADERS} clients in {elapsed:.1f} s while "
          f"{SEARCHERS} clients ran {len(search_answers)} searches")

    assert all(status < 400 for status in upload_statuses), sorted(set(upload_statuses))
    failed = sorted({status for status, real in search_answers if status != 200 or not real})
    assert search_answers and not failed, (failed, server.log()[-6000:])
    assert server.server_errors() == []

    titles = [t for (t,) in server.sql(
        "SELECT title FROM archive_article WHERE title LIKE 'Concurrent upload number %'")]
    orphans = server.sql("SELECT count(*) FROM archive_article a WHERE NOT EXISTS "
                         "(SELECT 1 FROM archive_capture c WHERE c.article_id = a.id)")[0][0]
    pending = server.sql("SELECT count(*) FROM archive_uploaditem WHERE status = 'pending'")[0][0]
    assert sorted(titles) == sorted(title(n) for n in range(ARTICLES))
    assert orphans == 0 and pending == 0

    for n in range(ARTICLES):
        found = api_search(server, unique_word(n))
        assert [h["title"] for h in found["hits"]] == [title(n)]

    check = server.manage("sync_index", "--check", check=False)
    assert check.returncode == 0 and "Index and database agree" in check.stdout, check.stdout
    everything = api_search(server, "concurrent+upload+number")
    assert everything["total"] == ARTICLES
