"""The outbox: every change is queued in its transaction and applied after commit."""

import os
import signal
import subprocess
import sys

import pytest
from django.db import transaction

from archive.models import Article, Author, Topic
from search import outbox
from search.backends import get_backend
from search.models import IndexTask
from search.query import SearchRequest, search
from tests.factories import make_article, make_author
from tests.search.helpers import ids

pytestmark = pytest.mark.django_db


def found(**kw):
    return ids(search(SearchRequest(**kw)))


def test_article_saved_through_the_admin_is_found_by_its_new_topic(
        seeded_index, admin_client, django_capture_on_commit_callbacks):
    nato = Topic.objects.get(slug="nato")
    author = Author.objects.get(slug="sarah-lain")
    data = {
        "title": "Baltic patrols", "slug": "", "outlet": "", "published": "2018-03-04",
        "date_precision": "day", "source_url": "", "lede": "", "language": "en",
        "body_text": "Zeppelins over Riga.", "body_html": "", "topics": [nato.pk],
        "authorships-TOTAL_FORMS": "1", "authorships-INITIAL_FORMS": "0",
        "authorships-0-author": author.pk, "authorships-0-position": "0",
        "captures-TOTAL_FORMS": "0", "captures-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/archive/article/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="Baltic patrols")
    assert found(topic=("nato",), q="zeppelins") == [article.pk]  # pinned, not by query
    assert found(q="author:lain zeppelins") == [article.pk]  # inline saved after the row
    assert IndexTask.objects.count() == 0


def test_a_new_article_matching_a_topic_query_joins_the_topic(
        seeded_index, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Pyongyang talks", body_text="Missiles and more missiles.")
    assert article.pk in found(topic=("north-korea",))
    response = client.get(article.get_absolute_url())
    assert [t.slug for t in response.context["topics"]] == ["north-korea"]


def test_a_rolled_back_transaction_leaves_no_trace(
        seeded_index, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        make_article(title="Ghost", body_text="Phantasmagoria everywhere.")
        assert IndexTask.objects.count() == 1
        raise RuntimeError("rollback")
    assert callbacks == []
    assert IndexTask.objects.count() == 0
    assert found(q="phantasmagoria") == []


def test_a_drain_failing_before_commit_loses_nothing(
        seeded_index, monkeypatch, django_capture_on_commit_callbacks):
    engine = type(get_backend())
    real = engine.apply

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(engine, "apply", explode)
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Unlucky", body_text="Quixotic undertakings.")
    assert IndexTask.objects.filter(article_id=article.pk).exists()
    assert found(q="quixotic") == []
    monkeypatch.setattr(engine, "apply", real)
    outbox.sync()
    assert found(q="quixotic") == [article.pk]
    assert IndexTask.objects.count() == 0


# Whoosh's own write lock (a file in its index directory); the PostgreSQL engine writes in a
# transaction of the database, which a killed client's connection gives up by itself.
@pytest.mark.engine("whoosh")
def test_a_writer_killed_while_holding_the_lock_does_not_block_the_next(
        seeded_index, django_capture_on_commit_callbacks):
    code = ("import sys, time; from whoosh import index; w = index.open_dir(sys.argv[1]).writer();"
            "print('locked', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(seeded_index)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        os.kill(holder.pid, signal.SIGKILL)
    finally:
        holder.wait(timeout=10)
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="After the crash", body_text="Resilient indexing.")
    assert found(q="resilient") == [article.pk]
    assert IndexTask.objects.count() == 0


def test_deleting_an_article_removes_it(seeded_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.get(pk=3).delete()
    assert found(q="Minsk") == []


def test_renaming_an_author_reindexes_their_articles(
        seeded_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        author = Author.objects.get(slug="sarah-lain")
        author.name = "Sarah Lain-Smythe"
        author.save()
    assert found(q="author:smythe") == [3]


def test_topic_query_change_and_exclusion_update_membership(
        seeded_index, django_capture_on_commit_callbacks):
    china = Topic.objects.get(slug="china")
    before = set(found(topic=("china",)))
    with django_capture_on_commit_callbacks(execute=True):
        china.query = '"minsk agreement"'
        china.save()
    assert found(topic=("china",)) == [3]
    with django_capture_on_commit_callbacks(execute=True):
        china.excluded.add(3)
    assert found(topic=("china",)) == []
    assert before  # the seed collection did mention China
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.get(pk=1).topics.add(china)
    assert found(topic=("china",)) == [1]


def test_fixture_loading_queues_nothing(seeded):
    assert IndexTask.objects.count() == 0


def test_author_added_later_is_indexed(seeded_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Anonymous", body_text="Obscure musings.")
        make_author("Zebedee Quill")
    with django_capture_on_commit_callbacks(execute=True):
        article.authorships.create(author=Author.objects.get(name="Zebedee Quill"), position=0)
    assert found(q="author:zebedee") == [article.pk]
