"""Where the article is in a page's raw text: each line classified, then the article block.

A copied page is menus, teasers and footers around one run of prose. Each line is judged
from what it is, in its language (length, stop-word density as jusText does, sentence
punctuation, repetition on the page), then the article is the stretch of lines with the
largest sum of "prose" minus "furniture" (body text extraction as Finn et al. and
boilerpipe do it): short headings inside it stay, menus and footers around it go.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .residue import is_stop_line

GOOD, NEAR, SHORT, BAD, JUNK = "good", "near", "short", "bad", "junk"
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_SENTENCE_END = frozenset('.!?…:;)"”»。！？')
_MIN_WORDS_BEFORE_STOP = 60
# A list item: a bullet or "1." / "1)" and a space.
LIST_ITEM_RE = re.compile(r"(?:[-*•·▪–]|\d{1,2}[.)])\s")


@dataclass(frozen=True)
class Line:
    """One unit of the capture and what the classifier saw in it."""

    text: str
    kind: str
    words: int
    repeated: bool = False
    alone: bool = False  # a block of its own between blank lines, as headings often stand
    density: float = 0.0  # share of the line's words that are stop words of its language


def classify(units: list[str], junk: list[bool], stop_words: frozenset[str],
             alone: list[bool] | None = None) -> list[Line]:
    """The kind of every unit: good (prose), short, bad (listy or link-like), junk (residue)."""
    repeats = Counter(units)
    lines = []
    alone = alone or [False] * len(units)
    for unit, is_junk, single in zip(units, junk, alone, strict=True):
        words = _WORD_RE.findall(unit.casefold())
        cjk = not unit.isascii() and bool(_CJK_RE.search(unit))
        count = max(len(words), len(_CJK_RE.findall(unit)) // 2) if cjk else len(words)
        stops = sum(map(stop_words.__contains__, words))
        kind = JUNK if is_junk else _kind(unit, count, stops, single, cjk)
        density = stops / len(words) if words else 0.0
        lines.append(Line(unit, kind, count, repeats[unit] > 1 and count <= 12, single, density))
    return lines


def _kind(unit: str, count: int, stops: int, alone: bool, cjk: bool) -> str:
    ends_sentence = unit.rstrip()[-1:] in _SENTENCE_END
    if alone and count <= 15 and not unit.endswith((".", "…", ";", ",")):
        return SHORT  # a heading standing between blank lines, even when it is a question
    if cjk:
        return GOOD if count >= 20 and ends_sentence else SHORT if count < 10 else BAD
    if count < 5:
        # "Late NUL and escape.": a short sentence, neutral-to-good beside prose.
        return NEAR if count >= 3 and stops and unit.endswith((".", "!", "?")) else SHORT
    density = stops / count
    if count >= 10 and density >= 0.2 and (ends_sentence or count >= 30):
        return GOOD
    if density >= 0.3 and ends_sentence:
        return GOOD
    if count >= 40 and density >= 0.1:
        return GOOD
    return SHORT if count < 8 else BAD


def _score(line: Line) -> float:
    """What a line adds to the article block: prose counts its words, the rest costs."""
    if line.repeated:  # menus and captions the page shows twice
        return -max(3.0, 0.5 * line.words)
    if line.kind == GOOD:
        return line.words
    if line.kind == NEAR:
        return 0.5
    if line.kind == SHORT:
        return -3
    if line.kind == BAD:
        return -0.6 * line.words
    return -max(3.0, 0.5 * line.words)


def article_block(lines: list[Line]) -> tuple[int, int]:
    """[start, end) of the run of lines with the most prose; (0, 0) when there is none.

    The block ends early at a comment form or share bar that follows some article text,
    because readers' comments are prose too.
    """
    _, best_start, best_end = best_run(map(_score, lines))
    words = 0
    for i in range(best_start, best_end):
        if words >= _MIN_WORDS_BEFORE_STOP and is_stop_line(lines[i].text):
            return best_start, i
        if lines[i].kind == GOOD:
            words += lines[i].words
    return best_start, list_after(lines, best_end)


def best_run(scores: Iterable[float]) -> tuple[float, int, int]:
    """(sum, start, end) of the run of consecutive lines whose scores add up to the most:
    prose scores above zero and furniture below, so the article is the best run."""
    best, best_start, best_end = 0.0, 0, 0
    total, start = 0.0, 0
    for i, score in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += score
        if total > best:
            best, best_start, best_end = total, start, i + 1
    return best, best_start, best_end


def list_after(lines: list[Line], end: int) -> int:
    """Extend the block over a list that closes the article ("Key points:" and its items)."""
    item = end + 1 if end < len(lines) and lines[end].text.endswith(":") else end
    if item == end or item < len(lines) and LIST_ITEM_RE.match(lines[item].text):
        end = item
    while end < len(lines) and LIST_ITEM_RE.match(lines[end].text) and lines[end].kind != JUNK:
        end += 1
    return end
