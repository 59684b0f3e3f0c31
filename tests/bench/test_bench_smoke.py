"""The benchmark harness on a tiny synthetic archive: every engine answers, and they agree.

No timings are asserted: the figures belong to ``make bench``, not to unit tests.
"""

import re
import tempfile
from collections import Counter

import pytest

from search import outbox
from search.backends.whoosh import index as windex
from search.backends.whoosh import naive
from search.bench import build, measure, queries, report
from search.bench.corpus import synthetic
from search.bench.engines import fts5, tantivy_engine
from search.bench.engines.base import PAGE_SIZE, QuerySpec
from search.bench.engines.dossier import DossierEngine
from search.bench.engines.translate import to_fts5, to_tantivy

ARTICLES = 200


def rare_word(articles) -> tuple[str, int]:
    """A made-up word found in a handful of articles, and in how many."""
    df = Counter()
    for a in articles:
        df.update(set(re.findall(r"\w+", f"{a.title} {a.lede} {a.body}".lower())))
    word = min((w for w, n in df.items() if 4 <= n <= 15 and len(w) >= 6 and w.isalpha()),
               key=lambda w: (df[w], w))
    return word, df[word]


@pytest.fixture
def archive(db, settings, tmp_path, monkeypatch):
    """200 synthetic articles in the test database, indexed by Dossier and the references."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # whoosh's RAM index spills here
    settings.DOSSIER_INDEX_DIR = tmp_path / "index"
    windex.reset_searchers()
    articles = synthetic(ARTICLES, seed=7)
    build.load_articles(articles)
    outbox.rebuild()
    naive.build(build.engine_path("naive", tmp_path), procs=1)
    fts5.build(build.engine_path("fts5", tmp_path))
    tantivy_engine.build(build.engine_path("tantivy", tmp_path), threads=1)
    engines = [DossierEngine(), naive.NaiveEngine(build.engine_path("naive", tmp_path)),
               fts5.Fts5Engine(build.engine_path("fts5", tmp_path)),
               tantivy_engine.TantivyEngine(build.engine_path("tantivy", tmp_path))]
    yield articles, engines
    for engine in engines:
        engine.close()
    windex.reset_searchers()


def test_every_engine_builds_a_page_and_they_agree_on_a_rare_word(archive):
    articles, engines = archive
    word, truth = rare_word(articles)
    for engine in engines:
        rare = engine.search(QuerySpec(cls="rare", q=word))
        assert abs(rare.total - truth) <= max(1, truth // 5), (engine.name, word, rare.total, truth)
        assert len(rare.ids) == min(rare.total, PAGE_SIZE)
        assert rare.snippets == len(rare.ids), engine.name
        assert set(rare.facets) == {"author", "outlet", "month"}

        browse = engine.search(QuerySpec(cls="sort_newest", q="", sort="newest"))
        assert browse.total == ARTICLES, engine.name
        assert len(browse.ids) == PAGE_SIZE
        assert sum(browse.facets["month"].values()) == sum(
            a.precision in ("day", "month") for a in articles), engine.name


def test_query_set_resolves_and_times_on_the_archive(archive):
    _, engines = archive
    specs = queries.query_set(smoke=True)
    assert {s.cls for s in specs} == set(queries.load()["smoke_classes"])
    assert not any("$" in f"{s.q}{s.author}{s.month}" for s in specs)
    timed = measure.time_queries(engines[0], specs, reps=1)
    assert {"all", "first_query_ms", *(s.cls for s in specs)} <= set(timed["figures"])
    assert timed["figures"]["all"]["n"] == len(specs)


def test_report_prints_every_target():
    stats = {"p50_ms": 10.0, "p95_ms": 20.0, "max_ms": 30.0, "n": 5}
    figures = {"dossier": {"common": stats, "all": stats, "first_query_ms": 5},
               "naive": {"common": stats, "all": {**stats, "p95_ms": 200.0}},
               "rebuild": {"articles_per_s": 150.0, "seconds": 1, "procs": 1},
               "upload_to_searchable": stats, "page_size": PAGE_SIZE, "reps": 5}
    text = report.table("100k", figures)
    assert "faster than naive at p95" in text and "10.0" in text
    assert text.count("PASS") + text.count("MISS") + text.count("n/a") == len(report.TARGETS)
    assert "MISS" in text  # 150 articles/s < 200


def test_query_translation():
    assert to_fts5('"the president" OR title:russia author:"Ann Lee"') == (
        '"the president" OR title : "russia" authors : "Ann Lee"')
    assert to_tantivy("health care OR title:Russia") == 'health care OR title:"Russia"'
