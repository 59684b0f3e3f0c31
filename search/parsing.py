"""Reading the query language: words (AND by default), "phrases", AND/OR/NOT, -word,
parentheses, word*, word~, and the fields title:, author:, outlet:, topic:.

Whatever the input, ``parse_query`` returns a query or None and, when it had to change the
input, a note saying what it searched for instead. It never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from whoosh import qparser
from whoosh.fields import Schema
from whoosh.query import FuzzyTerm, NullQuery, Query

from search.schema import FIELD_BOOSTS, QUERY_FIELDS, RANKED_FIELDS, build_schema

MAX_FUZZY_DISTANCE = 2
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as searched, after cleaning
    query: Query | None  # None: nothing left to search for
    note: str = ""  # why the search differs from what was typed


def _query_schema() -> Schema:
    """Only the fields users may name: ``id:`` or ``signature:`` are read as plain words."""
    full = build_schema()
    schema = Schema()
    for name in QUERY_FIELDS:
        schema.add(name, full[name])
    return schema


_SCHEMA = _query_schema()


def _parser(*, operators: bool = True) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(RANKED_FIELDS, _SCHEMA, fieldboosts=FIELD_BOOSTS,
                                      group=qparser.AndGroup)
    parser.remove_plugin_class(qparser.BoostPlugin)
    parser.remove_plugin_class(qparser.RangePlugin)
    if operators:
        parser.add_plugin(qparser.FuzzyTermPlugin())
    else:
        for plugin in (qparser.OperatorsPlugin, qparser.GroupPlugin, qparser.PhrasePlugin,
                       qparser.FieldsPlugin, qparser.WildcardPlugin):
            parser.remove_plugin_class(plugin)
    return parser


_PARSER = _parser()
_WORDS_PARSER = _parser(operators=False)


def clean_text(text: str) -> str:
    """Control characters become spaces, runs of space collapse, NFC normalization."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
                   for c in text)
    return " ".join(text.split())


def _minus_to_not(text: str) -> str:
    """``-word`` / ``-"a phrase"`` mean NOT, outside quotes ("sarah-lain" stays one word)."""
    parts = text.split('"')
    for i in range(0, len(parts), 2):  # even parts are outside quotes
        parts[i] = re.sub(r"(^|[\s(])-(?=[\w(])", r"\1NOT ", parts[i])
        if i + 1 < len(parts):
            parts[i] = re.sub(r"(^|[\s(])-$", r"\1NOT ", parts[i])
    return '"'.join(parts)


def _clamp(query: Query) -> Query:
    """Fuzzy terms farther than two edits are slow and useless."""
    if isinstance(query, FuzzyTerm) and query.maxdist > MAX_FUZZY_DISTANCE:
        query.maxdist = MAX_FUZZY_DISTANCE
    for child in query.children():
        _clamp(child)
    return query


def _usable(query: Query | None) -> bool:
    return query is not None and query is not NullQuery and not isinstance(query, type(NullQuery))


def plain_words(text: str) -> str:
    """The words of a query with all syntax removed ("(minsk AND" -> "minsk")."""
    words = re.findall(r"\w+", text)
    return " ".join(w for w in words if w not in OPERATORS).lower()


def max_query_chars() -> int:
    """The one length limit, ``DOSSIER_QUERY_MAX_CHARS``: the form refuses longer queries."""
    return settings.DOSSIER_QUERY_MAX_CHARS


def parse_query(text: str) -> ParsedQuery:
    """The whoosh query for ``text``; falls back to its plain words when it cannot be read.

    Callers that bypass the form (the suggestion, the index checks) still get a query cut at
    the same limit the form enforces, so parsing cost stays bounded.
    """
    text = clean_text(text)
    note = ""
    limit = max_query_chars()
    if len(text) > limit:
        # Cut at the last whole word within the limit (clean_text left single spaces).
        text = text[:limit] if text[limit] == " " else text[:limit].rsplit(" ", 1)[0]
        note = f"Your query was cut to its first {limit:,} characters."
    if not text:
        return ParsedQuery(text, None, note)
    try:
        query = _PARSER.parse(_minus_to_not(text))
        if _usable(query) and text.count('"') % 2 == 0 and _balanced(text):
            return ParsedQuery(text, _clamp(query), note)
    except Exception:  # whoosh raises assorted errors on odd input; we never pass them on
        pass
    words = plain_words(text)
    if not words:
        return ParsedQuery(text, None, (note + " " if note else "")
                           + "There is nothing to search for in that query: try some words.")
    try:
        query = _WORDS_PARSER.parse(words)
    except Exception:
        query = None
    if not _usable(query):
        why = "Those words are too common or too short to search for: try others."
    elif words == text.lower():
        why = ""
    else:
        why = f"We could not read that as search syntax, so we searched for the words: {words}."
    note = " ".join(part for part in (note, why) if part)
    return ParsedQuery(words, query if _usable(query) else None, note)


def _balanced(text: str) -> bool:
    """Parentheses outside quotes pair up (whoosh silently drops unpaired ones)."""
    depth = 0
    for i, part in enumerate(text.split('"')):
        if i % 2:
            continue
        for char in part:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                return False
    return depth == 0
