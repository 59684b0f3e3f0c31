"""Scoring ingest against hand-annotated pages (``manage.py eval_ingest``, ``make eval``).

The development set is real pages saved twice, as HTML and as the raw text a person copies
from them, each with its truth (title, author, date, snippets the body must and must not
hold). A fixed fifth of the pages, chosen by a hash of their names, is held out: rules are
developed while looking at the other four fifths only, and both figures are reported, so a
gap between them shows tuning rather than progress.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.ingest import IngestError, extract
from archive.ingest.language import guess_language

FIELDS = ("title", "author", "date", "kept", "dropped")
HELD_OUT, DEV = "held-out", "dev"
_FOLDS = 5
_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛′`´"} | {c: '"' for c in "“”„‟″«»"}
                        | {c: "-" for c in "‐‑‒–—―−"})
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:;|\band\b|\bund\b|\bet\b|&)\s*")


@dataclass
class Page:
    """One annotated page: its two captures and what a person said is on it."""

    name: str
    html: bytes
    text: bytes
    truth: dict

    @property
    def part(self) -> str:
        """The page's side of the fixed split: a fifth is held out by a hash of its name."""
        digest = hashlib.sha1(self.name.encode()).digest()
        return HELD_OUT if digest[0] % _FOLDS == 0 else DEV


@dataclass
class Score:
    """How one extraction of one page did, field by field, and why a field failed."""

    name: str
    part: str
    language: str
    right: dict[str, bool] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)


