"""Links that add or remove one search parameter while keeping all the others.

A result page has hundreds of such links (every month of the timeline and of the month facet,
every author, outlet and topic shown): copying and re-encoding the whole query string for each
was a quarter of the page's rendering time. The current parameters are encoded once per
request; each link re-encodes only the parameter it changes.
"""

from urllib.parse import quote_plus

from django import template

register = template.Library()
SINGLE = ("sort", "from", "to", "timeline")  # parameters that take one value


def _encoded(request) -> dict[str, list[str]]:
    """The request's parameters (without ``page``) as encoded ``key=value`` pieces per key, in
    the order of the query string; computed once per request."""
    pieces = getattr(request, "_dossier_query_pieces", None)
    if pieces is None:
        pieces = {key: [_piece(key, value) for value in values]
                  for key, values in request.GET.lists() if key != "page"}
        request._dossier_query_pieces = pieces
    return pieces


def _piece(key: str, value: str) -> str:
    return f"{quote_plus(key)}={quote_plus(value)}"


def _url(pieces: dict[str, list[str]], key: str, values: list[str]) -> str:
    changed = {**pieces, key: [_piece(key, value) for value in values]}
    return "?" + "&".join(piece for group in changed.values() for piece in group)


@register.simple_tag(takes_context=True)
def toggle_url(context, key: str, value: str) -> str:
    """The current search with ``key=value`` added, or removed if present; back to page 1."""
    request = context["request"]
    values = request.GET.getlist(key)
    if value in values:
        values.remove(value)
    elif key in SINGLE:
        values = [value]
    else:
        values.append(value)
    return _url(_encoded(request), key, values)


@register.simple_tag(takes_context=True)
def set_url(context, key: str, value: str) -> str:
    """The current search with ``key`` set to ``value``; back to page 1."""
    return _url(_encoded(context["request"]), key, [value])


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def thousands(value):
    """1234 -> "1,234", as humanize's ``intcomma`` writes it in English, without its per-call
    locale lookups (a measurable part of a result page with many facet counts)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value
