"""Running the benchmark: one process per archive and step, each with its DOSSIER_DATA_DIR.

The parent (``manage.py bench``) builds what is missing, then runs ``measure`` in the
archive's own process, then gunicorn + wrk, and prints and saves the figures. The steps are
``manage.py bench --worker STEP`` in a child process; settings read the data directory at
import, so one process can only ever see one archive.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings

from search.bench import build, report
from search.bench.corpus import corpus_version

Log = Callable[[str], None]
OPTIONAL = ("dossier-cold", "naive", "fts5", "tantivy", "upload", "http", "pg", "django-naive-pg")
PG_ENGINES = ("dossier-pg", "django-naive-pg")


@dataclass
class Options:
    sizes: list[str] = field(default_factory=lambda: ["10k", "100k"])
    smoke: bool = False
    reps: int = 5
    naive_budget_s: float = 30.0  # per query class and archive
    uploads: int = 50
    http_s: int = 10
    procs: int = min(2, os.cpu_count() or 1)
    skip: list[str] = field(default_factory=list)
    force: bool = False
    reindex: bool = False
    profile: str = ""
    profile_reps: int = 5

    @classmethod
    def smoke_defaults(cls, **overrides) -> Options:
        """The CI version: 10k, one query per class, few runs, short loads; without the naive
        Django baseline, whose every sample takes minutes (make bench measures it)."""
        skip = ["django-naive-pg", *overrides.pop("skip", [])]
        return cls(**{"sizes": ["10k"], "smoke": True, "reps": 3, "naive_budget_s": 5.0,
                      "uploads": 10, "http_s": 3, "skip": skip, **overrides})


def bench_root() -> Path:
    return Path(os.environ.get("DOSSIER_BENCH_DIR", settings.BASE_DIR / "var" / "bench"))


def parse_size(label: str) -> int:
    """"10k" -> 10000, "1.5k" -> 1500, "200" -> 200."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(k?)", label.strip().lower())
    if not m:
        raise ValueError(f"not an archive size: {label!r} (try 10k, 100k, 1000)")
    return int(float(m[1]) * (1000 if m[2] else 1))


# The parent ----------------------------------------------------------------------------------


class StepFailed(RuntimeError):
    pass



def run_worker(root: Path, step: str, label: str, options: Options,
               env: dict[str, str] | None = None) -> dict:
    """Run one step in a child process whose data directory is the archive's (``env`` adds
    variables: the PostgreSQL steps point the child at the archive's cluster)."""
    out = root / f".{step}.json"
    out.unlink(missing_ok=True)
    # A private TMPDIR: whoosh's in-memory indexes (topic membership) spill to
    # $TMPDIR/MAIN.tmp and delete that directory when done, which breaks any other process
    # indexing at the same moment (tests, an import) and would break the benchmark.
    tmp = root / "tmp"
    tmp.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench", "--worker", step,
         "--size", label, "--worker-out", str(out), "--worker-options", json.dumps(asdict(options))],
        env={**os.environ, "DOSSIER_DATA_DIR": str(root), "DJANGO_LOG_LEVEL": "WARNING",
             "TMPDIR": str(tmp), **(env or {})},
        cwd=settings.BASE_DIR, check=False)
    if done.returncode:
        raise StepFailed(f"bench step {step} of the {label} archive failed (exit status "
                         f"{done.returncode}); its traceback is above.")
    return json.loads(out.read_text())


def ensure_archive(label: str, root: Path, options: Options, log: Log) -> tuple[dict, bool]:
    """Build the missing steps of one archive; returns its stamp and whether anything was built."""
    root.mkdir(parents=True, exist_ok=True)
    version = corpus_version(parse_size(label))
    stamp = build.read_stamp(root)
    if options.force or stamp.get("version") != version:
        if stamp:
            log(f"{label}: corpus changed ({stamp.get('version')} -> {version}), rebuilding.")
        build.reset_archive(root)
        stamp = {"version": version}
        build.write_stamp(root, stamp)
    if options.reindex or stamp.get("dossier", {}).get("code") != build.index_code_version():
        stamp.pop("dossier", None)  # the search app's schema or indexing changed: rebuild
    built = False
    for step in build.STEPS:
        if step in stamp or step in options.skip:
            continue
        log(f"{label}: building {step} ...")
        started = time.monotonic()
        figures = run_worker(root, f"build-{step}", label, options)
        stamp = build.read_stamp(root)
        stamp[step] = figures
        build.write_stamp(root, stamp)
        built = True
        log(f"{label}: {step} done in {time.monotonic() - started:,.0f} s: {figures}")
    return stamp, built


