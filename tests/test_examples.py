"""Every example on the help page and in the README returns what the text around it says.

The examples are read from the texts themselves: on the help page, each ``<code data-example>``
(a query) and ``<code data-example-date>`` (a From/To value); in the README, each item
``- `query` …`` of the list under Search, and the examples of its other sections named in
README_LITERALS. They run against the seed collection, loaded by ``load_seed_collection`` into
a fresh index, and each is checked for what its text claims, mostly against the articles' own
words (``Words`` below), so a claim is held to the text, not to what the engine happens to do.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Article

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[1] / "README.md"
UNDATED = {2, 5}  # the seed articles without a date
FEBRUARY_2017 = 1  # the seed article dated only "February 2017"


@pytest.fixture
def collection(db, index_dir):
    call_command("load_seed_collection", stdout=io.StringIO())
    call_command("sync_index", stdout=io.StringIO())


# Where the examples are ---------------------------------------------------------------------


class _Examples(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: dict[str, list[str]] = {"data-example": [], "data-example-date": []}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        marks = [name for name, _ in attrs if name in self.found]
        if tag == "code" and marks:
            self._open = marks[0]
            self.found[self._open].append("")

    def handle_data(self, data):
        if self._open:
            self.found[self._open][-1] += data

    def handle_endtag(self, tag):
        if tag == "code":
            self._open = None


def help_examples(client) -> dict[str, list[str]]:
    """The examples of the help page as a reader sees them (entities decoded)."""
    parser = _Examples()
    parser.feed(client.get(reverse("search:help")).content.decode())
    return parser.found


def readme_examples() -> list[str]:
    """The queries of the README's list of search examples."""
    return re.findall(r"^  - `([^`]+)`", README.read_text(), flags=re.MULTILINE)


# The articles' own words --------------------------------------------------------------------

WORD = re.compile(r"\w+(?:\.\w+)*")  # a word as the index splits text ("U.S." is one)


def root(word: str) -> str:
    """A word without the endings of its plain other forms ("sanctions", "plans", "talked")."""
    word = word.lower()
    for ending in ("ing", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


class Words:
    """An article's passages (title, lede, each paragraph of the body) as lists of word roots."""

    def __init__(self, article: Article):
        texts = [article.title, article.lede, *article.paragraphs]
        self.passages = [[root(w) for w in WORD.findall(text)] for text in texts if text]
        self.raw = [w.lower() for text in texts for w in WORD.findall(text)]

    def has(self, word: str) -> bool:
        return any(root(word) in passage for passage in self.passages)

    def spans(self, passage: list[str], words: str) -> list[tuple[int, int]]:
        """(first, last) positions of each occurrence of the words side by side."""
        run = [root(w) for w in WORD.findall(words)]
        return [(i, i + len(run) - 1) for i in range(len(passage) - len(run) + 1)
                if passage[i:i + len(run)] == run]

    def near(self, a: list[str], b: list[str], distance: int | None, *, ordered: bool) -> bool:
        """Some occurrence of one of ``a`` within ``distance`` words before one of ``b`` (or
        after it, unless ``ordered``), in one passage; ``distance`` None: anywhere in it."""
        for passage in self.passages:
            firsts = [s for words in a for s in self.spans(passage, words)]
            seconds = [s for words in b for s in self.spans(passage, words)]
            for x in firsts:
                for y in seconds:
                    if distance is None or 1 <= y[0] - x[1] <= distance:
                        return True
                    if not ordered and 1 <= x[0] - y[1] <= distance:
                        return True
        return False

    def phrase(self, words: str, slop: int = 1) -> bool:
        """The words in this order, each within ``slop`` words of the one before."""
        run = [root(w) for w in WORD.findall(words)]
        for passage in self.passages:
            ends = [i for i, w in enumerate(passage) if w == run[0]]
            for word in run[1:]:
                ends = [j for j, w in enumerate(passage) if w == word
                        and any(1 <= j - i <= slop for i in ends)]
            if ends:
                return True
        return False

    def within_edits(self, word: str, edits: int) -> bool:
        """Some word of the article, or its root, at most ``edits`` typing mistakes from ``word``."""
        return any(distance(w, word) <= edits or distance(root(w), word) <= edits for w in self.raw)


def distance(a: str, b: str) -> int:
    """Typing mistakes between two words: letters added, dropped, changed or swapped."""
    rows = [list(range(len(b) + 1))]
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (x != y)))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


# Searching ----------------------------------------------------------------------------------


