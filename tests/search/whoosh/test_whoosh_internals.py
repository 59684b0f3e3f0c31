"""Each contact with a private part of Whoosh (search/backends/whoosh/internals.py), pinned.

If an upgrade of Whoosh moves any of them, a test here fails by name before a search does.
"""

import numpy as np
import pytest
import whoosh
from django.core.exceptions import ImproperlyConfigured
from whoosh.scoring import BM25F

from search.backends.whoosh import index, internals, segments

pytestmark = [pytest.mark.django_db, pytest.mark.engine("whoosh")]


def leaf_readers(searcher):
    return [leaf.reader() for leaf, _ in segments.leaves(searcher)]


def test_the_installed_whoosh_is_the_pinned_one():
    assert internals.check_version() is None


def test_another_whoosh_version_is_refused_with_what_to_do(monkeypatch, settings):
    monkeypatch.setattr(whoosh, "__version__", (2, 7, 6))
    problem = internals.check_version()
    assert "2.7.6" in problem and "whoosh-reloaded==2.7.5" in problem
    from django.apps import apps

    with pytest.raises(ImproperlyConfigured, match="2.7.6"):
        apps.get_app_config("search").ready()


def test_new_segments_are_written_with_dossiers_codec(seeded_index):
    searcher = index.get_searcher()
    for reader in leaf_readers(searcher):
        assert type(reader.segment().codec()) is internals.DossierCodec
        assert type(reader._perdoc).__name__ == "_PerDocReader"


def test_posting_blocks_decode_what_whooshs_matcher_reads(seeded_index):
    searcher = index.get_searcher()
    for reader in leaf_readers(searcher):
        assert internals.readable(reader)
        for term in ["russia", "sanction", "trump"]:
            expected = list(reader.postings("body", term).all_ids())
            found = segments.postings(reader, "body", term)
            assert found.ids.tolist() == expected


def test_length_bytes_are_the_lengths_whoosh_scores_with(seeded_index):
    searcher = index.get_searcher()
    for reader in leaf_readers(searcher):
        lengths = segments.field_lengths(reader, "body")
        expected = [reader.doc_field_length(d, "body") for d in range(reader.doc_count_all())]
        assert np.allclose(lengths, expected)
        assert internals.length_bytes(reader, "author_slug") is None  # unscored: no column


def test_field_b_reads_bm25fs_per_field_setting():
    weighting = BM25F(B=0.75, title_B=0.3)
    assert internals.field_b(weighting, "title") == 0.3
    assert internals.field_b(weighting, "body") == 0.75


def test_position_deltas_read_whooshs_encoded_positions(seeded_index):
    searcher = index.get_searcher()
    reader = leaf_readers(searcher)[0]
    matcher = reader.postings("body", "russia")
    fieldformat = reader.schema["body"].format
    while matcher.is_active():
        positions = fieldformat.decode_positions(matcher.value())
        assert np.cumsum(internals.position_deltas(matcher.value())).tolist() == positions
        matcher.next()


def test_segment_file_pattern_and_storage_path(seeded_index):
    ix = index.open_existing()
    pattern = internals.segment_file_pattern(ix.indexname)
    segment_ids = {s.segment_id() for s in ix._segments()}
    matched = {m.group(1) for name in ix.storage.list() if (m := pattern.match(name))}
    assert matched == segment_ids
    assert internals.storage_path(ix.storage, "x.json") == str(seeded_index / "x.json")

