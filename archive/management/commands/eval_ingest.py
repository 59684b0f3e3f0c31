"""Score ingest on the annotated development set and print the table (``make eval``)."""

import json
import logging
import os
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive import ingest_eval

DEFAULT_SET = settings.BASE_DIR.parent / "shared" / "data" / "rawtext-dev" / "rawtext-dev.tar.gz"


class Command(BaseCommand):
    help = "Score raw-text and HTML ingest on ../shared/data/rawtext-dev (never gates CI)."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", "--data", dest="corpus", type=Path, default=None,
                            help="A .tar.gz or directory of truth.json, html/<name>.html and "
                                 "text/<name>.txt (default: the development set). Any other "
                                 "corpus has no held-out split: all its pages are unseen.")
        parser.add_argument("--kind", choices=["text", "html"], action="append",
                            help="Only this kind of capture (repeatable).")
        parser.add_argument("--part", choices=[ingest_eval.DEV, ingest_eval.HELD_OUT],
                            help="Only this side of the development set's split: score the "
                                 "development pages while iterating, the held-out ones to report.")
        parser.add_argument("--failures", type=int, default=0, metavar="N",
                            help="Show up to N failing development pages per field.")
        parser.add_argument("--field", action="append", choices=ingest_eval.FIELDS,
                            help="Only these fields in the failure list.")
        parser.add_argument("--output", type=Path, help="JSON results (default: beside the bench's).")

    def handle(self, *args, corpus, kind, part, failures, field, output, **options):
        corpus = corpus or DEFAULT_SET
        if not corpus.exists():
            if corpus == DEFAULT_SET:
                raise CommandError(f"No development set at {corpus}: put ../shared beside the project")
            raise CommandError(f"No corpus at {corpus}")
        split = corpus.resolve() == Path(DEFAULT_SET).resolve()
        # trafilatura logs every odd link of every page; the figures are what matter here.
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        try:
            pages = list(ingest_eval.read_pages(corpus, split=split))
        except (OSError, ValueError, tarfile.TarError) as error:
            raise CommandError(f"Cannot read the corpus: {error}") from error
        if part:
            if not split:
                raise CommandError("--part applies to the development set only: another corpus has no split")
            pages = [page for page in pages if page.part == part]
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
