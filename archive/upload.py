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
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
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
from archive.ingest import IngestError
from archive.ingest.dates import parse_date as parse_date_text
from archive.ingest.pipeline import megabytes
from archive.models import DatePrecision, Topic, UploadItem, iso_date
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
    topics = forms.ModelMultipleChoiceField(Topic.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text="Optional: pin every article to these topics.")

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


class ReviewForm(forms.Form):
    """One draft's corrections."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(required=False, initial=True, label="Import")
    title = forms.CharField(max_length=500)
    authors = forms.CharField(required=False, max_length=1000,
                              help_text="Separate names with ';'. Leave empty if unknown.")
    outlet = forms.CharField(required=False, max_length=200)
    published = forms.CharField(required=False, max_length=40, label="Date",
                                help_text="2017-02-22, 2017-02 or 2017; empty if unknown.")

    def clean_published(self):
        return parse_date(self.cleaned_data["published"])

    def clean_authors(self):
        return [n.strip() for n in re.split(r"[;\n]", self.cleaned_data["authors"]) if n.strip()]


ReviewFormSet = forms.formset_factory(ReviewForm, extra=0)


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
    items = list(UploadItem.objects.filter(batch=batch))
    if not items:
        messages.error(request, "That upload does not exist (or was cleaned up).")
        return redirect(upload_url())
    pending = [i for i in items if i.status == UploadItem.Status.PENDING]
    if not pending:
        return redirect(upload_url(batch, done=True))
    notes = [review_notes(item) for item in pending]
    formset = ReviewFormSet(request.POST if request.method == "POST" else None,
                            initial=[review_initial(i, n) for i, n in zip(pending, notes, strict=True)])
    if request.method == "POST" and formset.is_valid():
        confirm_batch([form.cleaned_data for form in formset], batch, request.user)
        return redirect(upload_url(batch, done=True))
    if request.method == "POST" and formset.total_form_count() != len(pending):
        messages.warning(request, "That review page was out of date (part of the upload was "
                                  "already confirmed). Here is what is still waiting.")
        return redirect(upload_url(batch))
    rows = list(zip(formset, pending, notes, strict=True))
    for form, _, note in rows:
        note["cells"] = review_cells(form, note)
    return render(request, "admin/archive/article/review.html", {
        **admin_context, "title": "Review the articles before importing", "formset": formset,
        "rows": rows, "refused": [i for i in items if i.status == UploadItem.Status.REFUSED],
    })


def review_initial(item: UploadItem, notes: dict) -> dict:
    """The form as extraction filled it in; a duplicate starts unchecked."""
    draft = notes["draft"]
    return {"item": item.pk, "include": notes["duplicate"] is None, "title": draft.title,
            "authors": "; ".join(draft.authors), "outlet": draft.outlet or "",
            "published": format_date_input(draft)}


def without_extras(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "batch_topics"}


# The fields ingest rates, with what the review page says when it found nothing for one.
RATED_FIELDS = {"title": "no title found", "authors": "no author found",
                "outlet": "no outlet found", "published": "no date found"}
LINE_ROLES = ("title", "byline", "date", "article", "dropped")
MAX_REVIEW_LINES = 300  # a long capture shows its first lines and says how many more it has
MAX_LINE_CHARS = 1000


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
            "line_counts": counts, "duplicate": duplicate,
            "copy": None if duplicate else duplicates.near_copy(draft.body_text)}


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


def review_cells(form, notes: dict) -> list[tuple]:
    """Each rated field of a review form with its confidence; the input is described by its
    confidence note and help text, so a screen reader hears them with the field."""
    cells = []
    for name in RATED_FIELDS:
        field, confidence = form[name], notes["confidence"][name]
        described = [f"{field.auto_id}_confidence"] if confidence else []
        described += [f"{field.auto_id}_helptext"] if field.help_text else []
        if described:
            form.fields[name].widget.attrs["aria-describedby"] = " ".join(described)
        cells.append((field, confidence))
    return cells


def confirm_batch(rows: list[dict], batch, user) -> None:
    """Import a reviewed batch in one transaction: a crash or error midway imports none of it
    (the review page still shows the whole batch), and the index gets one commit for it."""
    with drains_deferred(), transaction.atomic():
        for number, data in enumerate(rows):
            confirm_item(data, batch, user)
            if number == 0:
                crash_point("upload.confirming")


def confirm_item(data: dict, batch, user) -> None:
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
                          outlet=data["outlet"].strip() or None,
                          published=published, date_precision=precision)
        topics = list(Topic.objects.filter(pk__in=item.draft.get("batch_topics", [])))
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
