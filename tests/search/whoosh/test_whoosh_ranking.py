"""Ranked pages are exact: every page is its slice of the one true ranking.

Whoosh's top-N collector swaps the matcher for a cheaper one as the page fills
(``Matcher.replace``); for an AND of ORs (any query of two or more words) that dropped documents
that belonged on the page. On an archive like this one, page 1 of "summit treaty" lacked the best
match and paging repeated some articles and never showed others (found by the backup round trip).
The cause is upstream: ``WrappingMatcher.replace`` hands the minimum score to a boosted term's
matcher without dividing it by the boost, so a boosted field (title^4, lede^2) whose unboosted
best score is under the threshold is dropped while its boosted score would have made the page.
"""

import random

import pytest
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import And, Or, Term

from search.backends.whoosh.compiler import compile_query
from search.backends.whoosh.evaluation import evaluate
from search.backends.whoosh.index import get_searcher
from search.parsing import parse_query
from search.query import SearchRequest, search
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.engine("whoosh")]

WORDS = ["summit", "treaty", "envoy", "pipeline", "reset"]


def words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


@pytest.fixture
def many_alike(db, index_dir, django_capture_on_commit_callbacks):
    """60 articles whose lede and body draw from five words: many matches, close scores
    (the archive of ``boosted_and_of_ors_index`` below, as articles)."""
    rng = random.Random(17)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(60):
            make_article(title=f"Round trip article {n}", lede=words(rng, 5, 30),
                         body_text=words(rng, 20, 200))


def true_ranking(text: str) -> list[int]:
    """Every match scored and sorted, by Whoosh's collector without a limit."""
    searcher = get_searcher()
    return [int(hit["id"]) for hit in searcher.search(compile_query(parse_query(text).query), limit=None)]


def pages(text: str) -> list[int]:
    """Ids shown on page 1, 2, ... to the last page, in order."""
    shown, number, last = [], 1, 1
    while number <= last:
        page = search(SearchRequest(q=text, page=number))
        shown += [hit.article.pk for hit in page.hits]
        number, last = number + 1, page.pages
    return shown


@pytest.mark.parametrize("text", ["summit treaty", "summit treaty envoy", "title:article reset",
                                  "pipeline OR reset", "summit treaty -title:7"])
def test_pages_are_slices_of_the_true_ranking(many_alike, text):
    expected = true_ranking(text)
    assert len(expected) > 10
    assert pages(text) == expected


def boosted_and_of_ors_index():
    """The smallest shape of the trap: lede^2 OR body, for each of two words, ANDed."""
    rng = random.Random(17)  # one of the random archives on which the upstream collector errs
    ix = RamStorage().create_index(Schema(id=ID(stored=True), lede=TEXT, body=TEXT))
    with ix.writer() as writer:
        for n in range(60):
            writer.add_document(
                id=str(n), lede=" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30))),
                body=" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 200))))
    query = And([Or([Term("lede", word, boost=2.0), Term("body", word)]) for word in ("summit", "treaty")])
    return ix, query


def test_ranked_pages_are_exact_where_whooshs_own_top_n_is_not():
    ix, query = boosted_and_of_ors_index()
    with ix.searcher() as searcher:
        everything = [hit.docnum for hit in searcher.search(query, limit=None)]
        assert len(everything) > 30
        for limit in (10, 20, 30):
            assert evaluate(searcher, query, scored=True).ranked(limit) == everything[:limit]
        # The upstream trap this works around; when Whoosh fixes it, this line says so.
        assert [hit.docnum for hit in searcher.search(query, limit=10)] != everything[:10]
