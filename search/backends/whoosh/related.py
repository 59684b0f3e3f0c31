"""More like this: the articles that share an article's key terms, for its "Related" block.

The key terms are the article's own words as the index holds them (stemmed), each scored by
how often the article uses it (a title word counts more) times how rare it is in the archive:
a word only this article has finds nothing, a word most articles have says nothing and costs
the longest posting lists. The best few are ORed over the ranked fields with the search's
field boosts, each weighed by its score (a passing mention of a rare name must not outrank
the subject), and evaluated like any search, the article's own document left out.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from whoosh.query import AndNot, Or, Term
from whoosh.searching import Searcher

from search.backends.whoosh import index, segments
from search.backends.whoosh.evaluation import evaluate
from search.backends.whoosh.schema import FIELD_BOOSTS, RANKED_FIELDS, STEMMED_STOP_WORDS, text_positions

KEY_TERMS = 20  # how many terms the query ORs, at most
CANDIDATES = 60  # the article's most used words whose archive frequency is looked up
TEXT_WEIGHTS = {"title": 3.0, "lede": 2.0, "body": 1.0}  # a use of the word, by field
# A word in more of the archive than this is too common to mean a topic (and its postings are
# the longest to read); a small archive keeps its words, cheap to read and all it has.
MAX_SHARE = 0.2
COMMON_FLOOR = 100
POSTINGS_BUDGET = 8_000  # body postings one query may read, at any archive size


def related_ids(article_id: int, components: dict, *, limit: int) -> list[int]:
    """Ids of the ``limit`` documents that score best on the article's key terms, best first;
    none when there is no index yet (a page view never builds one)."""
    if limit <= 0 or not index.has_index_files():
        return []
    searcher = index.get_searcher()
    terms = key_terms(searcher, components, KEY_TERMS, POSTINGS_BUDGET)
    if not terms:
        return []
    top = terms[0][1]  # each term weighs by its share of the best one's tf-idf
    words = Or([Term(fieldname, term, boost=FIELD_BOOSTS[fieldname] * weight / top)
                for term, weight in terms for fieldname in RANKED_FIELDS])
    matches = evaluate(searcher, AndNot(words, Term("id", str(article_id))), scored=True)
    return [pk for pk in _pks(searcher, matches.ranked(limit + 1)) if pk != article_id][:limit]


def key_terms(searcher: Searcher, components: dict, count: int,
              budget: int) -> list[tuple[str, float]]:
    """The article's ``count`` best words with their tf-idf, among those other articles hold,
    whose postings together stay within ``budget`` (a better word over it is passed over
    for rarer ones): reading postings is the cost, and this bounds it at any archive size."""
    uses = _uses(components)
    total = searcher.doc_count()
    ceiling = max(COMMON_FLOOR, MAX_SHARE * total)
    scored = []
    for term, tf in uses.most_common(CANDIDATES):
        df = searcher.doc_frequency("body", term) or searcher.doc_frequency("title", term)
        if 2 <= df <= ceiling:  # 1: the article alone
            scored.append((-tf * math.log(1 + total / df), term, df))  # idf > 0
    chosen = []
    for score, term, df in sorted(scored):
        if df <= budget:
            chosen.append((term, -score))
            budget -= df
            if len(chosen) == count:
                break
    return chosen


def _uses(components: dict) -> Counter:
    """Weighted uses of each indexed word worth searching for (no stop words, one-letter
    words or numbers). A lede that is the body's opening (a caption, a first paragraph) is
    counted once, in the body: its words are no more the article's subject for that."""
    texts = {name: components.get(name) or "" for name in TEXT_WEIGHTS}
    if texts["lede"] and texts["lede"] in texts["body"]:
        texts["lede"] = ""
    uses: Counter = Counter()
    for fieldname, weight in TEXT_WEIGHTS.items():
        for term, positions in text_positions(texts[fieldname]).items():
            if len(term) > 1 and not term.isdigit() and term not in STEMMED_STOP_WORDS:
                uses[term] += weight * len(positions)
    return uses


def _pks(searcher: Searcher, docnums: list[int]) -> list[int]:
    """The article ids of global document numbers, from each segment's ``pk`` column."""
    leaves = segments.leaves(searcher)
    offsets = np.array([offset for _, offset in leaves])
    pks = []
    for docnum in docnums:
        at = int(np.searchsorted(offsets, docnum, side="right")) - 1
        leaf, offset = leaves[at]
        pks.append(int(segments.column(leaf.reader(), "pk")[docnum - offset]))
    return pks
