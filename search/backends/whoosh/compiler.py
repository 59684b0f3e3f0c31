"""Dossier's query tree as a Whoosh query, read with the index's own analyzers.

The words of a query are searched in title, lede, body and the author and outlet names with
the query-time boosts of ``FIELD_BOOSTS``; a named field is searched alone. Each word is
analyzed as Whoosh's query parser would (a term stemmed with its stop words dropped; prefixes,
wildcards and fuzzy words lowercased but not split), so scores are those Whoosh's parser gave
the same text. A phrase keeps every word, stop words too: the index holds them all.
"""

from __future__ import annotations

from whoosh import query as wq

from search import querytree as qt
from search.backends.whoosh.proximity import Proximity
from search.backends.whoosh.schema import (
    FIELD_BOOSTS,
    NAME_FIELDS,
    NAME_QUERY_ANALYZER,
    QUERY_ANALYZER,
    RANKED_FIELDS,
    build_schema,
)

_SCHEMA = build_schema()


def compile_query(node: qt.Node) -> wq.Query:
    """The Whoosh query for a tree; ``NullQuery`` when nothing searchable is left."""
    return _compile(node).normalize()


def _compile(node: qt.Node) -> wq.Query:
    if isinstance(node, qt.And):
        return wq.And([_compile(item) for item in node.items])
    if isinstance(node, qt.Or):
        return wq.Or([_compile(item) for item in node.items])
    if isinstance(node, qt.Not):
        return wq.Not(_compile(node.item))
    if isinstance(node, qt.MatchAll):
        return wq.Every()
    if isinstance(node, qt.Near):
        return _near(node)
    if node.field is not None:
        return _leaf(node, node.field, 1.0)
    return wq.Or([_leaf(node, name, FIELD_BOOSTS[name]) for name in RANKED_FIELDS + NAME_FIELDS])


def _near(node: qt.Near) -> wq.Query:
    """Proximity in each ranked field (or the one field every operand names)."""
    named = {leaf.field for leaf in node.leaves()}
    fieldnames = list(named) if len(named) == 1 and None not in named else RANKED_FIELDS
    queries = []
    for fieldname in fieldnames:
        field = _SCHEMA[fieldname]
        operands = [[tuple(t.text for t in field.tokenize(_words(leaf), mode="query"))
                     for leaf in item.leaves()] for item in node.items]
        operands = [[run for run in operand if run] for operand in operands]
        if any(not operand for operand in operands):
            return wq.NullQuery
        queries.append(Proximity(fieldname, operands, node.distance, ordered=node.ordered,
                                 paragraph=node.paragraph, boost=FIELD_BOOSTS.get(fieldname, 1.0)))
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _words(leaf: qt.Node) -> str:
    return leaf.words if isinstance(leaf, qt.Phrase) else leaf.word


def _leaf(node: qt.Node, fieldname: str, boost: float) -> wq.Query:
    field = _SCHEMA[fieldname]
    if isinstance(node, qt.Phrase):
        words = [token.text for token in field.tokenize(node.words, mode="query")]
        return wq.Phrase(fieldname, words, slop=node.slop, boost=boost)
    if isinstance(node, qt.Term):
        if node.field is None:  # an unquoted word of the text: stop words are left out
            analyzer = QUERY_ANALYZER if fieldname in RANKED_FIELDS else NAME_QUERY_ANALYZER
            texts = [token.text for token in analyzer(node.word, mode="query")]
        else:
            texts = list(field.process_text(node.word, mode="query", tokenize=True))
        if len(texts) > 1:  # "sarah-lain": every part
            return wq.And([wq.Term(fieldname, t, boost=boost) for t in texts])
        return wq.Term(fieldname, texts[0], boost=boost) if texts else wq.NullQuery
    text = _whole_word(field, getattr(node, "text", None) or getattr(node, "pattern", None)
                       or node.word)
    if text is None:
        return wq.NullQuery
    if isinstance(node, qt.Prefix):
        return wq.Prefix(fieldname, text, boost=boost)
    if isinstance(node, qt.Wildcard):
        return wq.Wildcard(fieldname, text, boost=boost)
    if isinstance(node, qt.Fuzzy):
        return wq.FuzzyTerm(fieldname, text, boost=boost, maxdist=node.distance,
                            prefixlength=node.prefix)
    raise TypeError(f"No Whoosh query for {type(node).__name__}")


def _whole_word(field, text: str) -> str | None:
    """A word as the parser hands it to prefix, wildcard and fuzzy queries: not tokenized."""
    texts = list(field.process_text(text, mode="query", tokenize=False, removestops=False))
    return texts[0] if texts else None
