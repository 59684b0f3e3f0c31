"""manage.py import_articles: files, folders and zips; JSON lines; exit codes; dry runs."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Article, Capture, iso_date

pytestmark = pytest.mark.django_db

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ARTICLE = (
    "A Plain Headline About Sanctions\n\n"
    "By Jane Example\n\n"
    "14 March 2017\n\n"
    + "\n\n".join(
        f"Paragraph {n} explains how sanctions on Russia changed the mood in Moscow, "
        "and why officials in Washington disagreed about the next step." for n in range(8))
)


def run(*args) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return code, lines, err.getvalue()


def test_imports_a_text_file_and_reports_json(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(ARTICLE)
    code, lines, _ = run(path, "--json")
    assert code == 0
    [line] = lines
    assert line["status"] == "imported"
    assert line["title"] == "A Plain Headline About Sanctions"
    assert line["authors"] == ["Jane Example"]
    assert (line["published"], line["date_precision"]) == ("2017-03-14", "day")
    article = Article.objects.get(pk=line["id"])
    assert bytes(article.captures.get().content) == path.read_bytes()


def test_second_import_is_a_duplicate_and_still_exit_zero(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(ARTICLE)
    run(path)
    code, [line], _ = run(path, "--json")
    assert code == 0 and line["status"] == "duplicate"
    assert Article.objects.count() == 1 and Capture.objects.count() == 1


def test_dry_run_stores_nothing(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(ARTICLE)
    code, [line], err = run(path, "--json", "--dry-run")
    assert code == 0 and line["status"] == "draft" and line["id"] is None
    assert "Paragraph 7" in line["body_text"]
    assert Article.objects.count() == 0
    assert "dry run" in err


def test_a_refused_file_sets_exit_one_and_the_rest_still_imports(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    code, lines, _ = run(tmp_path, "--json")
    assert code == 1
    status = {line["file"]: line["status"] for line in lines}
    assert status == {"good.txt": "imported", "empty.txt": "error", "binary.txt": "error"}
    assert all(line["error"] for line in lines if line["status"] == "error")
    assert Article.objects.count() == 1


def test_zip_members_import_and_outlet_and_topic_apply(tmp_path, seeded):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/first.txt", ARTICLE)
        zf.writestr("second.txt", ARTICLE.replace("Paragraph", "Section").replace(
            "A Plain Headline", "Another Headline"))
        zf.writestr("../evil.txt", ARTICLE)
    code, lines, _ = run(archive, "--json", "--outlet", "Example Gazette", "--topic", "sanctions")
    assert code == 1  # the traversal member is refused
    imported = [line for line in lines if line["status"] == "imported"]
    assert len(imported) == 2
    for line in imported:
        article = Article.objects.get(pk=line["id"])
        assert article.outlet.name == "Example Gazette"
        assert [t.slug for t in article.topics.all()] == ["sanctions"]


def test_unknown_topic_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "a.txt").write_text(ARTICLE)
    with pytest.raises(CommandError, match="No topic called"):
        call_command("import_articles", str(tmp_path / "a.txt"), "--topic", "nope")


@pytest.mark.skipif(not SEEDS_DIR.exists(), reason="needs ../shared/seeds")
def test_seed_files_dry_run_recovers_the_fixture_metadata(seeded):
    from tests.test_seed_collection import EXPECTED

    code, lines, _ = run(*sorted(SEEDS_DIR.iterdir()), "--json", "--dry-run")
    assert code == 0
    for line in lines:
        title, authors, outlet, published, precision = EXPECTED[line["file"]]
        assert line["status"] == "duplicate"  # the seed collection holds them already
        assert line["title"] == title
        assert line["authors"] == authors
        assert line["outlet"] == outlet
        assert line["published"] == iso_date(published, precision)
        assert line["date_precision"] == precision
        stored = Article.objects.get(pk=line["id"])
        assert line["body_text"] == stored.body_text


def test_imported_articles_are_searchable_and_the_outbox_is_empty(tmp_path):
    from search.membership import articles_matching
    from search.models import IndexTask

    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(ARTICLE.replace("Paragraph", f"Part{n}x"))
    code, lines, _ = run(tmp_path, "--json")
    assert code == 0
    assert not IndexTask.objects.exists()
    assert articles_matching("part1x") == {lines[1]["id"]}
    assert articles_matching("sanctions") == {line["id"] for line in lines}


def test_deferred_drain_keeps_tasks_until_the_block_ends(django_capture_on_commit_callbacks):
    from search.membership import articles_matching
    from search.models import IndexTask
    from search.outbox import drains_deferred
    from tests.factories import make_article

    with drains_deferred():
        with django_capture_on_commit_callbacks(execute=True):
            article = make_article(body_text="Zanzibar diplomacy in detail.")
        assert IndexTask.objects.filter(article_id=article.pk).exists()
    assert not IndexTask.objects.exists()
    assert articles_matching("zanzibar") == {article.pk}


def test_dry_run_reports_duplicates_within_the_run(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(ARTICLE)
    code, lines, _ = run(tmp_path, "--json", "--dry-run")
    assert code == 0
    assert [line["status"] for line in lines] == ["draft", "duplicate"]


def test_month_precision_is_written_as_a_month_in_json(tmp_path):
    (tmp_path / "m.txt").write_text(ARTICLE.replace("14 March 2017", "March 2017"))
    _, [line], _ = run(tmp_path / "m.txt", "--json")
    assert (line["published"], line["date_precision"]) == ("2017-03", "month")


# No index directory: Whoosh's; the PostgreSQL engine's documents are tables, always there.
@pytest.mark.engine("whoosh")
def test_sync_check_without_an_index_reports_and_builds_nothing(index_dir):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("sync_index", "--check", stdout=out)
    assert exit_.value.code == 1
    assert "There is no index" in out.getvalue()
    assert not any(index_dir.glob("_MAIN_*.toc")) if index_dir.exists() else True
