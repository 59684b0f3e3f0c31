"""Reading the query language into Dossier's query tree (``search.querytree``): words (AND by
default), "phrases" and "phrases"~N, AND/OR/NOT, -word, parentheses, word*, wild?ca*d,
word~ and word~2, proximity (w/N, pre/N, NEAR/N, NEAR, /p) and the fields title:, lede:,
body:, author:, outlet:, topic:.

NOT binds tightest, then proximity, then AND, then OR, then the implicit AND between
neighbours, so ``a b OR c`` is a AND (b OR c) and ``a w/5 b OR c`` is (a w/5 b) OR c.
Whatever the input, ``parse_query`` returns a tree or None and, when it had to change the
input, a note saying what it searched for instead. It never
raises, and it imports no engine: each backend compiles the tree (and may still find nothing
to search for in it, for example when every word is a stop word).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from django.conf import settings

from search import querytree as qt

MAX_FUZZY_DISTANCE = 2
MAX_DEPTH = 32  # nested parentheses and NOTs; deeper is read as plain words
OPERATORS = {"AND", "OR", "NOT", "ANDNOT"}
OPERATOR_WORDS = OPERATORS | {"NEAR"}  # never respelled

_TOKEN_RE = re.compile(r"""
    (?P<space>\s+)
  | (?P<phrase>"(?P<text>[^"]*)"(?:~(?P<slop>[1-9][0-9]*))?)
  | (?P<quote>")
  | (?P<open>\()
  | (?P<close>\))
  | (?P<word>[^\s()"]+)
""", re.VERBOSE)
_FIELD_RE = re.compile(r"^(\w+):(.*)$")
# w/5 (within 5 words, either order), pre/5 (first before second), NEAR/5 and NEAR, /p and
# w/p (same paragraph). Anything else shaped like them is a note, never a silent word.
_PROXIMITY_RE = re.compile(r"^(?:(?P<op>[wW]|pre|PRE|NEAR|near)/(?P<n>[1-9][0-9]{0,2}|[pP])|/[pP]|NEAR)$")
_NOT_PROXIMITY_RE = re.compile(r"^(?:[wW]|pre|PRE|NEAR|near|[wW]ithin|ADJ|adj)/\S*$|^/\w*$")
NEAR_WORDS = 10  # NEAR without a number
_FUZZY_RE = re.compile(r"^(?P<word>.*\S)~(?P<dist>[0-9])?(?:/(?P<prefix>[1-9][0-9]*))?$")


class QuerySyntaxError(ValueError):
    """The text is not well-formed query syntax (read as plain words instead)."""


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as searched, after cleaning
    query: qt.Node | None  # None: nothing left to search for
    note: str = ""  # why the search differs from what was typed


def clean_text(text: str) -> str:
    """Control characters become spaces, runs of space collapse, NFC normalization."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
                   for c in text)
    return " ".join(text.split())


def plain_words(text: str) -> str:
    """The words of a query with all syntax removed ("(minsk AND" -> "minsk")."""
    words = re.findall(r"\w+", text)
    return " ".join(w for w in words if w not in OPERATORS).lower()


def max_query_chars() -> int:
    """The one length limit, ``DOSSIER_QUERY_MAX_CHARS``: the form refuses longer queries."""
    return settings.DOSSIER_QUERY_MAX_CHARS


def parse_query(text: str) -> ParsedQuery:
    """The query tree for ``text``; falls back to its plain words when it cannot be read.

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
        parser = _Parser(text)
        tree = parser.parse()
    except QuerySyntaxError:
        tree = None
    else:
        if tree is not None:
            return ParsedQuery(text, tree, " ".join(part for part in (note, *parser.notes) if part))
    words = plain_words(text)
    if not words:
        return ParsedQuery(text, None, (note + " " if note else "")
                           + "There is nothing to search for in that query: try some words.")
    why = "" if words == text.lower() else (
        f"We could not read that as search syntax, so we searched for the words: {words}.")
    note = " ".join(part for part in (note, why) if part)
    return ParsedQuery(words, words_query(words), note)


def words_query(words: str) -> qt.Node | None:
    """Plain words, all required, in the ranked text."""
    terms = [qt.Term(word) for word in words.split()]
    return _join(qt.And, terms)


def _join(kind, items: list[qt.Node]) -> qt.Node | None:
    items = [item for item in items if item is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else kind(tuple(items))


class _Parser:
    """Recursive descent over the tokens; see the module docstring for precedence."""

    def __init__(self, text: str):
        self.notes: list[str] = []
        self.tokens = list(self._tokens(text))
        self.at = 0
        self.depth = 0

    def _tokens(self, text: str):
        previous = " "
        for match in _TOKEN_RE.finditer(text):
            kind = next(k for k in ("space", "phrase", "quote", "open", "close", "word")
                        if match.group(k) is not None)
            if kind == "quote":
                raise QuerySyntaxError("an unclosed quote")
            if kind == "space":
                previous = " "
                continue
            value = match.group()
            after_gap = previous in " ("
            previous = value[-1]
            followed = text[match.end():match.end() + 1] not in ("", " ")
            if (kind == "word" and (named := _FIELD_RE.match(value)) and named[1] in qt.FIELDS
                    and (named[2] or followed)):
                yield ("field", named[1], match)
                value = named[2]
                if not value:
                    continue
            if kind == "word" and value in OPERATORS:
                yield ("op", value, match)
            elif kind == "word" and (near := _PROXIMITY_RE.match(value)):
                yield ("near", _proximity(near), match)
            elif kind == "word" and _NOT_PROXIMITY_RE.match(value):
                self.notes.append(f"“{value}” is not an operator we know (use w/N, pre/N, "
                                  "NEAR/N or /p): it was left out.")
            elif kind == "word" and after_gap and value.startswith("-") and len(value) > 1:
                yield ("op", "NOT", match)
                yield ("word", value[1:], match)
            elif kind == "word" and value == "-" and after_gap and text[match.end():][:1] in '"(':
                yield ("op", "NOT", match)  # -"a phrase", -(a OR b)
            else:
                yield (kind, value, match)

    # Grammar ---------------------------------------------------------------------------------

    def parse(self) -> qt.Node | None:
        tree = self.sequence()
        if self.at != len(self.tokens):
            raise QuerySyntaxError("an unmatched closing parenthesis")
        return tree

    def peek(self, kind: str | None = None, value: str | None = None):
        if self.at >= len(self.tokens):
            return None
        token = self.tokens[self.at]
        if (kind and token[0] != kind) or (value and token[1] != value):
            return None
        return token

    def take(self):
        token = self.tokens[self.at]
        self.at += 1
        return token

    def sequence(self) -> qt.Node | None:
        items = []
        while self.at < len(self.tokens) and not self.peek("close"):
            items.append(self.disjunction())
        return _join(qt.And, items)

    def disjunction(self) -> qt.Node | None:
        items = [self.conjunction()]
        while self.peek("op", "OR") and self._has_operand(1):
            self.take()
            items.append(self.conjunction())
        return _join(qt.Or, items)

    def conjunction(self) -> qt.Node | None:
        items = [self.proximity()]
        while (self.peek("op", "AND") or self.peek("op", "ANDNOT")) and self._has_operand(1):
            op = self.take()[1]
            operand = self.proximity()
            items.append(qt.Not(operand) if op == "ANDNOT" and operand is not None else operand)
        return _join(qt.And, items)

    def proximity(self) -> qt.Node | None:
        """``a w/5 b pre/3 c``: each operator joins its two neighbours, and all must hold."""
        items = [self.unary()]
        pairs = []
        while self.peek("near") and self._has_operand(1):
            spec = self.take()[1]
            items.append(self.unary())
            pairs.append(self._near(items[-2], items[-1], spec))
        return _join(qt.And, pairs) if pairs else items[0]

    def _near(self, a: qt.Node | None, b: qt.Node | None, spec: dict) -> qt.Node | None:
        if a is None or b is None:
            return a or b
        if not (_proximity_operand(a) and _proximity_operand(b)):
            self.notes.append("Proximity works between words, phrases and (a OR b) groups: "
                              "both sides were searched for anywhere in the article instead.")
            return qt.And((a, b))
        return qt.Near((a, b), **spec)

    def unary(self) -> qt.Node | None:
        if self.peek("op", "NOT") and self._has_operand(1):
            self.take()
            inner = self._deeper(self.unary)
            return qt.Not(inner) if inner is not None else None
        return self.primary(None)

    def _deeper(self, rule):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError("nested too deeply")
        try:
            return rule()
        finally:
            self.depth -= 1

    def _has_operand(self, ahead: int) -> bool:
        """An operator counts only with something after it ("minsk AND" is the word "and")."""
        index = self.at + ahead
        return index < len(self.tokens) and self.tokens[index][0] not in ("close",) and not (
            self.tokens[index][0] == "op" and self.tokens[index][1] in ("AND", "OR", "ANDNOT"))

    def primary(self, field: str | None) -> qt.Node | None:
        kind, value, match = self.take()
        if kind == "open":
            inner = self._deeper(self.sequence)
            if not self.peek("close"):
                raise QuerySyntaxError("an unclosed parenthesis")
            self.take()
            return _in_field(inner, field)
        if kind == "close":
            raise QuerySyntaxError("an unmatched closing parenthesis")
        if kind == "field":
            if self.at >= len(self.tokens):
                return None
            return self.primary(value)
        if kind == "near":
            self.notes.append(f"“{match.group()}” needs words on both sides: it was "
                              "left out.")
            return None
        if kind == "phrase":
            slop = int(match.group("slop") or 1)
            return qt.Phrase(match.group("text"), field, slop) if match.group("text").strip() else None
        return word_node(value, field)  # a word, or an operator word standing alone


def _proximity(found: re.Match) -> dict:
    """The Near arguments of a proximity operator."""
    op, n = (found["op"] or "").lower(), (found["n"] or "").lower()
    if n == "p" or found.group().lower() == "/p":
        return {"distance": NEAR_WORDS, "ordered": False, "paragraph": True}
    if not n:  # NEAR
        return {"distance": NEAR_WORDS, "ordered": False, "paragraph": False}
    return {"distance": int(n), "ordered": op == "pre", "paragraph": False}


def _proximity_operand(node: qt.Node) -> bool:
    if isinstance(node, qt.Or):
        return all(isinstance(item, (qt.Term, qt.Phrase)) for item in node.items)
    return isinstance(node, (qt.Term, qt.Phrase))


def word_node(word: str, field: str | None) -> qt.Node:
    """One word of the query: fuzzy (~), a prefix (ending in *), a wildcard, or a term."""
    if (fuzzy := _FUZZY_RE.match(word)) and not any(c in fuzzy["word"] for c in "*?"):
        distance = min(int(fuzzy["dist"] or 1), MAX_FUZZY_DISTANCE)
        return qt.Fuzzy(fuzzy["word"], field, distance, int(fuzzy["prefix"] or 0))
    if "*" in word or "?" in word:
        if len(word) > 1 and "?" not in word and word.find("*") == len(word) - 1:
            return qt.Prefix(word[:-1], field)
        return qt.Wildcard(word, field)
    return qt.Term(word, field)


def _in_field(node: qt.Node | None, field: str | None) -> qt.Node | None:
    """``author:(a OR b)``: every leaf without a field of its own gets this one."""
    if node is None or field is None:
        return node
    if isinstance(node, (qt.And, qt.Or)):
        return type(node)(tuple(_in_field(item, field) for item in node.items))
    if isinstance(node, qt.Not):
        return qt.Not(_in_field(node.item, field))
    if getattr(node, "field", "") is None:
        return replace(node, field=field)
    return node
