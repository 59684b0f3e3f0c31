"""HTML pages: trafilatura's body with the page's own metadata taking precedence."""

from __future__ import annotations

import datetime
import json
import time

import pytest

from archive.ingest import IngestError, extract, normalize_name
from archive.ingest.html_meta import choose_authors

BODY = "".join(
    f"<p>Paragraph {i}: the delegations met in Geneva and agreed to continue the talks on "
    f"arms control, sanctions and the conflict in the east of the country next month.</p>"
    for i in range(1, 7)
)
PAGE = f"""<!DOCTYPE html><html lang="en-GB"><head>
<title>Talks resume | Example News</title>
<meta property="og:title" content="Talks resume in Geneva">
<meta property="og:site_name" content="Example News">
<meta property="og:url" content="https://example.com/og-url">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2017-02-22T09:30:00+00:00">
<meta name="description" content="Diplomats from both countries returned to the table on
 Wednesday after a pause of three months, officials said.">
<link rel="canonical" href="https://example.com/2017/02/talks">
<script type="application/ld+json">{{"@context": "https://schema.org", "@graph": [
 {{"@type": "NewsArticle", "headline": "Talks resume in Geneva after pause",
   "author": [{{"@type": "Person", "name": "Jane Roe"}}, {{"@type": "Person", "name": "John Doe"}}],
   "datePublished": "2017-02-22", "publisher": {{"@type": "Organization", "name": "Example"}}}}]}}
</script>
<style>.x {{ color: red }}</style><script>var leaked = "SCRIPT TEXT";</script>
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Talks resume in Geneva after pause</h1>{BODY}
<p><a href="javascript:alert(1)">click</a> <img src="x" onerror="alert(1)"></p></article>
<footer>Copyright Example News</footer></body></html>"""


def test_page_metadata_wins_over_heuristics():
    draft = extract(PAGE.encode(), "page.html")
    assert draft.title == "Talks resume in Geneva after pause"  # JSON-LD headline
    assert draft.authors == ["Jane Roe", "John Doe"]
    assert (draft.published, draft.date_precision) == (datetime.date(2017, 2, 22), "day")
    assert draft.outlet == "Example News"  # og:site_name
    assert draft.source_url == "https://example.com/2017/02/talks"  # canonical
    assert draft.language == "en"
    assert draft.media_type == "text/html"
    assert draft.lede.startswith("Diplomats from both countries returned")
    assert draft.confidence["published"] >= 0.9


def test_html_body_is_clean():
    draft = extract(PAGE.encode(), "page.html")
    assert draft.body_text.startswith("Paragraph 1: the delegations met in Geneva")
    assert len(draft.paragraphs) >= 6
    for leak in ("SCRIPT TEXT", "color: red", "javascript:", "onerror", "Home"):
        assert leak not in draft.body_text and leak not in draft.body_html
    assert "<p>" in draft.body_html


def test_title_fallback_strips_site_name_and_no_invented_date():
    page = (
        f"<html><head><title>Talks resume | Example News</title>"
        f"<meta property='og:site_name' content='Example News'></head>"
        f"<body><article>{BODY}</article></body></html>"
    )
    draft = extract(page.encode(), "page.htm")
    assert draft.title == "Talks resume"
    assert draft.published is None and "No publication date found" in draft.warnings
    assert draft.authors == []


def test_month_precision_citation_date():
    page = (
        f"<html><head><meta name='citation_title' content='A Paper'>"
        f"<meta name='citation_publication_date' content='2017-02'>"
        f"<meta name='citation_author' content='Lain, Sarah'></head>"
        f"<body><article>{BODY}</article></body></html>"
    )
    draft = extract(page.encode(), "paper.xhtml")
    assert (draft.published, draft.date_precision) == (datetime.date(2017, 2, 1), "month")


def test_txt_file_holding_html_is_read_as_html():
    draft = extract(PAGE.encode(), "saved.txt")
    assert draft.media_type == "text/html"
    assert "<p>" not in draft.body_text


def test_page_without_article_text():
    with pytest.raises(IngestError, match="No article text found"):
        extract(b"<html><head><script>location='x'</script></head><body></body></html>", "redirect.html")


def _agrees_title(ours: str, theirs: str) -> bool:
    a, b = normalize_name(ours), normalize_name(theirs)
    return bool(a) and (a == b or a in b or b in a)


