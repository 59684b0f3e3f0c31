"""Load the seed collection into an empty archive, once.

``make run`` calls this on every start: an archive that already has articles or topics is left
exactly as it is, so edits and deletions made since are never undone by a restart.

The seed articles and their captures enter the archive now: their "added" time (``created``,
the capture's ``uploaded_at``) is the moment of loading, not the day the fixture was written.
``updated`` keeps the fixture's stamp, which is how ``restore`` knows a seed article nobody has
changed since.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from archive import duplicates
from archive.models import Article, Capture, Topic


class Command(BaseCommand):
    help = "Load fixtures/seed_collection.json when the archive is empty."

    def handle(self, *args, **options):
        if Article.objects.exists() or Topic.objects.exists():
            self.stdout.write("Archive not empty: seed collection not loaded again.")
            return
        with transaction.atomic():
            call_command("loaddata", "seed_collection", verbosity=0)
            duplicates.remember_missing()  # fixtures are saved raw: their near-copy bands too
            now = timezone.now()
            Article.objects.update(created=now)  # the archive was empty: every article is a seed
            Capture.objects.update(uploaded_at=now)
        self.stdout.write(self.style.SUCCESS(
            f"Loaded the seed collection: {Article.objects.count()} articles, "
            f"{Topic.objects.count()} topics."
        ))
