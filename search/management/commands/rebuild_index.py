"""Rebuild the search index from the database, from scratch."""

import time

from django.core.management.base import BaseCommand

from search import outbox
from search.backends import get_backend


class Command(BaseCommand):
    help = "Rebuild the whole search index from the database (readers keep the old one meanwhile)."

    def add_arguments(self, parser):
        parser.add_argument("--procs", type=int, default=1,
                            help="Indexing processes (2 roughly doubles speed on 2 cores).")

    def handle(self, *args, procs, **options):
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // total if total else width
            self.stdout.write(f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} articles")

        engine_args = {"procs": procs} if procs > 1 else {}
        outbox.rebuild(progress, **engine_args)
        get_backend().reset()
        self.stdout.write(self.style.SUCCESS(
            f"Index rebuilt in {time.monotonic() - started:.1f} s at {get_backend().location()}."
        ))