def test_newspaper4k_pages(newspaper_pages):
    html = {k.rsplit("/", 1)[1][:-5]: v for k, v in newspaper_pages.items() if k.endswith(".html")}
    hints = {
        k.rsplit("/", 1)[1][:-5]: json.loads(v) for k, v in newspaper_pages.items() if k.endswith(".json")
    }
    drafts, refused = {}, {}
    started = time.perf_counter()
    for name, data in html.items():
        try:
            drafts[name] = extract(data, f"{name}.html")
        except IngestError as error:
            refused[name] = str(error)
    rate = len(html) / (time.perf_counter() - started)
    # The one redirect stub (a script and a <noscript> refresh) has no article at all.
    assert refused == {"google_meta_refresh": "No article text found on this page"}
    assert all(d.title and d.body_text for d in drafts.values())

    with_title = [n for n in hints if n in drafts and hints[n].get("title")]
    with_author = [n for n in hints if n in drafts and hints[n].get("authors")]
    with_date = [n for n in hints if n in drafts and hints[n].get("publish_date")]
    title = sum(_agrees_title(drafts[n].title, hints[n]["title"]) for n in with_title)
    author = sum(
        bool(
            {normalize_name(a) for a in drafts[n].authors} & {normalize_name(a) for a in hints[n]["authors"]}
        )
        for n in with_author
    )
    date = sum(str(drafts[n].published) == hints[n]["publish_date"][:10] for n in with_date)
    print(
        f"\nnewspaper4k: {len(html)} pages at {rate:.1f} pages/s; agreement with hints: "
        f"title {title}/{len(with_title)}, authors {author}/{len(with_author)}, "
        f"date {date}/{len(with_date)}"
    )
    assert title / len(with_title) >= 0.8
    assert author / len(with_author) >= 0.6
    assert date / len(with_date) >= 0.8


def test_page_urls_that_are_not_http_are_dropped():
    from archive.ingest import extract

    body = "".join(
        f"<p>Paragraph {n} on sanctions, Moscow and Washington in some depth.</p>" for n in range(12)
    )
    for meta in (
        '<meta property="og:url" content="javascript:alert(document.domain)//">',
        '<meta property="og:url" content=" JAVASCRIPT:alert(1)">',
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"url": "data:text/html,<script>alert(1)</script>"}</script>',
    ):
        page = f"<html><head><title>T</title>{meta}</head><body><article>{body}</article></body></html>"
        assert extract(page.encode(), "p.html").source_url == ""


def test_an_inferred_first_of_the_month_is_month_precision():
    from archive.ingest.html import _trafilatura_date

    assert _trafilatura_date("2017-02-01").precision == "month"
    assert _trafilatura_date("2017-02-22").precision == "day"
    assert _trafilatura_date(None) is None


def test_a_utf16_label_on_an_8bit_page_is_read_as_utf8():
    from archive.ingest import extract

    body = "".join(
        f"<p>Paragraph {n}: Zoë met officials in Kyiv about sanctions relief.</p>" for n in range(12)
    )
    head = '<head><meta charset="utf-16"><title>Zoë</title></head>'
    page = f"<html>{head}<body><article>{body}</article></body></html>"
    draft = extract(page.encode("utf-8"), "p.html")
    assert "Zoë met officials" in draft.body_text


def _page(head: str = "", body: str = BODY, before: str = "") -> bytes:
    """A saved page with `head` in its <head> and `before` above the article's paragraphs."""
    return f"<html><head>{head}</head><body>{before}<article>{body}</article></body></html>".encode()


def test_the_h1_wins_when_another_source_says_it_too():
    head = (
        "<title>Talks resume in Geneva | Example News</title>"
        "<meta property='og:title' content='Geneva: a new round'>"
    )
    draft = extract(_page(head, before="<h1>Talks resume in Geneva</h1>"), "p.html")
    assert draft.title == "Talks resume in Geneva"  # <h1> and <title> without its tail agree
    assert draft.confidence["title"] >= 0.9


def test_an_h1_naming_the_site_is_not_the_headline():
    head = (
        "<title>Talks resume in Geneva | Example News</title>"
        "<meta property='og:site_name' content='Example News'>"
        "<meta property='og:title' content='Talks resume in Geneva'>"
    )
    draft = extract(_page(head, before="<h1>Example News</h1>"), "p.html")
    assert draft.title == "Talks resume in Geneva"


def test_a_kicker_in_the_h1_is_left_out():
    head = "<meta property='og:title' content='Talks resume in Geneva'>"
    draft = extract(_page(head, before="<h1>Diplomacy Talks resume in Geneva</h1>"), "p.html")
    assert draft.title == "Talks resume in Geneva"


def test_one_source_naming_an_author_is_not_enough():
    head = "<meta name='author' content='Jane Roe'>"
    assert extract(_page(head), "p.html").authors == []
    byline = "<p class='byline'>By Jane Roe</p>"
    draft = extract(_page(head, before=byline), "p.html")
    assert draft.authors == ["Jane Roe"]  # <meta> and the byline element agree
    assert draft.confidence["authors"] >= 0.8


