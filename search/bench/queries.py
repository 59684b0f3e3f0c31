"""The committed query set (``queries.json``), its placeholders resolved from the archive."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.db.models import Count

from archive.models import Article, Author, Outlet
from search.bench.engines.base import QuerySpec

QUERIES_FILE = Path(__file__).with_name("queries.json")


def load(path: Path = QUERIES_FILE) -> dict:
    return json.loads(path.read_text())


def placeholders(count: int = 5) -> dict[str, str]:
    """``$author1``... ``$month1``... from the database, deterministically (ties by slug)."""
    values: dict[str, str] = {}
    authors = (Author.objects.annotate(n=Count("articles")).filter(n__gt=0)
               .order_by("-n", "slug")[:count])
    for i, author in enumerate(authors, 1):
        values[f"$author{i}"] = author.slug
        values[f"$author{i}_surname"] = re.findall(r"[^\W\d_]+", author.name)[-1].lower()
        month = (Article.objects.filter(authors=author).exclude(date_precision="unknown")
                 .exclude(date_precision="year").values("published__year", "published__month")
                 .annotate(n=Count("id")).order_by("-n", "-published__year", "-published__month")
                 .first())
        if month:
            values[f"$author{i}_month"] = f"{month['published__year']:04d}-{month['published__month']:02d}"
    months = (Article.objects.filter(date_precision__in=["day", "month"])
              .values("published__year", "published__month").annotate(n=Count("id"))
              .order_by("-n", "-published__year", "-published__month")[:count])
    for i, month in enumerate(months, 1):
        values[f"$month{i}"] = f"{month['published__year']:04d}-{month['published__month']:02d}"
    outlets = (Outlet.objects.annotate(n=Count("articles")).filter(n__gt=0)
               .order_by("-n", "slug")[:count])
    for i, outlet in enumerate(outlets, 1):
        values[f"$outlet{i}_word"] = max(re.findall(r"[^\W\d_]+", outlet.name), key=len).lower()
    return values


def _resolve(text: str, values: dict[str, str]) -> str:
    # Longest names first: "$author1_month" before "$author1".
    for key in sorted(values, key=len, reverse=True):
        text = text.replace(key, values[key])
    return text


def query_set(*, smoke: bool = False, classes: list[str] | None = None) -> list[QuerySpec]:
    """Every query (or the first of each smoke class), resolved; unresolvable ones dropped."""
    data = load()
    values = placeholders()
    wanted = classes or (data["smoke_classes"] if smoke else list(data["classes"]))
    specs = []
    for cls in wanted:
        for item in data["classes"][cls][:1] if smoke else data["classes"][cls]:
            fields = {k: _resolve(v, values) if isinstance(v, str) else v for k, v in item.items()}
            if any(isinstance(v, str) and "$" in v for v in fields.values()):
                continue  # e.g. no authors in this archive
            specs.append(QuerySpec(cls=cls, **fields))
    return specs
