"""Every input is bounded by a setting, and each bound is tested at the limit and one past it
(issue 6, promise 6). Limits are made small here so the tests stay fast; the refusals must be
clear 4xx answers or per-file messages, and write nothing."""

import io
import socket
import time
import zipfile

import pytest
from django.core.management import call_command
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse

from archive.models import Article, UploadItem
from tests.factories import make_article
from tests.live import ADMIN_USER, AdminSession, LiveServer, multipart, page_forms
from tests.test_import_command import ARTICLE

UPLOAD = "/admin/archive/article/upload/"  # reverse() in the Django tests; the live ones cannot


def article(n: int) -> bytes:
    """A distinct, acceptable plain-text article (so no two are duplicates)."""
    return ARTICLE.replace("A Plain Headline", f"Headline number {n}").replace(
        "Paragraph", f"Part {n}").encode()


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def staged(client, **data):
    """POST the upload form; the items it staged, by status."""
    response = client.post(reverse("admin:archive_article_upload"), data)
    items = list(UploadItem.objects.order_by("position"))
    return response, {status: [i for i in items if i.status == status] for status in UploadItem.Status.values}


# The whole request body: DOSSIER_REQUEST_MAX_BYTES, enforced by archive.middleware.


@pytest.mark.django_db
def test_request_body_at_the_limit_is_accepted_and_one_byte_over_is_413(admin_client, settings):
    body = encode_multipart(BOUNDARY, {"pasted": ARTICLE})
    content_type = f"multipart/form-data; boundary={BOUNDARY}"  # sent as is, not re-encoded
    url = reverse("admin:archive_article_upload")
    settings.DOSSIER_REQUEST_MAX_BYTES = len(body) - 1
    over = admin_client.post(url, body, content_type=content_type)
    assert over.status_code == 413
    assert over["Content-Type"].startswith("text/plain")
    assert f"({len(body) - 1} bytes)" in over.content.decode()
    assert not UploadItem.objects.exists()

    settings.DOSSIER_REQUEST_MAX_BYTES = len(body)
    exact = admin_client.post(url, body, content_type=content_type)
    assert exact.status_code == 302
    assert UploadItem.objects.get().status == UploadItem.Status.PENDING


@pytest.mark.django_db
def test_a_body_without_content_length_or_with_a_bad_one_is_refused(admin_client):
    url = reverse("admin:archive_article_upload")
    chunked = admin_client.generic("POST", url, HTTP_TRANSFER_ENCODING="chunked")
    assert chunked.status_code == 411
    assert b"Content-Length" in chunked.content
    for declared in ("12abc", "-1", "²"):
        bad = admin_client.generic("POST", url, b"pasted=x", CONTENT_LENGTH=declared,
                                   CONTENT_TYPE="application/x-www-form-urlencoded")
        assert bad.status_code == 400, declared
    assert not UploadItem.objects.exists()


# One uploaded file: DOSSIER_UPLOAD_MAX_BYTES, a per-file refusal in the upload.


