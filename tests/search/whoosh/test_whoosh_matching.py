"""Topic queries evaluated on an article's own tokens agree with Whoosh on a real index."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb.filestore import RamStorage

from archive.models import Article, Topic
from search.backends.whoosh import matching
from search.backends.whoosh.compiler import compile_query
from search.backends.whoosh.schema import TEXT_ANALYZER, text_tokens, topic_schema
from search.parsing import parse_query

pytestmark = [pytest.mark.django_db, pytest.mark.engine("whoosh")]

QUERIES = [
    "sanctions", "flynn", "crimea OR ukraine OR minsk", 'syria OR isis OR "islamic state"',
    '"north korea" OR pyongyang', "cyber* OR hack* OR wikileaks", "nuclear AND NOT iran",
    "trump -putin", "(election AND (interference OR meddling)) OR dnc", '"minsk agreement"',
    '"strategic patience"', "title:russia", "author:lain", "outlet:rusi", "warhead*",
    "sanction* AND (china OR beijing)", '"secretary of state"', "nato AND baltic", "zzzz",
    "t?llerson", "missile defense", '"trump putin"~3',
]


def whoosh_hits(query, articles) -> set[int]:
    ram = RamStorage().create_index(topic_schema())
    with ram.writer() as writer:
        for article in articles:
            writer.add_document(id=str(article.pk), **matching.topic_fields(article.index_components()))
    with ram.searcher() as searcher:
        return {int(f["id"]) for f in searcher.search(query, limit=None)}


@pytest.mark.parametrize("text", QUERIES)
def test_matcher_agrees_with_whoosh(seeded, text):
    articles = list(Article.objects.with_related().prefetch_related("topics", "excluded_from_topics"))
    query = compile_query(parse_query(text).query)
    verdicts = {a.pk: matching.matches(query, matching.analyze(matching.topic_fields(a.index_components())))
                for a in articles}
    if None in verdicts.values():
        pytest.skip(f"{text!r} falls back to Whoosh itself")  # covered by the fallback path
    assert {pk for pk, hit in verdicts.items() if hit} == whoosh_hits(query, articles)


def test_every_starter_topic_is_evaluated_without_the_fallback(seeded):
    for topic in Topic.objects.all():
        query = compile_query(parse_query(topic.query).query)
        doc = matching.analyze({"body": "nothing here", "title": "", "lede": ""})
        assert matching.matches(query, doc) is not None, topic.query


def test_unknown_query_types_ask_for_the_fallback():
    from whoosh.query import FuzzyTerm

    assert matching.matches(FuzzyTerm("body", "sanction"), {"body": {"sanction": [0]}}) is None


TRICKY = ["U.S. sanctions on Russia's 2017 budget", "e-mail, I, a, A.B.C. and 3.5% of x",
          "Ĳsselmeer naïve café ÉCOLE straße İstanbul", "the of and", "", "don't won't o'neill",
          "Crimea—annexation…‘quoted’ words_with_underscores 1,000,000"]


@pytest.mark.parametrize("text", TRICKY)
def test_text_tokens_are_the_text_analyzers(text):
    assert text_tokens(text) == [t.text for t in TEXT_ANALYZER(text)]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_text_tokens_are_the_text_analyzers_on_any_text(text):
    assert text_tokens(text) == [t.text for t in TEXT_ANALYZER(text)]


def test_text_tokens_on_the_seed_collection(seeded):
    articles = list(Article.objects.all())
    assert articles
    for article in articles:
        assert text_tokens(article.body_text) == [t.text for t in TEXT_ANALYZER(article.body_text)]
