"""Atom feeds: the latest articles, any search, a topic, an author, an outlet.

Each feed lists what its page lists, newest first (a search feed as its ``sort`` asks), at
most ``FEED_SIZE`` entries: the author
and outlet feeds read the same QuerySet rules as their pages, the search and topic feeds go
through ``search.forms`` and ``search.query`` exactly as the search and topic pages do, so a
feed never disagrees with the page it follows. ``page_feed`` is the context processor that
lets ``base.html`` advertise the feed of whatever page it renders.
"""

import dataclasses
import datetime
import logging
import re
from contextvars import ContextVar
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from archive.models import Article, Author, DatePrecision, Outlet, Topic
from search import outbox, query
from search.forms import SearchForm

logger = logging.getLogger(__name__)

FEED_SIZE = 50
SUMMARY_WORDS = 60
UNKNOWN_AUTHOR = "Author unknown"
DCTERMS = "http://purl.org/dc/terms/"

# The request being answered: entry ids and category schemes are absolute URLs, and Django
# hands item methods only the item. One Feed instance serves every thread, so not ``self``.
_request: ContextVar[HttpRequest] = ContextVar("feed_request")


# What XML 1.0 cannot hold at all, escaped or not: a pasted title may carry one.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def absolute(path: str) -> str:
    return _request.get().build_absolute_uri(path)


def xml_text(text: str) -> str:
    """``text`` with the characters XML cannot carry as spaces, so no row can break a feed."""
    return NOT_IN_XML.sub(" ", text)


class ArchiveAtomFeed(Atom1Feed):
    """Atom with what an archive entry holds beyond Django's one author: every author of the
    byline (or "Author unknown", never a guess), the date at its precision as
    ``dcterms:issued`` ("2017-02": Atom's own dates need a day, so only day-precision
    articles get ``published``), the outlet as a category, the text's language, and the
    summary as plain text."""

    def root_attributes(self) -> dict:
        return {**super().root_attributes(), "xmlns:dcterms": DCTERMS}

    def item_attributes(self, item) -> dict:
        return {"xml:lang": item["language"]} if item["language"] else {}

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        for name in item["author_names"] or [UNKNOWN_AUTHOR]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        if item["issued"]:
            handler.addQuickElement("dcterms:issued", item["issued"])
        if item["outlet"]:
            handler.addQuickElement("category", "", item["outlet"])
        handler.addQuickElement("summary", item["summary"], {"type": "text"})


class ArticleFeed(Feed):
    """The entries every Dossier feed shares; subclasses say which articles and what title."""

    feed_type = ArchiveAtomFeed

    def __call__(self, request, *args, **kwargs) -> HttpResponse:
        token = _request.set(request)
        try:
            response = super().__call__(request, *args, **kwargs)
        finally:
            _request.reset(token)
        # Django dates the feed by its newest entry, which a corrected title or a deleted
        # article does not move: a reader asking "modified since?" would miss both. The ETag
        # (of the content itself) is what says whether a reader has this version.
        del response["Last-Modified"]
        return response

    def item_title(self, article: Article) -> str:
        return xml_text(article.title)  # Atom titles are text: escaped once, by the generator

    def item_guid(self, article: Article) -> str:
        """The short article URL: it stays the same when a corrected title changes the slug."""
        return absolute(reverse("archive:article-short", args=[article.pk]))

    def item_pubdate(self, article: Article) -> datetime.datetime | None:
        if article.date_precision != DatePrecision.DAY:
            return None
        return datetime.datetime.combine(article.published, datetime.time(), datetime.UTC)

    def item_updateddate(self, article: Article) -> datetime.datetime:
        """When the article entered the archive: dated or not, what a follower sees as new."""
        return article.created

    def item_description(self, article: Article) -> None:
        return None  # the plain-text summary is written by ArchiveAtomFeed instead

    def item_extra_kwargs(self, article: Article) -> dict:
        outlet = article.outlet
        return {
            "author_names": [xml_text(author.name) for author in article.author_list],
            "issued": article.published_iso,
            "language": article.language,
            "summary": summary(article),
            "outlet": outlet and {"term": outlet.slug, "label": xml_text(outlet.name),
                                  "scheme": absolute(reverse("archive:outlets"))},
        }


def summary(article: Article) -> str:
    """What a feed reader shows under the title: outlet, date as precisely as known, excerpt."""
    outlet = article.outlet.name if article.outlet else "Outlet unknown"
    excerpt = Truncator(" ".join(article.excerpt.split())).words(SUMMARY_WORDS)
    return xml_text(f"{outlet} · {article.date_display}. {excerpt}")


class LatestFeed(ArticleFeed):
    title = "Dossier: latest articles"
    subtitle = "The newest articles in the archive."

    def link(self) -> str:
        return reverse("archive:latest")

    def items(self) -> list[Article]:
        return Article.objects.latest_first().with_related()[:FEED_SIZE]


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug: str) -> Author:
        return Author.objects.get(slug=slug)

    def title(self, author: Author) -> str:
        return xml_text(f"Dossier: articles by {author.name}")

    def link(self, author: Author) -> str:
        return author.get_absolute_url()

    def items(self, author: Author) -> list[Article]:
        return author.articles.latest_first().with_related()[:FEED_SIZE]


