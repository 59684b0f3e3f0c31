"""Which tokens of a text are words a query looks for, with the index's own tokens and stems.

The index analyzer's steps without its per-token object pipeline: running the full analyzer
over each hit's body was most of a rare-word result page.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.query import MultiTerm, Query

from search.backends.whoosh.schema import RANKED_FIELDS, STEMMED_STOP_WORDS, TOKEN_RE, stemmed


def query_words(query: Query, reader) -> frozenset[str]:
    """The indexed words of the ranked fields that the query looks for (prefixes, wildcards
    and fuzzy terms expanded against the index). The stop words of a phrase are left out:
    marking every "the" of a page would hide the words that matter."""
    words: set[str] = set()
    for leaf in query.leaves():
        try:
            terms = (leaf.expanded_terms(reader) if isinstance(leaf, MultiTerm)
                     else leaf.iter_all_terms(phrases=True))
            words.update(_text(t) for f, t in terms if f in RANKED_FIELDS)
        except Exception:  # a leaf the expansion cannot walk: fewer marks, same results
            continue
    return frozenset(w for w in words if len(w) > 1 and w not in STEMMED_STOP_WORDS)


def _text(term) -> str:
    return term.decode() if isinstance(term, bytes) else term


def matched_spans(text: str, words: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of every token of ``text`` whose stem is one of ``words``.

    Only tokens that begin like one of the stems are stemmed: the Porter stemmer rewrites
    suffixes only, so a word always begins with its stem less its last three letters. A C-level
    regular expression finds those few candidates instead of stemming every token of the body.
    """
    if not words:
        return []
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lowercases to two characters: positions would shift
        return [m.span() for m in TOKEN_RE.finditer(text) if stemmed(m.group().lower()) in words]
    spans = []
    for start in _candidate_starts(frozenset(words)).finditer(lowered):
        token = TOKEN_RE.match(text, start.start())
        if token and stemmed(token.group().lower()) in words:
            spans.append(token.span())
    return spans


@lru_cache(maxsize=256)
def _candidate_starts(words: frozenset[str]) -> re.Pattern:
    prefixes = sorted({word[:max(2, len(word) - 3)] for word in words}, key=len, reverse=True)
    # At a token's first character: not after a token character, nor after "x." (U.S.A.).
    return re.compile(r"(?<![\w*])(?<![\w*]\.)(?:" + "|".join(map(re.escape, prefixes)) + ")")
