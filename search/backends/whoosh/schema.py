"""The shape of the search index: ranked text, filter and facet columns, the article id."""

import re
import sys
from functools import lru_cache

from whoosh.analysis import (
    STOP_WORDS,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StemmingAnalyzer,
    StopFilter,
)
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.lang.porter import stem

# Every word is indexed, stop words and one-letter words too, so a phrase means its exact
# words ("the president", "Michael T. Flynn"); unquoted words still leave stop words out,
# at query time (QUERY_ANALYZER). Each paragraph's positions start at a multiple of
# PARAGRAPH_STEP: a phrase or a proximity never spans two paragraphs, and "same paragraph"
# is one integer division.
PARAGRAPH_STEP = 1 << 16
TOKEN_RE = default_pattern
_WORD_RE = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", re.UNICODE)  # TOKEN_RE without its group
assert TOKEN_RE.pattern == r"[\w\*]+(\.?[\w\*]+)*", "Whoosh's token pattern changed: update _WORD_RE"
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


class ParagraphTokenizer(RegexTokenizer):
    """Whoosh's word tokenizer, numbering each paragraph's words from its own multiple of
    PARAGRAPH_STEP (a blank line between two words starts a paragraph)."""

    def __call__(self, value, positions=False, chars=False, start_pos=0, **kwargs):
        paragraph, first, previous_end = 0, None, 0
        for token in super().__call__(value, positions=positions, chars=True,
                                      start_pos=start_pos, **kwargs):
            if first is None:
                first = token.pos if positions else 0
            elif _BLANK_LINE.search(value, previous_end, token.startchar):
                paragraph += 1
                first = token.pos if positions else 0
            previous_end = token.endchar
            if positions:
                token.pos = start_pos + paragraph * PARAGRAPH_STEP + token.pos - first
            yield token


# What the ranked fields index: every word, lowercased and Porter-stemmed.
TEXT_ANALYZER = ParagraphTokenizer() | LowercaseFilter() | StemFilter(stem)
# What an unquoted word of a query searches for: Whoosh's default, which drops stop words
# and one-letter words ("the" alone is too common to search for).
QUERY_ANALYZER = StemmingAnalyzer()
STEMMED_STOP_WORDS = frozenset(stem(word) for word in STOP_WORDS)
# The last text analyzed: index() and spellable_words() both read each value.
_last_words: tuple[str, tuple[list[int], list[str]]] = ("", ([], []))


@lru_cache(maxsize=200_000)
def stemmed(word: str) -> str:
    return stem(word)


def analyzed_words(text: str) -> tuple[list[int], list[str]]:
    """The words TEXT_ANALYZER indexes of ``text``, lowercased but not stemmed, in order,
    with the position the analyzer gives each."""
    global _last_words
    last = _last_words
    if last[0] is text:
        return last[1]
    positions: list[int] = []
    words: list[str] = []
    paragraph = 0
    for chunk in _BLANK_LINE.split(text):
        found = _WORD_RE.findall(chunk)
        if found:
            base = paragraph * PARAGRAPH_STEP
            positions.extend(range(base, base + len(found)))
            words.extend(map(str.lower, found))
            paragraph += 1
    _last_words = (text, (positions, words))
    return positions, words


def text_tokens(text: str) -> list[str]:
    """The words TEXT_ANALYZER indexes for ``text``, in position order."""
    return [stemmed(word) for word in analyzed_words(text)[1]]


def text_positions(text: str) -> dict[str, list[int]]:
    """Each word TEXT_ANALYZER indexes for ``text`` with its positions, as the analyzer
    numbers them."""
    positions: dict[str, list[int]] = {}
    for pos, word in zip(*analyzed_words(text), strict=True):
        positions.setdefault(stemmed(word), []).append(pos)
    return positions


class WordText(TEXT):
    """A TEXT field with TEXT_ANALYZER whose values are indexed in one pass.

    Whoosh's TEXT sends every value through a chain of generators, one Token object per word,
    and a second time for the unstemmed spelling words: most of ``add_document`` in a rebuild.
    The terms, frequencies, weights and encoded positions are the same (a test holds
    them equal to TEXT's); query parsing still goes through the analyzer.
    """

    def __init__(self, **kwargs):
        super().__init__(analyzer=TEXT_ANALYZER, **kwargs)

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        boost, encode = self.format.field_boost, self.format.encode
        for word, poslist in text_positions(value).items():
            yield word.encode("utf-8"), len(poslist), float(len(poslist)) * boost, encode(poslist)

    def spellable_words(self, value):
        if not isinstance(value, str):
            return super().spellable_words(value)
        return iter(sorted(set(analyzed_words(value)[1])))


def is_common(stem: str) -> bool:
    """A stop word or a one-letter word: too frequent for its positions to be read per phrase."""
    return len(stem) == 1 or stem in STEMMED_STOP_WORDS


def pair_token(first: str, second: str) -> str:
    return f"{first} {second}"


