"""The upload review page shows a reviewer a mistake at a glance: each field's confidence as a
labelled level, and the capture's lines by the role ingest gave them, escaped.

Every capture here is built in this file and goes through the real upload view and the real
ingest; the expectations are read from ``extract`` run on the same bytes."""

import uuid
from collections import Counter

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape

from archive.ingest import extract
from archive.models import UploadItem
from tests.test_upload import file

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:archive_article_upload")

MENU = ["Home", "News", "Analysis", "About us", "Contact"]
TITLE = "Sanctions Reshape the Northern Trade Corridor"
BYLINE = "By Jane Roe"
DATELINE = "22 February 2017"
PROSE = [
    "The ministry said on Tuesday that the new sanctions would be reviewed every six months, "
    "and officials in several capitals described the measures as a turning point for the region.",
    "Analysts who follow the negotiations closely argued that the decision reflected months of "
    "quiet pressure from allies, although few expected the announcement to come so soon.",
    "Trade figures published later in the week suggested that exporters had already begun to "
    "adjust, shifting shipments towards ports that the measures do not cover at all.",
    "Diplomats cautioned that the talks could still collapse, pointing to disagreements over "
    "verification that have stalled every previous attempt at a lasting settlement.",
]
COMMENTS = ["Leave a Reply", "Your email address will not be published."]
FOOTER = "© 2017 Example Institute. All rights reserved."
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def capture(*blocks: str, menu: list[str] = MENU, menu_joiner: str = "\n\n") -> bytes:
    """A raw-text capture as a browser's "save as text" writes one: blocks between blank lines."""
    parts = [menu_joiner.join(menu)] if menu else []
    return "\n\n".join([*parts, *blocks]).encode()


PAGE = capture(TITLE, BYLINE, DATELINE, *PROSE, *COMMENTS, FOOTER)
NO_DATE = capture(TITLE, BYLINE, *PROSE, *COMMENTS)
NO_HEADLINE = capture(*PROSE, menu=[])
HOSTILE = capture(TITLE, BYLINE, DATELINE, f"{PROSE[0]} {SCRIPT}", f"{PROSE[1]} {IMG}", *PROSE[2:])
LONG = capture(TITLE, BYLINE, DATELINE, *PROSE, menu=[f"Section {n}" for n in range(320)],
               menu_joiner="\n")


def level_for(value: float) -> str:
    """The level archive/upload.py `field_confidence` gives a rated, filled field."""
    return "sure" if value >= 0.8 else "check" if value >= 0.5 else "guess"


def review_page(admin_client, data: bytes, name: str = "capture.txt", **upload) -> tuple[str, object]:
    """Upload one capture through the admin upload view and follow it to its review page."""
    response = admin_client.post(UPLOAD, {"files": [file(name, data)], **upload}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("admin:archive_article_review",
                                                             args=[UploadItem.objects.get().batch]))
    return response.content.decode(), response


def line_item(role: str, text: str) -> str:
    """One line of the review page's list, as the template writes it (article lines untagged)."""
    tag = "" if role == "article" else f'<span class="role">{role}</span>'
    return f'<li class="line-{role}">{tag}<span class="text">{escape(text)}</span></li>'


def roles_of(lines) -> dict[str, str]:
    return {text: role for role, text in lines}


def test_lines_show_their_roles_and_the_dropped_ones(admin_client):
    lines = extract(PAGE, "capture.txt").lines
    roles = roles_of(lines)
    # What ingest read from this capture (so the page below has something of each role to show).
    assert roles[TITLE] == "title" and roles[BYLINE] == "byline" and roles[DATELINE] == "date"
    assert all(roles[p] == "article" for p in PROSE)
    assert all(roles[t] == "dropped" for t in [*MENU, *COMMENTS, FOOTER])
    counts = Counter(role for role, _ in lines)
    assert all(counts[role] >= 1 for role in ("title", "article", "dropped"))

    html, response = review_page(admin_client, PAGE)
    assert response.context["cards"][0]["notes"]["lines"] == [tuple(line) for line in lines]
    assert "What Dossier kept from this file" in html
    for role, text in lines:
        assert line_item(role, text) in html
    assert line_item("title", TITLE) in html
    assert line_item("byline", BYLINE) in html
    assert line_item("date", DATELINE) in html
    assert line_item("article", PROSE[0]) in html
    for text in [*MENU, *COMMENTS, FOOTER]:
        assert line_item("dropped", text) in html
    assert '<li class="line-article"><span class="role">' not in html
    summary = ", ".join(f"{counts[r]} {r}" for r in ("title", "byline", "date", "article", "dropped"))
    assert f"{len(lines)} lines: {summary}." in html


