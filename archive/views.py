"""Browse pages: thin views over the QuerySet rules in ``archive.models``."""

import calendar
import datetime
import hashlib
import posixpath
import unicodedata
from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive.models import Article, Author, Capture, DatePrecision, Outlet, Topic
from search.topics import archive_version, topics_for_article


def paginate(request, queryset, per_page: int | None = None):
    """One page of ``queryset``; out-of-range or junk page numbers give the nearest page."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE, orphans=3)
    return paginator.get_page(request.GET.get("page"))


def article_page(request, queryset):
    """A page of articles with their outlet and authors fetched in bulk."""
    return paginate(request, queryset.with_related())


@require_safe
def home(request):
    return render(request, "archive/home.html", {
        "articles": Article.objects.latest_first().with_related()[:10],
        "topics": Topic.objects.all(),
        **cached_by_archive_version("home-summary", archive_summary),
    })


@require_safe
def latest(request):
    """Every article, newest first, a page at a time: where the home page's "More" leads."""
    page = article_page(request, Article.objects.latest_first())
    return render(request, "archive/latest.html", {"page": page})


@require_safe
def robots_txt(request):
    """Where crawlers may go, and the absolute address of the sitemap they should read."""
    return render(request, "robots.txt", {
        "sitemap_url": request.build_absolute_uri(reverse("follow:sitemap")),
    }, content_type="text/plain; charset=utf-8")


def archive_summary() -> dict:
    """The home page's counts: aggregates over every article, so computed once per change."""
    return {
        "months": list(Article.objects.month_counts()[:24]),
        "outlets": list(Outlet.objects.with_article_counts().filter(article_count__gt=0)
                        .order_by("-article_count", "name")[:15]),
        "authors": list(Author.objects.with_article_counts().filter(article_count__gt=0)
                        .order_by("-article_count", "name")[:15]),
        "article_count": Article.objects.count(),
    }


def cached_by_archive_version(name: str, compute, seconds: int = 300):
    """``compute()``, cached until the outbox next drains: every article change passes
    through it, so its generation is a cheap version of the archive in the database."""
    key = f"{name}:{archive_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def cached_while_unchanged(view):
    """``view``'s successful responses, kept per URL until the archive next changes: for what
    feed readers and crawlers poll (feeds, sitemaps), which a change to any article may alter.
    The key holds the host and scheme too, as these responses write absolute links."""
    @wraps(view)
    def cached(request, *args, **kwargs):
        url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"response:{url}:{archive_version()}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                if hasattr(response, "render"):
                    response.render()  # a TemplateResponse is cached as the bytes it renders
                cache.set(key, response, 300)
        return response
    return cached


@require_safe
def article_detail(request, pk: int, slug: str = ""):
    """The reading view. Rendered pages are cached per version of the row and of the index
    (topic membership): an article is read far more often than it changes."""
    current = Article.objects.filter(pk=pk).values_list("slug", "updated").first()
    if current is None:
        raise Http404("No such article.")
    if slug != current[0]:
        return redirect("archive:article", pk=pk, slug=current[0] or "article", permanent=True)
    key = f"article-page:{pk}:{current[1].isoformat()}:{request.user.is_staff}"
    return HttpResponse(cached_by_archive_version(key, lambda: render_article(request, pk)))


def render_article(request, pk: int) -> str:
    article = get_object_or_404(
        Article.objects.with_related().prefetch_related(
            Prefetch("captures", Capture.objects.defer("content"))  # never the bytes themselves
        ), pk=pk,
    )
    return render_to_string("archive/article_detail.html", {
        "article": article,
        "topics": topics_for_article(article),
        "captures": article.captures.all(),
        "versions": other_versions(article),
    }, request)


def other_versions(article: Article) -> list[Article]:
    """The other versions of the story this article tells (the original and its near-copies),
    oldest first."""
    story = article.duplicate_of_id or article.pk
    return list(Article.objects.filter(Q(pk=story) | Q(duplicate_of=story)).exclude(pk=article.pk)
                .select_related("outlet").order_by("pk"))


