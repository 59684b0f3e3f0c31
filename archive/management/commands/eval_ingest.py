"""Score ingest on the annotated development set and print the table (``make eval``)."""

import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive import ingest_eval

DEFAULT_SET = settings.BASE_DIR.parent / "shared" / "data" / "rawtext-dev" / "rawtext-dev.tar.gz"


class Command(BaseCommand):
    help = "Score raw-text and HTML ingest on ../shared/data/rawtext-dev (never gates CI)."

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, default=DEFAULT_SET,
                            help="The development set's tarball.")
        parser.add_argument("--kind", choices=["text", "html"], action="append",
                            help="Only this kind of capture (repeatable).")
        parser.add_argument("--failures", type=int, default=0, metavar="N",
                            help="Show up to N failing development pages per field.")
        parser.add_argument("--field", action="append", choices=ingest_eval.FIELDS,
                            help="Only these fields in the failure list.")
        parser.add_argument("--output", type=Path, help="JSON results (default: beside the bench's).")

    def handle(self, *args, data, kind, failures, field, output, **options):
        if not data.is_file():
            raise CommandError(f"No development set at {data}: put ../shared beside the project")
        # trafilatura logs every odd link of every page; the figures are what matter here.
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        pages = list(ingest_eval.read_pages(data))
        runs = ingest_eval.evaluate(pages, kind or ("text", "html"))
        self.stdout.write(ingest_eval.table(runs))
        for run in runs:
            self.stdout.write("")
            self.stdout.write(ingest_eval.language_table(run))
        if failures:
            for run in runs:
                self.stdout.write("")
                self.stdout.write(ingest_eval.failures(run, failures, field or ingest_eval.FIELDS))
        bench_dir = Path(os.environ.get("DOSSIER_BENCH_DIR", settings.BASE_DIR / "var" / "bench"))
        output = output or bench_dir / "ingest-eval.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(ingest_eval.results(runs), indent=1, ensure_ascii=False))
        self.stdout.write(f"\nwrote {output}")
