"""Names are words, and a phrase means its exact words: what a researcher types first."""

import pytest

from search.query import SearchRequest, search
from tests.factories import make_article, make_author, make_outlet
from tests.search.helpers import ids

pytestmark = pytest.mark.django_db


def run(**kw):
    return search(SearchRequest(**kw))


@pytest.fixture
def archive(db, index_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lichtblau = make_author("Eric Lichtblau")
        weitz = make_author("Richard Weitz")
        rusi = make_outlet("Royal United Services Institute")
        atlantic = make_outlet("The Atlantic")
        by_him = make_article(title="Inside the investigation", authors=[lichtblau],
                              body_text="Officials met in Washington.\n\nNothing was decided.")
        about_him = make_article(title="What Lichtblau found",
                                 body_text="A review of a reporter's work on the inquiry.")
        weitz_piece = make_article(title="Arms control after New START", authors=[weitz],
                                   outlet=rusi, body_text="Treaties and their limits.")
        president = make_article(title="The speech", outlet=atlantic,
                                 body_text="The president of the United States spoke at noon.")
        presidential = make_article(title="Campaign notes",
                                    body_text="A president, she said, of a kind never seen.")
        flynn = make_article(title="The adviser", body_text="Michael T. Flynn resigned.")
        flynn_plain = make_article(title="Another adviser", body_text="Michael Flynn spoke.")
    return {"by_him": by_him, "about_him": about_him, "weitz": weitz_piece,
            "president": president, "presidential": presidential, "flynn": flynn,
            "flynn_plain": flynn_plain}


def test_an_authors_name_finds_their_articles_below_a_title_that_names_them(archive):
    assert ids(run(q="Lichtblau")) == [archive["about_him"].pk, archive["by_him"].pk]
    assert ids(run(q="Eric Lichtblau")) == [archive["by_him"].pk]
    assert ids(run(q='"Eric Lichtblau"')) == [archive["by_him"].pk]
    assert ids(run(q="weitz")) == [archive["weitz"].pk]


def test_an_outlets_name_finds_its_articles(archive):
    assert ids(run(q="Royal United Services")) == [archive["weitz"].pk]
    assert ids(run(q='"the atlantic"')) == [archive["president"].pk]


def test_a_stop_word_in_a_name_is_no_search_of_its_own(archive):
    """Unquoted "the" is too common in every field, outlet names included."""
    page = run(q="the")
    assert page.total == 0 and "too common" in page.note


def test_a_name_the_archive_holds_is_never_respelled(archive):
    for name in ("Weitz", "Lichtblau", "Richard Weitz"):
        assert run(q=name).suggestion is None


def test_a_misspelled_name_is_respelled_to_the_name(archive):
    page = run(q="Lichtblaw")
    assert page.total == 0
    assert page.suggestion == "lichtblau"


def test_a_phrase_counts_its_stop_words(archive):
    assert ids(run(q='"the president"')) == [archive["president"].pk]
    assert ids(run(q='"president of the united states"')) == [archive["president"].pk]
    assert ids(run(q='"president of a"')) == []
    assert sorted(ids(run(q="the president"))) == sorted(
        [archive["president"].pk, archive["presidential"].pk])


def test_a_phrase_counts_one_letter_words(archive):
    assert ids(run(q='"michael t flynn"')) == [archive["flynn"].pk]
    assert ids(run(q='"michael flynn"')) == [archive["flynn_plain"].pk]


def test_a_phrase_never_spans_two_paragraphs(archive):
    assert ids(run(q='"washington nothing"')) == []
    assert ids(run(q='"in washington"')) == [archive["by_him"].pk]


def test_the_stop_words_of_a_phrase_are_not_marked_in_snippets(archive):
    page = run(q='"the president"')
    assert "<mark>president</mark>" in page.hits[0].snippet
    assert "<mark>The</mark>" not in page.hits[0].snippet


def test_a_name_wins_over_a_common_word_at_the_same_distance(db, index_dir,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Notes", authors=[make_author("Richard Weitz")],
                     body_text="Treaties and their limits.")
        make_article(title="More", body_text="She waits, he waits: everyone waits.")
    assert run(q="Weits").suggestion == "weitz"  # "waits" is as close, and more common
    assert run(q="waitts").suggestion == "waits"  # "weitz" is three edits away


def test_a_hyphenated_word_is_its_parts_in_phrases_and_words(db, index_dir,
                                                             django_capture_on_commit_callbacks):
    """"the president" matches "the president-elect" as a reader sees it (PostgreSQL's parser
    would put the compound between the two words); the compound itself still finds it."""
    with django_capture_on_commit_callbacks(execute=True):
        elect = make_article(title="A week later",
                             body_text="In the week since, the president-elect backtracked.")
        other = make_article(title="Elsewhere", body_text="The president spoke; an elect few listened.")
    assert set(ids(run(q='"the president"'))) == {elect.pk, other.pk}
    assert ids(run(q='"president-elect"')) == [elect.pk]
    assert ids(run(q='"the president elect"')) == [elect.pk]
    assert elect.pk in ids(run(q="president-elect"))
