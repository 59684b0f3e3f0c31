"""Bring a backup back: check it, swap it in atomically, migrate it, rebuild the search index.

Meant for a fresh install with the server stopped (restore refuses a database another process
has open). "Fresh" means: no database yet, or one holding nothing but the seed collection
``make setup`` loads, unchanged. An archive with articles of its own is replaced only with
``--force``. So ``make setup`` then ``manage.py restore FILE`` just works, and a restore can
never wipe real work by accident.

The backup is copied with SQLite's backup API into a file beside the database and checked
there (integrity, Dossier's tables, foreign keys, every capture against its SHA-256, a schema
this code knows); only then is it renamed over the database. Whatever fails before that rename
leaves the current database exactly as it was.

On PostgreSQL the backup is a pg_dump archive: checked by pg_restore's reading of it, then
restored by pg_restore in one transaction (archive.pgdump), with the same refusal of an
archive that has articles of its own.
"""

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from archive import pgdump
from archive.management.commands.backup import (
    Snapshot,
    SnapshotError,
    inspect,
    live_database,
    read_only,
    sync_directory,
)
from search import outbox
from search.backends import get_backend

SEED_FIXTURE = "seed_collection.json"


def stage(source: Path, staged: Path) -> Snapshot:
    """Copy the backup to ``staged`` with the backup API (the backup itself is only read) and
    check the copy, so what is checked is exactly what will be installed."""
    try:
        with contextlib.closing(read_only(source)) as backup, \
                contextlib.closing(sqlite3.connect(staged)) as copy:
            backup.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.DatabaseError as error:
        raise SnapshotError(f"it is not an SQLite database ({error})") from error
    snapshot = inspect(staged)
    refuse_newer_schema(staged)
    return snapshot


def refuse_newer_schema(path: Path) -> None:
    """Older backups are migrated forward; a newer one would meet code that does not know its
    tables, so it is refused before anything is replaced."""
    with contextlib.closing(read_only(path)) as db:
        applied = set(db.execute("SELECT app, name FROM django_migrations"))
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = sorted(f"{app}.{name}" for app, name in applied
                     if app in loader.migrated_apps and (app, name) not in loader.disk_migrations)
    if unknown:
        raise SnapshotError(f"it comes from a newer Dossier (migrations {', '.join(unknown[:5])} are "
                            f"unknown here): upgrade this install first")


def seed_articles() -> set[tuple[str, datetime]]:
    """(text hash, last change) of every seed article, as ``make setup`` loads them."""
    for folder in settings.FIXTURE_DIRS:
        path = Path(folder) / SEED_FIXTURE
        if path.exists():
            return {(obj["fields"]["content_hash"], naive(obj["fields"]["updated"]))
                    for obj in json.loads(path.read_text()) if obj["model"] == "archive.article"}
    return set()


def naive(value: str) -> datetime:
    """A UTC timestamp from a fixture ("…Z") or from SQLite (Django writes naive UTC text)."""
    return datetime.fromisoformat(value).replace(tzinfo=None)


