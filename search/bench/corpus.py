"""The benchmark corpus: real AllSides articles, recombined for sizes beyond the real count.

Everything is deterministic for a given size and seed. When the shared data set is absent the
corpus is synthetic (Zipf-distributed words) and says so in its ``kind`` and ``version``, which
end up in every result.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from archive.models import body_hash

CORPUS_VERSION = 1
SEED = 42
MIN_PARAGRAPH_CHARS = 40  # shorter lines are bylines, outlet names, "Advertisement"...
MONTH_PRECISION_SHARE = 0.03  # of dated articles, shown as "February 2017"
DEFAULT_ALLSIDES = (Path(__file__).resolve().parents[3] / "shared" / "data" / "allsides"
                    / "articles.jsonl.gz")


@dataclass(frozen=True)
class CorpusArticle:
    title: str
    lede: str
    paragraphs: tuple[str, ...]
    authors: tuple[str, ...]
    outlet: str
    published: date | None
    precision: str  # "day", "month" or "unknown" (archive.models.DatePrecision values)
    url: str
    topic: str

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Corpus:
    kind: str  # "allsides", "allsides-recombined" or "synthetic"
    version: str  # changes whenever the articles would
    articles: list[CorpusArticle]


def allsides_path() -> Path | None:
    """The real data set (``DOSSIER_BENCH_CORPUS`` overrides; "none" forces synthetic)."""
    value = os.environ.get("DOSSIER_BENCH_CORPUS")
    if value and value.lower() == "none":
        return None
    path = Path(value) if value else DEFAULT_ALLSIDES
    return path if path.exists() else None


def corpus_version(size: int, *, seed: int = SEED) -> str:
    """What ``make_corpus`` would return, in one string (cheap: reads no article)."""
    path = allsides_path()
    if path is None:
        return f"synthetic-v{CORPUS_VERSION}-{size}-s{seed}"
    return f"allsides-v{CORPUS_VERSION}-{size}-s{seed}-{path.stat().st_size}"


def make_corpus(size: int, *, seed: int = SEED) -> Corpus:
    """``size`` unique articles: sampled real ones, recombined ones past the real count, or
    synthetic ones when the real data set is absent."""
    path = allsides_path()
    version = corpus_version(size, seed=seed)
    if path is None:
        return Corpus("synthetic", version, synthetic(size, seed=seed))
    real = load_allsides(path)
    rng = random.Random(seed)
    if size <= len(real):
        return Corpus("allsides", version, rng.sample(real, size))
    return Corpus("allsides-recombined", version, recombine(real, size, rng))


# Real articles -------------------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    """``2016-09-20`` or ``9/20/16``; None for empty or implausible dates (0001-11-30, 2050)."""
    text = (text or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            value = date(int(m[1]), int(m[2]), int(m[3]))
        elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2})", text):
            value = date(2000 + int(m[3]), int(m[1]), int(m[2]))
        else:
            return None
    except ValueError:
        return None
    return value if 1995 <= value.year <= 2021 else None


def split_authors(text: str) -> tuple[str, ...]:
    names = [" ".join(n.split()) for n in (text or "").split(",")]
    return tuple(dict.fromkeys(n for n in names if 3 <= len(n) <= 60 and re.search(r"[A-Za-z]", n)))


def clean_paragraphs(text: str) -> tuple[str, ...]:
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text or ""))
    return tuple(p for p in paragraphs if len(p) >= MIN_PARAGRAPH_CHARS)


def _lede(paragraphs: tuple[str, ...]) -> str:
    first = paragraphs[0] if paragraphs else ""
    return first if len(first) <= 400 else first[:400].rsplit(" ", 1)[0] + "…"


def load_allsides(path: Path) -> list[CorpusArticle]:
    """Every usable article of the data set once (same body twice: the first is kept)."""
    articles, seen = [], set()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            paragraphs = clean_paragraphs(row.get("content_original", ""))
            title = " ".join((row.get("title") or "").split())[:500]
            if not paragraphs or not title:
                continue
            key = body_hash("\n\n".join(paragraphs))
            if key in seen:
                continue
            seen.add(key)
            published = parse_date(row.get("date", ""))
            articles.append(CorpusArticle(
                title=title, lede=_lede(paragraphs), paragraphs=paragraphs,
                authors=split_authors(row.get("authors", "")),
                outlet=" ".join((row.get("source") or "").split())[:200],
                published=published, precision="day" if published else "unknown",
                url=(row.get("url") or "")[:2000], topic=row.get("topic") or "",
            ))
    return articles


def _with_precision(article: CorpusArticle, rng: random.Random) -> CorpusArticle:
    if article.published and rng.random() < MONTH_PRECISION_SHARE:
        return CorpusArticle(**{**article.__dict__, "published": article.published.replace(day=1),
                                "precision": "month"})
    return article


def recombine(real: list[CorpusArticle], size: int, rng: random.Random) -> list[CorpusArticle]:
    """All real articles, then new ones: a real title and lede, paragraphs drawn from articles of
    the same topic, byline, outlet and date of another article of that topic (so their
    distributions stay the real ones)."""
    by_topic: dict[str, list[CorpusArticle]] = defaultdict(list)
    for article in real:
        by_topic[article.topic].append(article)
    out = [_with_precision(a, rng) for a in real]
    seen = {body_hash(a.body) for a in real}
    while len(out) < size:
        source = rng.choice(real)
        pool = by_topic[source.topic]
        donor = rng.choice(pool)
        count = max(2, len(source.paragraphs))
        paragraphs = (source.paragraphs[0],
                      *(rng.choice(rng.choice(pool).paragraphs) for _ in range(count - 1)))
        key = body_hash("\n\n".join(paragraphs))
        if key in seen:
            continue
        seen.add(key)
        out.append(_with_precision(CorpusArticle(
            title=source.title, lede=source.lede, paragraphs=paragraphs, authors=donor.authors,
            outlet=donor.outlet, published=donor.published, precision=donor.precision,
            url="", topic=source.topic,
        ), rng))
    return out


# Synthetic fallback --------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Real words first (they rank highest, so the committed query set finds something), then
# pronounceable made-up ones for a long tail.
SEED_WORDS = _split("""
    the of and to a in that is for on said was with he it as his by at be from have has are but
    not an they this who were been their will more would about had one after president trump
    people state house new government year years also there which two could first told election
    campaign court health care supreme border wall russia ukraine immigration china trade
    tariffs climate change policy senate congress vote voters republican democrats military war
    security police law federal white office investigation report news media public million
    percent economy tax budget school women children united states america american city country
    world
