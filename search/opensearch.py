"""The archive in a browser's search bar: an OpenSearch 1.1 description and its suggestions.

Suggestions complete what the reader has typed so far from the names readers search for
(topics, authors, outlets) and from article titles: a word of the name starts with the typed
text. They are database look-ups bounded to ``SUGGESTIONS`` rows each, so they stay cheap
whatever the engine, and they never run a search.
"""

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
    """Names and then titles with a word starting with ``typed``, one of each text."""
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
    titles = Article.objects.filter(word_starts("title", typed)).latest_first()
    found += [Suggestion(title, "Article", reverse("archive:article", args=[pk, slug or "article"]))
              for title, pk, slug in titles.values_list("title", "pk", "slug")[:limit - len(found)]]
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
