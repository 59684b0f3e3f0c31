"""Filters, facet counts against the database, month precision, dates, sorting."""

import datetime

import pytest

from archive.models import Article, ArticleAuthor, DatePrecision
from search.query import SearchRequest, search
from tests.search.helpers import ids

pytestmark = pytest.mark.django_db


def run(**kw):
    return search(SearchRequest(**kw))


def counts(page, facet):
    return {f.value: f.count for f in page.facets[facet]}


def test_author_filter_narrows_and_facets_add_up(seeded_index):
    everything = run()
    page = run(author=("sarah-lain",))
    assert ids(page) == [3]
    assert counts(page, "author") == {"sarah-lain": 1}
    assert counts(page, "outlet") == {"rusi": 1}
    assert everything.total == 5
    # Seed 004 (pk 5) has no byline: four bylines in all.
    assert sum(counts(everything, "author").values()) == ArticleAuthor.objects.count() == 4


def test_facet_counts_match_the_database(seeded_index):
    page = run(q="sanction")
    for author, n in counts(page, "author").items():
        assert n == Article.objects.filter(authors__slug=author).count()
    assert counts(page, "outlet") == {"rusi": Article.objects.filter(outlet__slug="rusi").count()}
    months = {f"{m['month']:%Y-%m}": m["count"] for m in Article.objects.month_counts()}
    undated = Article.objects.filter(date_precision=DatePrecision.UNKNOWN).count()
    assert undated and counts(page, "month") == months | {"undated": undated}
    assert page.months == sorted(months.items())  # the timeline has no undated bar


def test_month_includes_month_precision_articles(seeded_index):
    assert Article.objects.get(pk=1).date_precision == DatePrecision.MONTH
    assert sorted(ids(run(month="2017-02"))) == [1, 3]
    assert ids(run(month="2017-02", q="Minsk")) == [3]


def test_filters_that_match_nothing_give_a_zero_total(seeded_index):
    for kw in ({"author": ("nobody",)}, {"month": "1999-01"}, {"q": "sanction", "outlet": ("x",)}):
        page = run(**kw)
        assert (page.total, page.hits, page.pages) == (0, [], 1), kw


def test_same_facet_ored_different_facets_anded(seeded_index):
    assert sorted(ids(run(author=("sarah-lain", "naser-koshan")))) == [1, 3]
    assert ids(run(author=("sarah-lain", "naser-koshan"), outlet=("rusi",))) == [3]


def test_date_range_counts_a_month_as_its_whole_month(seeded_index):
    def between(a, b):
        return sorted(ids(run(date_from=a and datetime.date.fromisoformat(a),
                              date_to=b and datetime.date.fromisoformat(b))))
    assert between("2017-02-10", "2017-02-20") == [1]  # "February 2017" may be the 15th
    assert between("2017-02-21", "2017-02-22") == [1, 3]
    assert between("2017-03-01", None) == [4]
    assert between(None, "2017-01-31") == []  # undated articles never match a date filter


def test_sort_newest_and_oldest_put_undated_last(seeded_index):
    assert ids(run(q="sanction", sort="newest")) == [4, 3, 1, 5, 2]
    assert ids(run(q="sanction", sort="oldest")) == [1, 3, 4, 2, 5]
    assert ids(run()) == [4, 3, 1, 5, 2]  # no words: newest first


def test_paging_past_the_end_shows_the_last_page(seeded_index):
    page = run(q="sanction", per_page=2, page=99)
    assert (page.number, page.pages, page.total, len(page.hits)) == (3, 3, 5, 1)
    first = run(q="sanction", per_page=2)
    second = run(q="sanction", per_page=2, page=2)
    assert ids(first) + ids(second) + ids(page) == ids(run(q="sanction"))
