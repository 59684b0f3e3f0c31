"""Dossier's query tree as a SQL condition over the engine's tables, with tsquery values only.

User text never becomes SQL: every leaf's words are analyzed by PostgreSQL itself
(``plainto_tsquery``/``phraseto_tsquery`` with a bound parameter), whose output quotes each
lexeme; this module only adds weight labels, ``:*`` and the operators between such pieces,
quoting any lexeme it writes itself (``quote``), and the whole tsquery is passed as one
parameter cast to ``tsquery``. The condition's SQL text is made of this module's own strings.

Where the words are looked for:
- unquoted words, prefixes, wildcards and fuzzy words: the article's weighted ``document``
  ('dossier_ranked': 'english' with hyphenated words read as their parts; stemmed, stop words
  left out; title A, names B, lede C, body D); a field names
  a weight (title:A, lede:C, body:D) or a column of its own (author, outlet, topic: 'simple');
- phrases and proximity: the article's paragraphs (``PARAGRAPHS``, 'dossier': every word
  kept), so a phrase means its exact words and never spans two paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search import querytree as qt

# The SQL this engine sends starts with this comment, so a test that counts a page's own
# queries can tell them from the engine's.
MARK = "/* search_pg */ "
PARAGRAPHS = "__paragraphs__"  # replaced by the table (or CTE) of paragraphs
LABELS = {"title": "A", "lede": "C", "body": "D"}
RANKED_LABELS = "ACD"  # proximity looks in the ranked text, never across names
COLUMNS = {"author": "author_words", "outlet": "outlet_words", "topic": "topic_words"}
# Proximity "within N words" is an OR of each exact distance; wider than this it is read as
# "in the same paragraph", and a sloppy phrase whose OR would grow past EXPANSIONS likewise.
MAX_DISTANCE = 50
EXPANSIONS = 64
MAX_TERMS = 1000  # words a wildcard or fuzzy word expands to
_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)'")


def quote(lexeme: str) -> str:
    """A lexeme as a quoted tsquery operand: quotes and backslashes doubled."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def lexemes(tsquery: str) -> list[str]:
    """The lexemes of a tsquery's text, unquoted."""
    return [re.sub(r"''", "'", re.sub(r"\\(.)", r"\1", m.group(1))) for m in _LEXEME.finditer(tsquery)]


def weighted(tsquery: str, labels: str) -> str:
    """Every lexeme of a tsquery's text restricted to these weights."""
    return _LEXEME.sub(lambda m: f"{m.group(0)}:{labels}", tsquery) if labels else tsquery


@dataclass
class Part:
    """A SQL condition with its parameters."""

    sql: str
    params: list = field(default_factory=list)


FALSE = Part("FALSE")


@dataclass
class Compiled:
    """The condition, the tsquery that ranks its matches, and the words to mark in snippets
    (stems, and ``prefix*`` for a prefix)."""

    condition: Part
    rank: str
    words: frozenset[str]


