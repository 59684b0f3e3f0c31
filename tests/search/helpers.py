"""Small helpers shared by the search tests."""


def ids(page) -> list[int]:
    """Article ids of a result page, in rank order."""
    return [hit.article.pk for hit in page.hits]


def page_queries(captured) -> list[str]:
    """The SQL a page sent itself, without the statements of a search engine that shares the
    database (the PostgreSQL engine marks each of its statements)."""
    from search.backends.postgres.compiler import MARK

    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(MARK.strip())]