def main(options: Options, log: Log) -> dict:
    """Build (or reuse) each archive, measure it, print the table; returns all figures."""
    from search.bench.export import export_table
    from search.bench.http import measure_http
    from search.bench.related import related_table

    root = bench_root()
    results = {}
    for label in options.sizes:
        started = time.monotonic()
        archive = root / label
        stamp, built = ensure_archive(label, archive, options, log)
        log(f"{label}: measuring ...")
        figures = run_worker(archive, "measure", label, options)
        figures["rebuild"] = stamp.get("dossier")
        figures["build"] = {e: stamp[e] for e in ("naive", "fts5", "tantivy") if e in stamp}
        figures["cached_build"] = not built
        figures["articles"] = stamp["db"]["articles"]
        figures["corpus"] = stamp["db"]["corpus"]
        paths = figures.pop("paths")
        if "pg" not in options.skip:
            measure_on_postgres(label, archive, figures, options, log)
        if "http" not in options.skip:
            log(f"{label}: HTTP under wrk ...")
            figures["http"] = measure_http(archive, paths, duration_s=options.http_s)
        figures["seconds"] = round(time.monotonic() - started, 1)
        results[label] = figures
        log("")
        log(report.table(label, figures))
        log("")
        log(report.hits_table(figures))
        log("")
        log(export_table(figures["export"]) + "\n")
        log(related_table(figures["related"], figures["articles"]) + "\n")
    out = root / ("results-smoke.json" if options.smoke else "results.json")
    report.write_results(out, results)
    log(f"Figures written to {out}")
    return results


def measure_on_postgres(label: str, archive: Path, figures: dict, options: Options, log: Log) -> None:
    """Start the archive's cluster, fill it if needed, and add the PostgreSQL rows to ``figures``."""
    from search.bench import postgres

    if not postgres.available():
        figures["pg"] = {"skipped": "PostgreSQL's server is not installed (apt-get install postgresql-15)"}
        log(f"{label}: {figures['pg']['skipped']}")
        return
    with postgres.running(archive) as server:
        built = postgres.prepare(server, archive, label, options, log, run_worker)
        log(f"{label}: measuring on PostgreSQL ...")
        pg = run_worker(archive, "measure-pg", label, options,
                        env=postgres.environment(server.url(postgres.DATABASE)))
    figures["build"]["pg"] = built
    figures["pg"] = {k: pg[k] for k in ("index_mb", "upload_to_searchable") if k in pg}
    for name in PG_ENGINES:
        if name in pg:
            figures[name] = pg[name]
    figures["hits"]["engines"] += [n for n in PG_ENGINES if n in pg]
    for query_label, totals in pg["hits"].items():
        figures["hits"]["queries"].setdefault(query_label, {}).update(totals)


def profile(label: str, options: Options, log: Log) -> list[str]:
    archive = bench_root() / label
    ensure_archive(label, archive, options, log)
    files = run_worker(archive, "profile", label, options)["files"]
    for name in files:
        log(f"Profile written to {name}")
    return files


# The children --------------------------------------------------------------------------------


def worker(step: str, label: str, options: Options) -> dict:
    """One step inside the archive's own process (DOSSIER_DATA_DIR is the archive)."""
    if step == "build-db":
        from search.bench.corpus import make_corpus

        started = time.perf_counter()
        build.prepare_database()
        corpus = make_corpus(parse_size(label))
        count = build.load_articles(corpus.articles)
        return {"articles": count, "corpus": corpus.kind, "version": corpus.version,
                "seconds": round(time.perf_counter() - started, 1)}
    if step in ("build-dossier", "measure"):
        build.prepare_database()  # an archive cached by older code gains the newer tables
    if step == "build-pg":
        return build_postgres(options)
    if step == "measure-pg":
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # a cluster filled by older code
        return measure_postgres(options)
    if step == "build-dossier":
        return {**build.rebuild_dossier_index(options.procs), "code": build.index_code_version()}
    if step.startswith("build-"):
        return build.build_engine(step.removeprefix("build-"), options.procs)
    if step == "measure":
        return measure_archive(options)
    if step == "profile":
        return profile_archive(label, options)
    raise ValueError(f"unknown bench step {step!r}")


