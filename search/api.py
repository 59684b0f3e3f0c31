"""JSON shapes of the API (search results and single articles)."""

from archive.models import Article
from search.query import ResultPage
from search.topics import topics_for_article


def article_summary(article: Article) -> dict:
    return {
        "id": article.pk,
        "url": article.get_absolute_url(),
        "title": article.title,
        "authors": [{"name": a.name, "slug": a.slug} for a in article.author_list],
        "outlet": ({"name": article.outlet.name, "slug": article.outlet.slug}
                   if article.outlet_id else None),
        "published": article.published_iso,  # "2017-02" for a month: never a made-up day
        "date_precision": article.date_precision,
    }


def result_page(page: ResultPage) -> dict:
    return {
        "total": page.total,
        "page": page.number,
        "pages": page.pages,
        "hits": [article_summary(h.article) | {"snippet": h.snippet} for h in page.hits],
        "facets": {
            name: [{"slug": f.value, "name": f.label, "count": f.count}
                   for f in page.facets.get(name, [])]
            for name in ("author", "outlet", "topic")
        } | {"month": [{"value": f.value, "count": f.count} for f in page.facets.get("month", [])]},
        "suggestion": page.suggestion,
        "note": page.note or None,
    }


def article_detail(article: Article) -> dict:
    return article_summary(article) | {
        "lede": article.lede,
        "body_text": article.body_text,
        "source_url": article.source_url,
        "word_count": article.word_count,
        "topics": [{"name": t.name, "slug": t.slug} for t in topics_for_article(article)],
    }
