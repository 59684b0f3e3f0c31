"""Citation metadata in templates: the article page's head, its Cite box, COinS in rows.

Tags, not view context, so every page that shows an article gets them from the article
alone; absolute URLs come from the request in the template context.
"""

from django import template
from django.utils.safestring import SafeString

from archive import citation
from archive.models import Article

register = template.Library()


def absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.simple_tag(takes_context=True)
def citation_head(context, article: Article) -> SafeString:
    """Highwire, Dublin Core, PRISM and Open Graph meta tags plus NewsArticle JSON-LD."""
    author_urls = [absolute(context, a.get_absolute_url()) for a in article.author_list]
    return citation.head_html(article, absolute(context, article.get_absolute_url()), author_urls)


@register.simple_tag(takes_context=True)
def coins(context, article: Article) -> SafeString:
    """A COinS span, so a reference manager can save several results of a list at once."""
    return citation.coins_span(article, absolute(context, article.get_absolute_url()))


@register.simple_tag(takes_context=True)
def formatted_citations(context, article: Article) -> list[tuple[str, SafeString]]:
    """(style, citation as HTML) for the Cite box."""
    return citation.formatted_citations(article, absolute(context, article.get_absolute_url()))
