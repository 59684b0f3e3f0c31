"""The admin upload flow: staff only, review and correct, confirm once, clear refusals."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains

from archive.models import Article, Capture, UploadItem
from tests.test_import_command import ARTICLE

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:archive_article_upload")


def file(name: str, data: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data)


def review_post(response, **overrides) -> dict:
    """The review form as the browser would submit it, with some fields changed."""
    formset = response.context["formset"]
    data = {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
    for form in formset:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "include":
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = "" if value is None else value
    data.update(overrides)
    return data


def search_hits(client, q: str) -> list[int]:
    """Article ids the search page shows for ``q``, in rank order."""
    response = client.get(reverse("search:search"), {"q": q})
    return [hit.article.pk for hit in response.context["result"].hits]


def test_upload_page_is_for_staff_only(client, django_user_model):
    assert client.get(UPLOAD).status_code == 302  # to the login page
    user = django_user_model.objects.create_user("reader", password="pw-reader-123")
    client.force_login(user)
    assert client.get(UPLOAD).status_code == 302
    user.is_staff = True
    user.save()
    assert client.get(UPLOAD).status_code == 403  # staff without the add permission


def test_upload_is_csrf_protected(admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(UPLOAD, {"pasted": ARTICLE})
    assert response.status_code == 403
    assert not UploadItem.objects.exists()


def test_review_correct_confirm_and_reload_imports_once(admin_client):
    response = admin_client.post(UPLOAD, {"files": [file("one.txt", ARTICLE)]}, follow=True)
    assert response.status_code == 200
    assert "A Plain Headline About Sanctions" in response.content.decode()
    assert Article.objects.count() == 0  # nothing stored before review
    review_url = response.redirect_chain[-1][0]
    data = review_post(response, **{"form-0-authors": "Jane Q. Example; Second Writer"})
    done = admin_client.post(review_url, data, follow=True)
    assert done.status_code == 200
    article = Article.objects.get()
    assert [a.name for a in article.author_list] == ["Jane Q. Example", "Second Writer"]
    assert article.captures.get().uploaded_by.username == "admin"
    assert article.get_absolute_url() in done.content.decode()
    # Submitting the same confirm again (reload, double click) changes nothing.
    again = admin_client.post(review_url, data, follow=True)
    assert again.status_code == 200
    assert Article.objects.count() == 1 and Capture.objects.count() == 1


def test_date_correction_sets_precision(admin_client):
    response = admin_client.post(UPLOAD, {"pasted": ARTICLE}, follow=True)
    data = review_post(response, **{"form-0-published": "February 2017"})
    admin_client.post(response.redirect_chain[-1][0], data)
    article = Article.objects.get()
    assert article.date_precision == "month" and article.date_display == "February 2017"


def test_bad_date_correction_is_a_form_error_not_a_500(admin_client):
    response = admin_client.post(UPLOAD, {"pasted": ARTICLE}, follow=True)
    data = review_post(response, **{"form-0-published": "sometime in spring"})
    again = admin_client.post(response.redirect_chain[-1][0], data)
    assert again.status_code == 200
    assert "Write the date as" in again.content.decode()
    assert Article.objects.count() == 0


def test_duplicates_and_junk_are_reported_and_the_rest_imports(admin_client):
    admin_client.post(UPLOAD, {"pasted": ARTICLE}, follow=True)
    first = UploadItem.objects.get()
    admin_client.post(reverse("admin:archive_article_review", args=[first.batch]),
                      review_post(admin_client.get(
                          reverse("admin:archive_article_review", args=[first.batch]))))
    existing = Article.objects.get()
    other = ARTICLE.replace("A Plain Headline", "Completely Different Headline").replace(
        "Paragraph", "Passage")
    response = admin_client.post(UPLOAD, {"files": [
        file("again.txt", ARTICLE), file("new.txt", other),
        file("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),
    ]}, follow=True)
    content = response.content.decode()
    assert "photo.txt" in content and "Refused" in content
    assert "Duplicate of" in content
    include = {card["item"].file_name: card["form"].initial["include"]
               for card in response.context["cards"]}
    assert include == {"again.txt": False, "new.txt": True}
    done = admin_client.post(response.redirect_chain[-1][0], review_post(response), follow=True)
    content = done.content.decode()
    assert Article.objects.count() == 2
    assert re.search(r"Duplicates, not stored again \(1\)", content)
    assert existing.get_absolute_url() in content
    assert re.search(r"Refused \(1\)", content)


def test_zip_upload_with_traps(admin_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("good.txt", ARTICLE)
        zf.writestr("/etc/passwd.txt", ARTICLE)
        zf.writestr("inner.zip", b"PK\x03\x04 not really")
    response = admin_client.post(UPLOAD, {"files": [file("batch.zip", buffer.getvalue())]},
                                 follow=True)
    assert response.status_code == 200
    statuses = sorted(UploadItem.objects.values_list("status", flat=True))
    assert statuses == ["pending", "refused", "refused"]


def test_script_in_html_upload_never_reaches_the_page(admin_client, client):
    page = ("<html><head><title>Hostile page</title></head><body><article><h1>Hostile page</h1>"
            + "".join(f"<p>Paragraph {n} about sanctions and Moscow policy in some detail, "
                      f"long enough to count as an article body.</p>" for n in range(10))
            + '<p><img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a></p>'
            "<script>alert(3)</script></article></body></html>")
    response = admin_client.post(UPLOAD, {"files": [file("page.html", page)]}, follow=True)
    admin_client.post(response.redirect_chain[-1][0], review_post(response))
    article = Article.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "alert(" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_empty_form_is_a_clear_error(admin_client):
    response = admin_client.post(UPLOAD, {})
    assert response.status_code == 200
    assert "Choose at least one file" in response.content.decode()


def test_unknown_batch_redirects_with_a_message(admin_client):
    url = reverse("admin:archive_article_review", args=["00000000-0000-0000-0000-000000000000"])
    response = admin_client.get(url, follow=True)
    assert "does not exist" in response.content.decode()


def test_upload_links_from_admin_index_and_changelist(admin_client):
    assert UPLOAD in admin_client.get(reverse("admin:index")).content.decode()
    assert UPLOAD in admin_client.get(reverse("admin:archive_article_changelist")).content.decode()


def test_results_page_survives_a_deleted_article(admin_client):
    response = admin_client.post(UPLOAD, {"pasted": ARTICLE}, follow=True)
    done = admin_client.post(response.redirect_chain[-1][0], review_post(response), follow=True)
    Article.objects.get().delete()
    again = admin_client.get(done.redirect_chain[-1][0])
    assert again.status_code == 200
    assert "since deleted" in again.content.decode()


def test_a_stale_or_empty_review_post_is_not_a_500(admin_client, client):
    response = admin_client.post(UPLOAD, {"pasted": ARTICLE}, follow=True)
    review_url = response.redirect_chain[-1][0]
    empty = admin_client.post(review_url, {}, follow=True)
    assert empty.status_code == 200
    assert "out of date" in empty.content.decode()
    data = review_post(response, **{"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3"})
    stale = admin_client.post(review_url, data, follow=True)
    assert stale.redirect_chain == [(review_url, 302)]  # back to what is still waiting
    assert "out of date" in stale.content.decode()
    assert Article.objects.count() == 0
    assert list(UploadItem.objects.values_list("status", flat=True)) == ["pending"]
    assert search_hits(client, "sanctions") == []  # and the index (built now) holds nothing
    # The batch is still whole: confirming it as shown imports the one article, searchable.
    done = admin_client.post(review_url, review_post(response), follow=True)
    article = Article.objects.get()
    assert article.title == "A Plain Headline About Sanctions"
    assert article.get_absolute_url() in done.content.decode()
    assert search_hits(client, "sanctions") == [article.pk]
    assertContains(client.get(reverse("search:search"), {"q": "sanctions"}),
                   article.get_absolute_url())


def test_a_file_over_the_limit_is_refused_by_its_size(admin_client, settings):
    settings.DOSSIER_UPLOAD_MAX_BYTES = 1024 * 1024
    big = file("big.zip", b"PK" + b"\0" * (1024 * 1024 + 10))
    response = admin_client.post(UPLOAD, {"files": [big], "pasted": ARTICLE}, follow=True)
    content = response.content.decode()
    assert "the limit is 1 MB" in content
    assert UploadItem.objects.filter(status="refused", file_name="big.zip").exists()


def test_confirmed_items_let_go_of_their_bytes(admin_client):
    response = admin_client.post(UPLOAD, {"pasted": ARTICLE}, follow=True)
    admin_client.post(response.redirect_chain[-1][0], review_post(response))
    item = UploadItem.objects.get()
    assert item.status == "imported" and bytes(item.content) == b""
    assert bytes(item.article.captures.get().content) == ARTICLE.encode()


def test_editing_a_body_into_another_articles_text_is_a_form_error(admin_client, seeded):
    other = Article.objects.get(pk=4)
    url = reverse("admin:archive_article_change", args=[3])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update({"body_text": other.body_text, "topics": [], "published": "2017-02-22",
                 "outlet": 1, "date_precision": "day"})
    data.update({"authorships-TOTAL_FORMS": 0, "authorships-INITIAL_FORMS": 0,
                 "captures-TOTAL_FORMS": 0, "captures-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "This text is already in the archive" in response.content.decode()
