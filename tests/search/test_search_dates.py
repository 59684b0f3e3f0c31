"""Dates as researchers ask for them: several months at once, undated articles, from/to a day,
a month or a year, and the timeline as counts or as a share of all articles."""

import datetime

import pytest

from archive.models import DatePrecision
from search.forms import SearchForm
from search.query import SearchRequest, search
from tests.factories import make_article
from tests.search.helpers import ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated(db, index_dir, django_capture_on_commit_callbacks):
    rows = {
        "feb14": (datetime.date(2017, 2, 14), DatePrecision.DAY),
        "feb": (datetime.date(2017, 2, 1), DatePrecision.MONTH),
        "may3": (datetime.date(2017, 5, 3), DatePrecision.DAY),
        "year2016": (datetime.date(2016, 1, 1), DatePrecision.YEAR),
        "dec2016": (datetime.date(2016, 12, 30), DatePrecision.DAY),
        "undated": (None, DatePrecision.UNKNOWN),
    }
    with django_capture_on_commit_callbacks(execute=True):
        made = {name: make_article(title=f"Sanctions {name}", body_text=f"Sanctions again, {name}.",
                                   published=day, date_precision=precision)
                for name, (day, precision) in rows.items()}
        make_article(title="Other", body_text="Weather.", published=datetime.date(2017, 2, 2),
                     date_precision=DatePrecision.DAY)
    return {name: a.pk for name, a in made.items()}


def found(dated, **params) -> set[str]:
    form = SearchForm(params)
    assert form.is_valid(), form.errors
    names = {pk: name for name, pk in dated.items()}
    return {names.get(pk, "other") for pk in ids(search(form.search_request()))}


def test_several_months_are_alternatives(dated):
    assert found(dated, q="sanctions", month=["2017-02"]) == {"feb14", "feb"}
    from django.http import QueryDict

    both = QueryDict("q=sanctions&month=2017-02&month=2017-05")
    assert found(dated, **{k: both.getlist(k) if k == "month" else both[k] for k in both}) == {
        "feb14", "feb", "may3"}


def test_undated_is_a_bucket_of_its_own(dated):
    page = search(SearchRequest(q="sanctions"))
    months = {f.value: f.count for f in page.facets["month"]}
    assert months["undated"] == 1 and page.facets["month"][-1].value == "undated"
    assert "2016-01" not in months  # a year-only date is in no month, and is not undated
    assert found(dated, q="sanctions", month=["undated"]) == {"undated"}
    assert found(dated, q="sanctions", month=["undated", "2017-05"]) == {"undated", "may3"}


def test_from_and_to_take_a_day_a_month_or_a_year(dated):
    assert found(dated, q="sanctions", **{"from": "2017"}) == {"feb14", "feb", "may3"}
    assert found(dated, q="sanctions", to="2016") == {"year2016", "dec2016"}
    assert found(dated, q="sanctions", **{"from": "2017-02", "to": "2017-02"}) == {"feb14", "feb"}
    # "February 2017" may be any day of February, so a range touching it finds it.
    assert found(dated, q="sanctions", **{"from": "2017-02-20", "to": "2017-03"}) == {"feb"}
    assert found(dated, q="sanctions", **{"from": "2016-12-30", "to": "2016-12-30"}) == {
        "dec2016", "year2016"}


@pytest.mark.parametrize("value", ["2017-13", "17", "2017-02-30", "yesterday", "2017/02"])
def test_a_date_that_is_not_one_is_a_form_error(value):
    form = SearchForm({"from": value})
    assert not form.is_valid() and "is not a date" in form.errors["from"][0]


def test_to_before_from_is_an_error():
    form = SearchForm({"from": "2017-03", "to": "2017-02"})
    assert not form.is_valid() and "to" in form.errors


@pytest.mark.parametrize("month", ["2017-2", "undate", "2017-00"])
def test_a_month_that_is_not_one_is_a_form_error(month):
    assert not SearchForm({"month": [month]}).is_valid()


def test_the_search_page_has_a_date_form_that_keeps_the_other_filters(dated, client):
    from django.urls import reverse

    html = client.get(reverse("search:search"), {"q": "sanctions", "month": ["2017-02", "2017-05"],
                                                  "from": "2017"}).content.decode()
    assert '<input type="hidden" name="month" value="2017-02">' in html
    assert '<input type="hidden" name="month" value="2017-05">' in html
    assert 'name="from" value="2017"' in html
    assert "from 1 Jan 2017" in html  # the chip
    assert "February 2017" in html and "May 2017" in html  # one chip per chosen month


def test_the_timeline_is_labelled_and_can_show_shares(dated, client):
    from django.urls import reverse

    html = client.get(reverse("search:search"), {"q": "sanctions"}).content.decode()
    # December 2016 to May 2017: the 2017 label wins over 2016's, too close to fit both.
    assert '<text x="24" y="93" class="timeline-label">2017</text>' in html
    assert ">2016</text>" not in html and "tallest bar 2" in html
    assert "share of all articles</a>" in html
    html = client.get(reverse("search:search"), {"q": "sanctions", "timeline": "share"}).content.decode()
    # February 2017: 2 of its 3 articles match; May: 1 of 1, the tallest bar.
    assert "2017-02: 2 of 3 articles (67%)" in html
    assert "2017-05: 1 of 1 articles (100%)" in html and "tallest bar 100%" in html


def test_with_a_month_chosen_the_others_still_show_their_counts(dated):
    page = search(SearchRequest(q="sanctions", month=("2017-02",)))
    months = {f.value: (f.count, f.active) for f in page.facets["month"]}
    assert months["2017-02"] == (2, True)
    assert months["2017-05"] == (1, False) and months["2016-12"] == (1, False)
    assert page.total == 2  # the results themselves stay filtered
    assert dict(page.months)["2017-05"] == 1  # the timeline shows every month to add