def test_desks_and_wires_are_not_authors():
    for desk in ("Redaktion", "dpa", "Staff", "Example News"):
        head = f"<meta name='author' content='{desk}'><meta property='og:site_name' content='Example News'>"
        draft = extract(_page(head, before=f"<span class='author'>{desk}</span>"), "p.html")
        assert draft.authors == [], desk


def test_independent_date_sources_outvote_one():
    head = (
        "<link rel='canonical' href='https://example.com/2019/03/04/talks'>"
        "<meta name='date' content='2019-03-09'>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2019-03-04"}</script>'
    )
    draft = extract(_page(head), "p.html")
    assert draft.published == datetime.date(2019, 3, 4)  # the URL and JSON-LD agree


def test_a_utc_time_is_read_in_the_page_time_zone():
    head = "<meta property='article:published_time' content='2022-11-06T23:00:00Z'>"
    before = "<time datetime='2022-11-07T00:00:00+01:00'>7 November 2022</time>"
    assert extract(_page(head, before=before), "p.html").published == datetime.date(2022, 11, 7)


def test_a_modification_date_is_not_a_publication_date():
    head = (
        "<meta property='article:modified_time' content='2021-05-05'>"
        "<meta property='og:updated_time' content='2021-05-05'>"
        "<meta property='article:published_time' content='2021-05-03'>"
    )
    assert extract(_page(head), "p.html").published == datetime.date(2021, 5, 3)


TEASERS = "".join(
    f"<h2><a href='/story/{n}'>Story number {n} about the talks in Geneva</a></h2>"
    f"<p><a href='/story/{n}'>Read the whole story number {n} on our site</a></p>"
    for n in range(12)
)


def test_a_list_of_teasers_is_refused():
    with pytest.raises(IngestError, match="list of teasers"):
        extract(_page("<title>Latest news</title>", body=TEASERS), "front.html")


def test_a_teaser_list_calling_itself_an_article_is_only_flagged():
    head = "<title>Latest news</title><meta property='og:type' content='article'>"
    draft = extract(_page(head, body=TEASERS + BODY), "front.html")
    assert any("list of teasers" in w for w in draft.warnings)


def test_real_articles_are_not_flagged_as_lists():
    assert not any("teasers" in w or "front page" in w for w in extract(PAGE.encode(), "p.html").warnings)


def test_short_link_blocks_are_dropped_from_the_body():
    links = "<p><a href='/next'>Next article: the summit in Vienna</a></p>"
    draft = extract(_page(body=BODY + links), "p.html")
    assert "Next article" not in draft.body_text and "Next article" not in draft.body_html
    assert draft.body_text.startswith("Paragraph 1")


def test_lines_mark_what_was_kept_and_what_was_dropped():
    draft = extract(PAGE.encode(), "p.html")
    roles = {text: role for role, text in draft.lines}
    assert roles["Talks resume in Geneva after pause"] == "title"
    assert roles[draft.paragraphs[0]] == "article"
    assert roles["Copyright Example News"] == "dropped"
    assert not any("SCRIPT TEXT" in text for _, text in draft.lines)
    assert {role for role, _ in draft.lines} <= {"title", "byline", "date", "article", "dropped"}


def test_confidence_follows_agreement():
    agreed = extract(PAGE.encode(), "p.html").confidence
    alone = extract(_page("<meta property='og:title' content='Talks resume in Geneva'>"), "p.html").confidence
    assert agreed["title"] > alone["title"]
    assert agreed["published"] > alone["published"]
    assert alone["authors"] == 0.0
    assert set(agreed) == {"title", "authors", "outlet", "published"}


def test_a_byline_the_page_prints_but_never_marks_up_is_read():
    before = "<h1>Talks resume in Geneva</h1><p>By Jane Roe</p>"
    draft = extract(_page(before=before), "p.html")
    assert draft.authors == ["Jane Roe"]  # the visible text's labelled byline, alone


def test_a_meta_author_the_page_also_prints_is_taken():
    head = "<meta name='author' content='Jane Roe'>"
    printed = extract(_page(head, before="<div>Jane Roe</div>"), "p.html")
    assert printed.authors == ["Jane Roe"]
    assert 0 < printed.confidence["authors"] < 0.8  # weaker than two sources agreeing
    assert extract(_page(head), "p.html").authors == []  # kept in <meta> only: not shown


