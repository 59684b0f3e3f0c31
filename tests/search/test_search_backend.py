"""The engine interface (search.backends.base), tested through ``get_backend()`` only.

Everything here must hold for every engine behind the seam: a second engine passes this file
by being added to ``SEARCH_BACKENDS`` in tests/conftest.py.
"""

from datetime import date

import pytest
from django.db.models import Count

from archive.models import Article, Author, Topic, TopicMembership
from search import outbox
from search import querytree as qt
from search.backends import get_backend
from search.backends.base import Document, MatchRequest
from search.parsing import parse_query
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def match(q: str = "", **fields):
    return get_backend().match(MatchRequest(query=parse_query(q).query if q else None, **fields))


def test_match_gives_the_exact_total_and_the_asked_slice(seeded_index):
    everything = match(order="oldest", limit=10)
    assert sorted(everything.ids) == sorted(Article.objects.values_list("pk", flat=True))
    assert everything.total == Article.objects.count() == 5
    first, rest = match(order="oldest", limit=2), match(order="oldest", offset=2, limit=10)
    assert first.total == rest.total == 5
    assert first.ids + rest.ids == everything.ids
    assert sorted(match(order="oldest", limit=None).ids) == sorted(everything.ids)


def test_newest_and_oldest_follow_the_date_and_put_undated_last(seeded_index):
    make_article(title="Undated one", body_text="No date at all.")
    make_article(title="Undated two", body_text="No date either.")
    outbox.sync()
    dated = Article.objects.exclude(date_precision="unknown")
    undated = set(Article.objects.filter(date_precision="unknown").values_list("pk", flat=True))
    assert len(undated) >= 2
    oldest, newest = match(order="oldest").ids, match(order="newest").ids
    n = dated.count()
    assert oldest[:n] == list(dated.order_by("published", "pk").values_list("pk", flat=True))
    assert newest[:n] == list(dated.order_by("-published", "-pk").values_list("pk", flat=True))
    assert set(oldest[n:]) == set(newest[n:]) == undated


def test_facets_count_every_match_from_the_database_truth(seeded_index):
    result = match("russia")
    found = set(match("russia", limit=None, order="oldest").ids)
    authors = dict(Author.objects.filter(articles__in=found).annotate(n=Count("articles"))
                   .values_list("slug", "n"))
    assert result.facets["author"] == authors
    topics = dict(TopicMembership.objects.filter(article__in=found).values("topic__slug")
                  .annotate(n=Count("id")).values_list("topic__slug", "n"))
    assert result.facets["topic"] == topics
    months = {}
    for article in Article.objects.filter(pk__in=found):
        if article.month_key:
            months[article.month_key] = months.get(article.month_key, 0) + 1
    assert result.months == months


def test_a_filter_that_matches_nothing_gives_zero_not_the_unfiltered_total(seeded_index):
    result = match("russia", author=("nobody-at-all",))
    assert (result.ids, result.total) == ([], 0)


def test_date_filters_take_a_month_precision_article_as_its_whole_month(seeded_index):
    article = make_article(title="Undated day", published=date(2017, 2, 1), date_precision="month",
                           body_text="Obscurantist pamphlets.")
    outbox.sync()
    assert match("obscurantist", date_from=date(2017, 2, 20)).ids == [article.pk]
    assert match("obscurantist", date_to=date(2017, 2, 5)).ids == [article.pk]
    assert match("obscurantist", date_from=date(2017, 3, 1)).ids == []
    assert match("obscurantist", month="2017-02").ids == [article.pk]


def test_stop_words_only_is_not_searchable(seeded_index):
    result = match("the of")
    assert not result.searchable and result.total == 0


