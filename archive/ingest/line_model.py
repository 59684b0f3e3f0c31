"""A learned second look at each line of a capture: article or page furniture.

The rules in blocks.py find the article block from each line's own shape; what they miss is
the evidence of context (a short line between two paragraphs is a subheading, the same line
after the last paragraph is a teaser). A logistic model over the line's shape, its
neighbours and its place relative to that first block scores every line; the block is then
found again from those scores, and lines the model is sure are furniture leave it. The
weights are fitted by ``manage.py train_line_model`` on the development set's own part only
and committed as ``line_model.json``; without the file the rules' block stands.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from .blocks import BAD, GOOD, JUNK, LIST_ITEM_RE, NEAR, SHORT, Line, best_run, list_after
from .residue import is_stop_line
from .weights import load_weights

MODEL_PATH = Path(__file__).with_name("line_model.json")
_LINK_MARK_CODES = [ord(ch) for ch in "|»›«‹→←>"]
_DROP_BELOW = 0.2
_THRESHOLD = 0.5
FEATURES = (
    "bias", "good", "near", "short", "bad", "junk", "log_words", "density", "sentence_end",
    "alone", "repeated", "position", "colon_end", "link_marks", "digits", "upper", "bullet",
    "in_block", "log_distance", "good_around", "log_words_around", "prev_good", "next_good",
    "after_block", "before_block",
)
_KINDS = (GOOD, NEAR, SHORT, BAD, JUNK)


def features(lines: list[Line], start: int, end: int) -> np.ndarray:
    """A feature row per line, in FEATURES order (columns computed for all lines at once)."""
    n = len(lines)
    texts = [line.text for line in lines]
    kind = np.array([_KINDS.index(line.kind) for line in lines])
    words = np.array([line.words for line in lines], dtype=float)
    good = (kind == 0).astype(float)
    index = np.arange(n)
    low, high = np.maximum(index - 3, 0), np.minimum(index + 4, n)
    others = np.maximum(high - low - 1, 1)
    good_sum, word_sum = np.concatenate([[0], np.cumsum(good)]), np.concatenate([[0], np.cumsum(words)])
    distance = np.where(index < start, start - index, np.where(index >= end, index - end + 1, 0))
    lengths = np.array([max(len(t), 1) for t in texts], dtype=float)
    links, digits = _mark_counts(texts)
    columns = [
        np.ones(n), *((kind == k).astype(float) for k in range(len(_KINDS))), np.log1p(words),
        np.array([line.density for line in lines]),
        np.array([t.endswith((".", "!", "?", "”", '"')) for t in texts], dtype=float),
        np.array([line.alone for line in lines], dtype=float),
        np.array([line.repeated for line in lines], dtype=float), index / n,
        np.array([t.endswith(":") for t in texts], dtype=float),
        np.minimum(links, 5) / 5, digits / lengths,
        np.array([t.isupper() for t in texts], dtype=float),
        np.array([bool(LIST_ITEM_RE.match(t)) for t in texts], dtype=float),
        (distance == 0).astype(float), np.log1p(distance),
        (good_sum[high] - good_sum[low] - good) / others,
        np.log1p((word_sum[high] - word_sum[low] - words) / others),
        np.concatenate([[0.0], good[:-1]]), np.concatenate([good[1:], [0.0]]),
        (index >= end).astype(float), (index < start).astype(float),
    ]
    return np.column_stack(columns)


def _mark_counts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Link marks and digits (Unicode decimal digits, which \\d matches) in every text, counted
    over the code points of all the texts at once."""
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bounds = np.concatenate([[0], np.cumsum([len(t) for t in texts])])
    wide = [c for c in np.unique(codes[codes > 127]).tolist() if chr(c).isdecimal()]
    digits = ((codes >= 48) & (codes <= 57)) | np.isin(codes, wide)
    return _per_text(np.isin(codes, _LINK_MARK_CODES), bounds), _per_text(digits, bounds)


def _per_text(flags: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """How many flags are set between each pair of consecutive bounds."""
    totals = np.concatenate([[0], np.cumsum(flags)])
    return np.diff(totals[bounds])


@cache
def _weights() -> list[float] | None:
    return load_weights(MODEL_PATH, FEATURES)


def probabilities(lines: list[Line], start: int, end: int) -> list[float] | None:
    """P(article) for every line, or None without a model."""
    weights = _weights()
    if weights is None or not lines:
        return None
    z = np.clip(features(lines, start, end) @ np.array(weights), -30.0, 30.0)
    return (1 / (1 + np.exp(-z))).tolist()


def refine(lines: list[Line], start: int, end: int) -> tuple[int, int, set[int]]:
    """The block found again from the model's scores, and the lines inside it to drop: never
    a line of prose, which the model may only move out of the block, not cut from its middle."""
    p = probabilities(lines, start, end)
    if p is None:
        return start, end, set()
    scores = ((p[i] - _THRESHOLD) * max(line.words, 3) for i, line in enumerate(lines))
    best, best_start, best_end = best_run(scores)
    if best <= 0:
        return start, end, set()
    if end < len(lines) and is_stop_line(lines[end].text) and best_start < end:
        best_end = min(best_end, end)  # readers' comments stay out, however prose-like
    best_end = list_after(lines, best_end)
    drop = {i for i in range(best_start, best_end)
            if p[i] < _DROP_BELOW and lines[i].kind != GOOD and not LIST_ITEM_RE.match(lines[i].text)}
    return best_start, best_end, drop
