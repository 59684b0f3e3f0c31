"""Two app servers, one archive (issue 13): two real gunicorns with separate data directories
serve one PostgreSQL database with the PostgreSQL search engine and the database page cache.

An upload through one is found through the other within a second; a server killed in the
middle of an upload loses nothing, and the other keeps answering and can finish the batch.
"""

import json
import statistics
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.live import AdminSession, LiveServer, article_text, unique_word
from tests.pg import PostgresServer

pytestmark = pytest.mark.heavy
SHARED = {"DOSSIER_SEARCH_BACKEND": "postgres", "DOSSIER_CACHE_URL": "db://"}
DROPPED = (ConnectionError, urllib.error.URLError, TimeoutError)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with PostgresServer() as pg:
        url = pg.create_database("shared")
        with LiveServer(database_url=url, **SHARED) as first, \
                LiveServer(database_url=url, **SHARED) as second:
            first.setup().start()
            second.setup().start()  # its setup finds the database set up: it changes nothing
            first.marker_dir = tmp_path_factory.mktemp("markers")
            yield first, second


def total(server: LiveServer, word: str) -> int:
    with urllib.request.urlopen(f"{server.url}/api/search?q={word}", timeout=10) as response:
        return json.loads(response.read())["total"]


def files(start: int, n: int, label: str) -> list[tuple[str, bytes]]:
    return [(f"{label}-{k}.txt", article_text(start + k, f"Two servers {label} {unique_word(start + k)}"))
            for k in range(n)]


def seconds_until_found(server: LiveServer, word: str, timeout: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if total(server, word) == 1:
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"{word} not found through {server.url} after {timeout} s")


def test_an_upload_through_one_is_found_through_the_other_within_a_second(servers):
    first, second = servers
    session = AdminSession(first.url)
    waits = []
    for n in range(5):
        (name, data), = files(100 + n, 1, f"seen{n}")
        done = session.confirm(session.upload([(name, data)]))
        assert done.url.endswith("/done/"), done.url
        waits.append(seconds_until_found(second, unique_word(100 + n)))
    print(f"upload through one server, searchable on the other: waits {[f'{w:.3f}' for w in waits]} s")
    assert statistics.median(waits) <= 1.0 and max(waits) <= 3.0, waits
    # The other direction, and the page cache shared by both does not hide the new article.
    assert total(first, unique_word(100)) == 1
    assert AdminSession(second.url).get("/").status == 200


def test_one_server_killed_mid_upload_loses_nothing_and_the_other_answers(servers):
    first, second = servers
    marker = first.marker_dir / "confirming"
    first.stop()
    first.start(DOSSIER_CRASH_AT="upload.confirming", DOSSIER_CRASH_MARKER=str(marker))
    batch = files(200, 4, "killed")
    session = AdminSession(first.url)
    review = session.upload(batch)
    answers, stop = [], threading.Event()

    def search_the_other():
        while not stop.is_set():
            try:
                answers.append(total(second, "sanctions") >= 0)
            except DROPPED:
                answers.append(False)
            time.sleep(0.05)

    watcher = threading.Thread(target=search_the_other)
    watcher.start()
    try:
        with pytest.raises(DROPPED):
            session.confirm(review)  # the worker dies inside the confirming transaction
        first.kill_all()  # and then the whole server
        assert marker.exists(), "the upload did not reach the point where the server died"
        # The staged batch is in the shared database: the other server shows it and finishes it.
        session.base = second.url  # the same signed-in session: sessions live in the database
        again = session.get(review.url.replace(first.url, second.url))
        assert again.status == 200 and again.text.count('class="review-row"') == len(batch)
        done = session.confirm(again)
        assert done.url.endswith("/done/"), done.url
        for k in range(len(batch)):
            seconds_until_found(second, unique_word(200 + k))
    finally:
        stop.set()
        watcher.join()
    assert answers and all(answers), f"{answers.count(False)} of {len(answers)} searches failed"
    titles = second.sql("SELECT title FROM archive_article WHERE title LIKE 'Two servers killed %'")
    assert len(titles) == len(batch)  # each once: the killed transaction left nothing behind
    orphans = second.sql("SELECT count(*) FROM archive_article a WHERE NOT EXISTS "
                         "(SELECT 1 FROM archive_capture c WHERE c.article_id = a.id)")
    assert orphans == [(0,)]
    first.start()  # back again, it serves what was uploaded while it was down
    assert total(first, unique_word(201)) == 1
    assert second.server_errors() == []
