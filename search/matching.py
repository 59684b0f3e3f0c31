"""Does a parsed query match one article? Answered from the article's own tokens.

Topic membership is a saved query evaluated on each article as it is indexed. Doing that
with a throwaway in-memory Whoosh index cost as much as indexing the article itself (the
profile of a 1,000-article rebuild: 22 s of 70 s). Here the text is analyzed once, with the
index's own analyzers, and the query tree is walked over the resulting token sets.
Query types this does not know answer ``None``, and the caller falls back to Whoosh.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping

from whoosh import query as q

from search.schema import NAME_ANALYZER, text_positions

Tokens = Mapping[str, Mapping[str, list[int]]]  # field -> token -> positions


def analyze(fields: Mapping[str, str]) -> dict[str, dict[str, list[int]]]:
    """Tokens and positions of each field, as the index would see them."""
    analyzed: dict[str, dict[str, list[int]]] = {}
    for name, text in fields.items():
        if name in ("author", "outlet", "topic"):
            tokens: dict[str, list[int]] = {}
            for token in NAME_ANALYZER(text or "", positions=True):
                tokens.setdefault(token.text, []).append(token.pos)
            analyzed[name] = tokens
        else:  # the text analyzer's steps in one pass: 17% of a rebuild through the analyzer
            analyzed[name] = text_positions(text or "")
    return analyzed


def matches(query: q.Query, doc: Tokens) -> bool | None:
    """True or False for the query types topic queries use; None for any other."""
    if isinstance(query, q.Term):
        return query.text in doc.get(query.fieldname, {})
    if isinstance(query, q.And):
        return _all(matches(sub, doc) for sub in query.subqueries)
    if isinstance(query, q.Or):
        return _any(matches(sub, doc) for sub in query.subqueries)
    if isinstance(query, q.Not):
        inner = matches(query.query, doc)
        return None if inner is None else not inner
    if isinstance(query, q.AndNot):
        return _all([matches(query.a, doc), _negate(matches(query.b, doc))])
    if isinstance(query, q.AndMaybe):
        return matches(query.a, doc)
    if isinstance(query, q.Phrase):
        return _phrase(query, doc.get(query.fieldname, {}))
    if isinstance(query, q.Prefix):
        return any(t.startswith(query.text) for t in doc.get(query.fieldname, {}))
    if isinstance(query, q.Wildcard):
        return any(fnmatch.fnmatchcase(t, query.text) for t in doc.get(query.fieldname, {}))
    if isinstance(query, q.Every):
        return True
    if isinstance(query, q.NullQuery.__class__):
        return False
    return None


def _phrase(query: q.Phrase, tokens: Mapping[str, list[int]]) -> bool:
    """Every word in order, each within ``slop`` positions of the one before."""
    if not query.words or any(w not in tokens for w in query.words):
        return False
    starts = set(tokens[query.words[0]])
    for word in query.words[1:]:
        following = set(tokens[word])
        starts = {p for p in following if any(0 < p - s <= query.slop for s in starts)}
        if not starts:
            return False
    return True


def _negate(value: bool | None) -> bool | None:
    return None if value is None else not value


def _all(values) -> bool | None:
    values = list(values)
    return None if None in values else all(values)


def _any(values) -> bool | None:
    values = list(values)
    return None if None in values else any(values)
