"""WordText indexes exactly what Whoosh's TEXT with the same analyzer indexes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.fields import TEXT

from search.backends.whoosh.schema import TEXT_ANALYZER, WordText

TRICKY = ["U.S. sanctions on Russia's 2017 budget; the U.S.A. and e.g. x.y.z", "", "0:00",
          "Ĳsselmeer naïve café ÉCOLE straße İstanbul ΣΊΣΥΦΟΣ", "the of and a I", "flynn* **x y*z",
          "sanctions sanctions SANCTIONS sanctioned", "the president of the United States",
          "Crimea—annexation…‘quoted’ words_with_underscores 1,000"]

pytestmark = pytest.mark.engine("whoosh")


def same_as_text(value: str, **options) -> None:
    ours, theirs = WordText(**options), TEXT(analyzer=TEXT_ANALYZER, **options)
    assert list(ours.index(value)) == list(theirs.index(value))
    assert list(ours.spellable_words(value)) == list(theirs.spellable_words(value))


@pytest.mark.parametrize("value", TRICKY)
def test_terms_weights_positions_and_spelling_words_are_texts(value):
    same_as_text(value)
    same_as_text(value, field_boost=2.5, spelling=True)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_on_any_text(value):
    same_as_text(value)


def test_lists_and_options_go_through_the_analyzer():
    ours, theirs = WordText(), TEXT(analyzer=TEXT_ANALYZER)
    assert list(ours.index(["already", "tokens"])) == list(theirs.index(["already", "tokens"]))
    assert list(ours.index("sanctions on Russia", mode="query")) == list(
        theirs.index("sanctions on Russia", mode="query"))


def test_a_rebuild_replaces_an_index_made_with_the_plain_text_fields(seeded, index_dir):
    """An index from before WordText: same field names, same formats, other classes."""
    from whoosh.filedb.filestore import FileStorage

    from search import outbox
    from search.backends.whoosh.index import open_existing
    from search.backends.whoosh.schema import build_schema

    old = build_schema()
    for name in ("title", "lede", "body"):
        old.remove(name)
        old.add(name, TEXT(analyzer=TEXT_ANALYZER, spelling=name != "lede"))
    assert old["body"] == build_schema()["body"]  # Whoosh's own comparison cannot tell them apart
    index_dir.mkdir(parents=True, exist_ok=True)
    FileStorage(str(index_dir)).create_index(old)
    outbox.rebuild()
    rebuilt = open_existing()
    assert all(type(rebuilt.schema[name]) is WordText for name in ("title", "lede", "body"))
    with rebuilt.searcher() as searcher:
        assert searcher.doc_count() == 5


def test_sync_rebuilds_an_index_whose_text_fields_left_out_stop_words(seeded, index_dir):
    """An index from before every word was indexed reads "the president" as "president":
    sync_index (run by every ``make run``) finds it outdated and rebuilds it."""
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.filedb.filestore import FileStorage

    from search import outbox
    from search.backends.whoosh.index import open_existing, reset_searchers
    from search.backends.whoosh.schema import StemmedText, build_schema

    old = build_schema()
    for name in ("title", "lede", "body"):
        old.remove(name)
        field = StemmedText(spelling=name != "lede")
        field.analyzer = StemmingAnalyzer()
        old.add(name, field)
    index_dir.mkdir(parents=True, exist_ok=True)
    FileStorage(str(index_dir)).create_index(old)
    reset_searchers()
    report = outbox.sync()
    assert "older version" in report.damaged
    rebuilt = open_existing()
    assert all(type(rebuilt.schema[name]) is WordText for name in ("title", "lede", "body"))
    with rebuilt.searcher() as searcher:
        assert searcher.doc_count() == 5
        assert ("body", "the") in searcher.reader()


def test_common_word_pairs_are_indexed_at_the_first_words_position():
    from search.backends.whoosh.schema import PARAGRAPH_STEP, text_pairs

    pairs = text_pairs("The president of Russia spoke.\n\nA summit followed")
    assert pairs == {"the presid": [0], "presid of": [1], "of russia": [2],
                     "a summit": [PARAGRAPH_STEP]}  # "spoke a" would span two paragraphs
    assert text_pairs("Sanctions hurt Moscow") == {}