def text_pairs(text: str) -> dict[str, list[int]]:
    """Each pair of neighbouring words of one paragraph where either is common ("the presid",
    "of the"), at the first word's position: a phrase with common words is looked up by its
    pairs, whose postings are short, instead of by the common words' positions, which fill
    every document (the "common grams" of search engines)."""
    positions, words = analyzed_words(text)
    stems = [stemmed(word) for word in words]
    pairs: dict[str, list[int]] = {}
    for k in range(len(stems) - 1):
        if positions[k + 1] == positions[k] + 1 and (is_common(stems[k]) or is_common(stems[k + 1])):
            pairs.setdefault(pair_token(stems[k], stems[k + 1]), []).append(positions[k])
    return pairs


class PairText(TEXT):
    """The common-word pairs of a ranked field (``text_pairs``), with their positions; only the
    evaluator's phrases read it, never scoring."""

    def __init__(self, **kwargs):
        super().__init__(analyzer=TEXT_ANALYZER, **kwargs)

    def index(self, value, **kwargs):
        boost, encode = self.format.field_boost, self.format.encode
        for pair, poslist in text_pairs(value if isinstance(value, str) else " ".join(value)).items():
            yield pair.encode("utf-8"), len(poslist), float(len(poslist)) * boost, encode(poslist)

    def spellable_words(self, value):
        return iter(())


def pairs_field(fieldname: str) -> str:
    return f"{fieldname}_pairs"


class StemmedText(WordText):
    """The ranked fields of an index written before every word was indexed. Such an index is
    still read (its pickled schema names this class) until a rebuild replaces it."""


# Names and slugs: "sarah-lain Sarah Lain" -> sarah, lain, sarah, lain (no stemming).
NAME_ANALYZER = RegexTokenizer(r"\w+") | LowercaseFilter()
# An unquoted word searched in the names ("the" is in many outlets' names, never a search).
NAME_QUERY_ANALYZER = NAME_ANALYZER | StopFilter()

RANKED_FIELDS = ["title", "lede", "body"]
# Author and outlet names are words too: "Lichtblau" finds his articles, below the title.
NAME_FIELDS = ["author", "outlet"]
# Applied at query time: boosting at index time would only inflate term frequencies, which
# BM25 saturates, so a long body repeating a word could still beat the title.
FIELD_BOOSTS = {"title": 4.0, "lede": 2.0, "body": 1.0, "author": 1.5, "outlet": 1.0}
# Fields a user may name in a query ("author:lain"); anything else is searched as words.
QUERY_FIELDS = ["title", "lede", "body", "author", "outlet", "topic"]
# Multi-valued facet fields hold this when empty, so every document has a value to count.
NO_VALUE = "_"
UNDATED_NEWEST = 0
UNDATED_OLDEST = 99_991_231


def date_number(value) -> int:
    """A date as the yyyymmdd integer the published/published_end columns hold."""
    return value.year * 10000 + value.month * 100 + value.day


def build_schema() -> Schema:
    """The main index: ranked text, field-query text, filter and facet columns, the article id."""
    return Schema(
        id=ID(stored=True, unique=True),
        pk=NUMERIC(int, bits=64, sortable=True),
        # Ranked text: title over lede over body.
        title=WordText(spelling=True),
        lede=WordText(),
        body=WordText(spelling=True),
        title_pairs=PairText(),
        lede_pairs=PairText(),
        body_pairs=PairText(),
        # Field queries accept slugs or names: author:lain, author:"sarah lain", outlet:rusi.
        author=TEXT(analyzer=NAME_ANALYZER),
        outlet=TEXT(analyzer=NAME_ANALYZER),
        topic=TEXT(analyzer=NAME_ANALYZER),
        # Filter and facet columns; facets are counted from their postings (search.facets), so
        # no term vectors: they cost a quarter of the indexing time.
        author_slug=KEYWORD(stored=True),
        outlet_slug=ID(stored=True, sortable=True),
        topic_slug=KEYWORD(stored=True),
        month=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        precision=ID(stored=True),
        # Dates as yyyymmdd integers: the first and last day the known date can be.
        published=NUMERIC(int, bits=32, sortable=True, stored=True),
        published_end=NUMERIC(int, bits=32),
        newest=NUMERIC(int, bits=32, sortable=True),
        oldest=NUMERIC(int, bits=32, sortable=True),
        # What the document was built from, to find stale documents (sync_index).
        signature=ID(stored=True),
    )


def topic_schema() -> Schema:
    """What a topic query can match, for evaluating topics on a small batch in memory."""
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=TEXT_ANALYZER),
        lede=TEXT(analyzer=TEXT_ANALYZER),
        body=TEXT(analyzer=TEXT_ANALYZER),
        author=TEXT(analyzer=NAME_ANALYZER),
        outlet=TEXT(analyzer=NAME_ANALYZER),
        topic=TEXT(analyzer=NAME_ANALYZER),
    )


# Whoosh pickles the schema's classes by module path into every index's TOC, and indexes
# written before the engine moved into search/backends/whoosh/ name "search.schema": they
# stay readable (and are not rebuilt for nothing) while that name points here.
sys.modules.setdefault("search.schema", sys.modules[__name__])
