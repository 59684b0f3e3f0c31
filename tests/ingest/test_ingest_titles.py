"""The headline ranker's candidates: what may and may not be the headline of a raw capture."""

from __future__ import annotations

from archive.ingest import titles
from archive.ingest.blocks import classify
from archive.ingest.language import stop_words
from archive.ingest.text import _is_meta_line, is_name

PROSE = ("The council met on Tuesday evening and agreed that the old bridge over the river "
         "will be closed for repairs from the first of May until the end of the summer.")


def _vectors(units: list[str], start: int, end: int) -> dict[int, list[float]]:
    lines = classify(units, [False] * len(units), stop_words("English"))
    return titles.features(lines, start, end, _is_meta_line, is_name)


def test_a_byline_is_never_a_headline_candidate():
    units = ["Home", "Bridge to close for the summer", "By Jane Miller", PROSE, PROSE]
    vectors = _vectors(units, 3, 5)
    assert 2 not in vectors
    assert 1 in vectors


def test_a_headline_quoted_inside_a_longer_line_is_marked():
    head = "Bridge to close for the summer"
    units = ["News", head, PROSE, PROSE, f'2 thoughts on "{head}"']
    vectors = _vectors(units, 2, 4)
    quoted = titles.FEATURES.index("quoted_elsewhere")
    assert vectors[1][quoted] == 1.0
    assert vectors[0][quoted] == 0.0  # one word: never counted, however often it recurs


def test_a_menu_line_shown_twice_is_not_quoted():
    units = ["Our latest news", "Our latest news", "Bridge to close for the summer", PROSE, PROSE]
    vectors = _vectors(units, 3, 5)
    assert vectors[0][titles.FEATURES.index("quoted_elsewhere")] == 0.0


def test_lede_overlap_counts_the_headline_words_the_first_paragraph_repeats():
    units = ["Contact us", "Council closes the bridge", PROSE, PROSE]
    vectors = _vectors(units, 2, 4)
    lede = titles.FEATURES.index("lede_overlap")
    assert vectors[1][lede] > vectors[0][lede]