class Archive:
    """The seed collection as the examples see it: searches through the JSON API."""

    def __init__(self, client):
        self.client = client
        self.words = {a.pk: Words(a) for a in Article.objects.all()}

    def search(self, q: str = "", **params: str) -> dict:
        response = self.client.get(reverse("search:api-search"), {"q": q, **params})
        assert response.status_code == 200, (q, params, response.content[:300])
        return json.loads(response.content)

    def ids(self, q: str = "", **params: str) -> list[int]:
        answer = self.search(q, **params)
        assert answer["total"] == len(answer["hits"]), "the seed collection fits on one page"
        return [hit["id"] for hit in answer["hits"]]

    def having(self, test: Callable[[Words], bool]) -> set[int]:
        return {pk for pk, words in self.words.items() if test(words)}

    def by(self, **filters) -> set[int]:
        return set(Article.objects.filter(**filters).values_list("pk", flat=True))

    def page(self, q: str) -> str:
        return self.client.get(reverse("search:search"), {"q": q}).content.decode()


# What each example's text claims -------------------------------------------------------------

Check = Callable[[Archive, str], None]


def finds(expected: Callable[[Archive], set[int]]) -> Check:
    """Exactly the articles the text describes, and some of them."""
    def check(archive: Archive, q: str) -> None:
        wanted = expected(archive)
        assert wanted, f"{q}: the seed collection has nothing to show it on"
        assert set(archive.ids(q)) == wanted
    return check


def all_words(*words: str) -> Check:
    return finds(lambda a: a.having(lambda w: all(w.has(x) for x in words)))


def other_forms(word: str, form: str) -> Check:
    """``word`` finds the articles that have only ``form`` of it."""
    def check(archive: Archive, q: str) -> None:
        only_form = archive.having(lambda w: form in w.raw and word not in w.raw)
        assert only_form and only_form <= set(archive.ids(q))
    return check


def names(*, author: str = "", outlet: str = "", words: str) -> Check:
    """The author's (or the outlet's) articles, after those whose title names them."""
    def check(archive: Archive, q: str) -> None:
        found = archive.ids(q)
        theirs = archive.by(authors__slug=author) if author else archive.by(outlet__slug=outlet)
        assert theirs and theirs <= set(found)
        title = {pk: archive.words[pk].passages[0] for pk in found}
        in_title = [pk for pk in found if all(root(x) in title[pk] for x in words.split())]
        assert found[:len(in_title)] == in_title
    return check


def phrase(words: str, slop: int = 1, *, unlike: str = "") -> Check:
    def check(archive: Archive, q: str) -> None:
        finds(lambda a: a.having(lambda w: w.phrase(words, slop)))(archive, q)
        if unlike:  # quotes keep every word: the phrase with another small word is another phrase
            only_unlike = archive.having(lambda w: w.phrase(unlike) and not w.phrase(words))
            assert not set(archive.ids(q)) & only_unlike
            assert set(archive.ids(f'"{unlike}"')) == archive.having(lambda w: w.phrase(unlike))
    return check


def near(a: list[str], b: list[str], distance: int | None, *, ordered: bool = False) -> Check:
    return finds(lambda arc: arc.having(lambda w: w.near(a, b, distance, ordered=ordered)))


def both_pairs(a: str, b: str, c: str, distance: int) -> Check:
    def check(archive: Archive, q: str) -> None:
        finds(lambda arc: arc.having(lambda w: w.near([a], [b], distance, ordered=False)
                                     and w.near([b], [c], distance, ordered=False)))(archive, q)
        assert set(archive.ids(q)) < set(archive.ids(f"{a} w/{distance} {b}"))  # c narrows it
    return check


def unknown_operator(operator: str, left_out: str) -> Check:
    def check(archive: Archive, q: str) -> None:
        answer = archive.search(q)
        assert f"“{operator}” is not an operator we know" in (answer["note"] or "")
        assert [h["id"] for h in answer["hits"]] == archive.ids(left_out)
        page = archive.page(q)
        assert page.index(f"“{operator}” is not an operator") < page.index('class="article-list"')
    return check


def either(a: str, b: str) -> Check:
    def check(archive: Archive, q: str) -> None:
        one, other = archive.having(lambda w: w.has(a)), archive.having(lambda w: w.has(b))
        assert one - other and other - one  # each word adds articles of its own
        finds(lambda arc: one | other)(archive, q)
    return check


def without(a: str, b: str) -> Check:
    return finds(lambda arc: arc.having(lambda w: w.has(a) and not w.has(b)))


