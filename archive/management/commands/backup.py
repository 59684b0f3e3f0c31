"""Write a consistent snapshot of the live SQLite database: articles, captures, accounts, all.
(On PostgreSQL the snapshot is pg_dump's, written and checked the same way: archive.pgdump.)

SQLite's online backup API copies the database inside one read transaction, so the snapshot is
the database as of one instant even while gunicorn serves and writes (in WAL mode writers are
never blocked by it). A file copy of a WAL database is not a snapshot: it can miss committed
pages still in the -wal file or catch a checkpoint half done. Captures are rows of the database,
so the one file holds them too. The search index is not backed up: it is derived, and
``restore`` rebuilds it.

The helpers here (``inspect``, ``live_database``) are shared with ``restore``.
"""

import contextlib
import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from archive import pgdump
from archive.models import Article

# What makes a SQLite file a Dossier database (the tables restore cannot do without).
REQUIRED_TABLES = ("django_migrations", "auth_user", "archive_article", "archive_capture",
                   "archive_articleauthor", "archive_author", "archive_outlet", "archive_topic")


class SnapshotError(Exception):
    """The file is not a sound Dossier database; the message says why, in plain words."""


@dataclass
class Snapshot:
    """What a database file holds, counted after its checks passed."""

    articles: int
    captures: int
    capture_bytes: int
    topics: int
    users: int

    def describe(self) -> str:
        return (f"{self.articles} articles, {self.captures} captures "
                f"({human_size(self.capture_bytes)}, every one matching its SHA-256), "
                f"{self.topics} topics, {self.users} user accounts")


def human_size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file (nor create it when it is missing)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def inspect(path: Path) -> Snapshot:
    """Check a database file (integrity, Dossier tables, foreign keys, capture bytes) and count
    what it holds; raises SnapshotError when any check fails."""
    try:
        with contextlib.closing(read_only(path)) as db:
            return _inspect(db)
    except sqlite3.DatabaseError as error:
        raise SnapshotError(f"it is not a readable SQLite database ({error})") from error


def _inspect(db: sqlite3.Connection) -> Snapshot:
    problems = [row[0] for row in db.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        raise SnapshotError("SQLite's integrity check failed: " + "; ".join(problems))
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if missing := [t for t in REQUIRED_TABLES if t not in tables]:
        raise SnapshotError(f"it is an SQLite database but not Dossier's (no table {', '.join(missing)})")
    if dangling := db.execute("PRAGMA foreign_key_check").fetchall():
        table, rowid, parent, _ = dangling[0]
        raise SnapshotError(f"{len(dangling)} rows point at rows that are not there "
                            f"(first: {table} row {rowid} → {parent})")
    captures, size = 0, 0
    for capture_id, sha256, content in db.execute("SELECT id, sha256, content FROM archive_capture"):
        if hashlib.sha256(content).hexdigest() != sha256:
            raise SnapshotError(f"capture {capture_id} does not match its SHA-256")
        captures, size = captures + 1, size + len(content)
    return Snapshot(articles=_count(db, "archive_article"), captures=captures, capture_bytes=size,
                    topics=_count(db, "archive_topic"), users=_count(db, "auth_user"))


def _count(db: sqlite3.Connection, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def live_database() -> Path:
    """The path of the SQLite file Dossier runs on; a clear refusal for anything else."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":  # read before any driver is loaded
        vendor = database["ENGINE"].rsplit(".", 1)[-1]
        raise CommandError(f"This command copies SQLite databases and Dossier runs on {vendor}: "
                           f"use that database's own tools (pg_dump and pg_restore for PostgreSQL).")
    name = str(database["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise CommandError(f"The database ({name}) is not a file.")
    return Path(name)


def sync_directory(path: Path) -> None:
    """Make a rename in ``path`` survive a power cut (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


class Command(BaseCommand):
    help = ("Write a consistent snapshot of the database (articles, captures, accounts) while the "
            "server runs: SQLite's backup API, or pg_dump on PostgreSQL. The search index is "
            "rebuilt by restore, not backed up.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", metavar="PATH",
                            help="Backup file to write (default: a timestamped file under "
                                 "$DOSSIER_DATA_DIR/backups/). An existing file is never overwritten.")

    def handle(self, *args, path, **options):
        if not pgdump.is_postgres():
            live_database()
        target = Path(path) if path else self.default_target()
        if target.exists():
            raise CommandError(f"{target} already exists: a backup never overwrites a file.")
        if pgdump.is_postgres():
            return self.dump_postgres(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Beside the target (same file system, so the final rename is atomic), hidden, unique.
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        started = time.monotonic()
        try:
            self.copy_live_database(partial)
            snapshot = inspect(partial)
            fsync_file(partial)
            self.publish(partial, target)
        except SnapshotError as error:
            raise CommandError(f"The snapshot failed its check: {error}. Nothing was written "
                               f"to {target}.") from error
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {target} in {time.monotonic() - started:.1f} s "
            f"({human_size(target.stat().st_size)}, integrity check ok): {snapshot.describe()}."))

    def dump_postgres(self, target: Path) -> None:
        """pg_dump's snapshot of one instant, checked by pg_restore before it gets its name."""
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        started = time.monotonic()
        articles = Article.objects.count()
        try:
            pgdump.dump(partial)
            tables = pgdump.check(partial)
            fsync_file(partial)
            self.publish(partial, target)
        except pgdump.DumpError as error:
            raise CommandError(f"The backup failed: {error}. Nothing was written to {target}.") from error
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {target} in {time.monotonic() - started:.1f} s by pg_dump "
            f"({human_size(target.stat().st_size)}, {tables} tables, readable by pg_restore; the "
            f"archive held {articles} articles as it began). Restore it with manage.py restore."))

    @staticmethod
    def default_target() -> Path:
        folder = settings.DATA_DIR / "backups"
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        suffix = ".dump" if pgdump.is_postgres() else ".sqlite3"
        target, n = folder / f"dossier-{stamp}{suffix}", 1
        while target.exists():  # two backups within a second
            n += 1
            target = folder / f"dossier-{stamp}-{n}{suffix}"
        return target

    @staticmethod
    def copy_live_database(partial: Path) -> None:
        """One backup step copies every page inside one read transaction: one instant's database.
        (Several small steps would restart whenever a worker writes, forever on a busy server.)"""
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it

    @staticmethod
    def publish(partial: Path, target: Path) -> None:
        """Give the checked file its final name without ever replacing a file someone else wrote
        there meanwhile (a hard link fails if the name exists; rename where links are refused)."""
        try:
            os.link(partial, target)
        except FileExistsError as error:
            raise CommandError(f"{target} appeared while the backup ran: not overwritten.") from error
        except OSError:
            os.replace(partial, target)
        sync_directory(target.parent)
