"""Timing the article page's related articles: ``related_articles`` for random articles, each
with the cache cleared first (the engine's own reader stays open, as in a serving worker)."""

from __future__ import annotations

import random
import time

from django.core.cache import cache

from archive.models import Article
from search.backends import get_backend
from search.related import related_articles

SAMPLE = 200
TARGET_P95_MS = 50.0  # issue 14, at 100k articles


def measure_related(sample: int = SAMPLE, seed: int = 14) -> dict:
    """p50, p95 and slowest milliseconds of one cold ``related_articles`` over ``sample``
    random articles, and how many related articles each got on average."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, min(sample, len(ids)))
    articles = Article.objects.with_related().in_bulk(chosen)
    get_backend().warm_up()
    times, found = [], 0
    for pk in chosen:
        cache.clear()
        started = time.perf_counter()
        found += len(related_articles(articles[pk]))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"articles": len(times), "p50_ms": round(_at(times, 0.5), 1),
            "p95_ms": round(_at(times, 0.95), 1), "max_ms": round(times[-1], 1) if times else 0.0,
            "mean_found": round(found / len(times), 2) if times else 0.0}


def _at(times: list[float], share: float) -> float:
    return times[min(len(times) - 1, int(share * len(times)))] if times else 0.0


def related_table(figures: dict, articles: int) -> str:
    """The figures as text for the bench report, with the verdict against the target."""
    verdict = "PASS" if figures["p95_ms"] <= TARGET_P95_MS else "MISS"
    scale = "" if articles >= 100_000 else f" (target is for 100k; this archive has {articles:,})"
    return (f"Related articles, cold, {figures['articles']} random articles: "
            f"p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
            f"max {figures['max_ms']:.1f} ms, {figures['mean_found']} found on average\n"
            f"Target (issue 14): p95 <= {TARGET_P95_MS:.0f} ms: {verdict}{scale}")
