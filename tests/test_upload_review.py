"""The upload review page shows a reviewer a mistake at a glance: each field's confidence as a
labelled level, and the capture's lines by the role ingest gave them, escaped."""

import dataclasses
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from archive import importing
from archive.ingest import extract
from archive.models import UploadItem
from tests.test_import_command import ARTICLE
from tests.test_upload import file

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:archive_article_upload")
HOSTILE = '<script>alert("lines")</script>'
SEEDS = Path("/work/shared/seeds")


def lines_for(text: str) -> list[list[str]]:
    """Roles for an ARTICLE-shaped capture: title, byline, date, then article paragraphs."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    roles = ["title", "byline", "date"] + ["article"] * (len(paragraphs) - 3)
    return [[role, p] for role, p in zip(roles, paragraphs, strict=True)]


@pytest.fixture
def with_lines(monkeypatch):
    """Drafts carry the lines given (the real ingest may not fill them yet)."""
    real = importing.drafts_from_upload

    def drafts(data, name, max_bytes):
        for member, content, draft in real(data, name, max_bytes):
            if not isinstance(draft, Exception):
                lines = with_lines.lines or lines_for(content.decode())
                draft = dataclasses.replace(draft, lines=lines)
            yield member, content, draft

    with_lines.lines = None
    monkeypatch.setattr("archive.upload.drafts_from_upload", drafts)
    return with_lines


def review_page(admin_client, **upload) -> tuple[str, object]:
    response = admin_client.post(UPLOAD, upload, follow=True)
    assert response.status_code == 200
    return response.content.decode(), response


def test_lines_show_their_roles_and_the_dropped_ones(admin_client, with_lines):
    with_lines.lines = [["title", "A Plain Headline About Sanctions"],
                        ["byline", "By Jane Example"], ["date", "14 March 2017"],
                        ["article", "Paragraph 0 explains how sanctions changed the mood."],
                        ["dropped", "Share this article on Facebook"]]
    html, response = review_page(admin_client, pasted=ARTICLE)
    assert "What Dossier kept from this file" in html
    for role, text in with_lines.lines[:3]:
        assert f'<li class="line-{role}"><span class="role">{role}</span>' \
               f'<span class="text">{text}</span></li>' in html
    assert ('<li class="line-article"><span class="text">Paragraph 0 explains how sanctions '
            'changed the mood.</span></li>') in html
    assert ('<li class="line-dropped"><span class="role">dropped</span>'
            '<span class="text">Share this article on Facebook</span></li>') in html
    assert "5 lines: 1 title, 1 byline, 1 date, 1 article, 1 dropped." in html


def test_confidence_is_a_labelled_level_with_a_reason_when_empty(admin_client, with_lines):
    html, response = review_page(admin_client, pasted=ARTICLE)
    confidence = response.context["rows"][0][2]["confidence"]
    levels = {name: c["level"] for name, c in confidence.items()}
    assert levels["title"] == "sure" and levels["outlet"] == "empty"
    assert 'id="id_form-0-title_confidence"' in html
    assert '<span class="conf-tag">sure</span>' in html
    assert '<span class="conf-tag">empty</span> no outlet found' in html
    assert 'aria-describedby="id_form-0-outlet_confidence"' in html
    # A field read with low confidence is a guess; a middling one is a check.
    item = UploadItem.objects.get()
    item.draft = {**item.draft, "confidence": {"title": 0.3, "authors": 0.6}}
    item.save()
    html = admin_client.get(response.redirect_chain[-1][0]).content.decode()
    assert '<div class="conf conf-guess" id="id_form-0-title_confidence"' in html
    assert '<div class="conf conf-check" id="id_form-0-authors_confidence"' in html


def test_an_outlet_given_at_upload_is_not_rated(admin_client, with_lines):
    html, response = review_page(admin_client, pasted=ARTICLE, outlet="RUSI")
    assert response.context["rows"][0][2]["confidence"]["outlet"]["level"] == "given"
    assert '<span class="conf-tag">set at upload</span>' in html


def test_hostile_lines_render_as_text(admin_client, with_lines):
    with_lines.lines = [["title", "A Plain Headline"], ["dropped", HOSTILE],
                        ["article", "<img src=x onerror=alert(1)>"], ["<b>odd</b>", "x"]]
    html, _ = review_page(admin_client, pasted=ARTICLE)
    assert HOSTILE not in html and "<img src=x" not in html and "<b>odd" not in html
    assert "&lt;script&gt;alert(&quot;lines&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<li class="line-other"><span class="role">other</span>' in html


def test_a_long_capture_shows_its_first_lines_and_counts_the_rest(admin_client, with_lines):
    with_lines.lines = [["title", "Headline"]] + [["article", f"line {n}"] for n in range(400)]
    html, _ = review_page(admin_client, pasted=ARTICLE)
    assert "line 298<" in html and "line 299<" not in html
    assert "…and 101 more lines, not shown." in html
    assert "401 lines: 1 title, 400 article." in html


def test_a_draft_staged_before_lines_were_kept_still_renders(admin_client):
    batch = uuid.uuid4()
    UploadItem.objects.create(batch=batch, file_name="old.txt", position=0, content=ARTICLE.encode(), draft={
        "title": "An Old Draft", "body_text": "Body of an old draft.", "body_html": "",
        "media_type": "text/plain", "authors": ["Jane Example"], "batch_topics": []})
    response = admin_client.get(reverse("admin:archive_article_review", args=[batch]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "An Old Draft" in html
    assert "<details" not in html
    assert "no date found" in html  # empty fields still say so; filled unrated ones say nothing
    assert 'id="id_form-0-title_confidence"' not in html


@pytest.mark.skipif(not any(SEEDS.glob("*.txt")), reason="no seed captures here")
def test_real_ingest_lines_reach_the_page(admin_client):
    seed = sorted(SEEDS.glob("*.txt"))[0]
    if not extract(seed.read_bytes(), "x.txt").lines:
        pytest.skip("ingest does not fill Draft.lines yet")
    html, _ = review_page(admin_client, files=[file(seed.name, seed.read_bytes())])
    assert '<span class="role">title</span>' in html
    assert 'class="line-article"' in html