class Compiler:
    """Compiles one tree; PostgreSQL analyzes the words through ``cursor``."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.rank: list[str] = []
        self.words: set[str] = set()

    def compile(self, node: qt.Node) -> Compiled | None:
        """The compiled tree, or None when nothing searchable is left (stop words only)."""
        part = self.node(node, positive=True)
        if part is None:
            return None
        rank = " | ".join(f"( {q} )" for q in dict.fromkeys(self.rank))
        return Compiled(part, rank, frozenset(w for w in self.words if len(w.rstrip("*")) > 1))

    # Analysis, by PostgreSQL ------------------------------------------------------------------

    def analyze(self, function: str, config: str, text: str) -> str:
        """``function(config, text)`` as tsquery text ('' when no word is left)."""
        assert function in ("plainto_tsquery", "phraseto_tsquery")
        assert config in ("dossier_ranked", "dossier", "simple")
        self.cursor.execute(f"{MARK}SELECT {function}('{config}', %s)::text", [text])
        return self.cursor.fetchone()[0]

    def expand(self, node: qt.Wildcard | qt.Fuzzy, column: str) -> list[str]:
        """The archive's words (stems, or names' words) a wildcard or fuzzy word stands for."""
        if isinstance(node, qt.Wildcard):
            pattern = node.pattern.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = pattern.replace("*", "%").replace("?", "_")
            self.cursor.execute(f"{MARK}SELECT DISTINCT {column} FROM search_pg_word "
                                f"WHERE {column} LIKE %s LIMIT {MAX_TERMS}", [pattern])
        else:
            word = node.word.lower()
            self.cursor.execute(
                f"{MARK}SELECT DISTINCT {column} FROM search_pg_word WHERE left({column}, %s) = left(%s, %s) "
                f"AND levenshtein_less_equal({column}, %s, %s) <= %s LIMIT {MAX_TERMS}",
                [node.prefix, word, node.prefix, word, node.distance, node.distance])
        return sorted(row[0] for row in self.cursor.fetchall())

    # Nodes -----------------------------------------------------------------------------------

    def node(self, node: qt.Node, positive: bool) -> Part | None:
        if isinstance(node, qt.And | qt.Or):
            parts = [p for p in (self.node(item, positive) for item in node.items) if p is not None]
            joiner = " AND " if isinstance(node, qt.And) else " OR "
            if not parts:
                return None
            return Part("(" + joiner.join(p.sql for p in parts) + ")",
                        [x for p in parts for x in p.params])
        if isinstance(node, qt.Not):
            inner = self.node(node.item, not positive)
            return None if inner is None else Part(f"NOT {inner.sql}", inner.params)
        if isinstance(node, qt.MatchAll):
            return Part("TRUE")
        if isinstance(node, qt.Near):
            return self.near(node, positive)
        return self.leaf(node, positive)

    def leaf(self, node: qt.Node, positive: bool) -> Part | None:
        column = COLUMNS.get(node.field)
        label = LABELS.get(node.field, "")
        if isinstance(node, qt.Term):
            tsquery = self.analyze("plainto_tsquery", "simple" if column else "dossier_ranked", node.word)
            if tsquery and positive and not column:
                self.ranked(tsquery)
            return self.match(column, weighted(tsquery, label)) if tsquery else None
        if isinstance(node, qt.Phrase):
            return self.phrase(node, column, label, positive)
        if isinstance(node, qt.Prefix):
            text = node.text.lower()
            if not text:
                return None
            tsquery = f"{quote(text)}:*{label}"
            if positive and not column:
                self.rank.append(f"{quote(text)}:*")
                self.words.add(text + "*")
            return self.match(column, tsquery)
        if isinstance(node, qt.Wildcard | qt.Fuzzy):
            found = self.expand(node, "word" if column else "stem")
            if not found:
                return FALSE
            tsquery = " | ".join(f"{quote(w)}{':' + label if label else ''}" for w in found)
            if positive and not column:
                self.rank.append(" | ".join(map(quote, found)))
                self.words.update(found)
            return self.match(column, tsquery)
        raise TypeError(f"No PostgreSQL query for {type(node).__name__}")

    def ranked(self, tsquery: str) -> None:
        self.rank.append(tsquery)
        self.words.update(lexemes(tsquery))

    def match(self, column: str | None, tsquery: str) -> Part:
        """The condition that the document (or a name column) matches a tsquery."""
        return Part(f"d.{column or 'document'} @@ %s::tsquery", [tsquery])

    def in_paragraph(self, tsquery: str) -> Part:
        # Uncorrelated: the tsquery is tested once per paragraph (a GIN scan on the table),
        # never once per paragraph and candidate article.
        return Part(f"d.article_id IN (SELECT p.article_id FROM {PARAGRAPHS} p "
                    "WHERE p.words @@ %s::tsquery)", [tsquery])

    def phrase(self, node: qt.Phrase, column: str | None, label: str, positive: bool) -> Part | None:
        config = "simple" if column else "dossier"
        if node.slop > 1:
            runs = [r for r in (self.analyze("phraseto_tsquery", config, w) for w in node.words.split()) if r]
            tsquery = _sloppy(runs, node.slop)
        else:
            tsquery = self.analyze("phraseto_tsquery", config, node.words)
        if not tsquery:
            return None
        plain = positive and not column and self.analyze("plainto_tsquery", "dossier_ranked", node.words)
        if plain:
            self.ranked(plain)
        if column:
            return self.match(column, tsquery)
        return self.in_paragraph(weighted(tsquery, label))

    def near(self, node: qt.Near, positive: bool) -> Part | None:
        """Each operand within ``distance`` words of the next (or in the same paragraph), in
        one paragraph of the ranked text, or of the one field every operand names."""
        named = {leaf.field for leaf in node.leaves()}
        only = next(iter(named)) if len(named) == 1 else None
        column = COLUMNS.get(only)
        labels = LABELS.get(only, RANKED_LABELS)
        config = "simple" if column else "dossier"
        operands = []
        for item in node.items:
            runs = [self.analyze("phraseto_tsquery", config, _words(leaf)) for leaf in item.leaves()]
            runs = [weighted(r, "" if column else labels) for r in runs if r]
            if not runs:
                return None
            operands.append(" | ".join(f"( {r} )" for r in runs))
            if positive and not column:
                for leaf in item.leaves():
                    if plain := self.analyze("plainto_tsquery", "dossier_ranked", _words(leaf)):
                        self.ranked(plain)
        parts = []
        for first, second in zip(operands, operands[1:], strict=False):
            tsquery = _near_pair(first, second, node)
            parts.append(self.match(column, tsquery) if column else self.in_paragraph(tsquery))
        return Part("(" + " AND ".join(p.sql for p in parts) + ")", [x for p in parts for x in p.params])


def _words(leaf: qt.Node) -> str:
    return leaf.words if isinstance(leaf, qt.Phrase) else getattr(leaf, "word", "") or ""


def _near_pair(first: str, second: str, node: qt.Near) -> str:
    """One tsquery for "first near second": an OR of every allowed distance and order."""
    if node.paragraph or node.distance > MAX_DISTANCE:
        return f"( {first} ) & ( {second} )"
    pairs = [(first, second)] if node.ordered else [(first, second), (second, first)]
    return " | ".join(f"( {a} ) <{k}> ( {b} )" for a, b in pairs
                      for k in range(1, node.distance + 1))


def _sloppy(runs: list[str], slop: int) -> str:
    """Runs in order, each within ``slop`` positions of the one before; when the OR of every
    distance would grow too large, each run after the one before within the same paragraph."""
    if not runs:
        return ""
    if slop ** (len(runs) - 1) > EXPANSIONS:
        return " & ".join(f"( {r} )" for r in runs)
    found = f"( {runs[0]} )"
    for run in runs[1:]:
        found = " | ".join(f"( {found} <{k}> ( {run} ) )" for k in range(1, slop + 1))
    return found
