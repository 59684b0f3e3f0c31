"""search.evaluation against Whoosh itself: the same matches and the same scores, on every query
shape the search page produces, over an index of several segments with deleted documents."""

import random
from itertools import accumulate

import pytest
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    Every,
    FuzzyTerm,
    Not,
    NumericRange,
    Or,
    Phrase,
    Prefix,
    Require,
    Term,
)

from search.backends.whoosh import segments
from search.backends.whoosh.compiler import compile_query
from search.backends.whoosh.evaluation import evaluate
from search.backends.whoosh.internals import position_deltas as _deltas
from search.backends.whoosh.schema import build_schema
from search.parsing import parse_query

WORDS = ["summit", "treaty", "envoy", "sanctions", "kremlin", "pipeline", "reset", "dialogue",
         "missile", "crimea", "ukraine", "baltic", "election", "hacking", "embassy", "border",
         "wall", "supreme", "court", "health", "care"]
AUTHORS = ["anna-adams", "boris-baker", "clara-chen", "david-dunn"]

pytestmark = pytest.mark.engine("whoosh")


def text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS + ["the", "of", "a", "in"]) for _ in range(n))


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    """Four segments (no merging), a few documents deleted and re-added in later segments."""
    rng = random.Random(5)
    ix = FileStorage(str(tmp_path_factory.mktemp("evaluation"))).create_index(build_schema())
    pk = 0
    for _batch in range(4):
        writer = ix.writer()
        for _ in range(60):
            pk += 1
            day = 20170101 + rng.randint(0, 11) * 100 + rng.randint(0, 27)
            title, lede, body = (text(rng, rng.randint(2, 8)), text(rng, rng.randint(0, 20)),
                                 text(rng, rng.randint(20, 400)))
            writer.add_document(
                id=str(pk), pk=pk, title=title, lede=lede, body=body, title_pairs=title,
                lede_pairs=lede, body_pairs=body, author=" ".join(rng.sample(AUTHORS, 2)),
                author_slug=" ".join(rng.sample(AUTHORS, rng.randint(1, 2))),
                outlet_slug=rng.choice(["rusi", "fpri", "_"]), topic_slug="_",
                month=str(day // 100)[:4] + "-" + str(day // 100)[4:], year=str(day // 10000),
                precision="day", published=day, published_end=day, newest=day, oldest=day,
                signature="x")
        for _ in range(5):
            writer.delete_by_term("id", str(rng.randint(1, pk)))
        writer.commit(merge=False)
    with ix.searcher() as s:
        assert len(s.subsearchers) == 4 and s.doc_count() < s.doc_count_all()
        yield s


def parsed(q: str):
    return compile_query(parse_query(q).query)


QUERIES = [
    parsed("summit"), parsed("summit treaty"), parsed("summit OR treaty"), parsed("summit -treaty"),
    parsed("summit NOT (treaty OR envoy)"), parsed('"border wall"'), parsed('"supreme court" health'),
    parsed('"the health care"'), parsed('"care of the"'), parsed('"a summit in the"'),
    parsed('"of the"'), parsed("title:summit"), parsed("author:anna"), parsed("sanction*"),
    parsed("kremln~"), parsed("(summit OR treaty) AND (envoy OR reset) -crimea"), parsed("nosuchword"),
    And([parsed("summit"), Or([Term("author_slug", "anna-adams"), Term("author_slug", "clara-chen")])]),
    And([parsed("treaty"), Term("month", "2017-03")]),
    And([parsed("treaty"), NumericRange("published_end", 20170301, None),
         NumericRange("published", None, 20170630)]),
    And([Term("author_slug", "boris-baker"), Term("month", "2017-05")]),
    AndNot(parsed("pipeline"), Term("outlet_slug", "rusi")),
    AndMaybe(Term("body", "reset"), Term("title", "dialogue")),
    Require(Term("body", "missile"), Term("lede", "baltic")),
    Not(Term("body", "summit")), Every(), Phrase("body", ["health", "care"], boost=3.0),
    Or([Term("title", "summit", boost=4.0), Prefix("body", "kreml"), FuzzyTerm("body", "envoi")]),
    Term("body", "nosuch"), Term("nosuchfield", "summit"), Phrase("body", ["nosuch", "care"]),
]


@pytest.mark.parametrize("query", QUERIES, ids=[str(q)[:60] for q in QUERIES])
def test_same_matches_and_scores_as_whoosh(searcher, query):
    expected = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
    assert set(searcher.docs_for_query(query)) == set(expected)

    unscored = evaluate(searcher, query, scored=False)
    assert unscored.total == len(expected)
    assert sorted(unscored.docnums().tolist()) == sorted(expected)

    scored = evaluate(searcher, query, scored=True)
    scores = {int(d): float(s) for p in scored.parts
              for d, s in zip(p.mask.nonzero()[0] + p.offset, p.scores[p.mask], strict=True)}
    assert scores.keys() == expected.keys()
    for docnum, score in expected.items():
        assert scores[docnum] == pytest.approx(score, rel=1e-9), docnum
    # Pages in score order, ties in index order, exactly as the full ranking cuts them.
    ranking = sorted(expected, key=lambda d: (-round(expected[d], 9), d))
    for stop in (1, 10, 25):
        assert [round(expected[d], 9) for d in scored.ranked(stop)] == \
               [round(expected[d], 9) for d in ranking[:stop]]


def test_deleted_documents_never_match(searcher):
    matches = evaluate(searcher, Every(), scored=False)
    assert matches.total == searcher.doc_count()
    live = {d for d in range(searcher.doc_count_all()) if not searcher.ixreader.is_deleted(d)}
    assert set(matches.docnums().tolist()) == live


def test_sorted_pages_follow_the_date_column_then_the_key(searcher):
    matches = evaluate(searcher, parsed("summit"), scored=False)
    fields = {d: searcher.stored_fields(d) for d in matches.docnums().tolist()}
    pk = {d: int(f["id"]) for d, f in fields.items()}
    newest = sorted(fields, key=lambda d: (fields[d]["published"], pk[d]), reverse=True)
    oldest = sorted(fields, key=lambda d: (fields[d]["published"], pk[d]))
    assert matches.by_column("newest", descending=True, stop=15) == newest[:15]
    assert matches.by_column("oldest", descending=False, stop=15) == oldest[:15]


def test_facet_values_are_counted_over_the_matches(searcher):
    matches = evaluate(searcher, parsed("treaty OR envoy"), scored=False)
    expected: dict[str, int] = {}
    for docnum in matches.docnums().tolist():
        for slug in searcher.stored_fields(docnum)["author_slug"].split():
            expected[slug] = expected.get(slug, 0) + 1
    assert matches.value_counts("author_slug") == expected


def test_postings_and_positions_decode_as_whoosh_reads_them(searcher):
    fmt = searcher.schema["body"].format
    for leaf, _ in searcher.subsearchers:
        reader = leaf.reader()
        for word in ("summit", "care", "wall"):
            found = segments.postings(reader, "body", word, values=True)
            matcher = reader.postings("body", word)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), matcher.weight(), fmt.decode_positions(matcher.value())))
                matcher.next()
            live = segments.live_mask(reader)
            decoded = [(d, w, list(accumulate(_deltas(v))))
                       for d, w, v in zip(found.ids.tolist(), found.weights.tolist(), found.values,
                                          strict=True) if live[d]]
            assert decoded == items


