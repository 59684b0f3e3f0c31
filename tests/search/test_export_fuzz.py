"""Property-based: any title, byline and outlet survive each export format, read back by
rispy, bibtexparser and csv, and never break a record apart. No database: the writers take
articles as the export streams them (an ``Article`` row with its byline read in bulk)."""

import csv
import io
import json
import re
from datetime import date

import bibtexparser
import rispy
from bibtexparser.middlewares import SeparateCoAuthors
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from archive.models import Article, Outlet
from search.export import (
    TEX_SPECIAL,
    Byline,
    ListedArticle,
    bibtex_entry,
    csl_json,
    csv_rows,
    ris_record,
)

FUZZ = hsettings(max_examples=150, derandomize=True, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow])
# Printable text with TeX's and the formats' own specials weighted in; no line breaks or
# control characters (titles are single-line and cleaned at ingest), no surrogates.
SPECIALS = list("\\{}&%$#_^~@=+-,;\"'<> ") + ["ER  - ", "TY  - ", " and ", "@article{"]
TEXT = st.lists(st.one_of(st.sampled_from(SPECIALS), st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=8)),
    min_size=1, max_size=12).map("".join).map(lambda s: " ".join(s.split())).filter(bool)
UNTEX = {v: k for k, v in TEX_SPECIAL.items()}
UNTEX_RE = re.compile("|".join(re.escape(v) for v in sorted(UNTEX, key=len, reverse=True)))


def listed(title: str, names: list[str], outlet: str) -> ListedArticle:
    article = Article(pk=7, title=title, slug="x", published=date(2017, 2, 1),
                      date_precision="month", outlet=Outlet(pk=1, name=outlet))
    return ListedArticle(article, [Byline(name) for name in names])


@FUZZ
@given(title=TEXT, names=st.lists(TEXT, min_size=1, max_size=3), outlet=TEXT)
def test_every_format_reads_back_what_was_written(title, names, outlet):
    article = listed(title, names, outlet)
    url = "http://testserver/articles/7/x/"

    [ris] = rispy.loads(ris_record(article, url))
    assert ris["title"] == title and ris["secondary_title"] == outlet
    assert len(ris["authors"]) == len(names)

    library = bibtexparser.parse_string(bibtex_entry(article, url),
                                        append_middleware=[SeparateCoAuthors()])
    assert library.failed_blocks == [] and len(library.entries) == 1
    entry = library.entries[0]
    assert len(entry["author"]) == len(names)
    for written, read in zip(names, entry["author"], strict=True):
        if "," in written:  # family first, or braced whole: never split at a stray comma
            assert read.startswith("{") or read.count(",") == 1
    assert UNTEX_RE.sub(lambda m: UNTEX[m.group()], entry["title"]) == title
    assert UNTEX_RE.sub(lambda m: UNTEX[m.group()], entry["journal"]) == outlet
    assert entry["date"] == "2017-02"

    rows = list(csv.reader(io.StringIO("".join(csv_rows([(article, url)])))))
    assert len(rows) == 2
    assert rows[1][1] == ("'" + title if title[0] in "=+-@" else title)

    [item] = json.loads("".join(csl_json([(article, url)])))
    assert item["title"] == title and item["container-title"] == outlet
