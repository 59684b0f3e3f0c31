"""Issue 6, promise 7: `manage.py backup` and `manage.py restore`.

The round trip runs on real gunicorn servers: backups taken while the server serves searches and
two other writers (admin uploads over HTTP, `import_articles` in its own process) keep adding
articles are each checked with SQLite's own tools; the last one is restored over a `make setup`
install. A backup of the quiesced server is restored into an empty data directory, served, and
must answer every search exactly as the original does, with byte-identical captures.
The refusals (garbage, truncated, not Dossier's, newer schema, an archive with work of its own,
a database in use) must say why, exit non-zero and leave the current database as it was.
"""

import contextlib
import hashlib
import json
import random
import shutil
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.live import AdminSession, LiveServer, on_postgres

# SQLite's own backup: on a PostgreSQL run these commands point to pg_dump and pg_restore
# instead (tests/test_backup_postgres.py checks that).
pytestmark = pytest.mark.skipif(on_postgres(), reason="backup and restore copy SQLite files; "
                                                     "this run's database is PostgreSQL")

WORDS = ["sanctions", "Kremlin", "embassy", "treaty", "summit", "diplomacy", "pipeline", "election",
         "hacking", "envoy", "Crimea", "Ukraine", "NATO", "Baltic", "missile", "reset", "dialogue"]
PEOPLE = ["Anna Adams", "Boris Baker", "Clara Chen", "David Dunn", "Erin Evans"]
OUTLETS = ["The Meridian Review", "Northern Ledger", "Policy Quarterly"]
MONTHS = ["January", "February", "March", "April", "May", "June"]
IMPORTED = range(36)  # loaded before the server starts; uploads and imports under load follow


def unique_word(n: int) -> str:
    """A made-up word only article n contains ("vembrbo", "vembrco", ...)."""
    letters = "bcdfghjklmnpqrstvwxz"
    return "vembr" + letters[n // len(letters) % len(letters)] + letters[n % len(letters)] + "o"


def title(n: int) -> str:
    return f"Backup round trip article {n} {unique_word(n)}"


def authors(n: int) -> list[str]:
    return [PEOPLE[n % 5], PEOPLE[(n + 2) % 5]] if n % 3 == 0 else [PEOPLE[n % 5]]


def article_text(n: int) -> bytes:
    """A capture the text extractor reads fully: title, byline, date (a month only for every
    seventh), body with article n's own word, and a footer naming the outlet."""
    rng = random.Random(n)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(50)) + "." for _ in range(3)]
    paragraphs[1] += f" The word {unique_word(n)} appears only here."
    month = MONTHS[n % len(MONTHS)]
    date = f"{month} 2017" if n % 7 == 0 else f"{n % 27 + 1} {month} 2017"
    return (f"{title(n)}\n\nBy {' and '.join(authors(n))}\n\n{date}\n\n" + "\n\n".join(paragraphs)
            + f"\n\nThis article first appeared in {OUTLETS[n % 3]}.\n").encode()


def write_articles(folder: Path, numbers) -> Path:
    folder.mkdir(parents=True)
    for n in numbers:
        (folder / f"article-{n}.txt").write_bytes(article_text(n))
    return folder


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection, closed at the end (an open one would make restore see the
    database as in use, rightly)."""
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


def database_facts(path: Path) -> dict:
    """What a database holds, checked with SQLite itself (not with the code under test)."""
    with read_only(path) as db:
        captures = {i: hashlib.sha256(content).hexdigest()
                    for i, content in db.execute("SELECT id, content FROM archive_capture")}
        bylines: dict[str, list[str]] = {}
        for article_title, name in db.execute(
                "SELECT a.title, au.name FROM archive_article a JOIN archive_articleauthor b "
                "ON b.article_id = a.id JOIN archive_author au ON au.id = b.author_id "
                "ORDER BY a.id, b.position"):
            bylines.setdefault(article_title, []).append(name)
        return {
            "integrity": db.execute("PRAGMA integrity_check").fetchall(),
            "dangling": db.execute("PRAGMA foreign_key_check").fetchall(),
            "articles": {i: (t, h) for i, t, h in db.execute("SELECT id, title, content_hash "
                                                             "FROM archive_article")},
            "without_capture": db.execute("SELECT count(*) FROM archive_article a WHERE NOT EXISTS "
                                          "(SELECT 1 FROM archive_capture c WHERE c.article_id = a.id)"
                                          ).fetchone()[0],
            "bad_captures": [i for i, stored in db.execute("SELECT id, sha256 FROM archive_capture")
                             if captures[i] != stored],
            "captures": captures,
            "bylines": bylines,
        }


def assert_consistent(facts: dict) -> None:
    """A snapshot of one instant: sound file, no dangling rows, every article with its capture
    and the byline its capture states."""
    assert facts["integrity"] == [("ok",)]
    assert facts["dangling"] == []
    assert facts["without_capture"] == 0 and facts["bad_captures"] == []
    titles = {article_title for article_title, _ in facts["articles"].values()}
    ours = [n for n in range(3000) if title(n) in titles]
    assert ours
    for n in ours:
        assert facts["bylines"].get(title(n)) == authors(n), title(n)


def dump(path: Path) -> tuple[int, str]:
    """The database file's inode and a hash of its whole content as SQL: "unchanged" means both."""
    with read_only(path) as db:
        return path.stat().st_ino, hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()


