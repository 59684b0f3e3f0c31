"""The archive's data: outlets, authors, articles with their original captures, topics."""

import calendar
import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from archive.ingest import (
    body_fingerprint,
    count_words,
    http_url,
    normalize_name,
    sanitize_html,
    text_to_html,
)

# The matching keys are ingest's, so upload and database agree on who is who.
name_key = normalize_name
body_hash = body_fingerprint


def unique_slug(model, text: str, *, max_length: int = 80) -> str:
    """A slug for ``text`` that no row of ``model`` has yet ("john-smith", "john-smith-2")."""
    base = slugify(text)[:max_length].strip("-") or "untitled"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class NamedQuerySet(models.QuerySet):
    def with_article_counts(self):
        return self.annotate(article_count=models.Count("articles", distinct=True))


class NamedModel(models.Model):
    """An outlet or author: matched by its normalized name, addressed by a unique slug."""

    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    slug = models.SlugField(max_length=100, unique=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        if not self.slug:
            self.slug = unique_slug(type(self), self.name)
        super().save(*args, **kwargs)


class Outlet(NamedModel):
    homepage = models.URLField(blank=True)

    def get_absolute_url(self) -> str:
        return reverse("archive:outlet", args=[self.slug])


class Author(NamedModel):
    affiliation = models.CharField(max_length=300, blank=True)

    def get_absolute_url(self) -> str:
        return reverse("archive:author", args=[self.slug])


class Topic(models.Model):
    """A theme of the collection: its saved query's hits, plus pinned, minus excluded articles.

    Pinned articles are those whose ``topics`` name this topic (editors set them on the article);
    ``excluded`` removes query hits an editor judged off-topic.
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    query = models.CharField(
        max_length=500, blank=True, help_text="Search query whose hits belong to this topic."
    )
    excluded = models.ManyToManyField(
        "Article", blank=True, related_name="excluded_from_topics",
        help_text="Articles the query matches that do not belong here.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("search:topic", args=[self.slug])


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


DATED = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles with a known publication date, newest first."""
        return self.filter(date_precision__in=DATED).order_by("-published", "-created")

    def latest_first(self):
        return self.order_by(models.F("published").desc(nulls_last=True), "-created")

    def in_year(self, year: int):
        return self.published().filter(published__year=year)

    def in_month(self, year: int, month: int):
        """Day- and month-precision articles of that month ("February 2017" is in February)."""
        return self.published().filter(
            published__year=year,
            published__month=month,
            date_precision__in=[DatePrecision.DAY, DatePrecision.MONTH],
        )

    def with_related(self):
        """Everything a list row shows (outlet, ordered authors) in two extra queries at most."""
        return self.select_related("outlet").prefetch_related(
            models.Prefetch(
                "authorships",
                queryset=ArticleAuthor.objects.select_related("author").order_by("position"),
            )
        )

    def month_counts(self):
        """(month date, count) of day- and month-precision articles, newest first."""
        return (
            self.filter(date_precision__in=[DatePrecision.DAY, DatePrecision.MONTH])
            .annotate(month=models.functions.TruncMonth("published"))
            .values("month")
            .annotate(count=models.Count("id"))
            .order_by("-month")
        )


class Article(models.Model):
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=120, blank=True)
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", blank=True
    )
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    published = models.DateField(
        null=True, blank=True,
        help_text="For month precision the first of the month; for year precision 1 January.",
    )
    date_precision = models.CharField(
        max_length=7, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    source_url = models.URLField(max_length=2000, blank=True)
    lede = models.TextField(blank=True)
    body_text = models.TextField(help_text="Clean text; paragraphs separated by a blank line.")
    body_html = models.TextField(blank=True, help_text="Sanitized HTML of the body.")
    language = models.CharField(max_length=12, blank=True)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="pinned_articles",
        help_text="Topics an editor pinned this article to (query matches are added by search).",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # A near-copy (a syndicated or lightly edited version) points at the article it copies, so
    # results list the copies under one hit; ``resemblance`` is the share of text they share.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies",
        help_text="The article this one is a near-copy of (a syndicated or lightly edited version).",
    )
    resemblance = models.FloatField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-created"]
        indexes = [models.Index(fields=["published", "date_precision"])]
        constraints = [
            models.CheckConstraint(
                name="article_date_matches_precision",
                condition=(Q(date_precision=DatePrecision.UNKNOWN, published__isnull=True)
                           | (Q(date_precision__in=DATED) & Q(published__isnull=False))),
            ),
            models.CheckConstraint(name="article_title_not_empty", condition=~Q(title="")),
            models.CheckConstraint(name="article_body_not_empty", condition=~Q(body_text="")),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_text = self.body_text.replace("\r\n", "\n").replace("\r", "\n").strip()
        self.published = normalize_date(self.published, self.date_precision)
        self.word_count = count_words(self.body_text)
        self.content_hash = body_hash(self.body_text)
        self.source_url = http_url(self.source_url)
        if self._body_text_edited_alone():
            self.body_html = ""  # derived again below from the new text
        # Every stored HTML passes bleach, whoever wrote it (upload, admin form, shell).
        self.body_html = sanitize_html(self.body_html or text_to_html(self.paragraphs))
        if not self.slug:
            self.slug = slugify(self.title)[:120].strip("-") or "article"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:article", args=[self.pk, self.slug or "article"])

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._loaded_body = (article.__dict__.get("body_text"), article.__dict__.get("body_html"))
        return article

    def validate_unique(self, exclude=None):
        """The same text twice is a form error naming the other article, not a crash."""
        super().validate_unique(exclude)
        twin = (Article.objects.filter(content_hash=body_hash(self.body_text))
                .exclude(pk=self.pk).first())
        if twin:
            raise ValidationError({"body_text": f"This text is already in the archive as "
                                                f"“{twin.title}” (#{twin.pk})."})

    def _body_text_edited_alone(self) -> bool:
        """True when the text changed but its HTML did not: the HTML would show the old text."""
        loaded = getattr(self, "_loaded_body", None)
        return bool(loaded) and self.body_text != loaded[0] and self.body_html == loaded[1]

    @property
    def author_list(self) -> list[Author]:
        """Authors in byline order; uses the prefetch of ``with_related()`` when present."""
        return [a.author for a in self.authorships.all()]

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body_text.split("\n\n") if p.strip()]

    @property
    def excerpt(self) -> str:
        """What a list row shows under the title: the lede, else the opening paragraph."""
        return self.lede or next(iter(self.paragraphs), "")

    @property
    def month_key(self) -> str:
        """``YYYY-MM`` when the month is known, else empty."""
        if self.date_precision in (DatePrecision.DAY, DatePrecision.MONTH):
            return self.published.strftime("%Y-%m")
        return ""

    @property
    def published_iso(self) -> str | None:
        """ISO 8601 at the known precision: "2017-02-22", "2017-02", "2017" or None."""
        return iso_date(self.published, self.date_precision)

    @property
    def date_display(self) -> str:
        """The date as precisely as it is known: "22 February 2017", "February 2017", "2017"."""
        return format_date(self.published, self.date_precision)

    def index_components(self) -> dict:
        """What search indexes for this article (``search`` turns it into a document)."""
        return {
            "id": self.pk,
            "title": self.title,
            "lede": self.lede,
            "body": self.body_text,
            "authors": [a.slug for a in self.author_list],
            "author_names": [a.name for a in self.author_list],
            "outlet": self.outlet.slug if self.outlet_id else "",
            "outlet_name": self.outlet.name if self.outlet_id else "",
            "pinned_topics": sorted(t.slug for t in self.topics.all()),
            "excluded_topics": sorted(t.slug for t in self.excluded_from_topics.all()),
            "month": self.month_key,
            "year": self.published.year if self.published else None,
            "published": self.published,
            "date_precision": self.date_precision,
            "date_range": date_range(self.published, self.date_precision),
            "content_hash": self.content_hash,
        }


