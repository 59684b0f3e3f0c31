"""The project's URLs: browse pages, feeds and the rest that lets readers follow, search, admin."""

from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static
from django.urls import include, path, register_converter
from django.utils.functional import lazy
from django.views.decorators.http import conditional_page, require_safe
from django.views.generic import RedirectView

from archive import feeds, views
from archive.sitemaps import SITEMAPS
from search import opensearch


class TwoDigitMonth:
    """``02`` in URLs, 2 in views: month archive URLs read like /archive/2017/02/."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):02d}"


register_converter(TwoDigitMonth, "mm")

app_name = "archive"

archive_patterns = [
    path("", views.home, name="home"),
    path("latest/", views.latest, name="latest"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<int:pk>/", views.article_detail, name="article-short"),
    path("captures/<int:pk>/", views.capture_download, name="capture"),
    path("authors/", views.author_list, name="authors"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("outlets/", views.outlet_list, name="outlets"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet"),
    path("archive/", views.archive_index, name="archive-index"),
    path("archive/undated/", views.undated, name="undated"),
    path("archive/<int:year>/", views.year_archive, name="year"),
    path("archive/<int:year>/<mm:month>/", views.month_archive, name="month"),
]

def polled(view):
    """A read-only view that feed readers or crawlers fetch again and again: cached until the
    archive changes, and a 304 to a client that already has this version (ETag, Last-Modified)."""
    return require_safe(conditional_page(views.cached_while_unchanged(view)))


# Following the archive: feeds of pages (each beside its page's URL), search-bar integration,
# what crawlers read. Before search.urls, whose pages some of these follow.
follow_patterns = [
    path("latest/feed/", polled(feeds.LatestFeed()), name="latest-feed"),
    path("search/feed/", polled(feeds.SearchFeed()), name="search-feed"),
    path("topics/<slug:slug>/feed/", polled(feeds.TopicFeed()), name="topic-feed"),
    path("authors/<slug:slug>/feed/", polled(feeds.AuthorFeed()), name="author-feed"),
    path("outlets/<slug:slug>/feed/", polled(feeds.OutletFeed()), name="outlet-feed"),
    path("opensearch.xml", opensearch.description, name="opensearch"),
    path("search/suggest", opensearch.suggest, name="suggest"),
    path("sitemap.xml", polled(sitemap_views.index), {
        "sitemaps": SITEMAPS, "sitemap_url_name": "follow:sitemap-section"}, name="sitemap"),
    path("sitemap-<section>.xml", polled(sitemap_views.sitemap), {"sitemaps": SITEMAPS},
         name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("icons/favicon.ico")), name="favicon"),
]

urlpatterns = [
    path("", include((archive_patterns, "archive"))),
    path("", include((follow_patterns, "follow"))),
    path("", include("search.urls")),
    path("admin/", admin.site.urls),
]
