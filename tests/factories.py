"""Plain helpers that make rows for tests: ``make_article(**overrides)``."""

import itertools

from archive.models import Article, ArticleAuthor, Author, Outlet

_counter = itertools.count(1)


def make_author(name: str = "", **fields) -> Author:
    return Author.objects.create(name=name or f"Author {next(_counter)}", **fields)


def make_outlet(name: str = "", **fields) -> Outlet:
    return Outlet.objects.create(name=name or f"Outlet {next(_counter)}", **fields)


def make_article(*, authors=(), **fields) -> Article:
    n = next(_counter)
    fields.setdefault("title", f"Article number {n}")
    fields.setdefault("body_text", f"Body of article {n}.\n\nA second paragraph about Moscow.")
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    return article