def test_apply_replaces_and_deletes_documents_and_changes_the_version(seeded_index):
    backend = get_backend()
    before = backend.version()
    article = Article.objects.get(pk=1)
    docs, _ = outbox.documents([article.pk])
    docs[article.pk].components["title"] = "Zygomorphic blossoms"
    backend.apply(docs, timeout=10)
    assert match("zygomorphic").ids == [article.pk]
    assert backend.version() != before
    backend.apply({article.pk: None}, timeout=10)
    assert match("zygomorphic").ids == []
    assert article.pk not in backend.signatures()


def test_signatures_are_those_of_the_documents_applied(seeded_index):
    docs, _ = outbox.documents(Article.objects.values_list("pk", flat=True))
    assert get_backend().signatures() == {pk: doc.signature for pk, doc in docs.items()}


def test_topic_hits_judge_saved_queries_on_the_articles_own_text(db):
    backend = get_backend()
    components = [{"id": 7, "title": "Sanctions bite", "lede": "", "body": "Crimea and the Kremlin.",
                   "authors": ["sarah-lain"], "author_names": ["Sarah Lain"], "outlet": "rusi",
                   "outlet_name": "RUSI"},
                  {"id": 8, "title": "Other news", "lede": "", "body": "Nothing relevant.",
                   "authors": [], "author_names": [], "outlet": "", "outlet_name": ""}]
    queries = {q: parse_query(q).query for q in ("sanction", "crimea OR minsk", "author:lain",
                                                  '"kremlin crimea"', "-crimea")}
    hits = backend.topic_hits(components, queries)
    assert hits[7] == {"sanction", "crimea OR minsk", "author:lain"}
    assert hits[8] == {"-crimea"}


def test_respell_offers_a_word_the_archive_holds(seeded_index):
    respelled = get_backend().respell(["sanctoins", "russia"])
    assert respelled == {"sanctoins": "sanctions"}


def test_spans_mark_the_words_a_match_looked_for(seeded_index):
    result = match("sanctions")
    text = "New sanctions; a sanctioned bank. Unrelated words."
    marked = [text[a:b] for a, b in get_backend().spans(text, result.words)]
    assert marked == ["sanctions", "sanctioned"]


def test_a_rebuild_from_the_database_restores_every_document(seeded_index):
    get_backend().apply({pk: None for pk in range(1, 6)}, timeout=10)
    assert match(limit=None, order="oldest").total == 0
    outbox.rebuild()
    assert match(limit=None, order="oldest").total == 5


def test_the_query_tree_is_compiled_by_the_engine_not_the_parser(seeded_index):
    tree = qt.Or((qt.Term("sanctions"), qt.Phrase("minsk agreement")))
    assert match(limit=None, order="oldest").total >= get_backend().match(
        MatchRequest(query=tree, limit=None, order="oldest")).total > 0


def test_membership_is_stored_in_the_database_by_the_drain(
        seeded_index, django_capture_on_commit_callbacks):
    topic = Topic.objects.create(name="Tapirs", slug="tapirs", query="tapir")
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="The tapir question", body_text="Tapirs of the steppe.")
    assert list(article.memberships.values_list("topic__slug", flat=True)) == ["tapirs"]
    assert match(scope_topic="tapirs").ids == [article.pk]
    with django_capture_on_commit_callbacks(execute=True):
        topic.excluded.add(article)
    assert not TopicMembership.objects.filter(topic=topic).exists()
    assert match(scope_topic="tapirs").ids == []


def test_sync_repairs_membership_rows_lost_from_the_database(seeded_index):
    expected = set(TopicMembership.objects.values_list("article_id", "topic_id"))
    assert expected
    TopicMembership.objects.all().delete()
    report = outbox.sync()
    assert report.topics and not report.stale
    assert set(TopicMembership.objects.values_list("article_id", "topic_id")) == expected


def test_documents_carry_what_the_model_says_to_index(seeded_index):
    docs, members = outbox.documents([1])
    document = docs[1]
    assert isinstance(document, Document)
    assert document.components == Article.objects.get(pk=1).index_components()
    assert document.topics == [(t.slug, t.name) for t in members[1]]
