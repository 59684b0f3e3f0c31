"""What the search page's export links need to know: the formats and the row limit."""

from django import template
from django.conf import settings

from search.export import FORMATS

register = template.Library()


@register.simple_tag
def export_formats() -> list[tuple[str, str]]:
    """(format parameter, label) of each export format."""
    return [(name, f.label) for name, f in FORMATS.items()]


@register.simple_tag
def export_limit() -> int:
    return settings.DOSSIER_EXPORT_LIMIT