def test_a_blog_named_after_its_owner_keeps_the_owner_as_author():
    two = [("ld", "Jane Roe"), ("class", "Jane Roe")]
    assert choose_authors(two, ["Jane Roe"]) == ([], 0.0)  # two sources naming the site: the site
    assert choose_authors(two, ["Example News"])[0] == ["Jane Roe"]
    three = [*two, ("text", "Jane Roe")]
    assert choose_authors(three, ["Jane Roe"])[0] == ["Jane Roe"]  # and the byline it prints


def test_a_meta_name_on_a_long_line_only_is_no_byline():
    sources = [("meta", "Jane Roe"), ("trafilatura", "Jane Roe")]
    sentence = "In her speech on Tuesday, Jane Roe said the talks would go on for as long as needed."
    assert choose_authors(sources, [], [sentence]) == ([], 0.0)
    assert choose_authors(sources, [], ["Jane Roe", sentence])[0] == ["Jane Roe"]
    assert choose_authors([("meta", "Example News")], ["Example News"], ["Example News"])[0] == []


def test_a_dateline_only_the_visible_text_holds_is_read():
    before = "<h1>Talks resume in Geneva</h1><p>4 March 2019</p>"
    draft = extract(_page(before=before), "p.html")
    assert (draft.published, draft.date_precision) == (datetime.date(2019, 3, 4), "day")
    assert extract(_page(before="<h1>Talks resume in Geneva</h1>"), "p.html").published is None


def test_byline_labels_are_whole_words_and_a_date_glued_to_a_name_is_cut():
    from lxml import html as lxml_html

    from archive.ingest.html_meta import clean_author, is_person, read_page_meta

    markup = "<span class='author'>Dieter Roe</span><span class='byline'>Von Jane Roe</span>"
    meta = read_page_meta(lxml_html.document_fromstring(_page(before=markup)))
    assert meta.bylines == [("class", "Dieter Roe"), ("class", "Jane Roe")]  # "Di" is no label
    assert clean_author("freeman1984") == "freeman1984"  # a handle's digits are no date
    assert clean_author("Jane Roe22. Februar 2020") == "Jane Roe"
    assert not is_person("Follow", set()) and not is_person("Unbenannt", set())


def test_htmldate_alone_is_no_date_and_the_printed_day_beats_a_utc_timestamp():
    from archive.ingest.dates import FoundDate
    from archive.ingest.html_meta import choose_date

    def day(number: int) -> FoundDate:
        return FoundDate(datetime.date(2022, 5, number), "day", "", "")

    assert choose_date([("trafilatura", day(5))]) == (None, 0.0)
    assert choose_date([("trafilatura", day(5)), ("text", day(5))])[0].date == datetime.date(2022, 5, 5)
    stated = [("ld", day(5)), ("meta", day(5)), ("text", day(6))]
    assert choose_date(stated)[0].date == datetime.date(2022, 5, 6)  # 22:00Z on the 5th
    far = [("ld", day(5)), ("meta", day(5)), ("text", day(9))]
    assert choose_date(far)[0].date == datetime.date(2022, 5, 5)


def test_a_heading_for_screen_readers_only_is_not_the_headline():
    for hidden in ("<h1 class='aural'>Navigation und Service</h1>", "<h1 class='sr-only'>Menu</h1>",
                   "<div hidden><h1>Navigation</h1></div>", "<h1 aria-hidden='true'>Navigation</h1>"):
        before = f"{hidden}<h1>Talks resume in Geneva</h1>"
        head = "<title>Talks resume in Geneva | Example News</title>"
        assert extract(_page(head, before=before), "p.html").title == "Talks resume in Geneva", hidden


def test_a_title_tail_naming_the_site_is_dropped_when_no_h1_says_the_headline():
    head = (
        "<meta property='og:site_name' content='Example News'>"
        "<title>Talks resume in Geneva | Example News</title>"
        "<meta property='og:title' content='Talks resume in Geneva | Example News'>"
    )
    assert extract(_page(head), "p.html").title == "Talks resume in Geneva"


def test_trafilatura_reading_the_json_ld_author_back_is_half_a_witness():
    copied = [("ld", "Jane Roe"), ("trafilatura", "Jane Roe")]
    assert choose_authors(copied, []) == ([], 0.0)
    assert choose_authors([*copied, ("meta", "Jane Roe")], [])[0] == ["Jane Roe"]


def test_the_json_ld_co_authors_of_a_chosen_name_come_with_it():
    sources = [("ld", "Jane Roe"), ("ld", "John Doe"), ("meta", "Jane Roe"), ("class", "Jane Roe")]
    assert choose_authors(sources, [])[0] == ["Jane Roe", "John Doe"]
    unconfirmed = [("ld", "Jane Roe"), ("ld", "John Doe")]
    assert choose_authors(unconfirmed, [])[0] == []
