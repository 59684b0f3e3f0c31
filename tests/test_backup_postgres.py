"""`manage.py backup` and `restore` on PostgreSQL: pg_dump's snapshot, checked by pg_restore
before it gets its name, and restored by pg_restore in one transaction, on a real cluster on
loopback; the same refusals as on SQLite (garbage, a file in the way, an archive with work of
its own), each with a clear message, exit 1 and the database as it was."""

import hashlib
import json
import urllib.request

import pytest

from tests.live import LiveServer, article_text
from tests.pg import PostgresServer


@pytest.fixture(scope="module")
def pg():
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="module")
def archive(pg, tmp_path_factory):
    """A set-up archive on PostgreSQL with four imported captures of its own."""
    folder = tmp_path_factory.mktemp("captures")
    for n in range(4):
        (folder / f"capture-{n}.txt").write_bytes(article_text(800 + n, f"Dumped headline {n}"))
    with LiveServer(database_url=pg.create_database("dossier")) as live:
        live.setup()
        live.manage("import_articles", str(folder))
        yield live


@pytest.fixture(scope="module")
def dump(archive, tmp_path_factory):
    path = tmp_path_factory.mktemp("backups") / "dossier.dump"
    done = archive.manage("backup", str(path))
    assert "by pg_dump" in done.stdout and "readable by pg_restore" in done.stdout
    return path


def contents(live: LiveServer) -> list[tuple]:
    return live.sql("SELECT a.title, c.sha256, md5(c.content) FROM archive_article a "
                    "JOIN archive_capture c ON c.article_id = a.id ORDER BY a.title")


def test_backup_is_a_checked_dump_and_leaves_no_partial_file(dump):
    assert dump.stat().st_size > 1000
    assert [p.name for p in dump.parent.iterdir()] == ["dossier.dump"]


def test_restore_into_a_fresh_install_brings_back_every_capture_and_searches(pg, archive, dump):
    with LiveServer(database_url=pg.create_database("fresh")) as fresh:
        fresh.setup()  # seeds only: a fresh install, which restore may replace
        done = fresh.manage("restore", str(dump))
        assert "Restored" in done.stdout and "Search index rebuilt" in done.stdout
        assert contents(fresh) == contents(archive) and len(contents(fresh)) >= 9
        for sha256, content in fresh.sql("SELECT sha256, content FROM archive_capture"):
            assert hashlib.sha256(content).hexdigest() == sha256
        fresh.start()
        with urllib.request.urlopen(fresh.url + "/api/search?q=Dumped", timeout=30) as answer:
            assert json.loads(answer.read())["total"] == 4


def test_restore_will_not_replace_an_archive_with_articles_of_its_own(archive, dump):
    before = contents(archive)
    refused = archive.manage("restore", str(dump), check=False)
    assert refused.returncode == 1 and "articles of its own" in refused.stderr
    assert contents(archive) == before


@pytest.mark.parametrize("data, message", [
    (b"this is not a dump at all\n" * 40, "not a pg_dump archive"),
    (b"", "not a pg_dump archive"),
])
def test_restore_refuses_garbage_and_changes_nothing(archive, tmp_path, data, message):
    path = tmp_path / "garbage.dump"
    path.write_bytes(data)
    before = contents(archive)
    refused = archive.manage("restore", str(path), "--force", check=False)
    assert refused.returncode == 1 and message in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    assert contents(archive) == before


def test_backup_never_overwrites_a_file(archive, tmp_path):
    path = tmp_path / "taken.dump"
    path.write_bytes(b"someone else's file")
    refused = archive.manage("backup", str(path), check=False)
    assert refused.returncode == 1 and "already exists" in refused.stderr
    assert path.read_bytes() == b"someone else's file"