def test_a_clear_byline_and_date_are_labelled_by_their_confidence(admin_client):
    draft = extract(PAGE, "capture.txt")
    assert draft.authors == ["Jane Roe"] and draft.published is not None
    html, response = review_page(admin_client, PAGE)
    confidence = response.context["cards"][0]["notes"]["confidence"]
    for field in ("title", "authors", "published"):
        value = draft.confidence[field]
        level = level_for(value)
        assert confidence[field] == {"level": level, "label": level, "reason": "", "value": value}
        assert f'<div class="conf conf-{level}" id="id_form-0-{field}_confidence" ' \
               f'title="Confidence {floatformat(value, 1)}">' in html
        assert f'<div class="review-field field-{field} cell-{level}">' in html
        assert f'aria-describedby="id_form-0-{field}_confidence' in html
    assert {confidence["authors"]["level"], confidence["published"]["level"]} <= {"sure", "check"}
    assert f'<span class="conf-tag">{confidence["published"]["label"]}</span>' in html


def test_a_capture_with_no_date_says_so(admin_client):
    draft = extract(NO_DATE, "capture.txt")
    assert draft.published is None and "date" not in {role for role, _ in draft.lines}
    html, response = review_page(admin_client, NO_DATE)
    confidence = response.context["cards"][0]["notes"]["confidence"]
    assert confidence["published"] == {"level": "empty", "label": "empty",
                                       "reason": "no date found", "value": None}
    assert '<div class="conf conf-empty" id="id_form-0-published_confidence">' in html
    assert '<span class="conf-tag">empty</span> no date found' in html
    assert confidence["authors"]["level"] == level_for(draft.confidence["authors"])


def test_a_capture_without_a_headline_gets_its_title_labelled_a_guess(admin_client):
    draft = extract(NO_HEADLINE, "capture.txt")
    assert draft.title and level_for(draft.confidence["title"]) == "guess"
    html, response = review_page(admin_client, NO_HEADLINE)
    assert response.context["cards"][0]["notes"]["confidence"]["title"]["level"] == "guess"
    assert '<div class="conf conf-guess" id="id_form-0-title_confidence"' in html
    assert '<span class="conf-tag">guess</span>' in html


def test_an_outlet_given_at_upload_is_not_rated(admin_client):
    html, response = review_page(admin_client, PAGE, outlet="RUSI")
    assert response.context["cards"][0]["notes"]["confidence"]["outlet"]["level"] == "given"
    assert '<span class="conf-tag">set at upload</span>' in html


def test_hostile_lines_render_as_text(admin_client):
    lines = extract(HOSTILE, "capture.txt").lines
    hostile = [(role, text) for role, text in lines if SCRIPT in text or IMG in text]
    assert len(hostile) == 2 and {role for role, _ in hostile} == {"article"}
    html, _ = review_page(admin_client, HOSTILE)
    assert SCRIPT not in html and "<img src=x" not in html
    assert escape(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape(IMG) == "&lt;img src=x onerror=alert(1)&gt;"
    for role, text in hostile:
        assert line_item(role, text) in html
    assert f"{escape(PROSE[0])} {escape(SCRIPT)}</span></li>" in html
    assert f"{escape(PROSE[1])} {escape(IMG)}</span></li>" in html


def test_a_long_capture_shows_its_first_lines_and_counts_the_rest(admin_client):
    from archive.upload import MAX_REVIEW_LINES

    lines = extract(LONG, "capture.txt").lines
    assert len(lines) > MAX_REVIEW_LINES
    assert "title" in {role for role, _ in lines}
    html, response = review_page(admin_client, LONG)
    shown = response.context["cards"][0]["notes"]["lines"]
    assert shown == [tuple(line) for line in lines[:MAX_REVIEW_LINES]]
    last_shown, first_hidden = lines[MAX_REVIEW_LINES - 1], lines[MAX_REVIEW_LINES]
    assert line_item(*last_shown) in html
    assert line_item(*first_hidden) not in html
    more = len(lines) - MAX_REVIEW_LINES
    assert f"…and {more} more line{'s' if more > 1 else ''}, not shown." in html
    assert f"{len(lines)} lines:" in html


def test_a_draft_staged_before_lines_were_kept_still_renders(admin_client):
    batch = uuid.uuid4()
    UploadItem.objects.create(batch=batch, file_name="old.txt", position=0, content=PAGE, draft={
        "title": "An Old Draft", "body_text": "Body of an old draft.", "body_html": "",
        "media_type": "text/plain", "authors": ["Jane Example"], "batch_topics": []})
    response = admin_client.get(reverse("admin:archive_article_review", args=[batch]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "An Old Draft" in html
    assert 'class="capture-lines"' not in html and "The start of its text" in html
    assert "no date found" in html  # empty fields still say so; filled unrated ones say nothing
    assert 'id="id_form-0-title_confidence"' not in html
