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

import itertools
import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np

from .blocks import BAD, GOOD, JUNK, NEAR, SHORT, Line, list_after
from .residue import is_stop_line

MODEL_PATH = Path(__file__).with_name("line_model.json")
_LINK_MARKS_RE = re.compile(r"[|»›«‹→←>]")
_DROP_BELOW = 0.2
_THRESHOLD = 0.5
FEATURES = (
    "bias", "good", "near", "short", "bad", "junk", "log_words", "density", "sentence_end",
    "alone", "repeated", "position", "colon_end", "link_marks", "digits", "upper", "bullet",
    "in_block", "log_distance", "good_around", "log_words_around", "prev_good", "next_good",
    "after_block", "before_block",
)
_KINDS = (GOOD, NEAR, SHORT, BAD, JUNK)
_DIGIT_RE = re.compile(r"\d")
_BULLET_RE = re.compile(r"(?:[-*•·▪–]|\d{1,2}[.)])\s")


def features(lines: list[Line], start: int, end: int) -> list[list[float]]:
    """A feature vector per line, in FEATURES order."""
    n = len(lines)
    good = [0, *itertools.accumulate(line.kind == GOOD for line in lines)]
    words = [0, *itertools.accumulate(line.words for line in lines)]
    vectors = []
    for i, line in enumerate(lines):
        text = line.text
        low, high = max(0, i - 3), min(n, i + 4)
        others = high - low - 1
        good_around = (good[high] - good[low] - (line.kind == GOOD)) / max(others, 1)
        words_around = (words[high] - words[low] - line.words) / max(others, 1)
        distance = 0 if start <= i < end else (start - i if i < start else i - end + 1)
        vectors.append([
            1.0, *(float(line.kind == kind) for kind in _KINDS), math.log1p(line.words),
            line.density, float(text.endswith((".", "!", "?", "”", '"'))), float(line.alone),
            float(line.repeated), i / n, float(text.endswith(":")),
            min(len(_LINK_MARKS_RE.findall(text)), 5) / 5,
            len(_DIGIT_RE.findall(text)) / max(len(text), 1), float(text.isupper()),
            float(bool(_BULLET_RE.match(text))), float(distance == 0), math.log1p(distance),
            good_around, math.log1p(words_around),
            float(i > 0 and lines[i - 1].kind == GOOD), float(i + 1 < n and lines[i + 1].kind == GOOD),
            float(i >= end), float(i < start),
        ])
    return vectors


@cache
def _weights() -> list[float] | None:
    try:
        model = json.loads(MODEL_PATH.read_text())
    except (OSError, ValueError):
        return None
    return model["weights"] if model.get("features") == list(FEATURES) else None


def probabilities(lines: list[Line], start: int, end: int) -> list[float] | None:
    """P(article) for every line, or None without a model."""
    weights = _weights()
    if weights is None or not lines:
        return None
    z = np.clip(np.array(features(lines, start, end)) @ np.array(weights), -30.0, 30.0)
    return (1 / (1 + np.exp(-z))).tolist()


def refine(lines: list[Line], start: int, end: int) -> tuple[int, int, set[int]]:
    """The block found again from the model's scores, and the lines inside it to drop."""
    p = probabilities(lines, start, end)
    if p is None:
        return start, end, set()
    best, best_start, best_end, total, run_start = 0.0, start, end, 0.0, 0
    for i, line in enumerate(lines):
        if total <= 0:
            total, run_start = 0.0, i
        total += (p[i] - _THRESHOLD) * max(line.words, 3)
        if total > best:
            best, best_start, best_end = total, run_start, i + 1
    if best <= 0:
        return start, end, set()
    if end < len(lines) and is_stop_line(lines[end].text) and best_start < end:
        best_end = min(best_end, end)  # readers' comments stay out, however prose-like
    best_end = list_after(lines, best_end)
    drop = {i for i in range(best_start, best_end)
            if p[i] < _DROP_BELOW and not _BULLET_RE.match(lines[i].text)}
    return best_start, best_end, drop
