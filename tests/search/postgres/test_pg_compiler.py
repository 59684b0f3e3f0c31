"""The PostgreSQL engine's query compiling: user text only ever reaches SQL as a bound,
PostgreSQL-analyzed tsquery, whatever it holds."""

import pytest
from django.db import connection

from search import querytree as qt
from search.backends import get_backend
from search.backends.base import MatchRequest
from search.backends.postgres.compiler import Compiler, lexemes, quote, weighted
from search.parsing import parse_query
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.engine("postgres")]

HOSTILE = ["'", "''", "\\", "\\'", "a'b", "a\\b", "it's", "O'Brien", "a:b", "a:*", ":A", "x:A*",
           "&", "|", "!", "<->", "<2>", "(", ")", "a & b", "a | !b", "!(a)", "a <-> b", "(a) <3> (b",
           "'a' & 'b'", "'; DROP TABLE search_pg_document; --", "%s", "%(x)s", "{}", "$1", "\0x",
           "   ", "", "*", "?", "a*b?c", "\"", "the of and", "ä'ö\\ü"]
NODES = [qt.Term, qt.Phrase, qt.Prefix, qt.Wildcard, qt.Fuzzy]


def match(node, **kw):
    return get_backend().match(MatchRequest(query=node, **kw))


@pytest.fixture
def texts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return {
            "obrien": make_article(title="Report", body_text="O'Brien said a\\b was fine."),
            "colon": make_article(title="Ratio", body_text="The ratio was 3:1 in Kyiv."),
            "plain": make_article(title="Other", body_text="Nothing of the kind."),
        }


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("kind", NODES)
def test_any_text_in_any_leaf_compiles_and_runs(texts, kind, text):
    text = text.replace("\0", "")  # the database's text holds no NUL (the parser never passes one)
    found = match(qt.And((kind(text), qt.Not(qt.Term("zzzunknown")))), limit=None, order="oldest")
    assert found.total == len(found.ids) <= 3
    assert set(found.ids) <= {a.pk for a in texts.values()}


@pytest.mark.parametrize("text", HOSTILE)
def test_any_typed_query_is_answered(texts, text):
    parsed = parse_query(text.replace("\0", ""))
    if parsed.query is not None:
        found = match(parsed.query)
        assert found.total >= 0 and (found.searchable or found.total == 0)


def test_quotes_and_backslashes_are_words_not_syntax(texts):
    assert match(qt.Term("O'Brien")).ids == [texts["obrien"].pk]
    assert match(qt.Phrase("o'brien said")).ids == [texts["obrien"].pk]
    assert match(qt.Term("3:1")).ids == [texts["colon"].pk]
    assert match(qt.Term("'; DROP TABLE search_pg_document; --")).ids == []
    assert match(qt.Term("kyiv")).ids == [texts["colon"].pk]  # the table is still there


def test_stop_words_only_and_empty_are_not_searchable(texts):
    for node in (qt.Term("the"), qt.Term(""), qt.Term("&|!"), qt.Phrase("  "), qt.Prefix(""),
                 qt.And((qt.Term("of"), qt.Term("and"))), qt.Not(qt.Term("the"))):
        found = match(node)
        assert not found.searchable and found.total == 0, node


def test_a_stop_word_beside_a_real_word_is_dropped_not_fatal(texts):
    assert match(qt.And((qt.Term("the"), qt.Term("kyiv")))).ids == [texts["colon"].pk]


def test_a_wildcard_or_fuzzy_word_the_archive_lacks_matches_nothing_but_is_searchable(texts):
    for node in (qt.Wildcard("zq*x?"), qt.Fuzzy("qqqqqq", distance=1)):
        found = match(node)
        assert found.searchable and found.total == 0


def test_quote_round_trips_every_lexeme_through_tsquery():
    hostile = ["a'b", "a\\b", "x:y", "a b", "&|!", "<->", "'", "\\", "ä'\\ö"]
    with connection.cursor() as cursor:
        for lexeme in hostile:
            cursor.execute("SELECT %s::tsquery::text", [quote(lexeme) + ":*A"])
            text = cursor.fetchone()[0]
            assert lexemes(text) == [lexeme] and text.endswith(":*A")


def test_weight_labels_go_on_every_lexeme_and_only_there():
    assert weighted("'a''b' & 'c:d' <-> 'e\\\\f'", "A") == "'a''b':A & 'c:d':A <-> 'e\\\\f':A"
    assert lexemes(weighted("'a''b' & 'c:d'", "CD")) == ["a'b", "c:d"]


def test_compiled_words_are_stems_without_stop_words_and_mark_prefixes(db):
    with connection.cursor() as cursor:
        compiled = Compiler(cursor).compile(qt.And((
            qt.Phrase("the sanctions of Russia"), qt.Prefix("Gazp"), qt.Not(qt.Term("crimea")))))
    assert compiled.words == {"sanction", "russia", "gazp*"}
