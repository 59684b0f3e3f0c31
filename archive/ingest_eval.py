"""Scoring ingest against hand-annotated pages (``manage.py eval_ingest``, ``make eval``).

The development set is real pages saved twice, as HTML and as the raw text a person copies
from them, each with its truth (title, author, date, snippets the body must and must not
hold). A fixed fifth of the pages, chosen by a hash of their names, is held out: rules are
developed while looking at the other four fifths only, and both figures are reported, so a
gap between them shows tuning rather than progress. Any other corpus in the same layout is
scored whole, as one part: all of it is unseen, so none of its pages is ever listed.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.ingest import IngestError, extract
from archive.ingest.keys import fold_quotes
from archive.ingest.language import guess_language

FIELDS = ("title", "author", "date", "kept", "dropped")
HELD_OUT, DEV, UNSEEN = "held-out", "dev", "unseen"
_FOLDS = 5
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:;|\band\b|\bund\b|\bet\b|&)\s*")


@dataclass
class Page:
    """One annotated page: its two captures and what a person said is on it."""

    name: str
    html: bytes
    text: bytes
    truth: dict
    split: bool = True  # False for a corpus other than the development set: nothing was seen

    @property
    def part(self) -> str:
        """The page's side of the fixed split: a fifth is held out by a hash of its name."""
        if not self.split:
            return UNSEEN
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
    return " ".join(fold_quotes(text).split()).lower()


def author_set(value: str | list[str]) -> set[str]:
    """Names as a set: several authors are joined with ';' or 'and', or listed."""
    names = value if isinstance(value, list) else _AUTHOR_SPLIT_RE.split(value or "")
    return {fold(name) for name in names if fold(name)}


def read_pages(corpus: Path, *, split: bool = True) -> Iterator[Page]:
    """The pages of a corpus, in name order: a .tar.gz or a directory holding truth.json,
    html/<name>.html and text/<name>.txt (in a tarball, under one top folder or none).

    `split` applies the development set's fixed held-out fifth; another corpus has none.
    Raises ValueError when the corpus lacks truth.json or a capture the truth names.
    """
    files = _read_tree(corpus) if Path(corpus).is_dir() else _read_tarball(corpus)
    if "truth.json" not in files:
        raise ValueError(f"{corpus} holds no truth.json")
    truth = json.loads(files["truth.json"])
    for name in sorted(truth):
        html, text = files.get(f"html/{name}.html"), files.get(f"text/{name}.txt")
        if html is None or text is None:
            missing = f"html/{name}.html" if html is None else f"text/{name}.txt"
            raise ValueError(f"{corpus} has no {missing}, which truth.json names")
        yield Page(name, html, text, truth[name], split)


def _read_tarball(archive: Path) -> dict[str, bytes]:
    """Every file of a tarball by its path below the folder holding truth.json (read in one
    pass: a gzipped tar seeks backwards by decompressing from the start)."""
    files: dict[str, bytes] = {}
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.isfile():
                files[Path(member.name).as_posix()] = tar.extractfile(member).read()
    roots = sorted((p for p in files if Path(p).name == "truth.json"), key=len)
    root = Path(roots[0]).parent.as_posix() + "/" if roots else ""
    root = "" if root == "./" else root
    return {p[len(root):]: data for p, data in files.items() if p.startswith(root)}


def _read_tree(directory: Path) -> dict[str, bytes]:
    """truth.json and the captures of an unpacked corpus."""
    directory = Path(directory)
    paths = [directory / "truth.json", *directory.glob("html/*.html"), *directory.glob("text/*.txt")]
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in paths if p.is_file()}


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

    def parts(self) -> list[str]:
        """The parts the scored pages fall in, in table order."""
        present = {s.part for s in self.scores}
        return [part for part in (DEV, HELD_OUT, UNSEEN) if part in present]

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
    """The figures as the issue shows them: a row per kind and part, a column per field.

    A run with one part only (a corpus without the split) has one row, its part's."""
    head = f"{'pages':<22}{'n':>5} " + " ".join(f"{f:>8}" for f in FIELDS) + f" {'files/s':>9}"
    lines = [head, "-" * len(head)]
    for run in runs:
        parts = run.parts()
        rows = [(part, run.by_part(part)) for part in parts]
        if len(parts) != 1:
            rows.insert(0, ("all", run.scores))
        for i, (label, scores) in enumerate(rows):
            rates = run.rate(scores)
            speed = f"{run.per_second:9.1f}" if i == 0 else ""
            lines.append(f"{run.kind + ', ' + label:<22}{len(scores):>5} "
                         + " ".join(f"{rates[f]:8.2f}" for f in FIELDS) + f" {speed}")
    return "\n".join(lines)


def language_table(run: Run, minimum: int = 5) -> str:
    """Per-language figures for one kind (languages with at least `minimum` pages), over the
    development pages alone when the set has them: the held-out part is reported only whole."""
    part = language_part(run)
    label = f"{run.kind} by language ({part} pages)"
    lines = [f"{label} " + " ".join(f"{f:>8}" for f in FIELDS)]
    for language, scores in run.by_language(part).items():
        if len(scores) >= minimum:
            rates = run.rate(scores)
            figures = " ".join(f"{rates[f]:8.2f}" for f in FIELDS)
            lines.append(f"  {language:<8}{len(scores):>5}".ljust(len(label) + 1) + figures)
    return "\n".join(lines)


def language_part(run: Run) -> str:
    """The part the per-language figures cover: development pages, or a corpus's unseen ones."""
    return DEV if DEV in run.parts() else UNSEEN


def failures(run: Run, limit: int, fields: Iterable[str] = FIELDS) -> str:
    """Why development pages failed, at most `limit` per field; held-out pages are never shown."""
    if DEV not in run.parts():
        return f"{run.kind}: no development pages to list (unseen pages are never listed)"
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
            "all": run.rate(), **{part: run.rate(run.by_part(part)) for part in run.parts()},
            "files_per_second": round(run.per_second, 1),
            "languages_part": language_part(run),
            "languages": {lang: {"pages": len(s), **run.rate(s)}
                          for lang, s in run.by_language(language_part(run)).items()},
            "development_failures": {s.name: s.why for s in run.by_part(DEV) if s.why},
        }
    return out
