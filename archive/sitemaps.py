"""What crawlers should read: every article, author, outlet, topic and month page.

``/sitemap.xml`` is Django's sitemap index over these sections, and each section is paged by
``limit``, so a large archive is many small files. Only pages with articles are listed. Only
articles carry a ``lastmod``: an author's, outlet's or topic's would be the newest change
among its articles, and reading every article's ``updated`` (stored after its text) makes
those sections many times dearer.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from archive.models import Article, Author, Outlet, Topic


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Article.objects.only("pk", "slug", "updated").order_by("pk")

    def lastmod(self, article: Article) -> datetime.datetime:
        return article.updated

    def get_latest_lastmod(self) -> datetime.datetime | None:
        """One aggregate, where Django's default would call ``lastmod`` on every article."""
        return Article.objects.aggregate(latest=Max("updated"))["latest"]


class AuthorSitemap(Sitemap):
    def items(self):
        return Author.objects.filter(authorships__isnull=False).distinct().only("slug").order_by("slug")


class OutletSitemap(Sitemap):
    def items(self):
        return Outlet.objects.filter(articles__isnull=False).distinct().only("slug").order_by("slug")


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.filter(memberships__isnull=False).distinct().only("slug").order_by("slug")


class MonthSitemap(Sitemap):
    """Month pages with articles; their dates are what the pages are about, not changes."""

    def items(self) -> list[datetime.date]:
        return [row["month"] for row in Article.objects.month_counts()]

    def location(self, month: datetime.date) -> str:
        return reverse("archive:month", args=[month.year, month.month])


class PageSitemap(Sitemap):
    """The fixed pages a reader starts from."""

    def items(self) -> list[str]:
        return ["archive:home", "archive:latest", "archive:archive-index", "archive:authors",
                "archive:outlets", "search:topics", "search:help"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
    "outlets": OutletSitemap,
    "topics": TopicSitemap,
    "months": MonthSitemap,
}
