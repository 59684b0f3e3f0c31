"""The "Related articles" block of the article page, from the article alone.

An inclusion tag, not view context, so the article view stays as it is and any page that
shows an article can carry the block; ``search.related`` finds the articles.
"""

from django import template

from archive.models import Article
from search.related import related_articles as find_related

register = template.Library()


@register.inclusion_tag("archive/_related.html")
def related_articles(article: Article, limit: int = 5) -> dict:
    """Title links (with outlet and date) to the articles most like this one."""
    return {"related": find_related(article, limit)}
