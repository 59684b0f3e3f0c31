"""Load the seed collection into an empty archive, once.

``make run`` calls this on every start: an archive that already has articles or topics is left
exactly as it is, so edits and deletions made since are never undone by a restart.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from archive import duplicates
from archive.models import Article, Topic


class Command(BaseCommand):
    help = "Load fixtures/seed_collection.json when the archive is empty."

    def handle(self, *args, **options):
        if Article.objects.exists() or Topic.objects.exists():
            self.stdout.write("Archive not empty: seed collection not loaded again.")
            return
        with transaction.atomic():
            call_command("loaddata", "seed_collection", verbosity=0)
            duplicates.remember_missing()  # fixtures are saved raw: their near-copy bands too
        self.stdout.write(self.style.SUCCESS(
            f"Loaded the seed collection: {Article.objects.count()} articles, "
            f"{Topic.objects.count()} topics."
        ))