def fold(text: str) -> str:
    """Text as the scoring compares it: NFKC, quotes and dashes folded, spaces folded, lower."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    return " ".join(text.split()).lower()


def author_set(value: str | list[str]) -> set[str]:
    """Names as a set: several authors are joined with ';' or 'and', or listed."""
    names = value if isinstance(value, list) else _AUTHOR_SPLIT_RE.split(value or "")
    return {fold(name) for name in names if fold(name)}


def read_pages(archive: Path) -> Iterator[Page]:
    """The pages of the development set's tarball, in name order (read in one pass: a
    gzipped tar seeks backwards by decompressing from the start)."""
    files: dict[str, bytes] = {}
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.isfile():
                path = Path(member.name)
                files[path.relative_to(path.parts[0]).as_posix()] = tar.extractfile(member).read()
    truth = json.loads(files["truth.json"])
    for name in sorted(truth):
        yield Page(name, files[f"html/{name}.html"], files[f"text/{name}.txt"], truth[name])


def score_page(page: Page, kind: str) -> tuple[Score, float]:
    """Extract one capture (kind "text" or "html") and score it; also return the seconds taken."""
    data, suffix = (page.text, ".txt") if kind == "text" else (page.html, ".html")
    language = guess_language(page.text.decode("utf-8", "replace")) or "?"
    score = Score(page.name, page.part, language)
    started = time.perf_counter()
    try:
        draft = extract(data, page.name + suffix)
    except Exception as error:  # a crash is a finding to list, not a reason to stop scoring
        elapsed = time.perf_counter() - started
        verdict = "refused" if isinstance(error, IngestError) else f"CRASHED ({type(error).__name__})"
        for name in FIELDS:
            score.right[name], score.why[name] = False, f"{verdict}: {error}"
        return score, elapsed
    elapsed = time.perf_counter() - started
    truth = page.truth
    _compare(score, "title", fold(truth["title"]), fold(draft.title))
    _compare(score, "author", author_set(truth["author"]), author_set(draft.authors))
    found = draft.published.isoformat() if draft.published else ""
    _compare(score, "date", truth["date"] or "", found if truth["date"] or found else "")
    body = fold(draft.body_text)
    missing = [s for s in truth["with"] if fold(s) not in body]
    kept = [s for s in truth["without"] if fold(s) in body]
    score.right["kept"], score.right["dropped"] = not missing, not kept
    if missing:
        score.why["kept"] = f"lost {missing[0]!r}"
    if kept:
        score.why["dropped"] = f"kept {kept[0]!r}"
    return score, elapsed


def _compare(score: Score, name: str, truth, found) -> None:
    score.right[name] = truth == found
    if truth != found:
        score.why[name] = f"want {_show(truth)}, got {_show(found)}"


def _show(value) -> str:
    if isinstance(value, set):
        value = "; ".join(sorted(value))
    return repr(value[:90]) if value else "nothing"


@dataclass
class Run:
    """All scores of one kind of capture, and the time extraction took."""

    kind: str
    scores: list[Score] = field(default_factory=list)
    seconds: float = 0.0

    def rate(self, scores: Iterable[Score] | None = None) -> dict[str, float]:
        scores = list(self.scores if scores is None else scores)
        if not scores:
            return dict.fromkeys(FIELDS, 0.0)
        return {f: round(sum(s.right[f] for s in scores) / len(scores), 3) for f in FIELDS}

    def by_part(self, part: str) -> list[Score]:
        return [s for s in self.scores if s.part == part]

    def by_language(self, part: str) -> dict[str, list[Score]]:
        groups: dict[str, list[Score]] = defaultdict(list)
        for score in self.by_part(part):
            groups[score.language].append(score)
        return dict(sorted(groups.items(), key=lambda item: -len(item[1])))

    @property
    def per_second(self) -> float:
        return len(self.scores) / self.seconds if self.seconds else 0.0


def evaluate(pages: list[Page], kinds: Iterable[str] = ("text", "html")) -> list[Run]:
    """Score every page for every kind of capture."""
    runs = []
    for kind in kinds:
        run = Run(kind)
        for page in pages:
            score, seconds = score_page(page, kind)
            run.scores.append(score)
            run.seconds += seconds
        runs.append(run)
    return runs


def table(runs: list[Run]) -> str:
    """The figures as the issue shows them: a row per kind and part, a column per field."""
    head = f"{'pages':<22}{'n':>5} " + " ".join(f"{f:>8}" for f in FIELDS) + f" {'files/s':>9}"
    lines = [head, "-" * len(head)]
    for run in runs:
        for label, scores in (("all", run.scores), (DEV, run.by_part(DEV)),
                              (HELD_OUT, run.by_part(HELD_OUT))):
            rates = run.rate(scores)
            speed = f"{run.per_second:9.1f}" if label == "all" else ""
            lines.append(f"{run.kind + ', ' + label:<22}{len(scores):>5} "
                         + " ".join(f"{rates[f]:8.2f}" for f in FIELDS) + f" {speed}")
    return "\n".join(lines)


def language_table(run: Run, minimum: int = 5) -> str:
    """Per-language figures for one kind (languages with at least `minimum` pages), over the
    development pages alone: the held-out part is reported only whole."""
    lines = [f"{run.kind} by language ({DEV} pages)" + " " * 4 + " ".join(f"{f:>8}" for f in FIELDS)]
    for language, scores in run.by_language(DEV).items():
        if len(scores) >= minimum:
            rates = run.rate(scores)
            figures = " ".join(f"{rates[f]:8.2f}" for f in FIELDS)
            lines.append(f"  {language:<8}{len(scores):>5}      {figures}")
    return "\n".join(lines)


def failures(run: Run, limit: int, fields: Iterable[str] = FIELDS) -> str:
    """Why development pages failed, at most `limit` per field; held-out pages are never shown."""
    lines = []
    for name in fields:
        failed = [s for s in run.by_part(DEV) if not s.right[name]]
        lines.append(f"{run.kind} {name}: {len(failed)} development pages wrong")
        lines += [f"  {s.name} [{s.language}] {s.why[name]}" for s in failed[:limit]]
    return "\n".join(lines)


def results(runs: list[Run]) -> dict:
    """The JSON written beside the benchmark results: figures, and development failures."""
    out = {}
    for run in runs:
        out[run.kind] = {
            "all": run.rate(), DEV: run.rate(run.by_part(DEV)),
            HELD_OUT: run.rate(run.by_part(HELD_OUT)),
            "files_per_second": round(run.per_second, 1),
            "languages_part": DEV,
            "languages": {lang: {"pages": len(s), **run.rate(s)} for lang, s in run.by_language(DEV).items()},
            "development_failures": {s.name: s.why for s in run.by_part(DEV) if s.why},
        }
    return out
