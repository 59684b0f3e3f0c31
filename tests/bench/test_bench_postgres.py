"""The PostgreSQL rows of the benchmark on a tiny archive: the real steps, end to end.

A 40-article archive is built by the bench's own child process, copied into a throwaway
cluster under it by ``move_archive``, indexed by the PostgreSQL engine, and both PostgreSQL
adapters answer the smoke query set. No timings are asserted.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from search.bench import postgres, queries, report, run
from search.bench.engines.base import PAGE_SIZE

pytestmark = [
    pytest.mark.skipif(not postgres.available(), reason="PostgreSQL's server is not installed"),
    pytest.mark.skipif("DATABASE_URL" in os.environ, reason="builds its own SQLite archive"),
]


@pytest.fixture
def archive_dir():
    """A directory the cluster's owner can reach (as root that is the postgres user, and
    pytest's own temporary directories are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="dossier-bench-pg-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def measured(archive_dir, monkeypatch):
    """The PostgreSQL figures of a 40-article archive (only the database step is built)."""
    monkeypatch.setenv("DOSSIER_BENCH_CORPUS", "none")  # synthetic: reading the real set is slow
    tmp_path = archive_dir
    # The smoke settings, with the naive Django baseline kept (bench-smoke leaves it out).
    options = run.Options(sizes=["40"], smoke=True, reps=1, naive_budget_s=5.0, uploads=2, http_s=3,
                          skip=["dossier", "naive", "fts5", "tantivy"])
    run.ensure_archive("40", tmp_path, options, log=lambda line: None)
    with postgres.running(tmp_path) as server:
        built = postgres.prepare(server, tmp_path, "40", options, lambda line: None, run.run_worker)
        figures = run.run_worker(tmp_path, "measure-pg", "40", options,
                                 env=postgres.environment(server.url(postgres.DATABASE)))
        again = postgres.prepare(server, tmp_path, "40", options, lambda line: None, run.run_worker)
    return built, again, figures


def test_both_postgres_engines_answer_the_smoke_queries(measured):
    built, again, figures = measured
    assert built["articles"] == 40 and built["articles_per_s"] > 0 and not built["cached"]
    assert again["cached"]  # a second run reuses the filled cluster
    smoke = set(queries.load()["smoke_classes"])
    for name in run.PG_ENGINES:
        assert smoke <= set(figures[name]), name
        assert figures[name]["all"]["n"] >= len(smoke)
    # A filter without words: both engines count the same articles, and some.
    browse = [label for label in figures["hits"] if label.startswith("(all) author=")]
    assert browse
    totals = figures["hits"][browse[0]]
    assert totals["dossier-pg"] == totals["django-naive-pg"] > 0
    assert figures["upload_to_searchable"]["n"] == 2
    assert figures["index_mb"]["engine_mb"] > 0


def test_report_prints_the_postgres_targets():
    stats = {"p50_ms": 10.0, "p95_ms": 20.0, "max_ms": 30.0, "n": 5}
    figures = {"dossier": {"common": stats, "all": stats}, "dossier-pg": {"common": stats, "all": stats},
               "django-naive-pg": {"common": stats, "all": {**stats, "p95_ms": 200.0}},
               "build": {"pg": {"articles_per_s": 400.0, "seconds": 1, "procs": 1}},
               "page_size": PAGE_SIZE, "reps": 5}
    text = report.table("10k", figures)
    section = text[text.index("PostgreSQL targets"):]
    assert section.count("PASS") == 3 and section.count("MISS") == 1  # 400 articles/s < 500
    assert "10.0x" in text  # naive Django / dossier-pg at p95
