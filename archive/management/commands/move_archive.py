"""Copy the embedded SQLite archive into an empty PostgreSQL database, checked row for row.

When one machine is no longer enough (several app servers, a database backed up and
replicated by its own tools), the archive moves to PostgreSQL. The copy goes through Django's
models, so it is the same on any future schema: the target is migrated to this code's schema,
then every table's rows are copied in primary-key order in batches, keeping their ids, inside
one transaction (a failure leaves the target as empty as it was). The counts of every table
and the SHA-256 of every capture are then checked on the target. The source is only read.
The search index is not copied: on the new database ``sync_index`` builds it.
"""

from __future__ import annotations

import hashlib
import sys

import dj_database_url
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections, transaction
from tqdm import tqdm

TARGET = "move_target"
# Rows that make an archive: a target holding any of them is not empty and is never touched.
PRECIOUS = ("archive.Article", "archive.Capture", "archive.UploadItem", "auth.User")


def copied_models() -> list:
    """Every table Django manages here, join tables included. Django's foreign keys on
    PostgreSQL are checked at commit, so rows may arrive in any order within the transaction."""
    models = [m for m in apps.get_models(include_auto_created=True)
              if m._meta.managed and not m._meta.proxy]
    return sorted(models, key=lambda m: m._meta.label)


def open_target(url: str) -> None:
    """Register the target database under its own alias; refuse what is not PostgreSQL."""
    hint = "give postgres://user:password@host:port/name"
    try:
        config = dj_database_url.parse(url)
    except Exception as error:  # dj-database-url raises plain ValueErrors and KeyErrors
        raise CommandError(f"{url!r} is not a PostgreSQL URL ({error}): {hint}.") from error
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise CommandError(f"{url!r} is not a PostgreSQL URL: {hint}.")
    connections.databases[TARGET] = {**connections.databases[DEFAULT_DB_ALIAS], **config,
                                     "OPTIONS": config.get("OPTIONS", {}), "TEST": {}}
    try:
        connections[TARGET].ensure_connection()
    except OperationalError as error:
        raise CommandError(f"Cannot connect to {config['HOST']}:{config['PORT']}/{config['NAME']}: "
                           f"{str(error).strip()}") from error


def refuse_non_empty() -> None:
    tables = set(connections[TARGET].introspection.table_names())
    for label in PRECIOUS:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model.objects.using(TARGET).exists():
            raise CommandError(f"The target database already holds {model._meta.verbose_name_plural}: "
                               f"move_archive only fills an empty database. Nothing was changed.")


class Command(BaseCommand):
    help = ("Copy this SQLite archive into an empty PostgreSQL database (migrated first), in "
            "batches, then verify every table's count and every capture's SHA-256. The source is "
            "only read; point DATABASE_URL at the target and run sync_index afterwards.")

    def add_arguments(self, parser):
        parser.add_argument("url", metavar="POSTGRES_URL", help="postgres://user:password@host:port/name")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per insert (default 500).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars on stderr.")

    def handle(self, *args, url, batch_size, no_progress, **options):
        if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            raise CommandError("move_archive copies the embedded SQLite archive, and this install "
                               f"already runs on {connections[DEFAULT_DB_ALIAS].vendor}.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        open_target(url)
        try:
            refuse_non_empty()
            self.migrate()
            refuse_non_empty()
            models = copied_models()
            with transaction.atomic(using=TARGET):
                self.empty(models)
                for model in models:
                    self.copy(model, batch_size, progress=not no_progress)
                self.reset_sequences(models)
            self.verify(models)
        finally:
            connections[TARGET].close()
            del connections.databases[TARGET]

    @staticmethod
    def migrate() -> None:
        try:
            call_command("migrate", database=TARGET, interactive=False, verbosity=0)
        except DatabaseError as error:
            raise CommandError(f"Could not create Dossier's tables in the target database: "
                               f"{str(error).strip()}") from error

    @staticmethod
    def empty(models: list) -> None:
        """What migrate wrote into the target (content types, permissions) gives way to the
        source's rows, so every id and every foreign key is the source's."""
        tables = ", ".join(connections[TARGET].ops.quote_name(m._meta.db_table) for m in models)
        with connections[TARGET].cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")

    def copy(self, model, batch_size: int, *, progress: bool) -> None:
        rows = model._base_manager.using(DEFAULT_DB_ALIAS).order_by("pk")
        total = rows.count()
        bar = tqdm(total=total, unit="row", desc=model._meta.label, file=sys.stderr,
                   disable=not progress or not total, leave=False)
        batch = []
        for row in rows.iterator(chunk_size=batch_size):
            batch.append(row)
            if len(batch) == batch_size:
                self.insert(model, batch)
                bar.update(len(batch))
                batch = []
        if batch:
            self.insert(model, batch)
            bar.update(len(batch))
        bar.close()

    @staticmethod
    def insert(model, batch: list) -> None:
        # bulk_create would skip nothing here, but it never calls save(): no signal queues an
        # index task or stamps an "updated" time, so each row arrives exactly as it was.
        for row in batch:
            row._state.db = TARGET
        model._base_manager.using(TARGET).bulk_create(batch)

    @staticmethod
    def reset_sequences(models: list) -> None:
        """Rows came with their ids; the next id PostgreSQL hands out must follow them."""
        target = connections[TARGET]
        with target.cursor() as cursor:
            for statement in target.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)

    def verify(self, models: list) -> None:
        counts = {}
        for model in models:
            source = model._base_manager.using(DEFAULT_DB_ALIAS).count()
            target = model._base_manager.using(TARGET).count()
            if source != target:
                raise CommandError(f"{model._meta.label}: {source} rows in SQLite but {target} in "
                                   f"PostgreSQL after the copy. Do not switch over.")
            counts[model._meta.label] = target
        capture = apps.get_model("archive", "Capture")
        expected = dict(capture.objects.using(DEFAULT_DB_ALIAS).values_list("pk", "sha256"))
        checked = 0
        for pk, sha256, content in capture.objects.using(TARGET).values_list(
                "pk", "sha256", "content").iterator(chunk_size=200):
            if hashlib.sha256(bytes(content)).hexdigest() != sha256 or expected.get(pk) != sha256:
                raise CommandError(f"Capture {pk} does not match its SHA-256 in PostgreSQL. "
                                   f"Do not switch over.")
            checked += 1
        self.stdout.write(self.style.SUCCESS(
            f"Moved {counts['archive.Article']} articles, {checked} captures (every SHA-256 "
            f"checked), {counts['auth.User']} user accounts and {sum(counts.values())} rows in "
            f"{len(models)} tables; every count matches. Now set DATABASE_URL to the new database "
            f"and run `manage.py sync_index`."))
