"""Model rules that live in the database, and the query rules on the QuerySet."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from archive.models import Article, ArticleAuthor, Author, Capture, DatePrecision, Outlet
from tests.factories import make_article, make_author, make_outlet

pytestmark = pytest.mark.django_db


def test_same_body_cannot_be_stored_twice_even_respaced():
    make_article(body_text="Sanctions on Russia.\n\nSecond paragraph.")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(body_text="  sanctions on RUSSIA\n\n second   paragraph ")


def test_date_and_precision_must_agree_in_the_database():
    article = make_article(published=datetime.date(2017, 2, 22), date_precision="day")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(date_precision=DatePrecision.UNKNOWN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(published=None)


def test_empty_title_or_body_is_refused_by_the_database():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(title="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(body_text="")


def test_month_and_year_precision_store_the_first_day():
    month = make_article(published=datetime.date(2017, 2, 17), date_precision="month")
    year = make_article(published=datetime.date(2016, 7, 4), date_precision="year")
    assert month.published == datetime.date(2017, 2, 1)
    assert month.date_display == "February 2017"
    assert year.published == datetime.date(2016, 1, 1)
    assert year.date_display == "2016"
    assert make_article().date_display == "Date unknown"


def test_word_count_slug_and_hash_are_derived_on_save():
    article = make_article(title="Crimea: What Next?", body_text="one two three\n\nfour")
    assert article.word_count == 4
    assert article.slug == "crimea-what-next"
    assert len(article.content_hash) == 64


def test_authors_keep_byline_order_and_are_unique_per_article():
    first, second = make_author("Zed Last"), make_author("Amy First")
    article = make_article(authors=[first, second])
    assert [a.name for a in Article.objects.with_related().get(pk=article.pk).author_list] == [
        "Zed Last", "Amy First"]
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleAuthor.objects.create(article=article, author=first, position=5)


def test_names_match_regardless_of_case_and_spacing():
    make_author("Sarah Lain")
    with pytest.raises(IntegrityError), transaction.atomic():
        Author.objects.create(name="  sarah   LAIN ")
    make_outlet("RUSI")
    with pytest.raises(IntegrityError), transaction.atomic():
        Outlet.objects.create(name="rusi", slug="rusi-2")


def test_unique_slugs_skip_slugs_in_use():
    from archive.models import unique_slug

    assert make_author("John Smith").slug == "john-smith"
    make_author("John Smith 2")
    assert unique_slug(Author, "John Smith") == "john-smith-3"


def test_in_month_includes_month_precision_and_excludes_year_precision():
    day = make_article(published=datetime.date(2017, 2, 22), date_precision="day")
    month = make_article(published=datetime.date(2017, 2, 1), date_precision="month")
    make_article(published=datetime.date(2017, 1, 1), date_precision="year")
    make_article(published=datetime.date(2017, 3, 1), date_precision="day")
    make_article()
    assert set(Article.objects.in_month(2017, 2)) == {day, month}
    assert Article.objects.in_year(2017).count() == 4
    assert Article.objects.published().count() == 4


def test_capture_keeps_bytes_and_hash_and_refuses_a_second_copy():
    article = make_article()
    raw = b"\xef\xbb\xbfRaw bytes \xff\x00 kept as they are"
    capture = Capture.objects.create(article=article, file_name="a.txt", media_type="text/plain",
                                     content=raw)
    capture.refresh_from_db()
    assert bytes(capture.content) == raw
    assert capture.size == len(raw)
    with pytest.raises(IntegrityError), transaction.atomic():
        Capture.objects.create(article=make_article(), file_name="b.txt",
                               media_type="text/plain", content=raw)


def test_outlet_in_use_cannot_be_deleted():
    outlet = make_outlet()
    make_article(outlet=outlet)
    with pytest.raises(IntegrityError), transaction.atomic():
        outlet.delete()


def test_body_html_is_sanitized_on_every_save():
    article = make_article(body_text="Plain text.\n\nSecond <b>paragraph</b>.")
    assert article.body_html == "<p>Plain text.</p>\n<p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>"
    article.body_html = '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">a</a></p>'
    article.save()
    article.refresh_from_db()
    assert "script" not in article.body_html
    assert "onclick" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "Hi" in article.body_html


def test_editing_the_text_alone_rebuilds_its_html():
    article = make_article(body_text="Old words.\n\nMore old words.")
    article = Article.objects.get(pk=article.pk)
    article.body_text = "New zebras.\r\n\r\nSecond new paragraph."
    article.save()
    assert article.body_html == "<p>New zebras.</p>\n<p>Second new paragraph.</p>"
    assert article.paragraphs == ["New zebras.", "Second new paragraph."]


def test_source_url_is_only_ever_http():
    article = make_article(source_url="javascript:alert(document.domain)//")
    assert article.source_url == ""
    assert make_article(source_url="https://rusi.org/x").source_url == "https://rusi.org/x"


def test_iso_dates_stop_at_the_known_precision():
    day = datetime.date(2017, 2, 9)
    assert make_article(published=day, date_precision="month").published_iso == "2017-02"
    assert make_article(published=day, date_precision="day").published_iso == "2017-02-09"
    assert make_article().published_iso is None
