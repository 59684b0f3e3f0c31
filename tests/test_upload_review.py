"""The upload review page shows a reviewer a mistake at a glance: each field's confidence as a
labelled level, and the capture's lines by the role ingest gave them, escaped.

Every capture here is built in this file and goes through the real upload view and the real
ingest; the expectations are read from ``extract`` run on the same bytes."""

import io
import uuid
import zipfile
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains

from archive.ingest import extract
from archive.models import Article, Capture, Topic, UploadItem
from search.membership import articles_in_topic
from tests.live import article_text, unique_word
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


# A batch of 25 files: cards a page, the other pages' forms carried along, one confirm.


class FormFields(HTMLParser):
    """The review form's fields as a browser submits them: (name, value) pairs, repeats kept."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "review-form":
            self.in_form = True
        elif self.in_form and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a or kind == "submit":
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def submitted(html: str, **changes) -> dict[str, list[str]]:
    """What pressing a button of the review page sends, with some fields changed (a list sets a
    multiple choice, None unchecks or drops the field)."""
    parser = FormFields()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        name = name.replace("__", "-")
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return data


def batch_zip(count: int) -> bytes:
    """A zip of ``count`` captures, each with a headline, byline, date and its own text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for n in range(count):
            zf.writestr(f"file-{n:02d}.txt",
                        article_text(n, f"Dispatch {n:02d}: Envoys Weigh the Baltic Pipeline Talks"))
    return buffer.getvalue()


@pytest.fixture
def big_batch(admin_client):
    """A 25-file zip through the real upload: the first page of its review."""
    response = admin_client.post(UPLOAD, {"files": [file("batch.zip", batch_zip(25))]}, follow=True)
    assert response.status_code == 200
    return response


def cards_of(response) -> list[str]:
    return [card["item"].file_name for card in response.context["cards"]]


def test_a_large_batch_shows_ten_closed_cards_a_page_and_carries_the_rest(big_batch):
    html = big_batch.content.decode()
    assert cards_of(big_batch) == [f"file-{n:02d}.txt" for n in range(10)]
    assert html.count('class="review-row"') == 10
    assert '<details class="card-details">' in html and " open>" not in html
    assert "this is page 1 of 3, files 1–10" in html
    for number, files in ((2, "11–20"), (3, "21–25")):
        assert f'<button type="submit" name="show" value="{number}">Files {files}</button>' in html
    assert '<span class="current" aria-current="page">Files 1–10</span>' in html
    # Every other file travels as hidden fields of the same form, so one confirm covers it.
    parser = FormFields()
    parser.feed(html)
    fields = dict(parser.fields)
    items = list(UploadItem.objects.order_by("position"))
    assert fields["form-TOTAL_FORMS"] == "25"
    assert fields["form-24-item"] == str(items[24].pk)
    assert fields["form-24-title"] == "Dispatch 24: Envoys Weigh the Baltic Pipeline Talks"
    assert '<input type="hidden" name="form-24-title"' in html
    assert "(15 of 15 checked there)" in html


def test_a_small_batch_shows_its_cards_open(admin_client):
    html, _ = review_page(admin_client, PAGE)
    assert '<details class="card-details" open>' in html
    assert "review-pager" not in html and 'name="show"' not in html


def test_the_date_hint_is_said_once_and_every_date_field_points_at_it(big_batch):
    html = big_batch.content.decode()
    assert html.count("what you write sets the precision") == 1
    assert html.count('id="review-hint-date"') == 1
    for n in range(10):
        assert (f'aria-describedby="id_form-{n}-published_confidence review-hint-date '
                f'id_form-{n}-published_reads"') in html
    assert "22 February 2017</strong> (day precision)" in html


