"""Does a topic's saved query match an article? Answered from the article's own tokens.

Membership is judged as articles are written, before their documents are: a throwaway
in-memory Whoosh index of the batch would cost as much as indexing the batch itself. Here the
text is analyzed once, with the index's own analyzers, and the compiled query is walked over
the token sets; query types this does not know answer ``None`` and are run on an in-memory
index of the batch instead.
"""

from __future__ import annotations

import fnmatch
import uuid
from collections.abc import Mapping

from whoosh import query as q
from whoosh.filedb.filestore import RamStorage

from search import querytree as qt
from search.backends.whoosh.compiler import compile_query
from search.backends.whoosh.proximity import Proximity
from search.backends.whoosh.schema import (
    NAME_ANALYZER,
    PARAGRAPH_STEP,
    text_positions,
    topic_schema,
)

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
        else:  # the text analyzer's steps in one pass, without its token objects
            analyzed[name] = text_positions(text or "")
    return analyzed


def matches(query: q.Query, doc: Tokens) -> bool | None:
    """True or False for the query types topic queries use; None for any other."""
    if isinstance(query, Proximity):
        return _near(query, doc.get(query.fieldname, {}))
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


def _near(query: Proximity, tokens: Mapping[str, list[int]]) -> bool:
    """Each operand near the next, as the index's evaluator reads it from positions."""
    spans = []
    for operand in query.operands:
        found = [(start, start + len(run) - 1) for run in operand for start in _starts(run, tokens)]
        if not found:
            return False
        spans.append(found)
    return all(any(_close(x, y, query) for x in first for y in second)
               for first, second in zip(spans, spans[1:], strict=False))


def _starts(run: tuple[str, ...], tokens: Mapping[str, list[int]]) -> list[int]:
    if any(word not in tokens for word in run):
        return []
    later = [set(tokens[word]) for word in run[1:]]
    return [p for p in tokens[run[0]] if all(p + i in seen for i, seen in enumerate(later, 1))]


def _close(a: tuple[int, int], b: tuple[int, int], query: Proximity) -> bool:
    if query.paragraph:
        return a[0] // PARAGRAPH_STEP == b[0] // PARAGRAPH_STEP
    after = 1 <= b[0] - a[1] <= query.distance
    return after or (not query.ordered and 1 <= a[0] - b[1] <= query.distance)


def _negate(value: bool | None) -> bool | None:
    return None if value is None else not value


def _all(values) -> bool | None:
    values = list(values)
    return None if None in values else all(values)


def _any(values) -> bool | None:
    values = list(values)
    return None if None in values else any(values)


def topic_fields(components: Mapping) -> dict[str, str]:
    """The text a topic query can see of an article."""
    authors = " ".join(f"{slug} {name}" for slug, name in
                       zip(components["authors"], components["author_names"], strict=True))
    outlet = f'{components["outlet"]} {components["outlet_name"]}'.strip()
    return {"title": components["title"], "lede": components["lede"],
            "body": components["body"], "author": authors, "outlet": outlet}


def topic_hits(articles: list[Mapping], queries: Mapping[str, qt.Node]) -> dict[int, set[str]]:
    """Each article's id with the slugs of the saved queries it matches."""
    hits: dict[int, set[str]] = {c["id"]: set() for c in articles}
    compiled = {slug: compile_query(tree) for slug, tree in queries.items()}
    fallback: dict[str, q.Query] = {}
    tokens = {c["id"]: analyze(topic_fields(c)) for c in articles} if compiled else {}
    for slug, query in compiled.items():
        verdicts = {pk: matches(query, doc) for pk, doc in tokens.items()}
        if None in verdicts.values():
            fallback[slug] = query
            continue
        for pk, hit in verdicts.items():
            if hit:
                hits[pk].add(slug)
    if fallback:
        _hits_in_memory(articles, fallback, hits)
    return hits


def _hits_in_memory(articles: list[Mapping], queries: Mapping[str, q.Query],
                    hits: dict[int, set[str]]) -> None:
    # A unique name: the writer of a RAM index pools in $TMPDIR/<indexname>.tmp, and two
    # processes using the default "MAIN" would delete each other's pool.
    ram = RamStorage().create_index(topic_schema(), indexname=f"topics-{uuid.uuid4().hex}")
    with ram.writer() as writer:
        for c in articles:
            writer.add_document(id=str(c["id"]), **topic_fields(c))
    with ram.searcher() as searcher:
        for slug, query in queries.items():
            for found in searcher.search(query, limit=None):
                hits[int(found["id"])].add(slug)
