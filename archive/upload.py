"""The admin upload page: choose files (or paste text) → review the drafts → confirm → results.

Each uploaded file becomes an :class:`UploadItem` holding the original bytes and the extracted
draft, so nothing is an article until an editor confirms it, and confirming twice (reload,
double click) imports nothing twice: an item leaves the "pending" state exactly once.
"""

import datetime
import itertools
import re
import uuid
from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from archive import duplicates
from archive.faults import crash_point
from archive.importing import (
    Batch,
    corrected,
    draft_from_json,
    draft_to_json,
    drafts_from_upload,
    find_duplicate,
    save_draft,
)
from archive.ingest import IngestError, http_url
from archive.ingest.dates import parse_date as parse_date_text
from archive.ingest.pipeline import megabytes
from archive.models import DatePrecision, Topic, UploadItem, format_date, iso_date
from search.backends import get_backend
from search.membership import saved_queries
from search.outbox import drains_deferred


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.html,.htm,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class UploadForm(forms.Form):
    files = MultipleFileField(required=False, label="Files",
                              help_text="Text or HTML captures, or zip files of them.")
    pasted = forms.CharField(required=False, label="Or paste the text of one article",
                             widget=forms.Textarea(attrs={"rows": 8}))
    outlet = forms.CharField(required=False, max_length=200,
                             help_text="Optional: the outlet of every article in this upload.")
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Optional: these topics start checked on every article's card; you can change "
                  "them article by article when you review.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("files") and not cleaned.get("pasted", "").strip():
            raise forms.ValidationError("Choose at least one file or paste an article's text.")
        return cleaned


def parse_date(text: str) -> tuple[datetime.date | None, str]:
    """An editor's date, read by the same rules as captures: its form sets its precision."""
    if not text.strip():
        return None, DatePrecision.UNKNOWN
    found = parse_date_text(text)
    if found is None:
        raise forms.ValidationError(
            "Write the date as 2017-02-22, 2017-02, 2017 or “February 2017”, or leave it empty.")
    return found.date, found.precision


def format_date_input(draft) -> str:
    """The draft's date written the way the review form reads it back, at its precision."""
    return iso_date(draft.published, draft.date_precision) or ""


# What the review page says once, at its top, rather than under the field of every card; each
# field it concerns points at it (aria-describedby), so a screen reader hears it with the field.
HINTS = {
    "authors": ("review-hint-authors",
                "Separate several names with “;”. Leave the field empty if the author is unknown."),
    "published": ("review-hint-date",
                  "Write 2017-02-22, 2017-02, 2017 or “February 2017”: what you write sets the "
                  "precision (day, month or year). Leave it empty if the date is unknown."),
    "topics": ("review-hint-topics",
               "A checked topic lists the article: it is pinned there, as on the article's admin "
               "page. A topic marked “its text matches” lists it anyway, by the topic's saved "
               "query, whether checked or not."),
}