def article_count(path: Path) -> int:
    with read_only(path) as db:
        return db.execute("SELECT count(*) FROM archive_article").fetchone()[0]


def get(server: LiveServer, path: str) -> bytes:
    with urllib.request.urlopen(server.url + path, timeout=60) as response:
        assert response.status == 200
        return response.read()


# Refusals: a migrated archive with articles of its own and a backup of it --------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A data directory with 6 imported articles (no server), and its backup."""
    root = tmp_path_factory.mktemp("backups")
    with LiveServer(data_dir=root / "data") as live:
        live.manage("migrate", "--noinput")
        live.manage("import_articles", str(write_articles(root / "articles", range(6))))
        backup = root / "archive.sqlite3"
        done = live.manage("backup", str(backup))
        assert "6 articles, 6 captures" in done.stdout and "integrity check ok" in done.stdout
        yield live, backup


def refused(server: LiveServer, *args: str) -> str:
    """Run restore expecting a refusal; returns its message after checking the database."""
    database = server.data_dir / "dossier.sqlite3"
    before = dump(database)
    result = server.manage("restore", *args, check=False)
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert dump(database) == before
    assert not list(server.data_dir.glob(".dossier.sqlite3.restore-*"))
    return result.stderr


def test_restore_refuses_a_garbage_file(archive, tmp_path):
    server, _ = archive
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(random.Random(1).randbytes(50_000))
    assert "it is not an SQLite database (file is not a database)" in refused(server, str(garbage), "--force")