@require_safe
def capture_download(request, pk: int):
    """The original capture, byte for byte, as a download: never rendered, sniffed or run as a
    page of ours, whatever markup and script it holds."""
    capture = get_object_or_404(Capture, pk=pk)
    response = HttpResponse(bytes(capture.content), content_type="application/octet-stream")
    response["Content-Disposition"] = attachment_header(capture)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser ever render it anyway: no script, no subresources, an opaque origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def attachment_header(capture: Capture) -> str:
    """``attachment`` with an ASCII ``filename`` every browser reads and, for a name in another
    script, the exact name as RFC 6266 ``filename*`` (UTF-8, percent-encoded)."""
    name = safe_filename(capture)
    ascii_name = safe_filename(capture, ascii_only=True)
    header = f'attachment; filename="{ascii_name}"'
    if name != ascii_name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def safe_filename(capture: Capture, ascii_only: bool = False) -> str:
    """The capture's file name without paths, quotes, control characters or anything else a
    header or a file system could misread; a name with nothing left becomes capture-<pk>."""
    base = unicodedata.normalize("NFC", capture.file_name).replace("\\", "/").rsplit("/", 1)[-1]
    stem, extension = (kept_characters(part, ascii_only) for part in posixpath.splitext(base))
    stem = stem.strip(". ")[:150].strip(". ") or f"capture-{capture.pk}"
    return stem + (extension[:16] if len(extension) > 1 else "")


def kept_characters(text: str, ascii_only: bool) -> str:
    """Letters, digits and ``._-``; anything else becomes a space, runs of spaces one."""
    kept = "".join(c if (c.isalnum() or c in "._-") and (c.isascii() or not ascii_only) else " "
                   for c in text)
    return " ".join(kept.split())


@require_safe
def author_list(request):
    authors = Author.objects.with_article_counts().order_by("name")
    return render(request, "archive/author_list.html", {"page": paginate(request, authors, 50)})


@require_safe
def author_detail(request, slug: str):
    author = get_object_or_404(Author, slug=slug)
    page = article_page(request, author.articles.latest_first())
    return render(request, "archive/author_detail.html", {"author": author, "page": page})


@require_safe
def outlet_list(request):
    outlets = Outlet.objects.with_article_counts().order_by("name")
    return render(request, "archive/outlet_list.html", {"page": paginate(request, outlets, 50)})


@require_safe
def outlet_detail(request, slug: str):
    outlet = get_object_or_404(Outlet, slug=slug)
    page = article_page(request, outlet.articles.latest_first())
    return render(request, "archive/outlet_detail.html", {"outlet": outlet, "page": page})


@require_safe
def archive_index(request):
    years = (
        Article.objects.published()
        .annotate(year=ExtractYear("published"))
        .values("year")
        .annotate(count=Count("id"))
        .order_by("-year")
    )
    return render(request, "archive/archive_index.html", {
        "years": years,
        "months": Article.objects.month_counts(),
        "undated_count": Article.objects.filter(date_precision=DatePrecision.UNKNOWN).count(),
    })


@require_safe
def year_archive(request, year: int):
    check_year(year)
    articles = Article.objects.in_year(year)
    months = articles.month_counts()
    return render(request, "archive/year_archive.html", {
        "year": year,
        "months": months,
        "page": article_page(request, articles),
        "year_only_count": articles.filter(date_precision=DatePrecision.YEAR).count(),
    })


@require_safe
def month_archive(request, year: int, month: int):
    check_year(year)
    articles = Article.objects.in_month(year, month)
    return render(request, "archive/month_archive.html", {
        "year": year,
        "month": month,
        "month_name": calendar.month_name[month],
        "page": article_page(request, articles),
        "previous": neighbour_month(year, month, before=True),
        "next": neighbour_month(year, month, before=False),
    })


@require_safe
def undated(request):
    articles = Article.objects.filter(date_precision=DatePrecision.UNKNOWN).order_by("-created")
    return render(request, "archive/undated.html", {"page": article_page(request, articles)})


def check_year(year: int) -> None:
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise Http404("No such year.")


def neighbour_month(year: int, month: int, *, before: bool) -> datetime.date | None:
    """The nearest earlier (or later) month that has articles, for prev/next links."""
    first = datetime.date(year, month, 1)
    dated = Article.objects.filter(
        date_precision__in=[DatePrecision.DAY, DatePrecision.MONTH]
    )
    if before:
        row = dated.filter(published__lt=first).order_by("-published").first()
    else:
        after = Q(published__year__gt=year) | Q(published__year=year, published__month__gt=month)
        row = dated.filter(after).order_by("published").first()
    return row.published.replace(day=1) if row else None
