"""The export benchmark measures real exports of the archive it runs in."""

import pytest

from search.bench.export import SEARCHES, export_table, measure_exports
from search.export import FORMATS
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_export_bench_streams_every_format_and_prints_a_table(
        django_capture_on_commit_callbacks, settings):
    settings.DOSSIER_EXPORT_LIMIT = 3
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            make_article(title=f"Trump and the pipeline {i}", body_text=f"Trump said {i}.")
    figures = measure_exports()
    assert figures["limit"] == 3
    for label in SEARCHES:
        assert set(figures[label]) == set(FORMATS)
        for fmt in FORMATS:
            assert figures[label][fmt]["rows"] == 3 and figures[label][fmt]["total"] == 5
            assert figures[label][fmt]["seconds"] >= 0
    table = export_table(figures)
    assert "Export, up to 3 hits streamed" in table
    assert table.splitlines()[2].startswith("everything") and "(3, 0.0)" in table
    assert table.splitlines()[-1].startswith("Target (issue 14): 3 hits as CSV in ")
    assert table.endswith(": PASS")
