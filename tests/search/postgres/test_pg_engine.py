"""The PostgreSQL engine's own parts: fields as weights and columns, ranking, one transaction
per write, the index kinds, and a clear refusal on another database."""

import datetime
import threading
import time

import pytest
from django.db import connection

from search import outbox
from search import querytree as qt
from search.backends import get_backend
from search.backends.base import UNDATED, Document, MatchRequest
from search.parsing import parse_query
from tests.factories import make_article, make_author, make_outlet

pytestmark = [pytest.mark.django_db, pytest.mark.engine("postgres")]


def match(q: str, **kw):
    return get_backend().match(MatchRequest(query=parse_query(q).query, **kw))


@pytest.fixture
def fields(django_capture_on_commit_callbacks):
    """The word "walrus" once in each field of a different article."""
    with django_capture_on_commit_callbacks(execute=True):
        return {
            "title": make_article(title="The walrus", body_text="Ice one."),
            "lede": make_article(title="Two", lede="A walrus rests.", body_text="Ice two."),
            "body": make_article(title="Three", body_text="Walrus. Walrus. Walrus. Walrus again."),
            "author": make_article(title="Four", body_text="Ice four.",
                                   authors=[make_author("Ann Walrus")]),
            "outlet": make_article(title="Five", body_text="Ice five.",
                                   outlet=make_outlet("Walrus Weekly")),
        }


@pytest.mark.parametrize("field", ["title", "lede", "body", "author", "outlet"])
def test_a_field_query_finds_the_word_in_that_field_only(fields, field):
    found = match(f"{field}:walrus", limit=None, order="oldest")
    assert found.ids == [fields[field].pk]


def test_the_title_ranks_first_whatever_the_body_repeats(fields):
    """A title match first, then cover density weighted by field; unlike BM25 the density
    does not saturate, so a body that repeats the word may pass a lede that has it once."""
    ranked = match("walrus", limit=None).ids
    assert ranked[0] == fields["title"].pk
    assert set(ranked) == {a.pk for a in fields.values()}


def test_a_phrase_in_a_field_is_matched_in_that_fields_paragraphs(fields):
    assert match('author:"ann walrus"').ids == [fields["author"].pk]
    assert match('title:"the walrus"').ids == [fields["title"].pk]
    assert match('body:"the walrus"').ids == []


def test_wildcards_and_fuzzy_words_expand_over_the_archives_words(fields):
    assert set(match("walr?s", limit=None).ids) == {a.pk for a in fields.values()}
    assert set(match("walrys~", limit=None).ids) == {a.pk for a in fields.values()}
    assert match("walr*", limit=None).words == {"walr*"}


def test_proximity_wider_than_the_or_of_distances_is_read_as_one_paragraph(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        apart = make_article(title="Far", body_text="Trump " + "word " * 80 + "Putin.")
        split = make_article(title="Split", body_text="Trump.\n\nPutin.")
    assert match("trump w/100 putin").ids == [apart.pk]
    assert match("trump w/40 putin").ids == []  # 80 words apart
    assert split.pk not in match("trump w/100 putin").ids


def test_undated_articles_are_the_month_facets_undated_bucket(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Dated narwhal", published=datetime.date(2017, 2, 1), date_precision="month",
                     body_text="One.")
        make_article(title="Yearly narwhal", published=datetime.date(2017, 1, 1), date_precision="year",
                     body_text="Two.")
        make_article(title="Undated narwhal", body_text="Three.")
    found = match("narwhal")
    assert found.facets["month"] == {"2017-02": 1, UNDATED: 1}
    assert found.months == {"2017-02": 1}
    assert match("narwhal", month=(UNDATED,)).total == 1


def test_a_failed_apply_changes_nothing(fields):
    backend = get_backend()
    before, version = backend.signatures(), backend.version()
    docs, _ = outbox.documents([fields["title"].pk, fields["body"].pk])
    docs[fields["title"].pk].components["title"] = "Renamed"
    bad = docs[fields["body"].pk]
    bad.components["body"] = "NUL \x00 is no text PostgreSQL holds"
    with pytest.raises(Exception):  # noqa: B017 (the database's own error, whichever it is)
        backend.apply(docs, timeout=5)
    assert backend.signatures() == before and backend.version() == version
    assert match('"the walrus"').ids == [fields["title"].pk]  # its paragraphs are back too


def test_a_failed_rebuild_keeps_every_old_document(fields):
    backend = get_backend()
    before = backend.signatures()
    docs, _ = outbox.documents(before)

    def batches():
        yield [d for d in docs.values() if d is not None][:2]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(batches())
    assert backend.signatures() == before
    assert match("walrus", limit=None).total == 5


def test_every_write_changes_the_version(fields):
    backend = get_backend()
    first = backend.version()
    docs, _ = outbox.documents([fields["title"].pk])
    backend.apply(docs, timeout=5)
    second = backend.version()
    backend.rebuild([[d for d in docs.values() if isinstance(d, Document)]])
    assert len({first, second, backend.version()}) == 3


def test_the_word_indexes_are_gin_and_trigram():
    """GIN, not RUM: RUM ranks a top ten from the index, but a result page needs the exact
    total and facet counts of every match, which RUM reads no faster (the README has the
    figures); its index is several times larger and slower to build."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'search_pg_%%'")
        indexes = dict(cursor.fetchall())
    assert "USING gin (document)" in indexes["search_pg_document_gin"]
    assert "USING gin (words)" in indexes["search_pg_paragraph_gin"]
    assert "gin_trgm_ops" in indexes["search_pg_word_trgm"]


def test_topic_hits_write_nothing(fields):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_pg_document")
        before = cursor.fetchone()[0]
        hits = get_backend().topic_hits([{"id": 99, "title": "Walrus", "body": "", "lede": ""}],
                                        {"w": qt.Term("walrus"), "p": qt.Phrase("walrus ice")})
        cursor.execute("SELECT count(*) FROM search_pg_document")
        assert cursor.fetchone()[0] == before
    assert hits == {99: {"w"}}


@pytest.mark.django_db(transaction=True)
def test_a_second_writer_waits_for_the_first_and_gives_up_at_its_timeout():
    from django.db import OperationalError, transaction

    from search.backends.postgres.backend import WRITE_LOCK

    holding, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            holding.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    backend = get_backend()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        with pytest.raises(OperationalError):
            backend.apply({1: None}, timeout=0.5)
        assert 0.4 < time.monotonic() - started < 5
    finally:
        release.set()
        holder.join(10)
    before = backend.version()
    backend.apply({1: None}, timeout=5)
    assert backend.version() != before


def test_rebuild_index_with_several_processes_runs_on_this_engine_too(fields, capsys):
    from django.core.management import call_command

    call_command("rebuild_index", "--procs", "2")
    assert "rebuilt" in capsys.readouterr().out
    assert match("walrus", limit=None).total == 5
