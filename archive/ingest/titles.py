"""Which line of a raw-text capture is the headline: a small learned ranker over line features.

Menus, kickers, captions and bylines all sit near the top of a page and look like headings;
what sets the headline apart is a mix of evidence (where it stands relative to the article
block, a byline or date beside it, its words recurring in the article, its length and
punctuation) that no hand-weighted rule balances well across sites. The weights are a
softmax ranker trained by ``manage.py train_title_model`` on the development set's own
part only (never its held-out fifth) and committed as ``title_model.json``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

from .blocks import BAD, GOOD, JUNK, SHORT, Line
from .weights import load_weights

MODEL_PATH = Path(__file__).with_name("title_model.json")
ABOVE, BELOW = 40, 3
_DIGIT_RE = re.compile(r"\d")
_CONTENT_WORD_RE = re.compile(r"[^\W\d_]{4,}")
FEATURES = (
    "bias", "near", "above", "inside", "log_distance", "log_words", "one_or_two_words",
    "three_to_fifteen", "over_twenty", "full_stop", "colon_end", "question_end", "pipe",
    "digits", "meta", "good", "short", "bad", "junk", "meta_below", "meta_above",
    "overlap", "repeated", "position", "capitalised", "upper", "first_line", "short_around",
    "name", "blank_around", "log_next_words", "shorter_than_next", "lede_like", "between",
    "prev_short", "two_to_twelve",
)


def candidates(lines: list[Line], start: int, end: int | None = None) -> range:
    """Lines that may hold the headline: above the article block, or its first few lines."""
    return range(max(0, start - ABOVE), min(len(lines), start + BELOW, len(lines) if end is None else end))


def features(lines: list[Line], start: int, end: int, is_meta: Callable[[str], bool],
             is_name: Callable[[str], bool]) -> dict[int, list[float]]:
    """A feature vector for every candidate line, in FEATURES order."""
    block_text = " ".join(line.text for line in lines[start:end])[:5000]
    block_words = Counter(w.casefold() for w in _CONTENT_WORD_RE.findall(block_text))
    window = range(max(0, start - ABOVE - 2), min(len(lines), start + BELOW + 2))
    known: dict[int, bool] = {}

    def meta(i: int) -> bool:  # worked out only for the lines a candidate looks at
        if i not in window:
            return False
        if i not in known:
            known[i] = is_meta(lines[i].text)
        return known[i]

    span = candidates(lines, start, end)
    # How many lines that are not residue stand between each candidate and the block's start.
    between: dict[int, int] = {}
    count = 0
    for i in range(start - 1, span.start - 1, -1):
        between[i] = count
        count += lines[i].kind != JUNK
    vectors = {}
    for i in span:
        line = lines[i]
        text = line.text
        if not text or line.words > 40 or line.kind == JUNK or i >= start and not _heading_shaped(line):
            continue
        distance = start - i
        after = range(i + 1, min(len(lines), i + 4))
        following = next((lines[j] for j in after if lines[j].kind != JUNK), line)
        tokens = text.split()
        content = [w.casefold() for w in _CONTENT_WORD_RE.findall(text)]
        overlap = sum(block_words[w] > 0 for w in content) / len(content) if content else 0.0
        around = [lines[j].kind == SHORT for j in (i - 2, i - 1, i + 1, i + 2) if 0 <= j < len(lines)]
        vectors[i] = [
            1.0, 1 / (1 + abs(distance)), float(distance > 0), float(distance <= 0),
            math.log1p(abs(distance)), math.log1p(line.words), float(line.words <= 2),
            float(3 <= line.words <= 15), float(line.words > 20),
            float(text.endswith(".") and not text.endswith("...")), float(text.endswith(":")),
            float(text.endswith(("?", "!"))), float("|" in text),
            len(_DIGIT_RE.findall(text)) / len(text), float(meta(i)),
            float(line.kind == GOOD), float(line.kind == SHORT), float(line.kind == BAD),
            float(line.kind == JUNK), float(meta(i + 1) or meta(i + 2)),
            float(meta(i - 1) or meta(i - 2)), overlap,
            float(line.repeated), i / len(lines),
            sum(t[:1].isupper() for t in tokens) / len(tokens), float(text.isupper()),
            float(i == 0), sum(around) / len(around) if around else 0.0,
            float(line.words <= 6 and is_name(text)), float(line.alone),
            math.log1p(following.words), float(line.words < following.words),
            float(line.words >= 13 and text.endswith(".")),
            math.log1p(between.get(i, 0)),
            float(i > 0 and lines[i - 1].kind == SHORT), float(2 <= line.words <= 12),
        ]
    return vectors


def _heading_shaped(line: Line) -> bool:
    """Inside the article block only a line shaped like a heading may be the headline."""
    return line.kind != GOOD and line.words <= 25 and not line.text.endswith(".")


@cache
def _weights() -> list[float] | None:
    return load_weights(MODEL_PATH, FEATURES)


def best_title(vectors: dict[int, list[float]]) -> tuple[int | None, float]:
    """(line index, probability) of the likeliest headline, or (None, 0) with no model or lines."""
    weights = _weights()
    if not weights or not vectors:
        return None, 0.0
    order = list(vectors)
    values = np.array([vectors[i] for i in order]) @ np.array(weights)
    scores = dict(zip(order, values.tolist(), strict=True))
    top = max(scores.values())
    total = sum(math.exp(s - top) for s in scores.values())
    best = max(scores, key=scores.__getitem__)
    return best, 1 / total
