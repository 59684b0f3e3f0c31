"""Search, topic and API views: validate with the form, call ``search.query``, render."""

import logging

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from archive.models import Article, Topic
from search import api, outbox, query
from search.charts import month_bars
from search.forms import SearchForm
from search.topics import topics_with_counts

logger = logging.getLogger(__name__)

FACET_TITLES = [("topic", "Topics"), ("author", "Authors"), ("outlet", "Outlets"),
                ("month", "Months")]


def _page_context(request, form: SearchForm, **extra) -> dict:
    """Context shared by the search and topic pages, plus an HTTP status."""
    if not form.is_valid():
        q = request.GET.get("q", "")[:settings.DOSSIER_QUERY_MAX_CHARS]
        return {"form": form, "q": q, "status": 400} | extra
    try:
        result = query.search(form.search_request(**extra.pop("scope", {})))
    except Exception:
        logger.exception("Search failed: the index could not be read.")
        outbox.repair_in_background()
        return {"form": form, "q": form.cleaned_data["q"], "unavailable": True, "status": 503} | extra
    result.hits = query.group_versions(result.hits)
    params = request.GET.copy()
    params.pop("page", None)
    kept = [(key, value) for key, values in params.lists() if key not in ("from", "to")
            for value in values]
    return {
        "kept_params": kept, "date_from": request.GET.get("from", "")[:10],
        "date_to": request.GET.get("to", "")[:10],
        "form": form, "q": form.cleaned_data["q"], "result": result, "page": result,
        "timeline": month_bars(result.months, totals=result.archive_months or None),
        "query_string": params.urlencode(),
        "sorts": query.SORTS, "facet_titles": FACET_TITLES, "status": 200,
    } | extra


@require_safe
def search(request):
    context = _page_context(request, SearchForm(request.GET))
    return render(request, "search/search.html", context, status=context["status"])


@require_safe
def search_help(request):
    return render(request, "search/help.html")


@require_safe
def topic_list(request):
    return render(request, "search/topic_list.html", {"topics": topics_with_counts()})


@require_safe
def topic_detail(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    context = _page_context(request, SearchForm(request.GET), topic=topic,
                            scope={"scope_topic": topic.slug})
    return render(request, "search/topic_detail.html", context, status=context["status"])


@require_safe
def api_search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": "Invalid search parameters.",
                             "fields": form.error_fields()}, status=400)
    try:
        result = query.search(form.search_request())
    except Exception:
        logger.exception("Search failed: the index could not be read.")
        outbox.repair_in_background()
        return JsonResponse({"error": "Search is unavailable: the index could not be read."},
                            status=503)
    return JsonResponse(api.result_page(result))


@require_safe
def api_article(request, pk: int):
    article = Article.objects.with_related().filter(pk=pk).first()
    if article is None:
        return JsonResponse({"error": "No such article."}, status=404)
    return JsonResponse(api.article_detail(article))
