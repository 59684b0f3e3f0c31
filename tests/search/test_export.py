"""Exports of a whole result set (CSV, RIS, BibTeX, CSL-JSON), parsed back by real parsers."""

import csv
import datetime
import io
import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from archive.models import Topic
from search import query
from search.forms import SearchForm
from tests.factories import make_article, make_author, make_outlet

pytestmark = pytest.mark.django_db

N = 25  # more than one result page
TRICKY = 'Braces {and} 100% of $5 & #1_x ^~ \\ "quoted" Путин'


@pytest.fixture
def archive(django_capture_on_commit_callbacks):
    """N indexed articles about pipelines, one day apart, each with two authors and an outlet;
    the first has a title full of TeX specials, the second one that starts like a formula."""
    Topic.objects.create(name="Pipelines", slug="pipelines", query="pipeline")
    shared = make_author("Sarah Lain", slug="sarah-lain")
    with django_capture_on_commit_callbacks(execute=True):
        articles = [make_article(
            title=(TRICKY if i == 0 else "=HYPERLINK(\"http://evil\")" if i == 1
                   else f"Pipeline politics part {i}"),
            body_text=f"The pipeline story number {i}.\n\nGas through the pipeline.",
            authors=[shared, make_author(f"Ivan Petrov{i}")], outlet=make_outlet(f"Outlet {i}"),
            published=datetime.date(2017, 1, 1) + datetime.timedelta(days=i),
            date_precision="month" if i == 2 else "day",
            source_url=f"https://news.example.org/{i}", lede=f"Lede {i}.")
            for i in range(N)]
    return articles


def export(client, **params):
    response = client.get(reverse("search:api-export"), params)
    assert response.status_code == 200, response.content
    assert response.streaming
    return response, b"".join(response.streaming_content).decode("utf-8")


def ranked_ids(**params) -> list[int]:
    """The ids the search page shows, page after page, for these parameters."""
    form = SearchForm(MultiValueDict({key: [value] for key, value in params.items()}))
    assert form.is_valid()
    request = form.search_request(per_page=1000)
    return [hit.article.pk for hit in query.search(request).hits]


def test_ris_export_holds_the_whole_result_set_in_rank_order(client, archive):
    response, text = export(client, q="pipeline", sort="oldest", format="ris")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="dossier-pipeline-{today}.ris"'
    assert response["X-Dossier-Total"] == response["X-Dossier-Exported"] == str(N)
    entries = rispy.loads(text)
    assert len(entries) == N
    assert [e["id"] for e in entries] == [f"dossier-{pk}" for pk in
                                          ranked_ids(q="pipeline", sort="oldest")]
    assert entries[-1]["id"] == f"dossier-{archive[-1].pk}"  # oldest first
    by_id = {e["id"]: e for e in entries}
    third = by_id[f"dossier-{archive[3].pk}"]
    assert third["type_of_reference"] == "NEWS"
    assert third["title"] == "Pipeline politics part 3"
    assert third["authors"] == ["Lain, Sarah", "Petrov3, Ivan"]
    assert third["secondary_title"] == "Outlet 3"
    assert third["year"] == "2017" and third["date"] == "2017/01/04/"
    assert by_id[f"dossier-{archive[2].pk}"]["date"] == "2017/01//"  # month precision: no day
    assert third["urls"] == ["https://news.example.org/3",
                             "http://testserver" + archive[3].get_absolute_url()]
    assert by_id[f"dossier-{archive[0].pk}"]["title"] == TRICKY


def test_bibtex_export_parses_with_unique_keys_and_escaped_fields(client, archive):
    response, text = export(client, q="pipeline", format="bibtex")
    assert response["Content-Type"].startswith("application/x-bibtex")
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    assert len(library.entries) == N
    keys = [e.key for e in library.entries]
    assert len(set(keys)) == N
    assert all(k.isascii() and " " not in k for k in keys)
    by_key = {e.key: e for e in library.entries}
    first = by_key[f"lain2017braces-{archive[0].pk}"]
    assert first.entry_type == "article"
    # pylatexenc reads \textasciicircum as the modifier letter and drops \textbraceleft and
    # \textbraceright, which it does not know; LaTeX prints a caret and the braces.
    assert first["title"].replace("\u02c6", "^") == TRICKY.replace("{", "").replace("}", "")
    raw = bibtexparser.parse_string(text).entries_dict[first.key]["title"]
    assert raw == ('Braces \\textbraceleft{}and\\textbraceright{} 100\\% of \\$5 \\& \\#1\\_x '
                   '\\textasciicircum{}\\textasciitilde{} \\textbackslash{} "quoted" Путин')
    assert first["author"] == "Lain, Sarah and Petrov0, Ivan"
    assert first["journal"] == "Outlet 0"
    assert first["year"] == "2017" and first["date"] == "2017-01-01"
    month_only = by_key[f"lain2017pipeline-{archive[2].pk}"]
    assert month_only["date"] == "2017-01"
    assert month_only["url"] == "https://news.example.org/2"


