"""Timing the engines on the query set, and an upload until it is searchable."""

from __future__ import annotations

import math
import statistics
import time
import uuid
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from archive.models import Article, ArticleAuthor, Author, DatePrecision
from search.bench.engines.base import Engine, PageResult, QuerySpec


def summary(samples: list[float]) -> dict:
    """Median, 95th percentile (nearest rank) and max of samples in ms."""
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2),
            "max_ms": round(ordered[-1], 2), "n": len(ordered)}


def _timed(engine: Engine, spec: QuerySpec) -> tuple[float, PageResult]:
    started = time.perf_counter()
    result = engine.search(spec)
    return (time.perf_counter() - started) * 1000, result


def time_queries(engine: Engine, specs: list[QuerySpec], *, reps: int, warm: bool = True,
                 class_budget_s: float = math.inf) -> dict:
    """Per query class and over all queries: p50/p95/max of ``reps`` runs of each query.

    ``warm`` runs every query once first, unmeasured, after timing the very first one (which
    opens the index: a new worker's cost). A class stops taking samples once it has spent
    ``class_budget_s`` (the naive engine at 100k), after at least one.
    """
    first_ms, first = _timed(engine, specs[0])
    results: dict[str, PageResult] = {specs[0].label: first}
    if warm:
        for spec in specs[1:]:
            results[spec.label] = engine.search(spec)
    samples: dict[str, list[float]] = defaultdict(list)
    spent: dict[str, float] = defaultdict(float)
    for _ in range(reps):
        for spec in specs:
            if spent[spec.cls] > class_budget_s and samples[spec.cls]:
                continue
            ms, result = _timed(engine, spec)
            samples[spec.cls].append(ms)
            spent[spec.cls] += ms / 1000
            results.setdefault(spec.label, result)
    figures = {cls: summary(values) for cls, values in samples.items()}
    figures["all"] = summary([v for values in samples.values() for v in values])
    figures["first_query_ms"] = round(first_ms, 1)
    figures["capped"] = sorted(cls for cls in samples if len(samples[cls]) < reps * sum(
        s.cls == cls for s in specs))
    return {"figures": figures,
            "totals": {label: r.total for label, r in results.items()},
            "results": results}


def upload_to_searchable(samples: int, *, timeout_s: float = 30.0) -> dict:
    """Create an article the way an upload does (one transaction, search outbox drained on
    commit) and time until a search for its unique word finds it; the articles are deleted
    afterwards."""
    from search import query

    author = Author.objects.order_by("pk").first()
    times, created = [], []
    try:
        for _ in range(samples):
            token = "bench" + uuid.uuid4().hex[:12]
            started = time.perf_counter()
            with transaction.atomic():
                article = Article.objects.create(
                    title=f"Benchmark upload {token}", date_precision=DatePrecision.UNKNOWN,
                    body_text=f"An uploaded article about {token}.\n\nIt has two paragraphs.")
                if author:
                    ArticleAuthor.objects.create(article=article, author=author)
            created.append(article.pk)
            while not query.search(query.SearchRequest(q=token)).total:
                if time.perf_counter() - started > timeout_s:
                    raise TimeoutError(f"uploaded article {article.pk} not searchable")
                time.sleep(0.005)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        with transaction.atomic():
            Article.objects.filter(pk__in=created).delete()
    return summary(times)


def profile_class(engine: Engine, specs: list[QuerySpec], out: Path, *, reps: int = 5) -> list[Path]:
    """A pyinstrument profile of ``reps`` passes over ``specs`` (after one warm pass)."""
    from pyinstrument import Profiler

    for spec in specs:
        engine.search(spec)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(reps):
        for spec in specs:
            engine.search(spec)
    profiler.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    html, text = out.with_suffix(".html"), out.with_suffix(".txt")
    html.write_text(profiler.output_html())
    text.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return [html, text]
