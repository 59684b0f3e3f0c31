"""Import raw captures (text or HTML files, folders of them, zip files) from the command line."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.importing import ERROR, Batch, import_upload, resolve_topics
from search.outbox import drains_deferred

SUFFIXES = {".txt", ".text", ".html", ".htm", ".xhtml", ".zip"}


def files_under(paths: list[str]) -> list[Path]:
    """The files named, and the importable files inside the folders named, in a stable order."""
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*")
                            if p.is_file() and p.suffix.lower() in SUFFIXES
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"No such file or folder: {name}")
    return found


class Command(BaseCommand):
    help = "Import articles from files, folders and zip files. Exit code 1 if any file was refused."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--outlet", default="", help="Outlet for every imported article.")
        parser.add_argument("--topic", action="append", default=[],
                            help="Topic (slug or name) to pin every article to; repeatable.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Extract and report, store nothing.")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="One JSON line per file on stdout.")

    def handle(self, *args, paths, outlet, topic, dry_run, as_json, **options):
        try:
            batch = Batch(outlet=outlet, topics=resolve_topics(topic))
        except ValueError as error:
            raise CommandError(str(error)) from error
        files = files_under(paths)
        counts: dict[str, int] = {}
        seen: set[str] = set()
        bar = tqdm(files, unit="file", file=sys.stderr, desc="Importing")
        with drains_deferred():  # index in a few large commits once the files are in
            for path in bar:
                for outcome in import_upload(path.read_bytes(), self.display_name(path, paths),
                                             batch=batch, dry_run=dry_run, seen=seen,
                                             max_bytes=settings.DOSSIER_UPLOAD_MAX_BYTES):
                    counts[outcome.status] = counts.get(outcome.status, 0) + 1
                    self.report(outcome, as_json=as_json, bar=bar)
            bar.close()
            if counts.get("imported"):
                self.stderr.write(f"Indexing {counts['imported']} new articles…")
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no files"
        self.stderr.write(f"{summary}{' (dry run: nothing stored)' if dry_run else ''}")
        if counts.get(ERROR):
            sys.exit(1)

    @staticmethod
    def display_name(path: Path, roots: list[str]) -> str:
        for root in map(Path, roots):
            if root.is_dir() and path.is_relative_to(root):
                return str(path.relative_to(root))
        return path.name

    def report(self, outcome, *, as_json: bool, bar) -> None:
        if as_json:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
        elif outcome.status == ERROR:
            bar.write(f"refused {outcome.file}: {outcome.error}", file=sys.stderr)
        elif outcome.status == "duplicate":
            bar.write(f"duplicate {outcome.file}: {outcome.error}", file=sys.stderr)
        elif outcome.copy:
            bar.write(f"near-copy {outcome.file}: {outcome.copy.percent}% the same as "
                      f"“{outcome.copy.article.title}” (#{outcome.copy.article.pk}); listed under it",
                      file=sys.stderr)
