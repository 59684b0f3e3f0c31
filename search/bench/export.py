"""Timing exports: the first ``DOSSIER_EXPORT_LIMIT`` hits of broad searches, streamed through
the export view in every format, as a download would be (no HTTP server in between)."""

from __future__ import annotations

import time

from django.conf import settings
from django.test import RequestFactory

from search.export import FORMATS
from search.export_views import export_search

# The whole archive newest first, and a ranked common word (the query set's first).
SEARCHES = {"everything": {}, "common word": {"q": "trump"}}
TARGET_CSV_S = 5.0


def time_export(params: dict, fmt: str, reps: int = 3) -> dict:
    """Median and slowest seconds from the request to the last byte over ``reps`` runs, with
    the rows and bytes it streamed."""
    runs = [_one_export(params, fmt) for _ in range(reps)]
    seconds = sorted(run["seconds"] for run in runs)
    return runs[0] | {"seconds": seconds[len(seconds) // 2], "max_seconds": seconds[-1]}


def _one_export(params: dict, fmt: str) -> dict:
    host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")),
                "localhost")
    request = RequestFactory().get("/api/export", {**params, "format": fmt}, HTTP_HOST=host)
    started = time.perf_counter()
    response = export_search(request)
    size = sum(len(piece) for piece in response.streaming_content)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "rows": int(response["X-Dossier-Exported"]),
            "total": int(response["X-Dossier-Total"]), "mb": round(size / 1e6, 1)}


def measure_exports() -> dict:
    """{search: {format: figures}} for each of ``SEARCHES`` and ``FORMATS``."""
    return {"limit": settings.DOSSIER_EXPORT_LIMIT,
            **{label: {fmt: time_export(params, fmt) for fmt in FORMATS}
               for label, params in SEARCHES.items()}}


def export_table(figures: dict) -> str:
    """The figures as fixed-width text for the bench report."""
    lines = [f"Export, up to {figures['limit']:,} hits streamed: median seconds of 3 (rows, MB)",
             f"{'search':<14}" + "".join(f"{fmt:>20}" for fmt in FORMATS)]
    for label, by_format in figures.items():
        if label == "limit":
            continue
        cells = [f"{v['seconds']:.2f} ({v['rows']:,}, {v['mb']})" for v in by_format.values()]
        lines.append(f"{label:<14}" + "".join(f"{cell:>20}" for cell in cells))
    csv = figures["everything"]["csv"]
    verdict = "PASS" if csv["seconds"] < TARGET_CSV_S else "MISS"
    lines.append(f"Target (issue 14): {csv['rows']:,} hits as CSV in {csv['seconds']:.2f} s, "
                 f"under {TARGET_CSV_S:.0f} s for 10,000: {verdict}")
    return "\n".join(lines)