def normalize_date(value, precision: str):
    """Month precision keeps the first of the month, year precision 1 January."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    return value


def date_range(value, precision: str) -> tuple[date, date] | None:
    """The first and last day a known date can be ("February 2017": 1-28 February)."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1), value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        first = value.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    return value, value


ISO_FORMATS = {DatePrecision.DAY: "%Y-%m-%d", DatePrecision.MONTH: "%Y-%m",
               DatePrecision.YEAR: "%Y"}


def iso_date(value, precision: str) -> str | None:
    """ISO 8601 cut to the known precision, so a month is never mistaken for its first day."""
    if value is None or precision not in ISO_FORMATS:
        return None
    return value.strftime(ISO_FORMATS[precision])


def format_date(value, precision: str) -> str:
    if value is None or precision == DatePrecision.UNKNOWN:
        return "Date unknown"
    if precision == DatePrecision.YEAR:
        return str(value.year)
    month = calendar.month_name[value.month]
    if precision == DatePrecision.MONTH:
        return f"{month} {value.year}"
    return f"{value.day} {month} {value.year}"


class TopicMembership(models.Model):
    """An article's place in a topic: its saved query's hit, or pinned, and not excluded.

    Derived, like the search index, and written by the same outbox drain in step with it
    (``search.outbox``); ``sync_index`` repairs both. Browse pages read topics from here.
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="memberships")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "article"],
                                               name="topic_membership_once")]

    def __str__(self) -> str:
        return f"{self.article_id} in {self.topic_id}"


class ArticleAuthor(models.Model):
    """An author's place in an article's byline."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="one_byline_per_author"),
            models.UniqueConstraint(fields=["article", "position"], name="one_author_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.author} ({self.position + 1})"


class TextBand(models.Model):
    """One band of an article's MinHash signature (``archive.similarity``): two articles sharing
    a band are candidate near-copies, checked against each other's text before anyone is told."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="text_bands")
    value = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.article_id}: {self.value}"


class Capture(models.Model):
    """The original upload, byte for byte. Stored in the database so that saving an article
    and its capture is one transaction: nothing is half-written if either fails."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="captures")
    file_name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField(editable=False)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="captures",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.file_name

    def save(self, *args, **kwargs):
        data = bytes(self.content)
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:capture", args=[self.pk])


class UploadItem(models.Model):
    """One file of an admin upload, held between "review" and "confirm".

    Keeping the original bytes and the extracted draft here (not in the session) lets an editor
    correct the draft before anything becomes an article, and makes confirming idempotent:
    an item is imported once, and a reload or a second submit only shows what became of it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        IMPORTED = "imported", "Imported"
        DUPLICATE = "duplicate", "Duplicate"
        REFUSED = "refused", "Refused"
        SKIPPED = "skipped", "Not imported"

    batch = models.UUIDField(db_index=True)
    position = models.PositiveIntegerField()
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(blank=True)
    draft = models.JSONField(null=True, blank=True, help_text="What extraction found.")
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(blank=True)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="one_item_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