def test_paging_keeps_each_pages_changes_and_one_confirm_imports_every_page_once(
        admin_client, big_batch, django_capture_on_commit_callbacks):
    review_url = big_batch.redirect_chain[-1][0]
    page2 = admin_client.post(review_url, submitted(
        big_batch.content.decode(), form__0__title="A Corrected First Headline",
        form__3__include=None, show="2"))
    assert page2.status_code == 200
    assert cards_of(page2) == [f"file-{n:02d}.txt" for n in range(10, 20)]
    html = page2.content.decode()
    assert '<input type="hidden" name="form-0-title" value="A Corrected First Headline"' in html
    assert '<input type="hidden" name="form-3-include" value="False"' in html
    assert "(14 of 15 checked there)" in html
    page3 = admin_client.post(review_url, submitted(html, form__12__authors="Ann Editor; Bo Second",
                                                    show="3"))
    assert cards_of(page3) == [f"file-{n:02d}.txt" for n in range(20, 25)]
    assert Article.objects.count() == 0  # paging stores nothing
    confirm = submitted(page3.content.decode(), form__24__published="March 2017")
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(review_url, confirm, follow=True)
    assert done.redirect_chain[-1][0].endswith("/done/")
    assert Article.objects.count() == 24 and Capture.objects.count() == 24
    assert Article.objects.filter(title="A Corrected First Headline").exists()
    assert not Article.objects.filter(title__startswith="Dispatch 03").exists()
    assert [a.name for a in Article.objects.get(title__startswith="Dispatch 12").author_list] == [
        "Ann Editor", "Bo Second"]
    assert Article.objects.get(title__startswith="Dispatch 24").date_display == "March 2017"
    statuses = Counter(UploadItem.objects.values_list("status", flat=True))
    assert statuses == {"imported": 24, "skipped": 1}
    assertContains(done, "Imported (24)")
    # The same confirm again (reload, double click) imports nothing twice.
    again = admin_client.post(review_url, confirm, follow=True)
    assert again.status_code == 200 and Article.objects.count() == 24