class ReviewForm(forms.Form):
    """One draft's corrections and topics; the topics to offer are passed in, read once a page."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(required=False, initial=True, label="Import")
    title = forms.CharField(max_length=500)
    authors = forms.CharField(required=False, max_length=1000)
    outlet = forms.CharField(required=False, max_length=200)
    published = forms.CharField(required=False, max_length=40, label="Date")
    source_url = forms.CharField(required=False, max_length=2000, label="Source URL")
    topics = forms.TypedMultipleChoiceField(coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.pk, t.name) for t in topics]

    def clean_published(self):
        return parse_date(self.cleaned_data["published"])

    def clean_authors(self):
        return [n.strip() for n in re.split(r"[;\n]", self.cleaned_data["authors"]) if n.strip()]

    def clean_source_url(self):
        value = self.cleaned_data["source_url"].strip()
        if value and not http_url(value):
            raise forms.ValidationError(
                "Give the page's full address, starting with http:// or https://, or leave it empty.")
        return value


ReviewFormSet = forms.formset_factory(ReviewForm, extra=0)

REVIEW_PAGE_SIZE = 10  # cards a page; a bigger batch is paged, its forms carried along hidden
REVIEW_ORPHANS = 3  # a last page this short joins the one before it
OPEN_UP_TO = 3  # a batch this small shows its cards open; a bigger one as summary lines


class PagerForm(forms.Form):
    """The review page's paging buttons: ``show`` another page, sent from ``page``. A submit
    without ``show`` (the Import button, or Enter in a field) confirms."""

    show = forms.IntegerField(required=False, min_value=1)
    page = forms.IntegerField(required=False, min_value=1)


def upload_url(batch=None, done=False) -> str:
    if batch is None:
        return reverse("admin:archive_article_upload")
    return reverse("admin:archive_article_upload_done" if done else "admin:archive_article_review",
                   args=[batch])


@require_http_methods(["GET", "POST"])
def upload(request, admin_context):
    bound = request.method == "POST"
    form = UploadForm(request.POST if bound else None, request.FILES if bound else None)
    if bound and form.is_valid():
        batch = stage_upload(request, form.cleaned_data)
        return redirect(upload_url(batch))
    return render(request, "admin/archive/article/upload.html", {
        **admin_context, "form": form, "title": "Upload articles",
        "max_mb": settings.DOSSIER_UPLOAD_MAX_BYTES // (1024 * 1024),
    })


def uploaded_files(cleaned) -> Iterator[tuple[str, bytes | IngestError]]:
    """(name, bytes) of each upload in turn, the pasted text counting as one ``pasted.txt``;
    a file over the limit is refused by its declared size, before it is read at all."""
    limit = settings.DOSSIER_UPLOAD_MAX_BYTES
    for upload_file in cleaned["files"]:
        if upload_file.size > limit:
            yield upload_file.name, IngestError(
                f"This file is {megabytes(upload_file.size)} MB; the limit is "
                f"{megabytes(limit)} MB per file.")
        else:
            yield upload_file.name, upload_file.read()
    if cleaned["pasted"].strip():
        yield "pasted.txt", cleaned["pasted"].encode("utf-8")


def stage_upload(request, cleaned) -> uuid.UUID:
    """Extract every file into UploadItems of a new batch; refusals are kept with their reason.

    Extraction (slow: HTML goes through trafilatura) happens before the transaction, so the
    database's write lock is held only for the inserts; the batch appears whole or not at all.
    """
    batch = uuid.uuid4()
    extras = {"outlet": cleaned["outlet"].strip(), "topics": [t.pk for t in cleaned["topics"]]}
    per_file = [staged_items(batch, name, data, extras, request.user)
                for name, data in uploaded_files(cleaned)]
    position = itertools.count()
    with transaction.atomic():
        for number, items in enumerate(per_file):
            for item in items:
                item.position = next(position)
            UploadItem.objects.bulk_create(items)
            if number == len(per_file) // 2:
                crash_point("upload.staging")
    return batch


def staged_items(batch, name: str, data: bytes | IngestError, extras: dict, user) -> list[UploadItem]:
    """One uploaded file's items: one per article in it (a zip holds many), or its refusal."""
    members = ([(name, b"", data)] if isinstance(data, IngestError)
               else drafts_from_upload(data, name, settings.DOSSIER_UPLOAD_MAX_BYTES))
    items = []
    for member, content, draft in members:
        item = UploadItem(batch=batch, file_name=member[:255], uploaded_by=user)
        if isinstance(draft, IngestError):
            item.status, item.message = UploadItem.Status.REFUSED, str(draft)
        else:
            item.content = content
            item.draft = {**draft_to_json(draft), **extras_for(draft, extras)}
        items.append(item)
    return items


def extras_for(draft, extras) -> dict:
    """The upload form's choices stored with each draft; an outlet given there is flagged so the
    review page does not label the editor's own outlet with ingest's confidence."""
    return {"outlet": extras["outlet"] or draft.outlet, "batch_topics": extras["topics"],
            "outlet_given": bool(extras["outlet"])}


