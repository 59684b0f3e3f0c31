"""Small helpers shared by the search tests."""


def ids(page) -> list[int]:
    """Article ids of a result page, in rank order."""
    return [hit.article.pk for hit in page.hits]
