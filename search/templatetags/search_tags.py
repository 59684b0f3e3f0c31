"""Links that add or remove one search parameter while keeping all the others."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_url(context, key: str, value: str) -> str:
    """The current search with ``key=value`` added, or removed if present; back to page 1."""
    params = context["request"].GET.copy()
    values = params.getlist(key)
    if value in values:
        values.remove(value)
    elif key in ("month", "sort", "from", "to"):
        values = [value]
    else:
        values.append(value)
    params.setlist(key, values)
    params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def set_url(context, key: str, value: str) -> str:
    """The current search with ``key`` set to ``value``; back to page 1."""
    params = context["request"].GET.copy()
    params[key] = value
    params.pop("page", None)
    return "?" + params.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
