"""manage.py move_archive: a real SQLite archive (set up as `make setup` does, articles
imported from files) copied into a real, empty PostgreSQL database on loopback (tests/pg.py).

The command runs as a user runs it, in its own process; what lands in PostgreSQL is read back
with psycopg, not through the code that wrote it.
"""

import hashlib
import sqlite3

import psycopg
import pytest

from tests.live import LiveServer, article_text
from tests.pg import PostgresServer, free_port


@pytest.fixture(scope="module")
def server():
    with PostgresServer() as pg:
        yield pg


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """An embedded archive: seed collection, five imported captures, a staff account."""
    folder = tmp_path_factory.mktemp("captures")
    for n in range(5):
        (folder / f"capture-{n}.txt").write_bytes(article_text(700 + n, f"Headline {n} on the sanctions"))
    with LiveServer(database_url="") as archive:  # embedded (SQLite) on every run
        archive.setup()
        archive.manage("import_articles", str(folder))
        yield archive


@pytest.fixture
def target(server, request):
    name = "move_" + request.node.name.split("[")[0][5:45]
    server.psql(f'DROP DATABASE IF EXISTS "{name}"')
    return server.create_database(name)


def sqlite_rows(archive: LiveServer, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{archive.data_dir / 'dossier.sqlite3'}?mode=ro", uri=True) as db:
        return [tuple(row) for row in db.execute(sql)]


def pg_rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as db:
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in db.execute(sql)]


def dump_hash(archive: LiveServer) -> str:
    """The database's content, as SQL (the file's bytes change when SQLite merges its log)."""
    with sqlite3.connect(f"file:{archive.data_dir / 'dossier.sqlite3'}?mode=ro", uri=True) as db:
        return hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()


def test_every_row_and_capture_arrives_and_the_source_is_untouched(source, target):
    before = dump_hash(source)
    done = source.manage("move_archive", target, "--batch-size", "3", "--no-progress")

    articles = sqlite_rows(source, "SELECT id, title, updated FROM archive_article ORDER BY id")
    assert f"Moved {len(articles)} articles" in done.stdout and len(articles) >= 10
    assert dump_hash(source) == before
    titles = pg_rows(target, "SELECT id, title FROM archive_article ORDER BY id")
    assert titles == [(i, t) for i, t, _ in articles]
    captures = pg_rows(target, "SELECT id, sha256, content FROM archive_capture ORDER BY id")
    hashes = sqlite_rows(source, "SELECT id, sha256 FROM archive_capture ORDER BY id")
    assert [(i, s) for i, s, _ in captures] == hashes and len(hashes) >= 5
    assert all(hashlib.sha256(content).hexdigest() == sha for _, sha, content in captures)
    bylines = "SELECT article_id, author_id, position FROM archive_articleauthor ORDER BY id"
    assert pg_rows(target, bylines) == sqlite_rows(source, bylines)
    accounts = "SELECT username, password, is_staff FROM auth_user ORDER BY id"
    assert pg_rows(target, accounts) == sqlite_rows(source, accounts)
    assert ("editor", True) in [(name, staff) for name, _, staff in pg_rows(target, accounts)]
    # Ids arrived with their rows; the next id PostgreSQL hands out must follow them.
    new = pg_rows(target, "INSERT INTO archive_topic (name, slug, description, query) "
                          "VALUES ('New', 'new', '', '') RETURNING id")
    assert new[0][0] > max(i for (i,) in sqlite_rows(source, "SELECT id FROM archive_topic"))


def test_the_moved_archive_serves_and_searches(source, target):
    """The README's steps after a move: on the new database with search in it, setup adds the
    engine's tables and builds its documents; searches then find what the SQLite archive held."""
    source.manage("move_archive", target, "--no-progress")
    on_postgres = {"DATABASE_URL": target, "DOSSIER_SEARCH_BACKEND": "postgres",
                   "DJANGO_SECRET_KEY": "moved-archive-" + "k" * 40}
    source.manage("migrate", "--noinput", env=on_postgres)
    moved = source.manage("sync_index", env=on_postgres)
    assert moved.returncode == 0, moved.stderr
    found = source.manage("shell", "-c", "from search.query import SearchRequest, search\n"
                          "print(search(SearchRequest(q='Headline sanctions')).total)",
                          env=on_postgres)
    assert int(found.stdout.split()[-1]) == 5


def test_a_target_that_holds_an_archive_is_refused_and_left_alone(source, target):
    source.manage("move_archive", target, "--no-progress")
    pg_rows(target, "UPDATE archive_article SET title = 'Changed there' RETURNING id")
    again = source.manage("move_archive", target, "--no-progress", check=False)
    assert again.returncode == 1 and "already holds articles" in again.stderr
    assert pg_rows(target, "SELECT DISTINCT title FROM archive_article") == [("Changed there",)]


@pytest.mark.parametrize("url, message", [
    ("sqlite:////tmp/other.sqlite3", "not a PostgreSQL URL"),
    ("not a url at all", "not a PostgreSQL URL"),
    ("postgres://nobody@127.0.0.1:{free_port}/none", "Cannot connect to 127.0.0.1"),
])
def test_what_is_not_a_reachable_postgres_is_refused(source, url, message):
    # The port is chosen when the test runs: xdist workers must collect the same test ids.
    url = url.replace("{free_port}", str(free_port()))
    refused = source.manage("move_archive", url, "--no-progress", check=False)
    assert refused.returncode == 1 and message in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
