"""sync_index repairs drift; rebuild_index starts over; a corrupt index is rebuilt."""

import logging

import pytest
from django.core.management import call_command

from archive.models import Article, Topic
from search import outbox
from search.backends import get_backend
from search.backends.base import Document
from search.backends.whoosh import index as windex
from search.query import SearchRequest, search
from tests.search.helpers import ids

pytestmark = pytest.mark.django_db


def found(**kw):
    return ids(search(SearchRequest(**kw)))


# An index on local disk can be missing; the PostgreSQL engine's tables are made by migrations.
@pytest.mark.engine("whoosh")
def test_sync_creates_a_missing_index(seeded, index_dir, capsys):
    assert not windex.index_exists()
    call_command("sync_index")
    assert "built it" in capsys.readouterr().out
    assert sorted(found()) == [1, 2, 3, 4, 5]


def test_sync_reports_and_repairs_drift(seeded_index, capsys):
    docs, _ = outbox.documents([1])
    ghost = Document({**docs[1].components, "id": 999, "title": "Ghost"}, [], "x")
    get_backend().apply({2: None, 999: ghost}, timeout=10)  # 2 missing, 999 extra
    Article.objects.filter(pk=4).update(title="Retitled opportunities")  # stale (no signals)
    Topic.objects.filter(slug="china").update(query='"minsk agreement"')  # membership (no signals)

    report = outbox.sync(repair=False)
    assert (report.missing, report.extra, report.stale) == ([2], [999], [4])
    assert set(report.topics) >= {3}

    call_command("sync_index")
    out = capsys.readouterr().out
    assert "in the database but not the index: 2" in out and "Repaired" in out
    assert sorted(found()) == [1, 2, 3, 4, 5]
    assert found(q="title:retitled") == [4]
    assert found(topic=("china",)) == [3]
    assert outbox.sync().repaired == 0


def test_rebuild_index_command(seeded_index, capsys):
    call_command("rebuild_index")
    out = capsys.readouterr().out
    assert "5/5 articles" in out and "rebuilt" in out
    assert sorted(found(q="sanction")) == [1, 2, 3, 4, 5]


# Whoosh's index files can be damaged on disk; the PostgreSQL engine's rows are the database's.
@pytest.mark.engine("whoosh")
def test_a_corrupt_index_is_rebuilt_loudly(seeded_index, caplog):
    for toc in seeded_index.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    windex.reset_searchers()
    with caplog.at_level(logging.ERROR, logger="search.backends.whoosh.index"):
        assert sorted(found(q="Flynn")) == [1, 3, 5]
    assert "rebuilding" in caplog.text
