"""Building a benchmark archive: a real Dossier database, its index, and the reference engines'.

Each step runs in the process whose ``DOSSIER_DATA_DIR`` is the archive's directory (settings
read it at import; ``run`` starts one process per step). ``stamp.json`` there records which
steps are done for which corpus version, with their figures, so a second run skips them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import resource
import shutil
import time
import types
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from archive.models import (
    Article,
    ArticleAuthor,
    Author,
    DatePrecision,
    Outlet,
    Topic,
    body_hash,
    name_key,
)
from search.bench.corpus import CorpusArticle

BATCH = 2000
# A few saved-query topics, as a real archive has: the rebuild evaluates them for every article.
TOPICS = [("Russia", "russia OR putin OR kremlin"), ("Immigration", "immigration OR refugees"),
          ("Supreme Court", '"supreme court"')]
STEPS = ("db", "dossier", "naive", "fts5", "tantivy")


# Where things are ----------------------------------------------------------------------------


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def engine_path(name: str, root: Path | None = None) -> Path:
    """The reference engines' files beside Dossier's own database and index."""
    root = root or data_dir()
    return root / {"naive": "naive-index", "fts5": "fts5.sqlite3", "tantivy": "tantivy-index"}[name]


def read_stamp(root: Path) -> dict:
    try:
        return json.loads((root / "stamp.json").read_text())
    except (OSError, ValueError):
        return {}


def write_stamp(root: Path, stamp: dict) -> None:
    (root / "stamp.json").write_text(json.dumps(stamp, indent=1, sort_keys=True))


def reset_archive(root: Path) -> None:
    """Remove a stale archive (another corpus version) before building anew."""
    for child in root.iterdir() if root.exists() else []:
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


FUNCTIONS = (types.FunctionType, types.MethodType, types.BuiltinFunctionType, functools.partial)


def _describe(value, depth: int = 0):
    """A stable, comparable description of a schema part (no addresses, sets sorted)."""
    if depth > 6 or isinstance(value, FUNCTIONS):
        return type(value).__name__
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    if isinstance(value, (list, tuple)):
        return [_describe(v, depth + 1) for v in value]
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if hasattr(value, "pattern"):  # a compiled regular expression
        return value.pattern
    if hasattr(value, "__dict__"):
        return [type(value).__name__, {k: _describe(v, depth + 1)
                                        for k, v in sorted(vars(value).items())
                                        if not k.startswith("_") and not isinstance(v, FUNCTIONS)}]
    return type(value).__name__


def index_code_version() -> str:
    """A digest of Dossier's index schema: when it changes, a cached index is stale."""
    from search.backends.whoosh.schema import build_schema

    schema = build_schema()
    parts = [(name, _describe(schema[name])) for name in sorted(schema.names())]
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()[:12]


def dir_mb(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def peak_mb() -> float:
    """The largest resident set of this process or any child it waited for (procs > 1)."""
    kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
             resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return round(kb / 1024, 1)


# The database --------------------------------------------------------------------------------


def prepare_database() -> None:
    """Tables and static files (the HTTP benchmark serves real pages)."""
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


def _unique_slugs(names: Iterable[str], max_length: int) -> dict[str, str]:
    """name key -> slug for distinct names, like ``unique_slug`` but without a query per row."""
    slugs, taken = {}, set()
    for name in names:
        key = name_key(name)
        if key in slugs:
            continue
        base = slugify(name)[:max_length].strip("-") or "untitled"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs[key] = slug
    return slugs


def _bulk_named(model, names: Iterable[str]) -> dict[str, int]:
    """Create one row per distinct name; return name key -> pk."""
    first_names: dict[str, str] = {}
    for name in names:
        if name and name_key(name):
            first_names.setdefault(name_key(name), name)
    slugs = _unique_slugs(first_names.values(), 100)
    model.objects.bulk_create(
        [model(name=name, name_key=key, slug=slugs[key]) for key, name in first_names.items()],
        batch_size=BATCH)
    return dict(model.objects.values_list("name_key", "pk"))


def _article(a: CorpusArticle, outlet_id: int | None) -> Article:
    """An unsaved article with what ``Article.save`` would compute (bulk_create skips save)."""
    body = a.body
    return Article(
        title=a.title, slug=slugify(a.title)[:120].strip("-") or "article", outlet_id=outlet_id,
        published=a.published, date_precision=DatePrecision(a.precision), source_url=a.url,
        lede=a.lede, body_text=body, body_html="".join(f"<p>{escape(p)}</p>" for p in a.paragraphs),
        language="en", word_count=len(body.split()), content_hash=body_hash(body),
    )


def load_articles(articles: list[CorpusArticle]) -> int:
    """Bulk-create outlets, authors, articles and bylines; the index is built separately."""
    with transaction.atomic():
        outlets = _bulk_named(Outlet, (a.outlet for a in articles))
        authors = _bulk_named(Author, (n for a in articles for n in a.authors))
        for start in range(0, len(articles), BATCH):
            chunk = articles[start:start + BATCH]
            rows = Article.objects.bulk_create(
                [_article(a, outlets.get(name_key(a.outlet)) if a.outlet else None) for a in chunk])
            bylines = []
            for source, row in zip(chunk, rows, strict=True):
                keys = dict.fromkeys(name_key(n) for n in source.authors if name_key(n))
                bylines += [ArticleAuthor(article_id=row.pk, author_id=authors[k], position=i)
                            for i, k in enumerate(keys)]
            ArticleAuthor.objects.bulk_create(bylines, batch_size=BATCH)
        # bulk_create: saving a topic would evaluate its query against the index right away.
        Topic.objects.bulk_create([Topic(name=name, slug=slugify(name), query=saved_query)
                                   for name, saved_query in TOPICS], ignore_conflicts=True)
    return len(articles)


# The indexes ---------------------------------------------------------------------------------


def rebuild_dossier_index(procs: int) -> dict:
    """Dossier's own bulk rebuild (what ``manage.py rebuild_index`` runs), timed."""
    from search import outbox

    count = Article.objects.count()
    started = time.perf_counter()
    outbox.rebuild(**({"procs": procs} if procs > 1 else {}))
    seconds = time.perf_counter() - started
    return {"articles": count, "seconds": round(seconds, 1), "procs": procs,
            "articles_per_s": round(count / seconds, 1), "peak_mb": peak_mb(),
            "index_mb": dir_mb(Path(settings.DOSSIER_INDEX_DIR))}


def build_engine(name: str, procs: int = os.cpu_count() or 1) -> dict:
    """Build one reference engine's index from the database."""
    from search.backends.whoosh import naive
    from search.bench.engines import fts5, tantivy_engine

    path = engine_path(name)
    if name == "naive":
        stats = naive.build(path, procs=procs)
    elif name == "fts5":
        stats = fts5.build(path)
    else:
        stats = tantivy_engine.build(path, threads=procs)
    return {**stats, "index_mb": dir_mb(path), "peak_mb": peak_mb()}