def grouped(alternatives: tuple[str, str], required: str) -> Check:
    return finds(lambda arc: arc.having(
        lambda w: (w.has(alternatives[0]) or w.has(alternatives[1])) and w.has(required)))


def starting_with(prefix: str) -> Check:
    return finds(lambda arc: arc.having(lambda w: any(t.startswith(prefix) for t in w.raw)))


def fuzzy(word: str, edits: int, *, includes: str) -> Check:
    def check(archive: Archive, q: str) -> None:
        found = set(archive.ids(q))
        assert archive.having(lambda w: w.has(includes)) <= found
        assert found == archive.having(lambda w: w.within_edits(word, edits))
    return check


def did_you_mean(respelled: str) -> Check:
    def check(archive: Archive, q: str) -> None:
        answer = archive.search(q)
        assert answer["total"] == 0 and answer["suggestion"] == respelled
        assert archive.ids(respelled)
        assert re.search(rf"Did you mean <a [^>]*>{respelled}</a>\?", archive.page(q))
    return check


def in_title(word: str) -> Check:
    return finds(lambda arc: {pk for pk, w in arc.words.items() if root(word) in w.passages[0]})


def by_author(slug: str) -> Check:
    return finds(lambda arc: arc.by(authors__slug=slug))


def from_outlet(slug: str) -> Check:
    return finds(lambda arc: arc.by(outlet__slug=slug))


def in_topic(slug: str) -> Check:
    def check(archive: Archive, q: str) -> None:
        members = set(archive.ids(topic=slug))
        assert members and members < set(Article.objects.values_list("pk", flat=True))
        finds(lambda arc: members)(archive, q)
    return check


def count(expected: int, check: Check) -> Check:
    """The README says how many: that many, and what the check says."""
    def counted(archive: Archive, q: str) -> None:
        check(archive, q)
        assert len(archive.ids(q)) == expected
    return counted


CLAIMS: dict[str, Check] = {
    # Help page
    "sanctions russia": all_words("sanctions", "russia"),
    "sanction": other_forms("sanction", "sanctions"),
    "Weitz": names(author="richard-weitz", words="weitz"),
    "Richard Weitz": names(author="richard-weitz", words="richard weitz"),
    "RUSI": names(outlet="rusi", words="rusi"),
    '"Minsk agreement"': phrase("minsk agreement"),
    '"the president"': phrase("the president"),
    '"secretary of state"': phrase("secretary of state", unlike="secretary for state"),
    '"trump putin"~3': phrase("trump putin", 3),
    "trump w/5 putin": near(["trump"], ["putin"], 5),
    "trump NEAR/5 putin": near(["trump"], ["putin"], 5),
    "trump NEAR putin": near(["trump"], ["putin"], 10),
    "trump pre/5 putin": near(["trump"], ["putin"], 5, ordered=True),
    "sanctions /p crimea": near(["sanctions"], ["crimea"], None),
    "sanctions w/p crimea": near(["sanctions"], ["crimea"], None),
    '("donald trump" OR president) w/5 putin': near(["donald trump", "president"], ["putin"], 5),
    "trump w/5 putin w/5 summit": both_pairs("trump", "putin", "summit", 5),
    "trump w/s putin": unknown_operator("w/s", "trump putin"),
    "flynn OR tillerson": either("flynn", "tillerson"),
    "russia NOT flynn": without("russia", "flynn"),
    "russia -flynn": without("russia", "flynn"),
    "(syria OR iran) AND nuclear": grouped(("syria", "iran"), "nuclear"),
    "sanction*": starting_with("sanction"),
    "flyn~": fuzzy("flyn", 1, includes="flynn"),
    "flyn~2": fuzzy("flyn", 2, includes="flynn"),
    "kislyk": did_you_mean("kislyak"),
    "title:putin": in_title("putin"),
    "author:lain": by_author("sarah-lain"),
    'author:"sarah lain"': by_author("sarah-lain"),
    "outlet:rusi": from_outlet("rusi"),
    "topic:nato": in_topic("nato"),
}

# The README's list says how many of the seed articles each finds.
README_CLAIMS: dict[str, Check] = {
    "Weitz": count(1, CLAIMS["Weitz"]),
    "flyn~": count(3, CLAIMS["flyn~"]),
    "kislyk": CLAIMS["kislyk"],
    '"minsk agreement"': count(1, phrase("minsk agreement")),
    "trump w/5 putin w/5 summit": count(1, CLAIMS["trump w/5 putin w/5 summit"]),
    "sanctions /p crimea": count(1, CLAIMS["sanctions /p crimea"]),
    "russia -flynn": count(2, CLAIMS["russia -flynn"]),
    "author:lain": count(1, CLAIMS["author:lain"]),
}