def test_csv_export_is_utf8_with_a_header_and_no_formulas(client, archive):
    response, text = export(client, q="pipeline", sort="oldest", format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == N
    assert [int(r["id"]) for r in rows] == ranked_ids(q="pipeline", sort="oldest")
    rows = [next(r for r in rows if r["id"] == str(a.pk)) for a in archive]
    assert list(rows[0]) == ["id", "title", "authors", "outlet", "published", "date_precision",
                             "source_url", "url", "lede", "word_count", "language"]
    assert rows[0]["title"] == TRICKY
    assert rows[1]["title"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[2]["published"] == "2017-01" and rows[2]["date_precision"] == "month"
    assert rows[3]["authors"] == "Sarah Lain; Ivan Petrov3"
    assert rows[3]["url"] == "http://testserver" + archive[3].get_absolute_url()


def test_csl_json_export_keeps_each_dates_precision(client, archive):
    response, text = export(client, q="pipeline", sort="oldest", format="csljson")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    items = json.loads(text)
    assert len(items) == N
    items = [next(i for i in items if i["id"] == f"dossier-{a.pk}") for a in archive]
    assert items[2]["issued"] == {"date-parts": [[2017, 1]]}
    assert items[3]["issued"] == {"date-parts": [[2017, 1, 4]]}
    assert items[3]["author"] == [{"family": "Lain", "given": "Sarah"},
                                  {"family": "Petrov3", "given": "Ivan"}]
    assert items[3]["type"] == "article-newspaper"


def test_filters_and_an_empty_query_export_what_the_page_shows(client, archive):
    _, text = export(client, author="sarah-lain", month="2017-01", format="csljson")
    expected = ranked_ids(author="sarah-lain", month="2017-01")
    assert [item["id"] for item in json.loads(text)] == [f"dossier-{pk}" for pk in expected]
    assert len(expected) == N  # 1-25 January, newest first
    assert expected[0] == archive[-1].pk


def test_the_export_is_bounded_by_the_setting(client, archive, settings):
    settings.DOSSIER_EXPORT_LIMIT = 7
    response, text = export(client, q="pipeline", format="ris")
    assert len(rispy.loads(text)) == 7
    assert response["X-Dossier-Total"] == str(N) and response["X-Dossier-Exported"] == "7"
    page = client.get(reverse("search:search"), {"q": "pipeline"}).content.decode()
    assert f"Export the first 7 of these {N} articles" in page


def test_rows_are_fetched_in_batches(client, archive, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr("search.export.BATCH", 10)
    response = client.get(reverse("search:api-export"), {"q": "pipeline", "format": "csv"})
    with django_assert_num_queries(3 * 2):  # 3 batches: articles with outlets, then authors
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") == N + 1


def test_search_page_links_every_format_with_the_current_parameters(client, archive):
    page = client.get(reverse("search:search"), {"q": "pipeline", "month": "2017-01", "page": 2})
    html = page.content.decode()
    assert f"Export all {N} articles" in html
    for fmt in ("csv", "ris", "bibtex", "csljson"):
        assert f'href="/api/export?q=pipeline&amp;month=2017-01&amp;format={fmt}"' in html



def test_a_topic_page_exports_its_own_articles(client, archive):
    Topic.objects.create(name="Other", slug="other", query="zebra")
    topic_page = client.get(reverse("search:topic", args=["pipelines"]), {"month": "2017-01"})
    assert 'href="/topics/pipelines/export?month=2017-01&amp;format=ris"' in topic_page.content.decode()
    response = client.get("/topics/pipelines/export", {"month": "2017-01", "format": "ris"})
    assert response.status_code == 200
    assert len(rispy.loads(b"".join(response.streaming_content).decode())) == N
    other = client.get("/topics/other/export", {"format": "ris"})  # a topic none belongs to
    assert rispy.loads(b"".join(other.streaming_content).decode()) == []
    assert client.get("/topics/no-such-topic/export").status_code == 404


def test_no_results_show_no_export_links(client, archive):
    html = client.get(reverse("search:search"), {"q": "zebra"}).content.decode()
    assert "/api/export" not in html


@pytest.mark.parametrize(("params", "field"), [
    ({"format": "docx"}, "format"), ({"month": "2017-13"}, "month"), ({"page": "0"}, "page"),
    ({"from": "2017-03-01", "to": "2017-02-01"}, "to"), ({"author": "<b>"}, "author"),
])
def test_bad_parameters_give_400_naming_the_field(client, archive, params, field):
    response = client.get(reverse("search:api-export"), {"q": "pipeline", **params})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Invalid export parameters." and body["fields"][field]


def test_a_query_with_nothing_to_search_for_is_a_400_that_says_so(client, archive):
    response = client.get(reverse("search:api-export"), {"q": "((((", "format": "ris"})
    assert response.status_code == 400
    assert "nothing to search for" in response.json()["error"]


def test_without_a_format_the_export_is_csv(client, archive):
    response, text = export(client, q="pipeline")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.startswith("id,title,authors,")


@pytest.mark.parametrize("q", ['"unbalanced', "(russia", "*", "AND", "NOT", "x" * 1000,
                               "a\x00b\x1bc", "<script>alert(1)</script>", "Путин 🙂",
                               "title:", "~", "-", "((((", '"""', "topic:" + "z" * 300, "\u202e"])
def test_hostile_queries_export_or_say_why_never_fail(client, archive, q):
    response = client.get(reverse("search:api-export"), {"q": q, "format": "csv"})
    assert response.status_code in (200, 400), q
    if response.status_code == 400:
        assert response.json()["error"]
    else:
        assert b"".join(response.streaming_content).startswith(b"id,title,")
        assert response["Content-Disposition"].isascii()
