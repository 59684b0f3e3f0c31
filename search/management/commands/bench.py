"""Benchmark Dossier's search, on Whoosh and on PostgreSQL, against naive integrations,
SQLite FTS5 and tantivy."""

import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from search.bench import run


class Command(BaseCommand):
    help = ("Build (or reuse) benchmark archives under var/bench/ and measure search, indexing, "
            "upload-to-searchable and HTTP, on Whoosh and on PostgreSQL (a cluster under the archive); "
            "prints a table and writes var/bench/results.json.")

    def add_arguments(self, parser):
        parser.add_argument("--size", action="append", dest="sizes", metavar="SIZE",
                            help="Archive size: 10k, 100k, 1k... (repeatable; default 10k and 100k).")
        parser.add_argument("--smoke", action="store_true",
                            help="The small CI version: 10k, one query per class, short loads.")
        parser.add_argument("--profile", metavar="CLASS",
                            help="Profile Dossier on one query class (or 'all') with pyinstrument "
                                 "into var/bench/profiles/ instead of benchmarking.")
        parser.add_argument("--reps", type=int, help="Runs of each query (default 5; smoke 3).")
        parser.add_argument("--skip", action="append", default=[], choices=run.OPTIONAL,
                            help="Leave out an engine or a measure (repeatable).")
        parser.add_argument("--procs", type=int, help="Processes for the index rebuilds.")
        parser.add_argument("--naive-budget", type=float, dest="naive_budget_s",
                            help="Seconds the naive engine may spend per query class.")
        parser.add_argument("--uploads", type=int, help="Upload-to-searchable samples (default 50).")
        parser.add_argument("--http-seconds", type=int, dest="http_s",
                            help="wrk duration per page (default 10).")
        parser.add_argument("--force", action="store_true", help="Rebuild the archives first.")
        parser.add_argument("--reindex", action="store_true",
                            help="Rebuild only Dossier's index (and time it) before measuring; done "
                                 "anyway when the index schema changed.")
        # Internal: one step inside an archive's own process (see search.bench.run).
        parser.add_argument("--worker", help=argparse.SUPPRESS)
        parser.add_argument("--worker-out", help=argparse.SUPPRESS)
        parser.add_argument("--worker-options", help=argparse.SUPPRESS)

    def handle(self, *args, worker, worker_out, worker_options, **given):
        if worker:
            options = run.Options(**json.loads(worker_options))
            figures = run.worker(worker, given["sizes"][0], options)
            with open(worker_out, "w") as out:
                json.dump(figures, out, default=str)
            return
        overrides = {k: v for k in ("sizes", "reps", "procs", "naive_budget_s", "uploads", "http_s")
                     if (v := given.get(k)) is not None}
        overrides.update(skip=given["skip"], force=given["force"], reindex=given["reindex"],
                         profile=given["profile"] or "")
        options = (run.Options.smoke_defaults(**overrides) if given["smoke"]
                   else run.Options(**overrides))
        try:
            for size in options.sizes:
                run.parse_size(size)
        except ValueError as error:
            raise CommandError(error) from error

        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            if options.profile:
                run.profile(options.sizes[0], options, log)
            else:
                run.main(options, log)
        except run.StepFailed as error:
            raise CommandError(error) from error
