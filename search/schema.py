"""The shape of the search index: ranked text fields, filter and facet columns, the article id."""

from functools import lru_cache

from whoosh.analysis import STOP_WORDS, LowercaseFilter, RegexTokenizer, StemmingAnalyzer
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.lang.porter import stem

# English stemming; stop words and one-letter tokens are dropped, so phrases match the
# remaining words in order ("secretary of state" == "secretary for state").
TEXT_ANALYZER = StemmingAnalyzer()
# TEXT_ANALYZER's steps without its per-token generator pipeline (tokenizer, lowercase, stop
# words and one-letter tokens dropped with positions renumbered, Porter stem), for code that
# analyzes whole texts itself: snippets and topic membership. A test holds them equal.
TOKEN_RE = default_pattern


@lru_cache(maxsize=200_000)
def stemmed(word: str) -> str:
    return stem(word)


def text_tokens(text: str) -> list[str]:
    """The words TEXT_ANALYZER indexes for ``text``, in position order."""
    words = (match.group().lower() for match in TOKEN_RE.finditer(text))
    return [stemmed(word) for word in words if len(word) > 1 and word not in STOP_WORDS]


# Names and slugs: "sarah-lain Sarah Lain" -> sarah, lain, sarah, lain (no stemming).
NAME_ANALYZER = RegexTokenizer(r"\w+") | LowercaseFilter()

RANKED_FIELDS = ["title", "lede", "body"]
# Applied at query time: boosting at index time would only inflate term frequencies, which
# BM25 saturates, so a long body repeating a word could still beat the title.
FIELD_BOOSTS = {"title": 4.0, "lede": 2.0, "body": 1.0}
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
        title=TEXT(analyzer=TEXT_ANALYZER, spelling=True),
        lede=TEXT(analyzer=TEXT_ANALYZER),
        body=TEXT(analyzer=TEXT_ANALYZER, spelling=True),
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