def test_restore_refuses_a_truncated_backup(archive, tmp_path):
    server, backup = archive
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(backup.read_bytes()[:backup.stat().st_size // 2])
    message = refused(server, str(truncated), "--force")
    assert "cannot be restored" in message and "malformed" in message
    assert "The current database is unchanged." in message


def test_restore_refuses_an_sqlite_file_that_is_not_dossiers(archive, tmp_path):
    server, _ = archive
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (text)")
    assert "not Dossier's (no table django_migrations" in refused(server, str(other), "--force")


def test_restore_refuses_a_backup_from_a_newer_schema(archive, tmp_path):
    server, backup = archive
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(backup, newer)
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO django_migrations (app, name, applied) "
                   "VALUES ('archive', '0999_from_the_future', '2030-01-01')")
    assert "newer Dossier (migrations archive.0999_from_the_future" in refused(server, str(newer), "--force")


def test_restore_refuses_to_replace_an_archive_with_articles_of_its_own(archive):
    server, backup = archive
    message = refused(server, str(backup))
    assert "holds 6 articles of its own" in message and "--force" in message


def test_restore_force_replaces_it_and_migrates_an_older_backup(archive, tmp_path):
    """A backup from before the upload-review migration: restored, migrated forward, indexed."""
    server, backup = archive
    older = tmp_path / "older.sqlite3"
    shutil.copy(backup, older)
    with sqlite3.connect(older) as db:  # what the database looked like at archive 0001
        db.execute("DROP TABLE archive_uploaditem")
        db.execute("DROP TABLE archive_topicmembership")
        db.execute("DROP TABLE archive_textband")
        for (index,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                   "tbl_name = 'archive_article' AND sql LIKE '%duplicate_of%'"):
            db.execute(f'DROP INDEX "{index}"')
        db.execute("ALTER TABLE archive_article DROP COLUMN duplicate_of_id")
        db.execute("ALTER TABLE archive_article DROP COLUMN resemblance")
        db.execute("DELETE FROM django_migrations WHERE app = 'archive' AND name IN "
                   "('0002_upload_items', '0003_topicmembership', '0004_near_copies')")
    result = server.manage("restore", str(older), "--force")
    assert "Restored" in result.stdout and "6 articles, 6 captures" in result.stdout
    assert "Applied 3 migrations the backup's schema lacked." in result.stdout
    assert "Search index rebuilt" in result.stdout
    with read_only(server.data_dir / "dossier.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM archive_uploaditem").fetchone() == (0,)
    check = server.manage("sync_index", "--check", check=False)
    assert check.returncode == 0 and "Index and database agree" in check.stdout, check.stdout
    restored = database_facts(server.data_dir / "dossier.sqlite3")
    assert restored["captures"] == database_facts(backup)["captures"]


def test_backup_never_overwrites_a_file(archive):
    server, backup = archive
    before = backup.read_bytes()
    again = server.manage("backup", str(backup), check=False)
    assert again.returncode != 0 and "already exists: a backup never overwrites a file" in again.stderr
    assert backup.read_bytes() == before
    assert not list(backup.parent.glob(f".{backup.name}.*"))


@pytest.mark.parametrize("command", ["backup", "restore"])
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_on_another_database_both_refuse_and_say_to_use_its_tools(command, settings, tmp_path):
    """In process, on a database Dossier has no backup for (PostgreSQL has its own:
    tests/test_backup_postgres.py); the refusal reads the configured engine, never the
    connection, so no driver is needed to hear it."""
    settings.DATABASES = {"default": {**settings.DATABASES["default"],
                                      "ENGINE": "django.db.backends.mysql"}}
    with pytest.raises(CommandError, match=r"Dossier runs on mysql: use that database's own tools"):
        call_command(command, *([str(tmp_path / "any.sqlite3")] if command == "restore" else []))
    assert not list(tmp_path.iterdir())


# The round trip on real servers ----------------------------------------------------------------


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """`make setup`, 36 imported articles, then gunicorn serving them."""
    root = tmp_path_factory.mktemp("original")
    with LiveServer(workers=2) as live:
        live.setup()
        live.manage("import_articles", str(write_articles(root / "articles", IMPORTED)))
        live.start()
        yield live


class Writers:
    """Two other processes adding articles without pause: admin uploads over HTTP (gunicorn
    writes) and `import_articles` runs; each counts the articles it has committed."""

    def __init__(self, server: LiveServer, scratch: Path):
        self.server, self.scratch = server, scratch
        self.stop = threading.Event()
        self.done = {"upload": 0, "import": 0}

    def upload(self) -> None:
        session, n = AdminSession(self.server.url), 1000
        while not self.stop.is_set():
            review = session.upload([(f"up-{i}.txt", article_text(i)) for i in (n, n + 1)])
            results = session.confirm(review)
            assert results.status == 200 and results.url.endswith("/done/"), results.text[:300]
            n, self.done["upload"] = n + 2, self.done["upload"] + 2

    def import_(self) -> None:
        n = 2000
        while not self.stop.is_set():
            self.server.manage("import_articles", str(write_articles(self.scratch / str(n), (n, n + 1))))
            n, self.done["import"] = n + 2, self.done["import"] + 2

    def wait_for_more(self, than: dict) -> None:
        """Until both writers have committed more than they had at ``than``."""
        deadline = time.monotonic() + 120
        while any(self.done[k] <= than[k] for k in self.done):
            assert time.monotonic() < deadline, "the writers stalled"
            time.sleep(0.05)


def search_until(server: LiveServer, stop: threading.Event) -> list[int]:
    statuses = []
    while not stop.is_set():
        try:
            get(server, "/api/search?q=" + random.choice(WORDS))
            statuses.append(200)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


@pytest.mark.heavy
def test_backups_under_writes_are_consistent_snapshots(original, tmp_path):
    database = original.data_dir / "dossier.sqlite3"
    writers, reading = Writers(original, tmp_path), threading.Event()
    snapshots = []
    with ThreadPoolExecutor(3) as pool:
        jobs = [pool.submit(writers.upload), pool.submit(writers.import_),
                pool.submit(search_until, original, reading)]
        try:
            for k in range(3):
                writers.wait_for_more(dict(writers.done))  # writes before this backup ...
                before, started = article_count(database), time.monotonic()
                path = tmp_path / f"under-writes-{k}.sqlite3"
                output = original.manage("backup", str(path)).stdout
                snapshots.append((before, article_count(path), article_count(database), path))
                print(f"\nbackup {k} under writes: {time.monotonic() - started:.2f} s, "
                      f"{before} ≤ {snapshots[-1][1]} ≤ {snapshots[-1][2]} articles; {output.strip()}")
            writers.wait_for_more(dict(writers.done))  # ... and after the last one
            in_use = original.manage("restore", "--force", str(snapshots[-1][3]), check=False)
        finally:
            writers.stop.set()
            reading.set()
        for job in jobs[:2]:
            job.result()
        statuses = jobs[2].result()
    assert statuses and set(statuses) == {200}
    assert in_use.returncode != 0 and "is in use by another process" in in_use.stderr
    assert original.server_errors() == []
    for before, in_backup, after, path in snapshots:
        assert before <= in_backup <= after
        assert_consistent(database_facts(path))
    assert snapshots[-1][1] > snapshots[0][0]  # the writers did write across the backups

    # Restored over a `make setup` install (seed collection only): no --force needed.
    backup, in_backup = snapshots[-1][3], snapshots[-1][1]
    with LiveServer(data_dir=tmp_path / "restored") as target:
        target.setup()
        result = target.manage("restore", str(backup))
        assert f"Restored {backup}: {in_backup} articles" in result.stdout
        assert "Search index rebuilt" in result.stdout
        restored = database_facts(target.data_dir / "dossier.sqlite3")
        assert_consistent(restored)
        in_file = database_facts(backup)
        assert restored["articles"] == in_file["articles"]
        assert restored["captures"] == in_file["captures"]
        check = target.manage("sync_index", "--check", check=False)
        assert check.returncode == 0 and "Index and database agree" in check.stdout, check.stdout


QUERIES = [
    "q=sanctions", "q=summit+treaty", "q=%22the+word%22", "q=vembr*", f"q={unique_word(7)}",
    "q=NATO+OR+Crimea", f"q=title:round+-{unique_word(7)}", "q=sanctions&author=anna-adams",
    "q=&month=2017-03", "q=treaty&outlet=northern-ledger", "q=&topic=nato", "q=missile&sort=newest",
    "q=sanctions&page=2", "q=diplomacy&from=2017-02-01&to=2017-04-30",
]


def search_answers(server: LiveServer) -> dict[str, dict]:
    return {q: json.loads(get(server, "/api/search?" + q)) for q in QUERIES}


def matches(server: LiveServer) -> dict[str, tuple]:
    """Per query, what does not depend on how the index was built: the total, the facet counts
    and the set of matching ids over every page (ties in relevance fall in index order, and an
    index grown one upload at a time orders them differently from a rebuilt one)."""
    found = {}
    for q in QUERIES:
        first = json.loads(get(server, "/api/search?" + q.replace("&page=2", "")))
        ids = {hit["id"] for page in range(1, first["pages"] + 1)
               for hit in json.loads(get(server, f"/api/search?{q}&page={page}"))["hits"]}
        found[q] = (first["total"], first["facets"], ids)
    return found


@pytest.mark.heavy
def test_restore_into_an_empty_data_dir_answers_every_search_the_same(original, tmp_path):
    check = original.manage("sync_index", "--check", check=False)  # the outbox is drained
    assert check.returncode == 0 and "Index and database agree" in check.stdout, check.stdout
    backup = tmp_path / "quiet.sqlite3"
    original.manage("backup", str(backup))
    served = matches(original)
    original.manage("rebuild_index")  # what restore does: the same rows give the same index
    expected = search_answers(original)
    assert expected["q=sanctions"]["total"] > 20 and expected["q=vembr*"]["total"] >= len(IMPORTED)
    assert all(answer["hits"] for answer in expected.values())

    with LiveServer(data_dir=tmp_path / "fresh") as restored:
        restored.data_dir.mkdir()
        started = time.monotonic()
        result = restored.manage("restore", str(backup))  # nothing was set up here
        print(f"\nrestore into an empty data dir: {time.monotonic() - started:.1f} s; {result.stdout}")
        restored.setup().start()  # what `make run` does next: loads nothing twice
        assert search_answers(restored) == expected  # every hit in the same order, every count
        restored_matches = matches(restored)
        for q in QUERIES:
            total, facets, ids = served[q]
            assert restored_matches[q][0] == total, q
            assert restored_matches[q][1] == facets, q
            assert restored_matches[q][2] == ids, q
        original_facts = database_facts(original.data_dir / "dossier.sqlite3")
        restored_facts = database_facts(restored.data_dir / "dossier.sqlite3")
        assert restored_facts["captures"] == original_facts["captures"]
        assert restored_facts["articles"] == original_facts["articles"]
        for capture_id in list(original_facts["captures"])[::7]:
            assert get(restored, f"/captures/{capture_id}/") == get(original, f"/captures/{capture_id}/")
        assert restored.server_errors() == []