""")
SYLLABLES = _split("""
    ka lo mi nu re sa ti vo be da fe gi ho ju ke la mo ni pe qu ro si tu ve wi xa yo ze
""")
FIRST_NAMES = _split("""
    Anna Ben Clara David Ella Frank Grace Henry Iris Jack Kate Leo Maya Noah Olive Paul
""")
LAST_NAMES = _split("""
    Adams Baker Clark Davis Evans Foster Green Hughes Irwin Jones King Lewis Moore Nash Owens
    Price Quinn Reed Smith Turner Vance Walsh Young
""")


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = list(SEED_WORDS)
    made = ("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in itertools.count())
    for word in made:
        if len(words) >= size:
            break
        if word not in words:
            words.append(word)
    return words


def synthetic(size: int, *, seed: int = SEED) -> list[CorpusArticle]:
    """``size`` articles of Zipf-distributed words with a realistic-looking byline and date."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(vocab) + 1)))
    authors = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
    outlets = [f"The {w.title()} {kind}" for w in vocab[200:230] for kind in ("Times", "Post")]
    first_day = date(2012, 1, 1).toordinal()

    def sentence() -> str:
        words = rng.choices(vocab, cum_weights=weights, k=rng.randint(8, 24))
        return " ".join(words).capitalize() + "."

    def articles() -> Iterator[CorpusArticle]:
        for i in itertools.count():
            paragraphs = tuple(" ".join(sentence() for _ in range(rng.randint(2, 5)))
                               for _ in range(rng.randint(4, 12)))
            byline = tuple(rng.sample(authors, rng.choice((0, 1, 1, 1, 1, 2))))
            published = (None if rng.random() < 0.1
                         else date.fromordinal(first_day + rng.randrange(9 * 365)))
            article = CorpusArticle(
                title=" ".join(rng.choices(vocab, cum_weights=weights, k=rng.randint(5, 10))).title(),
                lede=_lede(paragraphs), paragraphs=paragraphs, authors=byline,
                outlet=rng.choice(outlets), published=published,
                precision="day" if published else "unknown", url=f"https://example.org/{i}",
                topic=rng.choice(("politics", "world", "economy")),
            )
            yield _with_precision(article, rng)

    return list(itertools.islice(articles(), size))