def test_an_empty_index_matches_nothing_and_counts_nothing():
    ix = RamStorage().create_index(build_schema())
    with ix.searcher() as empty:
        for query in (Every(), parsed("summit treaty"), parsed('"border wall"'), Not(Term("body", "x"))):
            for scored in (False, True):
                matches = evaluate(empty, query, scored=scored)
                assert matches.total == 0 and (not scored or matches.ranked(10) == [])
                assert matches.by_column("newest", descending=True, stop=10) == []
                assert matches.value_counts("author_slug") == {}


def test_cached_postings_never_bring_back_a_deleted_document(tmp_path):
    """Deleting marks documents in a segment that keeps its id (and its cached postings)."""
    ix = FileStorage(str(tmp_path)).create_index(build_schema())
    with ix.writer() as writer:
        for n in range(1, 6):
            writer.add_document(id=str(n), pk=n, body=f"summit number {n}", author_slug="_",
                                outlet_slug="_", topic_slug="_", month="2017-01", newest=n, oldest=n)
    with ix.searcher() as searcher:
        assert evaluate(searcher, Term("body", "summit"), scored=True).total == 5
    writer = ix.writer()
    writer.delete_by_term("id", "3")
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        found = evaluate(searcher, Term("body", "summit"), scored=True)
        assert found.total == 4
        assert {searcher.stored_fields(d)["id"] for d in found.ranked(10)} == {"1", "2", "4", "5"}


def test_the_postings_cache_stays_within_its_size(searcher, settings):
    segments.POSTINGS_CACHE.clear()
    settings.DOSSIER_POSTINGS_CACHE_MB = 0
    evaluate(searcher, parsed("summit treaty envoy"), scored=True)
    assert segments.POSTINGS_CACHE.size_bytes == 0
    settings.DOSSIER_POSTINGS_CACHE_MB = 1
    for word in WORDS:
        evaluate(searcher, parsed(word), scored=True)
    assert 0 < segments.POSTINGS_CACHE.size_bytes <= 2**20
    cached = evaluate(searcher, parsed("summit"), scored=True)
    segments.POSTINGS_CACHE.clear()
    fresh = evaluate(searcher, parsed("summit"), scored=True)
    assert cached.ranked(50) == fresh.ranked(50) and cached.total == fresh.total


PROXIMITY = ["summit w/3 treaty", "summit pre/2 treaty", "treaty pre/2 summit", '"health care" w/4 summit',
             "(summit OR envoy) w/2 treaty", "title:summit w/5 title:treaty", "summit w/1 summit"]


@pytest.mark.parametrize("q", PROXIMITY)
def test_proximity_matches_what_whooshs_span_matcher_matches(searcher, q):
    """Within N words is Whoosh's SpanNear2 with slop N; the evaluator reads positions."""
    query = parsed(q)
    expected = set(searcher.docs_for_query(query))
    assert expected or q == "summit w/1 summit"
    found = evaluate(searcher, query, scored=True)
    assert set(found.docnums().tolist()) == expected
    assert sorted(evaluate(searcher, query, scored=False).docnums().tolist()) == sorted(expected)
