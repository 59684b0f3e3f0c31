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


def time_export(params: dict, fmt: str) -> dict:
    """Seconds from the request to the last byte, with the rows and bytes it streamed."""
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
    lines = [f"Export, up to {figures['limit']:,} hits streamed: seconds (rows, MB)",
             f"{'search':<14}" + "".join(f"{fmt:>20}" for fmt in FORMATS)]
    for label, by_format in figures.items():
        if label == "limit":
            continue
        cells = [f"{v['seconds']:.2f} ({v['rows']:,}, {v['mb']})" for v in by_format.values()]
        lines.append(f"{label:<14}" + "".join(f"{cell:>20}" for cell in cells))
    return "\n".join(lines)