class OutletFeed(ArticleFeed):
    def get_object(self, request, slug: str) -> Outlet:
        return Outlet.objects.get(slug=slug)

    def title(self, outlet: Outlet) -> str:
        return xml_text(f"Dossier: articles from {outlet.name}")

    def link(self, outlet: Outlet) -> str:
        return outlet.get_absolute_url()

    def items(self, outlet: Outlet) -> list[Article]:
        return outlet.articles.latest_first().with_related()[:FEED_SIZE]


class FeedRefused(Exception):
    """A search feed that cannot be made: its response says why (400 or 503)."""

    def __init__(self, response: HttpResponse):
        self.response = response


@dataclasses.dataclass(frozen=True)
class SearchSubject:
    """One search, run: what the search and topic feeds are about."""

    result: query.ResultPage
    link: str
    feed_url: str
    topic: Topic | None = None

    @property
    def followed(self) -> list[str]:
        """The words and filters searched for, as the page's chips name them."""
        words = [f"“{self.result.request.q}”"] if self.result.request.q else []
        return words + [label for _, _, label in self.result.active_filters]


class SearchFeed(ArticleFeed):
    """A search's matches, with the search page's own GET parameters, newest first unless
    ``sort`` asks otherwise. Bad parameters are a 400 naming them, as on the page."""

    def __call__(self, request, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except FeedRefused as refused:
            return refused.response

    def get_object(self, request) -> SearchSubject:
        return run_search(request, reverse("search:search"))

    def title(self, subject: SearchSubject) -> str:
        return xml_text(f"Dossier search: {', '.join(subject.followed) or 'every article'}")

    def link(self, subject: SearchSubject) -> str:
        return subject.link

    def feed_url(self, subject: SearchSubject) -> str:
        return subject.feed_url

    def items(self, subject: SearchSubject) -> list[Article]:
        return [hit.article for hit in subject.result.hits]


class TopicFeed(SearchFeed):
    """A topic's articles, narrowed by the same parameters the topic page takes."""

    def get_object(self, request, slug: str) -> SearchSubject:
        topic = Topic.objects.get(slug=slug)
        return run_search(request, topic.get_absolute_url(), topic)

    def title(self, subject: SearchSubject) -> str:
        return xml_text(", ".join([f"Dossier topic: {subject.topic.name}", *subject.followed]))


def run_search(request, page_url: str, topic: Topic | None = None) -> SearchSubject:
    """The feed's page of results, validated and searched as the search page does it."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}"
                           for name, messages in form.error_fields().items())
        raise FeedRefused(plain_text(f"Invalid search parameters. {errors}", 400))
    scope = {"scope_topic": topic.slug} if topic else {}
    wanted = dataclasses.replace(form.search_request(per_page=FEED_SIZE, **scope),
                                 sort=form.cleaned_data["sort"] or "newest", page=1)
    try:
        result = query.search(wanted)
    except Exception:
        logger.exception("Search feed failed: the index could not be read.")
        outbox.repair_in_background()
        raise FeedRefused(plain_text("Search is unavailable: the index could not be read. "
                                     "Try again shortly.", 503)) from None
    params = request.GET.copy()
    params.pop("page", None)
    suffix = f"?{params.urlencode()}" if params else ""
    return SearchSubject(result, link=page_url + suffix, feed_url=request.path + suffix,
                         topic=topic)


def plain_text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


# Advertising feeds -------------------------------------------------------------------------

def month_search(year: int, month: int) -> dict:
    return {"month": f"{year:04d}-{month:02d}"}


def year_search(year: int) -> dict:
    """A year page's articles are those whose date falls in it (year-only dates too)."""
    return {"from": f"{year:04d}-01-01", "to": f"{year:04d}-12-31"}


# page view name -> (its feed's URL name, the feed's title in the <link>, and for a page that
# is a search by another name, the search parameters its URL arguments stand for)
FEEDS_OF_PAGES = {
    "archive:home": ("follow:latest-feed", "Dossier: latest articles", None),
    "archive:latest": ("follow:latest-feed", "Dossier: latest articles", None),
    "archive:author": ("follow:author-feed", "Dossier: this author's articles", None),
    "archive:outlet": ("follow:outlet-feed", "Dossier: this outlet's articles", None),
    "archive:month": ("follow:search-feed", "Dossier: this month's articles", month_search),
    "archive:year": ("follow:search-feed", "Dossier: this year's articles", year_search),
    "search:topic": ("follow:topic-feed", "Dossier: this topic's articles", None),
    "search:search": ("follow:search-feed", "Dossier: this search's newest matches", None),
}
# Pages whose GET parameters are search parameters: their feeds take them too.
SEARCH_PAGES = {"search:search", "search:topic"}


def page_feed(request: HttpRequest) -> dict:
    """``page_feed`` ({url, title}) for the page being rendered, when it has a feed. Reads
    only the resolved URL and the query string: no database query on any page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in FEEDS_OF_PAGES:
        return {}
    name, title, as_search = FEEDS_OF_PAGES[match.view_name]
    if as_search:
        url = f"{reverse(name)}?{urlencode(as_search(**match.kwargs))}"
    else:
        url = reverse(name, kwargs=match.kwargs)
    if match.view_name in SEARCH_PAGES:
        params = request.GET.copy()
        params.pop("page", None)
        if params:
            url += f"?{params.urlencode()}"
    return {"page_feed": {"url": url, "title": title}}