def _engines(options: Options) -> list:
    from search.backends.whoosh.naive import NaiveEngine
    from search.bench.engines.dossier import DossierColdEngine, DossierEngine
    from search.bench.engines.fts5 import Fts5Engine
    from search.bench.engines.tantivy_engine import TantivyEngine

    makers = {"dossier": DossierEngine, "dossier-cold": DossierColdEngine,
              "naive": lambda: NaiveEngine(build.engine_path("naive")),
              "fts5": lambda: Fts5Engine(build.engine_path("fts5")),
              "tantivy": lambda: TantivyEngine(build.engine_path("tantivy"))}
    return [(name, make) for name, make in makers.items() if name not in options.skip]


def measure_archive(options: Options) -> dict:
    from django.urls import reverse

    from archive.models import Article
    from search.bench import measure, queries
    from search.bench.engines.base import PAGE_SIZE
    from search.bench.export import measure_exports
    from search.bench.related import measure_related

    specs = queries.query_set(smoke=options.smoke)
    figures: dict = {"page_size": PAGE_SIZE, "reps": options.reps, "cpus": os.cpu_count(),
                     "load_avg": round(os.getloadavg()[0], 2),
                     "queries": [s.label for s in specs], "index_mb": {}}
    hits = time_engines(_engines(options), specs, options, figures, naive="naive")
    figures["hits"] = {"engines": [name for name, _ in _engines(options)], "queries": hits}
    figures["index_mb"]["dossier"] = build.dir_mb(Path(settings.DOSSIER_INDEX_DIR))
    for name in ("naive", "fts5", "tantivy"):
        if build.engine_path(name).exists():
            figures["index_mb"][name] = build.dir_mb(build.engine_path(name))
    if "upload" not in options.skip:
        figures["upload_to_searchable"] = measure.upload_to_searchable(options.uploads)
    figures["export"] = measure_exports()
    figures["related"] = measure_related()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    article = Article.objects.get(pk=ids[len(ids) // 2])
    figures["paths"] = {"home": reverse("archive:home"), "article": article.get_absolute_url(),
                        "search": reverse("search:search") + "?q=health+care"}
    return figures


def time_engines(engines, specs, options: Options, figures: dict, *, naive: str) -> dict:
    """Time every query on each engine into ``figures[name]``; returns each query's total per
    engine. The naive way has nothing to warm (every request starts from nothing) and its time
    per query class is capped."""
    from search.bench import measure

    hits: dict[str, dict[str, int]] = {s.label: {} for s in specs}
    for name, make in engines:
        engine = make()
        timed = measure.time_queries(
            engine, specs, reps=options.reps, warm=name != naive,
            class_budget_s=options.naive_budget_s if name == naive else float("inf"))
        engine.close()
        figures[name] = timed["figures"]
        for label, total in timed["totals"].items():
            hits[label][name] = total
    return hits


def build_postgres(options: Options) -> dict:
    """In the child on the cluster: Dossier's tables, then the engine's documents, timed (the
    bulk rebuild ``manage.py rebuild_index`` runs, with the PostgreSQL engine)."""
    from search.bench import postgres

    build.prepare_database()
    figures = build.rebuild_dossier_index(options.procs)
    figures.pop("index_mb", None)  # the Whoosh directory: not what this engine wrote
    return {**figures, **postgres.database_mb()}


def measure_postgres(options: Options) -> dict:
    """In the child on the cluster: Dossier's search and the naive Django way, timed."""
    from search.bench import measure, postgres, queries
    from search.bench.engines.django_naive_pg import DjangoNaivePgEngine
    from search.bench.engines.dossier import DossierPgEngine

    specs = queries.query_set(smoke=options.smoke)
    figures: dict = {"index_mb": postgres.database_mb()}
    engines = [(name, make) for name, make in (("dossier-pg", DossierPgEngine),
                                               ("django-naive-pg", DjangoNaivePgEngine))
               if name not in options.skip]
    figures["hits"] = time_engines(engines, specs, options, figures, naive="django-naive-pg")
    if "upload" not in options.skip:
        figures["upload_to_searchable"] = measure.upload_to_searchable(options.uploads)
    return figures


def profile_archive(label: str, options: Options) -> dict:
    from search.bench import measure, queries
    from search.bench.engines.dossier import DossierEngine

    classes = None if options.profile == "all" else [options.profile]
    specs = queries.query_set(classes=classes)
    out = bench_root() / "profiles" / f"{label}-{options.profile}"
    files = measure.profile_class(DossierEngine(), specs, out, reps=options.profile_reps)
    return {"files": [str(f) for f in files]}