@require_http_methods(["GET", "POST"])
def review(request, admin_context, batch):
    """Every pending draft of a batch as one formset, shown a page of cards at a time.

    Paging is a POST of the whole formset: the forms of the other pages travel as hidden
    fields, so what an editor changed on one page is kept while they look at another, and the
    Import button confirms every page's decisions at once, in one transaction.
    """
    items = list(UploadItem.objects.filter(batch=batch))
    if not items:
        messages.error(request, "That upload does not exist (or was cleaned up).")
        return redirect(upload_url())
    pending = [i for i in items if i.status == UploadItem.Status.PENDING]
    if not pending:
        return redirect(upload_url(batch, done=True))
    topics = list(Topic.objects.all())
    notes = [review_notes(item) for item in pending]
    posted = request.POST if request.method == "POST" else None
    formset = ReviewFormSet(posted, form_kwargs={"topics": topics},
                            initial=[review_initial(i, n, topics)
                                     for i, n in zip(pending, notes, strict=True)])
    pages = Paginator(range(len(pending)), REVIEW_PAGE_SIZE, orphans=REVIEW_ORPHANS)
    page = ReviewPage(request, admin_context, formset, pending, notes, items, topics)
    if posted is None:
        return page.render(pages.page(1))
    if not in_step(formset, pending):
        messages.warning(request, "That review page was out of date (part of the upload was "
                                  "already confirmed). Here is what is still waiting.")
        return redirect(upload_url(batch))
    pager = PagerForm(posted)
    if not pager.is_valid() or (pager.cleaned_data["show"] or 1) > pages.num_pages:
        messages.error(request, "There is no such page of this review. Here is the first page, "
                                "with everything you changed kept.")
        return page.render(pages.page(1), status=400)
    if pager.cleaned_data["show"]:
        leaving = pages.page(min(pager.cleaned_data["page"] or 1, pages.num_pages))
        if all(formset[i].is_valid() for i in leaving.object_list):
            return page.render(pages.page(pager.cleaned_data["show"]))
        messages.error(request, "Correct the marked fields before moving on to other files.")
        return page.render(leaving)
    if formset.is_valid():
        confirm_batch([form.cleaned_data for form in formset], batch, request.user)
        return redirect(upload_url(batch, done=True))
    wrong = [pending[n].file_name for n, form in enumerate(formset) if form.errors]
    first = next(n for n, form in enumerate(formset) if form.errors)
    messages.error(request, f"Nothing was imported: {len(wrong)} file{pluralize(len(wrong))} "
                            f"need{'' if len(wrong) > 1 else 's'} a correction "
                            f"({', '.join(wrong)}). The first is shown.")
    return page.render(pages.page(min(first // REVIEW_PAGE_SIZE + 1, pages.num_pages)))


def in_step(formset, pending: list[UploadItem]) -> bool:
    """Whether a posted review holds exactly the items still pending, in their order."""
    return (formset.management_form.is_valid() and formset.total_form_count() == len(pending)
            and all(str(form["item"].value()) == str(item.pk)
                    for form, item in zip(formset, pending, strict=True)))


class ReviewPage:
    """One page of a review: its cards open or as summary lines, every other form hidden."""

    def __init__(self, request, admin_context, formset, pending, notes, items, topics):
        self.request, self.admin_context, self.formset = request, admin_context, formset
        self.pending, self.notes, self.items, self.topics = pending, notes, items, topics

    def render(self, page, status: int = 200):
        shown = set(page.object_list)
        open_all = len(self.pending) <= OPEN_UP_TO
        cards = [review_card(self.formset[n], self.pending[n], self.notes[n], open_all)
                 for n in page.object_list]
        mark_topic_matches(cards, self.topics)
        hidden = [f for n, f in enumerate(self.formset) if n not in shown]
        pages = page.paginator
        return render(self.request, "admin/archive/article/review.html", {
            **self.admin_context, "title": "Review the articles before importing",
            "formset": self.formset, "cards": cards, "page": page, "hidden_forms": hidden,
            "hidden_checked": sum(bool(form["include"].value()) for form in hidden),
            "page_links": [(n, pages.page(n).start_index(), pages.page(n).end_index())
                           for n in pages.page_range],
            "hints": HINTS, "has_topics": bool(self.topics),
            "refused": [i for i in self.items if i.status == UploadItem.Status.REFUSED],
        }, status=status)


def review_initial(item: UploadItem, notes: dict, topics: list[Topic]) -> dict:
    """The form as extraction filled it in; a duplicate starts unchecked, and the topics chosen
    on the upload form (those that still exist) start checked."""
    draft, known = notes["draft"], {t.pk for t in topics}
    return {"item": item.pk, "include": notes["duplicate"] is None, "title": draft.title,
            "authors": "; ".join(draft.authors), "outlet": draft.outlet or "",
            "published": format_date_input(draft), "source_url": draft.source_url,
            "topics": [pk for pk in item.draft.get("batch_topics", []) if pk in known]}


def without_extras(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "batch_topics"}


# The fields ingest rates, with what the review page says when it found nothing for one.
RATED_FIELDS = {"title": "no title found", "authors": "no author found",
                "outlet": "no outlet found", "published": "no date found"}
CARD_FIELDS = ["title", "authors", "outlet", "published", "source_url"]
LINE_ROLES = ("title", "byline", "date", "article", "dropped")
MAX_REVIEW_LINES = 300  # a long capture shows its first lines and says how many more it has
MAX_LINE_CHARS = 1000
JUMP_PAST = 10  # about the lines the list shows unscrolled


def review_notes(item: UploadItem) -> dict:
    """What the review page says about one draft: an excerpt, warnings, each rated field's
    confidence, the capture's lines by role (a draft staged before lines were kept has none),
    and a duplicate if there is one."""
    draft = draft_from_json(without_extras(item.draft))
    duplicate = find_duplicate(bytes(item.content), draft.body_text)
    lines = [(role if role in LINE_ROLES else "other", str(text)[:MAX_LINE_CHARS])
             for role, text in valid_lines(draft.lines)]
    counts = {role: n for role in LINE_ROLES if (n := sum(r == role for r, _ in lines))}
    return {"draft": draft, "first_lines": draft.body_text[:400], "warnings": draft.warnings,
            "confidence": {name: field_confidence(draft, name, item.draft.get("outlet_given"))
                           for name in RATED_FIELDS},
            "lines": lines[:MAX_REVIEW_LINES], "more_lines": max(0, len(lines) - MAX_REVIEW_LINES),
            "line_counts": counts, "duplicate": duplicate}


def valid_lines(lines) -> Iterator[tuple[str, str]]:
    """The [role, text] pairs of a stored draft, skipping any entry not of that shape."""
    for entry in lines or []:
        if isinstance(entry, list | tuple) and len(entry) == 2 and isinstance(entry[0], str):
            yield entry[0], entry[1] if isinstance(entry[1], str) else ""


def field_confidence(draft, name: str, outlet_given: bool = False) -> dict | None:
    """How sure ingest was of one field, as a level ("sure", "check", "guess"), "empty" with
    the reason when nothing was found, or "given" for an outlet the editor set at upload;
    None when an old draft carries no confidence for a field it did fill."""
    if name == "outlet" and outlet_given:
        return {"level": "given", "label": "set at upload", "reason": "", "value": None}
    if not getattr(draft, name):
        return {"level": "empty", "label": "empty", "reason": RATED_FIELDS[name], "value": None}
    value = (draft.confidence or {}).get(name)
    if value is None:
        return None
    level = "sure" if value >= 0.8 else "check" if value >= 0.5 else "guess"
    return {"level": level, "label": level, "reason": "", "value": value}


def review_card(form, item: UploadItem, notes: dict, open_all: bool) -> dict:
    """One file's card: its fields with their confidence, what its date reads as, what to look
    at (shown on the summary line of a closed card), and the near-copy it would be."""
    fields = {name: card_field(form, name, notes["confidence"].get(name)) for name in CARD_FIELDS}
    unsure = [form[name].label.lower() for name, c in notes["confidence"].items()
              if c and c["level"] in ("check", "guess", "empty")]
    errors = form.is_bound and bool(form.errors)
    return {"form": form, "item": item, "notes": notes, "fields": fields, "unsure": unsure,
            "reads": read_date(form["published"].value()), "open": open_all or errors,
            "authors": [n.strip() for n in re.split(r"[;\n]", form["authors"].value() or "")
                        if n.strip()],
            "copy": None if notes["duplicate"] else duplicates.near_copy(notes["draft"].body_text),
            "matched": set(), **landmarks(notes["lines"])}


def landmarks(lines: list[tuple[str, str]]) -> dict:
    """The first line of each kept role, for links that jump past a menu's dropped lines to it;
    none when every one of them is near the top of the list anyway."""
    first = {}
    for number, (role, _) in enumerate(lines):
        if role in ("title", "byline", "date", "article"):
            first.setdefault(role, number)
    if max(first.values(), default=0) < JUMP_PAST:
        return {"landmarks": [], "landmark_lines": set()}
    return {"landmarks": sorted(first.items(), key=lambda pair: pair[1]),
            "landmark_lines": set(first.values())}


def card_field(form, name: str, confidence: dict | None) -> dict:
    """A field with its confidence; the input is described by that note, the page's hint for
    it, what its date reads as, and its errors, so a screen reader hears them with the field."""
    field = form[name]
    described = [f"{field.auto_id}_confidence"] if confidence else []
    described += [HINTS[name][0]] if name in HINTS else []
    described += [f"{field.auto_id}_reads"] if name == "published" else []
    described += [f"{field.auto_id}_error"] if form.is_bound and field.errors else []
    if described:
        form.fields[name].widget.attrs["aria-describedby"] = " ".join(described)
    return {"name": name, "field": field, "conf": confidence}


def read_date(text) -> dict | None:
    """What a date field's text means and at what precision, or None when it cannot be read."""
    try:
        value, precision = parse_date(text or "")
    except forms.ValidationError:
        return None
    return {"date": format_date(value, precision), "precision": precision}


def mark_topic_matches(cards: list[dict], topics: list[Topic]) -> None:
    """Mark on each card the topics whose saved query its text matches, with the title, authors
    and outlet as the form now has them: the article is listed there whatever is checked."""
    queries = saved_queries(topics)
    if queries and cards:
        hits = get_backend().topic_hits([topic_components(card) for card in cards], queries)
        ids = {t.slug: t.pk for t in topics}
        for card in cards:
            card["matched"] = {ids[slug] for slug in hits.get(card["item"].pk, ())}
    for card in cards:
        card["topic_options"] = [(option, option.data["value"] in card["matched"])
                                 for option in card["form"]["topics"]]


def topic_components(card: dict) -> dict:
    """The part of ``Article.index_components()`` a topic query reads, for a draft."""
    draft, form = card["notes"]["draft"], card["form"]
    outlet = (form["outlet"].value() or "").strip()
    return {"id": card["item"].pk, "title": form["title"].value() or "", "lede": draft.lede,
            "body": draft.body_text, "authors": [slugify(n) for n in card["authors"]],
            "author_names": card["authors"], "outlet": slugify(outlet), "outlet_name": outlet}


def confirm_batch(rows: list[dict], batch, user) -> None:
    """Import a reviewed batch in one transaction: a crash or error midway imports none of it
    (the review page still shows the whole batch), and the index gets one commit for it."""
    topics = Topic.objects.in_bulk()
    with drains_deferred(), transaction.atomic():
        for number, data in enumerate(rows):
            confirm_item(data, batch, user, [topics[pk] for pk in data["topics"] if pk in topics])
            if number == 0:
                crash_point("upload.confirming")


def confirm_item(data: dict, batch, user, topics: list[Topic]) -> None:
    """Import one reviewed item, once: the status change and the article share a transaction."""
    with transaction.atomic():
        item = UploadItem.objects.select_for_update().filter(
            pk=data["item"], batch=batch, status=UploadItem.Status.PENDING).first()
        if item is None:  # already confirmed by an earlier submit
            return
        if not data["include"]:
            leave_out(item)
            return
        published, precision = data["published"]
        draft = corrected(draft_from_json(without_extras(item.draft)),
                          title=data["title"].strip(), authors=data["authors"],
                          outlet=data["outlet"].strip() or None, source_url=data["source_url"],
                          published=published, date_precision=precision)
        outcome = save_draft(draft, bytes(item.content), item.file_name,
                             Batch(topics=topics, user=user))
        item.status = (UploadItem.Status.IMPORTED if outcome.status == "imported"
                       else UploadItem.Status.DUPLICATE)
        item.article, item.message = outcome.article, outcome.error
        item.content = b""  # the capture (or the existing article's) holds the bytes now
        item.save(update_fields=["status", "article", "message", "content"])


def leave_out(item: UploadItem) -> None:
    """An unchecked row: reported as the duplicate it is, or as left out."""
    draft = draft_from_json(without_extras(item.draft))
    if existing := find_duplicate(bytes(item.content), draft.body_text):
        item.status, item.article = UploadItem.Status.DUPLICATE, existing
        item.message = f"Already in the archive as “{existing.title}”."
    else:
        item.status, item.message = UploadItem.Status.SKIPPED, "Left out at review."
    item.content = b""
    item.save(update_fields=["status", "article", "message", "content"])


def results(request, admin_context, batch):
    items = list(UploadItem.objects.filter(batch=batch).select_related("article"))
    if not items:
        messages.error(request, "That upload does not exist (or was cleaned up).")
        return redirect(upload_url())
    by_status = {status: [i for i in items if i.status == status] for status in UploadItem.Status.values}
    return render(request, "admin/archive/article/upload_results.html", {
        **admin_context, "title": "Upload results", "by_status": by_status, "batch": batch,
        "pending": by_status["pending"],
    })