def own_articles(db: sqlite3.Connection) -> int:
    """Articles of the current archive that are not seed articles unchanged since loading."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive_article'"
                      ).fetchone():
        return 0
    seed = seed_articles()
    rows = db.execute("SELECT content_hash, updated FROM archive_article")
    return sum((content_hash, naive(updated)) not in seed for content_hash, updated in rows)


def own_articles_in_database() -> int:
    """``own_articles`` for the configured database, read through the ORM (PostgreSQL)."""
    from archive.models import Article

    if Article._meta.db_table not in connection.introspection.table_names():
        return 0
    seed = seed_articles()
    rows = Article.objects.values_list("content_hash", "updated")
    return sum((content_hash, updated.astimezone(UTC).replace(tzinfo=None)) not in seed
               for content_hash, updated in rows)


@contextlib.contextmanager
def exclusive(live: Path) -> Iterator[sqlite3.Connection]:
    """The current database, locked against every other connection until the block ends.

    In exclusive locking mode the lock is refused while any other process (a gunicorn worker
    keeps its connection open) has the database open, and is kept after each transaction.
    """
    db = sqlite3.connect(live, timeout=2, isolation_level=None)
    try:
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        try:
            db.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as error:
            raise CommandError(f"{live} is in use by another process ({error}): stop the server "
                               f"(gunicorn) and any manage.py command, then restore.") from error
        yield db
    finally:
        db.close()


def replace_database(live: Path, staged: Path, *, force: bool) -> None:
    """Rename the staged copy over the database, holding the old one locked meanwhile."""
    if not live.exists():
        os.replace(staged, live)
        sync_directory(live.parent)
        return
    with exclusive(live) as db:
        if not force:
            refuse_own_articles(db, live)
        db.execute("COMMIT")
        # Leaving WAL mode checkpoints and deletes the -wal file while the lock is held: a
        # write-ahead log must never meet a database file it was not written for.
        db.execute("PRAGMA journal_mode=DELETE")
        for suffix in ("-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        os.replace(staged, live)
        sync_directory(live.parent)


def refuse_own_articles(db: sqlite3.Connection, live: Path) -> None:
    try:
        own = own_articles(db)
    except sqlite3.DatabaseError as error:
        raise CommandError(f"The current database {live} cannot be read ({error}); "
                           f"--force replaces it.") from error
    if own:
        raise CommandError(f"The current archive holds {own} articles of its own (beyond the seed "
                           f"collection): nothing was changed. Back it up first, then restore "
                           f"with --force to replace it.")


class Command(BaseCommand):
    help = ("Restore a backup written by `manage.py backup` (an SQLite file, or a pg_dump archive "
            "on PostgreSQL) into this install (server stopped), "
            "migrate it and rebuild the search index.")

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The backup file (it is only read).")
        parser.add_argument("--force", action="store_true",
                            help="Replace an archive that holds articles of its own.")
        parser.add_argument("--no-index", action="store_true",
                            help="Do not rebuild the search index (run rebuild_index before serving).")

    def handle(self, *args, path, force, no_index, **options):
        if pgdump.is_postgres():
            self.restore_postgres(Path(path), force=force)
        else:
            self.restore_sqlite(Path(path), force=force)
        self.migrate()
        if no_index:
            self.stdout.write(self.style.WARNING("Search index not rebuilt: run manage.py "
                                                 "rebuild_index before serving."))
        else:
            self.rebuild_index()

    def restore_postgres(self, source: Path, *, force: bool) -> None:
        """pg_restore in one transaction, after the same checks as for SQLite: a dump of
        Dossier's tables that pg_restore can read, and no archive of its own replaced unasked."""
        if not source.is_file():
            raise CommandError(f"No backup file at {source}.")
        try:
            tables = pgdump.check(source)
        except pgdump.DumpError as error:
            raise CommandError(f"{source} cannot be restored: {error}. The current database is "
                               f"unchanged.") from error
        if not force and (own := own_articles_in_database()):
            raise CommandError(f"The current archive holds {own} articles of its own (beyond the seed "
                               f"collection): nothing was changed. Back it up first, then restore "
                               f"with --force to replace it.")
        connections.close_all()
        try:
            pgdump.restore(source)
        except pgdump.DumpError as error:
            raise CommandError(f"{source} could not be restored ({error}); pg_restore ran in one "
                               f"transaction, so the current database is unchanged.") from error
        self.stdout.write(f"Restored {source} with pg_restore ({tables} tables). "
                          f"User accounts are now the backup's.")

    def restore_sqlite(self, source: Path, *, force: bool) -> None:
        live = live_database()
        if not source.is_file():
            raise CommandError(f"No backup file at {source}.")
        if live.exists() and source.resolve() == live.resolve():
            raise CommandError(f"{source} is the live database itself.")
        live.parent.mkdir(parents=True, exist_ok=True)
        staged = live.with_name(f".{live.name}.restore-{os.getpid()}")
        connections.close_all()
        try:
            snapshot = stage(source, staged)
            replace_database(live, staged, force=force)
        except SnapshotError as error:
            raise CommandError(f"{source} cannot be restored: {error}. The current database is "
                               f"unchanged.") from error
        finally:
            staged.unlink(missing_ok=True)
        self.stdout.write(f"Restored {source}: {snapshot.describe()}. "
                          f"User accounts are now the backup's.")

    def migrate(self) -> None:
        recorder = MigrationRecorder(connection)
        before = len(recorder.applied_migrations())
        call_command("migrate", interactive=False, verbosity=0)
        if added := len(recorder.applied_migrations()) - before:
            self.stdout.write(f"Applied {added} migrations the backup's schema lacked.")

    def rebuild_index(self) -> None:
        started = time.monotonic()
        outbox.rebuild()
        get_backend().reset()
        self.stdout.write(self.style.SUCCESS(
            f"Search index rebuilt at {get_backend().location()} in {time.monotonic() - started:.1f} s."))
