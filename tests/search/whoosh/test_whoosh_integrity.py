"""A damaged index is found and rebuilt; merged-away segments outlive the searchers reading them."""

import json

import pytest
from django.core.management import call_command

from search import outbox
from search.backends.whoosh import index as windex
from search.backends.whoosh import integrity, storage
from search.backends.whoosh import writer as wwriter
from search.query import SearchRequest, search
from tests.factories import make_article
from tests.search.helpers import ids

pytestmark = [pytest.mark.django_db, pytest.mark.engine("whoosh")]


def current_files(index_dir) -> dict[str, int]:
    return json.loads((index_dir / integrity.MANIFEST).read_text())["files"]


def truncate(path, fraction=0.5):
    with path.open("r+b") as f:
        f.truncate(int(path.stat().st_size * fraction))


def test_every_commit_records_the_size_of_each_segment_file(seeded_index):
    files = current_files(seeded_index)
    assert files and all((seeded_index / name).stat().st_size == size for name, size in files.items())
    assert any(name.endswith(".pst") for name in files)
    assert integrity.verify_index() is None


def test_any_truncated_segment_file_is_found(seeded_index):
    for name in current_files(seeded_index):
        original = (seeded_index / name).read_bytes()
        truncate(seeded_index / name, 0.9)
        assert name in integrity.verify_index()
        (seeded_index / name).write_bytes(original)
    assert integrity.verify_index() is None


@pytest.mark.parametrize("suffix", [".pst", ".trm", "._stored.col"])
def test_without_a_manifest_the_files_are_read_to_their_ends(seeded_index, suffix):
    (seeded_index / integrity.MANIFEST).unlink()  # as after a crash between commit and manifest
    assert integrity.verify_index() is None
    name = next(n for n in storage.GracefulStorage(str(seeded_index)).list()
                if n.endswith(suffix) and n in integrity.segment_files(windex.open_existing())[1])
    truncate(seeded_index / name)
    assert "reading it failed" in integrity.verify_index()


def test_sync_rebuilds_a_damaged_index_and_check_only_reports(seeded_index, capsys):
    truncate(next(seeded_index.glob("*.trm")))
    with pytest.raises(SystemExit) as exit_info:
        call_command("sync_index", "--check")
    assert exit_info.value.code == 1 and "damaged" in capsys.readouterr().out
    call_command("sync_index")
    assert "rebuilt it from the database" in capsys.readouterr().out
    windex.reset_searchers()
    assert sorted(ids(search(SearchRequest()))) == [1, 2, 3, 4, 5]
    assert integrity.verify_index() is None


def test_recover_rebuilds_and_applies_left_over_tasks(seeded_index, django_capture_on_commit_callbacks):
    with outbox.drains_deferred():  # commits leave their tasks in the outbox, as a crash would
        article = make_article(title="Left in the outbox by a crash", body_text="zebrafinch " * 40)
    truncate(next(seeded_index.glob("*.pst")))
    assert "rebuilt the damaged index" in outbox.recover()
    assert ids(search(SearchRequest(q="zebrafinch"))) == [article.pk]


def test_a_searcher_keeps_reading_segments_a_merge_has_replaced(seeded_index, monkeypatch):
    """The bug the concurrency test found: a merge deleted column files an open searcher had
    not read yet, and its next stored_fields() call failed mid-request."""
    old = windex.open_existing().searcher()
    for n in range(3):
        make_article(title=f"New article {n}")
        outbox.drain()
    with wwriter.index_writer() as writer:
        writer.optimize = True  # merge everything into one new segment
    assert sorted(int(old.stored_fields(d)["id"]) for d in old.reader().all_doc_ids()) == [1, 2, 3, 4, 5]
    old.close()

    monkeypatch.setattr(storage, "GRACE_SECONDS", 0)  # past the grace period: really deleted
    with wwriter.index_writer() as writer:
        writer.optimize = True
    in_use = integrity.segment_files(windex.open_existing())[1]
    leftovers = [p.name for p in seeded_index.iterdir()
                 if storage.SEGMENT_FILE.match(p.name) and p.name not in in_use]
    assert leftovers == []
