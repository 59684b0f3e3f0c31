"""The archive in a browser's search bar: an OpenSearch 1.1 description and its suggestions.

Suggestions complete what the reader has typed so far from the names readers search for
(topics, authors, outlets) and from article titles: a word of the name starts with the typed
text. Names are database look-ups bounded to ``SUGGESTIONS`` rows; titles are found in a
per-process copy of every title (``TitleFinder``), as a scan of the article table for a word
no title has would read every article's row. Neither runs a search.
"""

import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.contrib.staticfiles import finders
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive.models import Article, Author, Outlet, Topic
from search.forms import QueryField
from search.topics import archive_version

SUGGESTIONS = 10
SUGGEST_MAX_CHARS = 100
SUGGESTIONS_TYPE = "application/x-suggestions+json"
DESCRIPTION_TYPE = "application/opensearchdescription+xml"
FAVICON = "favicon.ico"


@require_safe
def description(request: HttpRequest) -> HttpResponse:
    """The OpenSearch description browsers read to offer Dossier as a search engine."""
    absolute = request.build_absolute_uri
    return render(request, "opensearch.xml", {
        "search_url": absolute(reverse("search:search")),
        "suggest_url": absolute(reverse("follow:suggest")),
        "feed_url": absolute(reverse("follow:search-feed")),
        "self_url": absolute(reverse("follow:opensearch")),
        "image_url": absolute(static(FAVICON)) if finders.find(FAVICON) else "",
    }, content_type=f"{DESCRIPTION_TYPE}; charset=utf-8")


class SuggestForm(forms.Form):
    q = QueryField(required=False, max_length=SUGGEST_MAX_CHARS)


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # "Topic", "Author", "Outlet" or "Article": the description a browser may show
    url: str  # the page the suggestion names


@require_safe
def suggest(request: HttpRequest) -> JsonResponse:
    """OpenSearch suggestions: ``[typed, [completions], [descriptions], [page URLs]]``."""
    form = SuggestForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": "Invalid suggestion request.",
                             "fields": {name: [str(e) for e in errors]
                                        for name, errors in form.errors.items()}}, status=400)
    typed = form.cleaned_data["q"]
    found = suggestions(typed)
    return JsonResponse([typed, [s.text for s in found], [s.kind for s in found],
                         [request.build_absolute_uri(s.url) for s in found]],
                        safe=False, content_type=SUGGESTIONS_TYPE)


def suggestions(typed: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Names, then titles of the articles added last, with a word starting with ``typed``,
    one suggestion per text."""
    typed = " ".join(typed.split())
    if not typed:
        return []
    found: list[Suggestion] = []
    for model, kind in ((Topic, "Topic"), (Author, "Author"), (Outlet, "Outlet")):
        rows = model.objects.filter(word_starts("name", typed)).order_by("name")
        found += [Suggestion(name, kind, model(name=name, slug=slug).get_absolute_url())
                  for name, slug in rows.values_list("name", "slug")[:limit - len(found)]]
        if len(found) >= limit:
            return unique_texts(found)
    pks = titles().find(typed, limit - len(found))
    rows = Article.objects.only("title", "slug").in_bulk(pks)  # gone meanwhile: left out
    found += [Suggestion(rows[pk].title, "Article", rows[pk].get_absolute_url())
              for pk in pks if pk in rows]
    return unique_texts(found)


def unique_texts(found: list[Suggestion]) -> list[Suggestion]:
    """The first suggestion of each text: an author may share a name with a topic."""
    seen, unique = set(), []
    for suggestion in found:
        if suggestion.text.casefold() not in seen:
            seen.add(suggestion.text.casefold())
            unique.append(suggestion)
    return unique


def word_starts(field: str, typed: str) -> Q:
    """``field`` starts with ``typed``, or one of its later words does ("fly": "Michael Flynn")."""
    return Q(**{f"{field}__istartswith": typed}) | Q(**{f"{field}__icontains": f" {typed}"})


class TitleFinder:
    """Every article title, most recently added first, casefolded into one string in which
    ``find`` looks for a word start with ``str.find``: microseconds per keystroke, and a few
    megabytes per process for 100,000 titles (ids are kept, titles are read back by id)."""

    def __init__(self, version: int, rows: Iterable[tuple[int, str]]):
        self.version = version
        self.pks, self.starts = array("q"), array("q")
        parts, at = [], 0
        for pk, title in rows:
            part = " " + " ".join(title.split()).casefold() + "\n"
            self.pks.append(pk)
            self.starts.append(at)
            parts.append(part)
            at += len(part)
        self.text = "".join(parts)

    def find(self, typed: str, limit: int) -> list[int]:
        """Ids of up to ``limit`` titles with a word starting with ``typed``, in title order."""
        needle = " " + " ".join(typed.split()).casefold()
        found: list[int] = []
        at = self.text.find(needle) if limit > 0 else -1
        while at != -1:
            title = bisect_right(self.starts, at) - 1
            found.append(self.pks[title])
            if len(found) == limit or title + 1 == len(self.starts):
                break
            at = self.text.find(needle, self.starts[title + 1])
        return found


_titles: TitleFinder | None = None
_titles_lock = threading.Lock()


def titles() -> TitleFinder:
    """This process's ``TitleFinder``, rebuilt when the archive's version changes: every
    article change passes through the outbox, whose drain moves the version on."""
    global _titles
    version = archive_version()
    if _titles is None or _titles.version != version:
        with _titles_lock:
            if _titles is None or _titles.version != version:
                rows = Article.objects.order_by("-pk").values_list("pk", "title").iterator()
                _titles = TitleFinder(version, rows)
    return _titles


def forget_titles() -> None:
    """Drop this process's titles (tests, whose databases start over at the same version)."""
    global _titles
    _titles = None
