"""Property-based: no generated query or parameter combination makes search answer 5xx.

Hypothesis sends generated queries (search syntax, odd unicode, control characters, lone
surrogates percent-encoded, lengths around ``DOSSIER_QUERY_MAX_CHARS``) and generated GET
parameters (repeated, junk, reversed dates, odd pages) to ``/search/``, ``/api/search`` and a
topic page, against the seed collection indexed for real. Every answer must be 200 or a 4xx
that says what is wrong, and the HTML must never echo a generated tag unescaped.

The suite runs a bounded, derandomized number of examples (CI stays fast and repeatable);
``HYPOTHESIS_PROFILE=campaign`` runs the long campaign. The database and index are built once
per test, before the ``@given`` inner function, so examples never rebuild them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.utils.html import escape
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "seed_collection.json"
TAG_MARK = "<fuzz"  # generated tags all start with this: the page itself never contains it

# Bounded and repeatable for CI; the campaign is random and long. No example database:
# the runs leave nothing behind in the checkout.
_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
hsettings.register_profile("fuzz", max_examples=250, derandomize=True, **_COMMON)
hsettings.register_profile("campaign", max_examples=6000, **_COMMON)
PROFILE = "campaign" if os.environ.get("HYPOTHESIS_PROFILE") == "campaign" else "fuzz"
FUZZ = hsettings(hsettings.get_profile(PROFILE))


def _seed() -> tuple[list[str], dict[str, list[str]]]:
    """Words of the seed articles and the slugs of its authors, outlets and topics."""
    objects = json.loads(FIXTURE.read_text())
    words, slugs = set(), {"author": [], "outlet": [], "topic": []}
    for obj in objects:
        model, fields = obj["model"].split(".")[1], obj["fields"]
        if model == "article":
            words.update(re.findall(r"\w{3,}", fields["title"] + " " + fields["body_text"][:2000]))
        elif model in slugs:
            slugs[model].append(fields["slug"])
    return sorted(words)[:400], slugs


WORDS, SLUGS = _seed()

# --- generated queries --------------------------------------------------------------------
SYNTAX = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "and", "-", "+", '"', "(", ")", "((", "))",
          "title:", "author:", "outlet:", "topic:", "unknown:", "id:", "signature:", ":", "*", "?",
          "~", "~1", "~3", "~99", "^2", "^", "[a TO z]", "[2017 TO]", "{a TO b}", "[", "]", "{", "}",
          "TO", "\\", "/", "'", "`", "&", "|", "!", "%", "%00", "&amp;", "<!--", "-->"]
ODD = ["موسكو", "בוריס", "\u202eevil", "e\u0301", "a\u0308\u0308\u0308", "\u200b", "\u200d", "\ufeff",
       "\x00", "\x1b[31m", "\r\n", "\t", "\x7f", "\u2028", "\ud800", "\udfff", "\U0001f600",
       "普京", "Путин", "ﬁ", "İ", "ß", "\uffff", "\U0010ffff", "０１", "＜fuzz＞"]
TAGS = ["<fuzz>", "<fuzzimg src=x onerror=alert(1)>", "</fuzz>", "<fuzz/", '"><fuzzsvg onload=x>',
        "<FUZZ", "<fuzz\x00>"]

fragment = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(SYNTAX), st.sampled_from(ODD), st.sampled_from(TAGS),
    st.builds(lambda w, s: w + s, st.sampled_from(WORDS), st.sampled_from(["*", "?", "~", "~2", "^3"])),
    st.builds(lambda f, w: f + w, st.sampled_from(["title:", "author:", "outlet:", "topic:", "x:"]),
              st.sampled_from(WORDS + ['"', "(", "*"])),
    st.text(max_size=12),
)
joined = st.builds(lambda parts, sep: sep.join(parts), st.lists(fragment, max_size=12),
                   st.sampled_from([" ", "", "  ", "\t"]))


def _long(word: str, offset: int) -> str:
    """A query of ``DOSSIER_QUERY_MAX_CHARS + offset`` characters (read when drawn)."""
    length = django_settings.DOSSIER_QUERY_MAX_CHARS + offset
    return ((word + " ") * length)[:length]


long_query = st.builds(_long, st.sampled_from(WORDS + ["(", '"', "x"]), st.integers(-3, 3))
queries = st.one_of(joined, long_query, st.text(max_size=60))

# --- generated parameters -----------------------------------------------------------------
junk = st.one_of(st.text(max_size=20), st.sampled_from(["", " ", "a" * 101, "<fuzz>", "../x", "%", "\x00"]))
DATES = ["2017-02-01", "2016-12-31", "2017-02-30", "0001-01-01", "9999-12-31", "2017-2-1",
         "20170201", "2017-02-01T00:00", "yesterday", "", "-2017-01-01"]
MONTHS = ["2017-02", "2016-11", "2017-13", "2017-00", "2017-2", "0000-01", "9999-12", "2017-02-01", ""]
PAGES = ["1", "2", "0", "-1", "500", "501", "10" * 15, "abc", "1.5", " 2 ", "١", "+3", "1e3", ""]

param_value = {
    "q": queries,
    "author": st.one_of(st.sampled_from(SLUGS["author"]), junk),
    "outlet": st.one_of(st.sampled_from(SLUGS["outlet"]), junk),
    "topic": st.one_of(st.sampled_from(SLUGS["topic"]), junk),
    "month": st.one_of(st.sampled_from(MONTHS), junk),
    "from": st.one_of(st.sampled_from(DATES), st.dates().map(str), junk),
    "to": st.one_of(st.sampled_from(DATES), st.dates().map(str), junk),
    "sort": st.one_of(st.sampled_from(["relevance", "newest", "oldest", "Newest", "random"]), junk),
    "page": st.one_of(st.sampled_from(PAGES), st.integers().map(str)),
    "per_page": st.sampled_from(["5", "0", "-1", "100000", "x"]),
}


@st.composite
def param(draw) -> list[tuple[str, str]]:
    """One parameter, sometimes repeated (21 values trips the 20-value limit)."""
    key = draw(st.one_of(st.sampled_from(sorted(param_value)), st.text(max_size=8)))
    value = draw(param_value.get(key, junk))
    return [(key, value)] * draw(st.sampled_from([1, 1, 1, 2, 21]))


params = st.lists(param(), max_size=8).map(lambda groups: [p for g in groups for p in g])


def query_string(pairs: list[tuple[str, str]]) -> str:
    """Percent-encoded as a browser would; lone surrogates go out as their (invalid) UTF-8 bytes."""
    return urlencode([(k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass"))
                      for k, v in pairs])


# --- what every answer must satisfy -------------------------------------------------------
def check_html(response, pairs) -> None:
    """200, or a 4xx listing each form error; never a generated tag unescaped."""
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.status_code
    content = response.content.decode()
    assert TAG_MARK not in content.lower(), "a generated tag was echoed unescaped"
    if response.status_code != 200:
        errors = [str(e) for es in response.context["form"].errors.values() for e in es]
        assert errors, "a 4xx page with no message"
        for error in errors:
            assert escape(error) in content


def check_api(response, pairs) -> None:
    """200 with a consistent page, or a 4xx with an ``error`` message. A facet value counts
    matches; only a value the request filters on may show 0 (the filter stays visible)."""
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.status_code
    data = response.json()
    if response.status_code != 200:
        assert isinstance(data["error"], str) and data["error"].strip()
        return
    size = django_settings.PAGE_SIZE
    assert data["total"] >= len(data["hits"]) and len(data["hits"]) <= size
    assert 1 <= data["page"] <= data["pages"]
    assert data["pages"] == 1 or (data["pages"] - 1) * size < data["total"] <= data["pages"] * size
    for name in ("author", "outlet", "topic", "month"):
        active = {value for key, value in pairs if key == name}
        for f in data["facets"][name]:
            value = f.get("slug", f.get("value"))
            assert 0 < f["count"] <= data["total"] or (f["count"] == 0 and value in active), f
    for hit in data["hits"]:
        assert {"id", "url", "title", "snippet"} <= hit.keys()


def _get(client, path: str, pairs) -> object:
    return client.get(f"{path}?{query_string(pairs)}")


# --- the tests ----------------------------------------------------------------------------
REGRESSIONS = [
    [("q", "\ud800 crimea")],
    [("q", "title:(\x00"), ("page", "0")],
    [("page", "10" * 15)],
    [("from", "2017-03-01"), ("to", "2017-02-01")],
    [("author", "x")] * 21,
    [("author", "naser-koshan"), ("to", "2016-12-31")],  # an active facet with no match (campaign)
]


def _with_regressions(test):
    for pairs in REGRESSIONS:
        test = example(pairs=pairs)(test)
    return test


def test_search_page_never_fails(seeded_index, client):
    @FUZZ
    @_with_regressions
    @given(pairs=st.one_of(params, queries.map(lambda q: [("q", q)])))
    def run(pairs):
        check_html(_get(client, "/search/", pairs), pairs)

    run()


def test_api_never_fails(seeded_index, client):
    @FUZZ
    @_with_regressions
    @given(pairs=st.one_of(params, queries.map(lambda q: [("q", q)])))
    def run(pairs):
        check_api(_get(client, "/api/search", pairs), pairs)

    run()


def test_topic_page_never_fails(seeded_index, client):
    from django.urls import reverse

    url = reverse("search:topic", args=[SLUGS["topic"][0]])

    @FUZZ
    @_with_regressions
    @given(pairs=params)
    def run(pairs):
        check_html(_get(client, url, pairs), pairs)

    run()


def test_query_too_long_is_refused_with_the_limit(seeded_index, client, settings):
    """One character over the limit is a 400 naming the limit, on the page and in the API."""
    settings.DOSSIER_QUERY_MAX_CHARS = 30
    q = _long("crimea", 1)
    page, api = _get(client, "/search/", [("q", q)]), _get(client, "/api/search", [("q", q)])
    assert page.status_code == api.status_code == 400
    assert "the limit is 30" in page.content.decode()
    assert "the limit is 30" in " ".join(api.json()["fields"]["q"])
    assert _get(client, "/api/search", [("q", q[:30])]).status_code == 200


@FUZZ
@given(text=queries)
@example(text="(" * 5000)
def test_parse_query_never_raises_and_stays_within_the_limit(text):
    """Callers that bypass the form get a query cut at the same limit, never an exception."""
    from search.parsing import parse_query

    parsed = parse_query(text)
    assert len(parsed.text) <= django_settings.DOSSIER_QUERY_MAX_CHARS
    assert isinstance(parsed.note, str)
    assert parsed.query is not None or parsed.note or not parsed.text.strip()


def test_parse_query_reads_the_limit_from_the_setting(settings):
    """Raising DOSSIER_QUERY_MAX_CHARS above 1000 no longer cuts queries at 1000 silently."""
    from search.parsing import parse_query

    text = "crimea " * 250  # 1,750 characters
    settings.DOSSIER_QUERY_MAX_CHARS = 2000
    parsed = parse_query(text)
    assert parsed.note == "" and parsed.text == text.strip()
    settings.DOSSIER_QUERY_MAX_CHARS = 20
    parsed = parse_query(text)
    assert parsed.text == "crimea crimea crimea" and "first 20 characters" in parsed.note
