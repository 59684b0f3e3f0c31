"""The printed table, the targets of issues 5 and 13 with PASS/MISS, and results.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ENGINES = ("dossier", "dossier-cold", "naive", "fts5", "tantivy", "dossier-pg", "django-naive-pg")


@dataclass(frozen=True)
class Target:
    label: str
    unit: str
    threshold: float
    higher_is_better: bool
    figure: Callable[[dict], float | None]
    errors: Callable[[dict], int] | None = None  # a throughput with errors is no pass

    def check(self, figures: dict) -> tuple[float | None, str]:
        try:
            value = self.figure(figures)
        except (KeyError, TypeError, ZeroDivisionError):
            value = None
        if value is None:
            return None, "n/a"
        ok = value >= self.threshold if self.higher_is_better else value <= self.threshold
        if self.errors and (failed := self.errors(figures)):
            return value, f"MISS ({failed:,} error responses)"
        return value, "PASS" if ok else "MISS"


# Issue 5, point 3: binding on the 100k archive (shown for every size, for orientation).
TARGETS = [
    Target("full result page p50", "ms", 60, False, lambda f: f["dossier"]["all"]["p50_ms"]),
    Target("full result page p95", "ms", 250, False, lambda f: f["dossier"]["all"]["p95_ms"]),
    Target("faster than naive at p95", "x", 5, True,
           lambda f: f["naive"]["all"]["p95_ms"] / f["dossier"]["all"]["p95_ms"]),
    Target("bulk rebuild", "articles/s", 200, True, lambda f: f["rebuild"]["articles_per_s"]),
    Target("upload-to-searchable p95", "ms", 1000, False,
           lambda f: f["upload_to_searchable"]["p95_ms"]),
    Target("gunicorn worker RSS", "MB", 400, False, lambda f: f["http"]["max_worker_rss_mb"]),
    Target("search page under wrk", "req/s", 20, True, lambda f: f["http"]["search"]["req_per_s"],
           lambda f: f["http"]["search"]["non_2xx"]),
    Target("article page under wrk", "req/s", 300, True,
           lambda f: f["http"]["article"]["req_per_s"], lambda f: f["http"]["article"]["non_2xx"]),
]


# Issue 13, "Targets": the PostgreSQL engine, binding on the 100k archive.
PG_TARGETS = [
    Target("full result page p50", "ms", 100, False, lambda f: f["dossier-pg"]["all"]["p50_ms"]),
    Target("full result page p95", "ms", 400, False, lambda f: f["dossier-pg"]["all"]["p95_ms"]),
    Target("faster than naive Django p95", "x", 5, True,
           lambda f: f["django-naive-pg"]["all"]["p95_ms"] / f["dossier-pg"]["all"]["p95_ms"]),
    Target("indexing", "articles/s", 500, True, lambda f: f["build"]["pg"]["articles_per_s"]),
]


def targets(title: str, rows: list[Target], f: dict) -> list[str]:
    """One line per target: the figure, the bound and PASS, MISS or n/a."""
    lines = [title]
    for target in rows:
        value, verdict = target.check(f)
        bound = f"{'>=' if target.higher_is_better else '<='} {target.threshold:g} {target.unit}"
        lines.append(f"  {target.label:<28}{_num(value):>10} {target.unit:<11}{bound:<20}{verdict}")
    return lines


def _cell(stats: dict | None) -> str:
    if not stats:
        return f"{'-':>21}"
    return f"{stats['p50_ms']:>6.1f} {stats['p95_ms']:>6.1f} {stats['max_ms']:>7.1f}"


def _num(value, spec: str = ",.1f") -> str:
    return "-" if value is None else format(value, spec)


def table(label: str, f: dict) -> str:
    """The figures of one archive as fixed-width text."""
    lines = [f"== {label} archive: {_num(f.get('articles'), ',')} articles, corpus {f.get('corpus')}, "
             f"page size {f.get('page_size')}, {f.get('reps')} runs per query, "
             f"load average {f.get('load_avg', '?')} on {f.get('cpus', '?')} CPUs at the start =="]
    engines = [e for e in ENGINES if e in f]
    lines.append("Full result page (hits, snippets, exact facets, month timeline), ms: "
                 "p50 p95 max")
    lines.append(f"{'class':<14}" + "".join(f"{e:>22}" for e in engines) + f"{'naive/dossier p95':>19}")
    classes = [c for c in f["dossier"] if isinstance(f["dossier"][c], dict)]
    for cls in classes:
        row = f"{cls:<14}" + "".join(f" {_cell(f[e].get(cls))}" for e in engines)
        naive, ours = f.get("naive", {}).get(cls), f["dossier"][cls]
        ratio = naive["p95_ms"] / ours["p95_ms"] if naive and ours["p95_ms"] else None
        lines.append(row + f"{_num(ratio, '.1f') + 'x' if ratio else '-':>19}")
    if "dossier-pg" in f and "django-naive-pg" in f:
        lines.append("naive Django / dossier-pg at p95: " + ", ".join(
            f"{cls} {f['django-naive-pg'][cls]['p95_ms'] / f['dossier-pg'][cls]['p95_ms']:.1f}x"
            for cls in classes if f["dossier-pg"].get(cls, {}).get("p95_ms")
            and f["django-naive-pg"].get(cls)))
    lines.append("first query on a new searcher, ms: " + ", ".join(
        f"{e} {f[e].get('first_query_ms')}" for e in engines))
    for name in ("naive", "django-naive-pg"):
        if capped := f.get(name, {}).get("capped"):
            lines.append(f"{name}: time budget reached, fewer samples for: {', '.join(capped)}")
    ours = f["dossier"]["all"]
    lines.append("ratio of Dossier to the reference engines (all queries): " + ", ".join(
        f"{e} p50 {ours['p50_ms'] / f[e]['all']['p50_ms']:.1f}x, "
        f"p95 {ours['p95_ms'] / f[e]['all']['p95_ms']:.1f}x"
        for e in ("fts5", "tantivy") if e in f and f[e]["all"]["p50_ms"]))

    lines.append("")
    lines.append(f"{'indexing':<14}{'articles/s':>12}{'seconds':>10}{'peak MB':>10}{'index MB':>10}")
    builds = {"dossier rebuild": f.get("rebuild"), **{e: f.get("build", {}).get(e)
                                                      for e in ("naive", "fts5", "tantivy")}}
    for name, b in builds.items():
        if b:
            size = f.get("index_mb", {}).get(name.split()[0])
            lines.append(f"{name:<14}{_num(b.get('articles_per_s')):>12}{_num(b.get('seconds')):>10}"
                         f"{_num(b.get('peak_mb')):>10}{_num(size):>10}")
    if pg := f.get("build", {}).get("pg"):
        lines.append(f"{'postgres':<14}{_num(pg.get('articles_per_s')):>12}{_num(pg.get('seconds')):>10}"
                     f"{_num(pg.get('peak_mb')):>10}{_num(pg.get('engine_mb')):>10}")
        lines.append(f"(postgres: the engine's documents by the bulk rebuild with procs={pg.get('procs')}; "
                     f"index MB = its tables; database {_num(pg.get('database_mb'))} MB; "
                     f"move_archive {_num(pg.get('move_seconds'))} s"
                     f"{', figures from when the cluster was filled' if pg.get('cached') else ''})")
    if skipped := f.get("pg", {}).get("skipped"):
        lines.append(f"PostgreSQL: {skipped}")
    if rebuild := f.get("rebuild"):
        lines.append(f"(dossier rebuild with procs={rebuild.get('procs')}"
                     f"{', figures from when the archive was built' if f.get('cached_build') else ''})")
    for name, up in (("", f.get("upload_to_searchable")),
                     (" on PostgreSQL", f.get("pg", {}).get("upload_to_searchable"))):
        if up:
            lines.append(f"upload-to-searchable{name}, ms: p50 {up['p50_ms']} p95 {up['p95_ms']} "
                         f"max {up['max_ms']} (n={up['n']})")

    http = f.get("http")
    if http and "skipped" not in http:
        lines.append("")
        lines.append(f"HTTP, gunicorn {http['workers']} workers, wrk {http['wrk']}:")
        lines.append(f"{'page':<10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>9}  path")
        for name in ("home", "article", "search"):
            if h := http.get(name):
                lines.append(f"{name:<10}{h['req_per_s']:>10,.1f}{_num(h.get('p50_ms')):>10}"
                             f"{_num(h.get('p99_ms')):>10}{h['non_2xx']:>9}  {h['path']}")
        lines.append(f"worker RSS after load, MB: {http.get('worker_rss_mb')}")
        failed = [n for n in ("home", "article", "search")
                  if http.get(n, {}).get("non_2xx") or http.get(n, {}).get("warm_up_failures")]
        if failed:
            lines.append(f"WARNING: error responses under load for {', '.join(failed)}: "
                         "see gunicorn.log in the archive directory; req/s then counts errors.")
    elif http:
        lines.append(f"HTTP: {http['skipped']}")

    lines.append("")
    scope = "" if label == "100k" else ", shown here for orientation"
    lines += targets(f"Targets (issue 5; binding at 100k{scope}):", TARGETS, f)
    if "dossier-pg" in f:
        lines += targets(f"PostgreSQL targets (issue 13; binding at 100k{scope}):", PG_TARGETS, f)
    return "\n".join(lines)


def hits_table(f: dict) -> str:
    """Hit counts per query and engine: they differ where analyzers do (stop words, stems)."""
    engines = [e for e in ENGINES if e in f.get("hits", {}).get("engines", [])]
    lines = [f"{'query':<44}" + "".join(f"{e:>13}" for e in engines)]
    for label, totals in f.get("hits", {}).get("queries", {}).items():
        lines.append(f"{label[:43]:<44}" + "".join(f"{_num(totals.get(e), ','):>13}" for e in engines))
    return "\n".join(lines)


def write_results(path: Path, results: dict) -> dict:
    """Merge these sizes into results.json (other sizes keep their last figures)."""
    try:
        merged = json.loads(path.read_text())
    except (OSError, ValueError):
        merged = {}
    merged.update(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=1, sort_keys=True, default=str))
    return merged
