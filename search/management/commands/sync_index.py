"""Drain pending index tasks, then find and repair drift between index and database."""

from django.core.management.base import BaseCommand

from search import outbox
from search.backends import get_backend


class Command(BaseCommand):
    help = ("Apply pending index tasks and repair the index where it differs from the database "
            "(creates the index when there is none).")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Only report drift; change nothing (exit status 1 if any).")

    def handle(self, *args, check, **options):
        report = outbox.sync(repair=not check)
        if report.no_index:
            self.stdout.write(self.style.WARNING(
                f"There is no index at {get_backend().location()}; run sync_index to build it."))
            raise SystemExit(1)
        if report.damaged and check:
            self.stdout.write(self.style.ERROR(f"The index is damaged: {report.damaged}."))
            raise SystemExit(1)
        if report.damaged:
            self.stdout.write(self.style.WARNING(
                f"The index was damaged ({report.damaged}): rebuilt it from the database."))
            return
        if report.created:
            self.stdout.write(self.style.SUCCESS("No index found: built it from the database."))
            return
        self.stdout.write(f"Applied {report.drained} pending index task(s).")
        for label, ids in (("in the database but not the index", report.missing),
                           ("in the index but not the database", report.extra),
                           ("indexed from an older version", report.stale),
                           ("with out-of-date topic membership", report.topics)):
            if ids:
                shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
                self.stdout.write(f"{len(ids)} article(s) {label}: {shown}")
        if not report.repaired:
            self.stdout.write(self.style.SUCCESS("Index and database agree."))
        elif check:
            self.stdout.write(self.style.WARNING(f"{report.repaired} article(s) need repair."))
            raise SystemExit(1)
        else:
            self.stdout.write(self.style.SUCCESS(f"Repaired {report.repaired} article(s)."))