def test_topics_per_article_are_pinned_on_confirm(admin_client, django_capture_on_commit_callbacks):
    quorv = Topic.objects.create(name="Quorv watch", slug="quorv-watch", query=unique_word(12))
    envoys = Topic.objects.create(name="Envoys", slug="envoys")
    pipeline = Topic.objects.create(name="Pipelines", slug="pipelines")
    response = admin_client.post(UPLOAD, {"files": [file("batch.zip", batch_zip(25))],
                                          "topics": [pipeline.pk]}, follow=True)
    review_url = response.redirect_chain[-1][0]
    html = response.content.decode()
    # The upload form's topics start checked on every card, on every page.
    assert f'<input type="hidden" name="form-20-topics" value="{pipeline.pk}"' in html
    sent = submitted(html)
    assert all(sent[f"form-{n}-topics"] == [str(pipeline.pk)] for n in range(25))
    page2 = admin_client.post(review_url, submitted(
        html, form__1__topics=[str(envoys.pk), str(pipeline.pk)], form__2__topics=None, show="2"))
    card = next(c for c in page2.context["cards"] if c["item"].file_name == "file-12.txt")
    assert card["matched"] == {quorv.pk}  # its text holds the topic's query word
    label = f'<label for="id_form-12-topics_{[t.pk for t in Topic.objects.all()].index(quorv.pk)}">'
    assert f'{label}Quorv watch <span class="by-query">its text matches</span></label>' in (
        page2.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(review_url, submitted(page2.content.decode()))
    pins = {a.title[:11]: sorted(t.slug for t in a.topics.all()) for a in Article.objects.all()}
    assert pins["Dispatch 01"] == ["envoys", "pipelines"]
    assert pins["Dispatch 02"] == []
    assert pins["Dispatch 12"] == ["pipelines"]  # listed in Quorv watch by its query, not pinned
    assert all(slugs == ["pipelines"] for title, slugs in pins.items()
               if title not in ("Dispatch 01", "Dispatch 02"))
    twelve = Article.objects.get(title__startswith="Dispatch 12")
    assert articles_in_topic(quorv) == {twelve.pk}
    assert articles_in_topic(envoys) == {Article.objects.get(title__startswith="Dispatch 01").pk}
    assert len(articles_in_topic(pipeline)) == 24


def test_a_bad_field_holds_the_page_and_a_bad_field_elsewhere_is_shown_at_confirm(
        admin_client, big_batch):
    review_url = big_batch.redirect_chain[-1][0]
    held = admin_client.post(review_url, submitted(
        big_batch.content.decode(), form__4__published="sometime in spring", show="2"))
    assert held.status_code == 200 and cards_of(held)[0] == "file-00.txt"
    html = held.content.decode()
    assert "Correct the marked fields before moving on" in html
    assert "Write the date as" in html and '<details class="card-details" open>' in html
    # Move on with it fixed, break a page-1 field again from page 2 (as a stale hidden value
    # would), and confirm: nothing is imported and the page with the mistake is shown.
    page2 = admin_client.post(review_url, submitted(html, form__4__published="2017", show="2"))
    assert cards_of(page2)[0] == "file-10.txt"
    refused = admin_client.post(review_url, submitted(
        page2.content.decode(), form__4__source_url="javascript:alert(1)"))
    assert refused.status_code == 200 and cards_of(refused)[0] == "file-00.txt"
    assertContains(refused, "Nothing was imported: 1 file needs a correction (file-04.txt)")
    assertContains(refused, "starting with http:// or https://")
    assert Article.objects.count() == 0


def test_a_page_that_does_not_exist_is_a_400_that_keeps_the_changes(admin_client, big_batch):
    review_url = big_batch.redirect_chain[-1][0]
    html = big_batch.content.decode()
    for show in ("9", "0", "two"):
        answer = admin_client.post(review_url, submitted(html, form__0__title="Kept", show=show))
        assert answer.status_code == 400
        assertContains(answer, "There is no such page of this review", status_code=400)
        assertContains(answer, 'value="Kept"', status_code=400)
    assert Article.objects.count() == 0


def test_a_source_url_is_stored(admin_client):
    html, response = review_page(admin_client, PAGE)
    admin_client.post(response.redirect_chain[-1][0],
                      submitted(html, form__0__source_url="https://example.org/corridor"))
    assert Article.objects.get().source_url == "https://example.org/corridor"


def test_hostile_file_names_and_topic_names_render_as_text(admin_client):
    Topic.objects.create(name=f"Topic {SCRIPT}", slug="hostile")
    name = '"><svg onload=alert(1)>.txt'
    html, _ = review_page(admin_client, PAGE, name=name)
    assert "<svg onload" not in html and SCRIPT not in html
    assert escape(f"Topic {SCRIPT}") in html
    assert f'data-file="{escape(name)}"' in html


def test_a_file_on_another_page_costs_only_its_duplicate_check(admin_client):
    """Cards of the page shown read their near-copies and topic matches; the forms of the other
    pages only need to know whether they start checked (two queries: capture, then text)."""
    counts = {}
    for files in (15, 25):
        staged = admin_client.post(UPLOAD, {"files": [file("batch.zip", batch_zip(files))]})
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(staged["Location"]).status_code == 200
        counts[files] = len(queries)
    assert counts[25] - counts[15] == 2 * 10


def test_links_jump_past_a_long_menu_to_the_lines_kept(admin_client):
    data = capture(TITLE, BYLINE, DATELINE, *PROSE, menu=[f"Section {n}" for n in range(15)],
                   menu_joiner="\n")
    lines = extract(data, "capture.txt").lines
    first = {role: next(n for n, (r, _) in enumerate(lines) if r == role)
             for role in ("title", "article")}
    assert first["title"] >= 15
    html, _ = review_page(admin_client, data)
    assert f'<a href="#form-0-line-{first["title"]}">the title</a>' in html
    assert f'<a href="#form-0-line-{first["article"]}">the article\'s first line</a>' in html
    assert f'<li class="line-title" id="form-0-line-{first["title"]}"><span class="role">title' in html