@pytest.mark.django_db
def test_upload_file_at_the_limit_is_staged_and_one_byte_over_is_refused(admin_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    exact, over = article(1), article(2) + b"\n"
    settings.DOSSIER_UPLOAD_MAX_BYTES = len(exact)
    assert len(over) == len(exact) + 1
    response, items = staged(admin_client, files=[SimpleUploadedFile("exact.txt", exact),
                                                  SimpleUploadedFile("over.txt", over)])
    assert response.status_code == 302
    assert [i.file_name for i in items["pending"]] == ["exact.txt"]
    assert [i.file_name for i in items["refused"]] == ["over.txt"]
    assert "the limit is" in items["refused"][0].message
    assert bytes(items["refused"][0].content) == b""  # the refused bytes are not kept
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_pasted_text_is_held_to_the_same_limit(admin_client, settings):
    text = article(3)
    settings.DOSSIER_UPLOAD_MAX_BYTES = len(text)
    _, items = staged(admin_client, pasted=text.decode())
    assert len(items["pending"]) == 1
    UploadItem.objects.all().delete()
    settings.DOSSIER_UPLOAD_MAX_BYTES = len(text) - 1
    _, items = staged(admin_client, pasted=text.decode())
    assert not items["pending"] and "the limit is" in items["refused"][0].message


# One zip: DOSSIER_ZIP_MAX_MEMBERS and DOSSIER_ZIP_MAX_TOTAL_BYTES.


@pytest.mark.django_db
def test_zip_member_count_at_the_limit_and_one_over(admin_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DOSSIER_ZIP_MAX_MEMBERS = 3
    three = make_zip({f"{n}.txt": article(n) for n in range(3)})
    _, items = staged(admin_client, files=[SimpleUploadedFile("three.zip", three)])
    assert len(items["pending"]) == 3 and not items["refused"]

    UploadItem.objects.all().delete()
    four = make_zip({f"{n}.txt": article(n) for n in range(4)})
    _, items = staged(admin_client, files=[SimpleUploadedFile("four.zip", four)])
    assert not items["pending"]
    assert [i.message for i in items["refused"]] == [
        "The archive holds 4 files; at most 3 can be imported at once"]


@pytest.mark.django_db
def test_zip_total_size_at_the_limit_and_one_byte_over(admin_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    members = {f"{n}.txt": article(n) for n in range(3)}
    data = make_zip(members)
    total = sum(map(len, members.values()))
    settings.DOSSIER_ZIP_MAX_TOTAL_BYTES = total
    _, items = staged(admin_client, files=[SimpleUploadedFile("exact.zip", data)])
    assert len(items["pending"]) == 3 and not items["refused"]

    UploadItem.objects.all().delete()
    settings.DOSSIER_ZIP_MAX_TOTAL_BYTES = total - 1
    _, items = staged(admin_client, files=[SimpleUploadedFile("over.zip", data)])
    assert not items["pending"]
    assert len(items["refused"]) == 1 and "would unpack to" in items["refused"][0].message
    assert not Article.objects.exists()


# Search input: DOSSIER_QUERY_MAX_CHARS and DOSSIER_SEARCH_MAX_PAGE, through the search form.


@pytest.fixture
def indexed(db):
    for n in range(3):
        make_article(title=f"Sanctions report {n}", body_text=f"Sanctions text {n}. " * 20)
    call_command("sync_index", verbosity=0)


def search(client, api: bool = False, **params):
    return client.get(reverse("search:api-search" if api else "search:search"), params)


def test_query_at_the_length_limit_is_searched_and_one_character_over_is_400(client, indexed, settings):
    settings.DOSSIER_QUERY_MAX_CHARS = 30
    exact = "sanctions " + "x" * 20
    assert len(exact) == 30
    for api in (False, True):
        # Spaces around and inside are collapsed before counting: this is still 30 characters.
        assert search(client, api, q=f"  {exact.replace(' ', '   ')} ").status_code == 200
        over = search(client, api, q=exact + "y")
        assert over.status_code == 400
        message = (over.json()["fields"]["q"][0] if api else over.content.decode())
        assert "31 characters long; the limit is 30" in message


def test_page_at_the_limit_is_served_and_one_past_it_is_400(client, indexed, settings):
    settings.DOSSIER_SEARCH_MAX_PAGE = 5
    for api in (False, True):
        at = search(client, api, q="sanctions", page=5)
        assert at.status_code == 200  # past the last page of results: the last page is shown
        over = search(client, api, q="sanctions", page=6)
        assert over.status_code == 400
        message = (over.json()["fields"]["page"][0] if api else over.content.decode())
        assert "stop at page 5" in message
    assert search(client, q="sanctions", page=10**40).status_code == 400


def test_topic_pages_share_the_page_limit(client, indexed, settings):
    from archive.models import Topic

    topic = Topic.objects.create(name="Sanctions", slug="sanctions", query="sanctions")
    settings.DOSSIER_SEARCH_MAX_PAGE = 2
    assert client.get(topic.get_absolute_url(), {"page": 2}).status_code == 200
    assert client.get(topic.get_absolute_url(), {"page": 3}).status_code == 400


# The request limit on a real gunicorn: the test client never exercises the server's own path.

LIVE_LIMIT = 256 * 1024


@pytest.fixture(scope="module")
def live():
    """A gunicorn with a small request limit over a migrated, empty archive with a staff user."""
    with LiveServer(DOSSIER_REQUEST_MAX_BYTES=str(LIVE_LIMIT)) as server:
        server.manage("migrate", "--noinput")
        server.manage("collectstatic", "--noinput", "--verbosity", "0")
        server.manage("createsuperuser", "--noinput", "--username", ADMIN_USER, "--email", "e@example.org")
        yield server.start()


def raw_request(server: LiveServer, head: str, body: bytes = b"") -> tuple[str, float]:
    """Send a request's head (and the start of its body) on a socket; the status line of the
    answer and how long it took, without ever sending the rest of the declared body."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := sock.recv(65536)):
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode(), time.monotonic() - started


@pytest.mark.heavy
def test_gunicorn_answers_413_at_once_without_reading_a_huge_body(live):
    head = (f"POST {UPLOAD} HTTP/1.1\nHost: 127.0.0.1:{live.port}\n"
            "Content-Type: multipart/form-data; boundary=x\nContent-Length: 10000000000\n")
    status, seconds = raw_request(live, head, b"--x\r\n" + b"a" * 4096)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert seconds < 3, seconds  # 10 GB declared, 4 kB sent: nobody waited for the rest

    chunked = (f"POST {UPLOAD} HTTP/1.1\nHost: 127.0.0.1:{live.port}\n"
               "Content-Type: multipart/form-data; boundary=x\nTransfer-Encoding: chunked\n")
    status, seconds = raw_request(live, chunked, b"1000\r\n" + b"a" * 4096 + b"\r\n")
    assert status == "HTTP/1.1 411 Length Required" and seconds < 3
    assert not live.server_errors()


@pytest.mark.heavy
def test_gunicorn_accepts_an_upload_of_exactly_the_limit(live):
    session = AdminSession(live.url)
    form = next(f for f in page_forms(session.get(UPLOAD).text) if "pasted" in f)
    form.pop("topics", None)
    short, _ = multipart(form, [("files", "exact.txt", article(7))])
    padding = b"\n" * (LIVE_LIMIT - len(short))
    body, content_type = multipart(form, [("files", "exact.txt", article(7) + padding)])
    assert len(body) == LIVE_LIMIT  # the boundary is random but always as long
    answer = session.request(UPLOAD, body, content_type)
    assert answer.status == 200 and "/upload/" in answer.url and answer.url != live.url + UPLOAD
    assert "Headline number 7" in answer.text

    over, content_type = multipart(form, [("files", "above.txt", article(8) + padding + b"\n")])
    assert len(over) == LIVE_LIMIT + 1
    refused = session.request(UPLOAD, over, content_type)
    assert refused.status == 413 and "the limit is" in refused.text
    assert not live.server_errors()
