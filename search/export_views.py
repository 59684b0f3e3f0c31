"""Download views: a search's whole result set, or one article, in a citation format."""

import logging

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from archive.models import Article, Topic
from search import export, outbox
from search.forms import SearchForm

logger = logging.getLogger(__name__)


class ExportForm(forms.Form):
    """``format``: one of ``export.FORMATS``; CSV when it is left out."""

    format = forms.ChoiceField(
        choices=[(name, f.label) for name, f in export.FORMATS.items()], required=False,
        error_messages={"invalid_choice": f"“%(value)s” is not an export format; use one of "
                                          f"{', '.join(export.FORMATS)}."})

    def clean_format(self) -> str:
        return self.cleaned_data["format"] or "csv"


def _bad_request(message: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": message} | ({"fields": fields} if fields else {}), status=400)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")[:-1]


@require_safe
def export_search(request, slug: str = ""):
    """Every match of a search (the search page's parameters plus ``format``), up to
    ``DOSSIER_EXPORT_LIMIT``, in the page's order; with ``slug``, of that topic's page."""
    if slug and not Topic.objects.filter(slug=slug).exists():
        return JsonResponse({"error": "No such topic."}, status=404)
    search_form, export_form = SearchForm(request.GET), ExportForm(request.GET)
    valid = [search_form.is_valid(), export_form.is_valid()]
    if not all(valid):
        fields = search_form.error_fields() | {
            name: [str(e) for e in errors] for name, errors in export_form.errors.items()}
        return _bad_request("Invalid export parameters.", fields)
    search_request = search_form.search_request(scope_topic=slug)
    limit = settings.DOSSIER_EXPORT_LIMIT
    try:
        found = export.result_ids(search_request, limit)
    except export.NothingToExport as error:
        return _bad_request(str(error))
    except Exception:
        logger.exception("Export failed: the index could not be read.")
        outbox.repair_in_background()
        return JsonResponse({"error": "Export is unavailable: the index could not be read."},
                            status=503)
    fmt = export.FORMATS[export_form.cleaned_data["format"]]
    stem = search_request.q or "-".join([slug, *search_request.topic, *search_request.author,
                                         *search_request.outlet, *search_request.month])
    return export.response(
        fmt, export.articles_in_order(found.ids), _base_url(request), export.file_name(stem, fmt),
        headers={"X-Dossier-Total": str(found.total), "X-Dossier-Exported": str(len(found.ids)),
                 "X-Dossier-Export-Limit": str(limit)})


@require_safe
def export_article(request, pk: int):
    """One article as a file, for the "Download" links of its Cite box."""
    export_form = ExportForm(request.GET)
    if not export_form.is_valid():
        return _bad_request("Invalid export parameters.",
                            {name: [str(e) for e in errors]
                             for name, errors in export_form.errors.items()})
    article = Article.objects.with_related().defer("body_text", "body_html").filter(pk=pk).first()
    if article is None:
        return JsonResponse({"error": "No such article."}, status=404)
    fmt = export.FORMATS[export_form.cleaned_data["format"]]
    return export.response(fmt, [article], _base_url(request),
                           f"dossier-{article.pk}-{article.slug[:60] or 'article'}.{fmt.extension}")