def run_all(archive: Archive, examples: list[str], claims: dict[str, Check]) -> list[str]:
    """Every example that does not do what its text says, with why."""
    failures = []
    for q in examples:
        try:
            claims[q](archive, q)
        except AssertionError as error:
            failures.append(f"{q!r} -> {archive.ids(q)}: {error}")
    return failures


def test_every_example_on_the_help_page_does_what_it_says(client, collection):
    examples = help_examples(client)["data-example"]
    assert sorted(examples) == sorted(CLAIMS), "each example of the help page has its claim here"
    failures = run_all(Archive(client), examples, CLAIMS)
    assert not failures, "\n".join(failures)


def test_the_dates_of_the_help_page_are_taken_as_it_says(client, collection):
    archive = Archive(client)
    values = help_examples(client)["data-example-date"]
    assert values == ["2017", "2017-02", "2017-02-14"]
    for value in values:
        # "A date range includes articles whose date may fall in it": February 2017 does.
        found = set(archive.ids(**{"from": value, "to": value}))
        assert FEBRUARY_2017 in found and not found & UNDATED, value
    # "“to 2017” reaches the end of 2017"
    dated_2017 = archive.by(published__year=2017)
    assert dated_2017 == set(archive.ids(to="2017")) and len(dated_2017) == 3


def test_every_search_example_in_the_readme_does_what_it_says(client, collection):
    examples = readme_examples()
    assert sorted(examples) == sorted(README_CLAIMS), "each example of the README has its claim here"
    failures = run_all(Archive(client), examples, README_CLAIMS)
    assert not failures, "\n".join(failures)


# The README's other examples: (text as the README has it, what it claims).

README_LITERALS = [
    "`GET /api/search?q=crimea&month=2017-02` (same parameters as the page)",
    '`/archive/2017/02/` (a month page includes articles dated only "February 2017")',
    '`/search/suggest?q=fly` for completions',
    '(`["fly", ["Michael Flynn"], ["Topic"], ["http://…/topics/michael-flynn/"]]`)',
    "keys like `lain2017usrussia-3`",
    "(RIS `2017/02//`, biblatex `date = {2017-02}`, CSL\n  `[[2017, 2]]`)",
    '"February 2017" is `2017/02`',
    '(`dcterms:issued` is `2017-02` for "February 2017"',
]


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def test_the_other_examples_of_the_readme_return_what_it_says(client, collection):
    readme = README.read_text()
    missing = [literal for literal in README_LITERALS if literal not in readme]
    assert not missing, "the README changed: update README_LITERALS and their checks"
    archive = Archive(client)
    february = Article.objects.get(pk=FEBRUARY_2017)

    answer = archive.search("crimea", month="2017-02")
    assert answer["total"] and all(h["published"].startswith("2017-02") for h in answer["hits"])
    page = body(client.get(reverse("search:search"), {"q": "crimea", "month": "2017-02"}))
    positions = [page.index(f'href="{hit["url"]}"') for hit in answer["hits"]]
    assert positions == sorted(positions)  # the same articles as the page, in its order

    assert february.title in body(client.get("/archive/2017/02/"))

    typed, completions, descriptions, urls = json.loads(body(client.get("/search/suggest?q=fly")))
    assert (typed, completions, descriptions) == ("fly", ["Michael Flynn"], ["Topic"])
    assert urls[0].endswith("/topics/michael-flynn/")

    bibtex = body(client.get("/api/articles/3/export?format=bibtex"))
    assert bibtex.startswith("@article{lain2017usrussia-3,")

    assert "DA  - 2017/02//" in body(client.get(f"/api/articles/{february.pk}/export?format=ris"))
    assert "date = {2017-02}" in body(client.get(f"/api/articles/{february.pk}/export?format=bibtex"))
    csl = json.loads(body(client.get(f"/api/articles/{february.pk}/export?format=csljson")))
    assert csl[0]["issued"] == {"date-parts": [[2017, 2]]}
    assert '<meta name="citation_publication_date" content="2017/02">' in body(
        client.get(february.get_absolute_url()))
    assert "<dcterms:issued>2017-02</dcterms:issued>" in body(client.get("/latest/feed/"))
