"""Proximity operators, by their exact hits: w/N, pre/N, NEAR/N, NEAR, /p and "a b"~N."""

import pytest

from search.parsing import parse_query
from search.query import SearchRequest, search
from tests.factories import make_article
from tests.search.helpers import ids

pytestmark = pytest.mark.django_db


def run(q: str):
    return search(SearchRequest(q=q))


@pytest.fixture
def texts(db, index_dir, django_capture_on_commit_callbacks):
    bodies = {
        "adjacent": "Trump called Putin on Tuesday.",
        "reversed": "Putin said that on Tuesday he had spoken with President Donald Trump.",
        "far": "Trump spoke first. " + "Many other things were then said at length. " * 3
               + "Later Putin answered.",
        "paragraphs": "The talks began with Trump.\n\nPutin arrived late.",
        "phrase": "Donald Trump and Vladimir Putin met in Helsinki.",
        "neither": "Nothing about either of them.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        made = {name: make_article(title=f"Piece {name}", body_text=body)
                for name, body in bodies.items()}
    return {name: article.pk for name, article in made.items()}


def hits(q: str, texts) -> set[str]:
    names = {pk: name for name, pk in texts.items()}
    return {names[pk] for pk in ids(run(q))}


def test_within_n_words_in_either_order(texts):
    assert hits("trump w/2 putin", texts) == {"adjacent"}
    assert hits("trump w/5 putin", texts) == {"adjacent", "phrase"}
    assert hits("trump w/12 putin", texts) == {"adjacent", "phrase", "reversed"}


def test_pre_wants_the_first_before_the_second(texts):
    assert hits("trump pre/12 putin", texts) == {"adjacent", "phrase"}
    assert hits("putin pre/12 trump", texts) == {"reversed"}


def test_near_is_a_synonym_and_has_a_default(texts):
    assert hits("trump NEAR/5 putin", texts) == hits("trump w/5 putin", texts)
    assert hits("trump NEAR putin", texts) == hits("trump w/10 putin", texts)
    assert "near" not in str(parse_query("trump NEAR putin").query).lower().split("word=")[1:]


def test_proximity_never_spans_two_paragraphs_and_p_means_the_same_one(texts):
    assert "paragraphs" not in hits("trump w/5 putin", texts)
    assert hits("trump /p putin", texts) == {"adjacent", "reversed", "far", "phrase"}
    assert hits("trump w/p putin", texts) == hits("trump /p putin", texts)


def test_phrases_and_or_groups_as_operands(texts):
    assert hits('"donald trump" w/3 putin', texts) == {"phrase"}
    assert hits('("donald trump" OR tuesday) w/3 putin', texts) == {"phrase", "adjacent"}


def test_a_sloppy_phrase_keeps_the_order(texts):
    assert hits('"trump putin"~3', texts) == {"adjacent", "phrase"}


def test_an_unknown_operator_gets_a_note_never_silence(texts):
    page = run("trump w/s putin")
    assert "w/s" in page.note and "not an operator" in page.note
    assert {pk for pk in ids(page)} == set(texts.values()) - {texts["neither"]}
    page = run("trump w/5")
    assert "needs words on both sides" in page.note


def test_proximity_between_unsupported_parts_says_what_it_did(texts):
    page = run("trum* w/5 putin")
    assert "Proximity works between words" in page.note
    assert "neither" not in hits("trum* w/5 putin", texts)


def test_a_topic_query_with_proximity_is_judged_like_a_search(
        texts, django_capture_on_commit_callbacks):
    from archive.models import Topic

    Topic.objects.create(name="Calls", slug="calls", query="trump w/5 putin")
    with django_capture_on_commit_callbacks(execute=True):
        near = make_article(title="Call", body_text="Trump phoned Putin.")
        apart = make_article(title="Apart", body_text="Trump.\n\nPutin.")
    page = search(SearchRequest(scope_topic="calls"))
    assert set(ids(page)) == {near.pk, texts["adjacent"], texts["phrase"]}
    assert apart.pk not in ids(page)
