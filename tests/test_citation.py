"""Citation metadata as reference managers read it: the article page's head, COinS in result
rows, the Cite box and its downloads."""

import json
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qs

import pytest

from archive.citation import csl_item, split_name
from tests.factories import make_article, make_author, make_outlet

pytestmark = pytest.mark.django_db


class PageReader(HTMLParser):
    """What a translator sees of a page: meta tags in order, JSON-LD blocks, COinS spans."""

    def __init__(self, html: str):
        super().__init__()
        self.metas: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self.coins: list[str] = []
        self._in_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs and (attrs.get("name") or attrs.get("property")):
            self.metas.append((attrs.get("name") or attrs["property"], attrs["content"]))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")
        elif tag == "span" and "Z3988" in (attrs.get("class") or "").split():
            self.coins.append(attrs["title"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data

    def values(self, name: str) -> list[str]:
        return [content for key, content in self.metas if key == name]


def zotero_item(reader: PageReader) -> dict:
    """The item Zotero's Embedded Metadata translator builds from these tags: Highwire first,
    Dublin Core's type, a "First Last" author split at the last space, slashes of a Highwire
    date read as ISO separators, the publication from the journal title, PRISM or og:site_name."""
    def first(*names):
        return next((v for n in names for v in reader.values(n)), None)
    creators = [{"lastName": a.rsplit(" ", 1)[-1], "firstName": a.rsplit(" ", 1)[0]}
                for a in reader.values("citation_author")]
    raw_date = first("citation_publication_date", "citation_date", "DC.date")
    return {
        "itemType": first("DC.type"),
        "title": first("citation_title", "DC.title", "og:title"),
        "creators": creators,
        "date": raw_date.replace("/", "-") if raw_date else None,
        "publicationTitle": first("citation_journal_title", "prism.publicationName",
                                  "og:site_name"),
        "url": first("citation_public_url", "og:url"),
    }


@pytest.fixture
def lain_article():
    outlet = make_outlet("Royal United Services Institute")
    authors = [make_author("Sarah Lain"), make_author("Ursula von der Leyen")]
    return make_article(title="Sanctions after Minsk", authors=authors, outlet=outlet,
                        published=date(2017, 2, 1), date_precision="month",
                        source_url="https://rusi.example.org/commentary/sanctions",
                        lede="What the Minsk agreement asks of Europe.")


def page(client, article) -> tuple[str, PageReader]:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    return html, PageReader(html)


def test_article_page_reads_as_a_zotero_newspaper_article(client, lain_article):
    _, reader = page(client, lain_article)
    assert zotero_item(reader) == {
        "itemType": "newspaperArticle",
        "title": "Sanctions after Minsk",
        "creators": [{"lastName": "Lain", "firstName": "Sarah"},
                     {"lastName": "Leyen", "firstName": "Ursula von der"}],
        "date": "2017-02",  # month precision: never 1 February
        "publicationTitle": "Royal United Services Institute",
        "url": "https://rusi.example.org/commentary/sanctions",
    }
    assert reader.values("citation_author") == ["Sarah Lain", "Ursula von der Leyen"]
    assert reader.values("DC.creator") == ["Sarah Lain", "Ursula von der Leyen"]
    assert reader.values("DC.date") == ["2017-02"]
    assert reader.values("prism.publicationName") == ["Royal United Services Institute"]
    assert reader.values("og:site_name") == ["Royal United Services Institute"]
    assert reader.values("og:type") == ["article"]
    assert reader.values("og:url") == ["http://testserver" + lain_article.get_absolute_url()]
    assert reader.values("article:published_time") == ["2017-02"]
    assert reader.values("article:author") == ["Sarah Lain", "Ursula von der Leyen"]


@pytest.mark.parametrize(("precision", "published", "highwire", "iso"), [
    ("day", date(2017, 2, 22), ["2017/02/22"], ["2017-02-22"]),
    ("month", date(2017, 2, 1), ["2017/02"], ["2017-02"]),
    ("year", date(2017, 1, 1), ["2017"], ["2017"]),
    ("unknown", None, [], []),
])
def test_dates_are_tagged_at_their_precision(client, precision, published, highwire, iso):
    article = make_article(title="Dated", published=published, date_precision=precision)
    _, reader = page(client, article)
    assert reader.values("citation_publication_date") == highwire
    assert reader.values("DC.date") == iso
    assert reader.values("article:published_time") == iso
    data = json.loads(reader.json_ld[0])
    assert data.get("datePublished") == (iso[0] if iso else None)


def test_json_ld_is_a_news_article(client, lain_article):
    _, reader = page(client, lain_article)
    assert len(reader.json_ld) == 1
    data = json.loads(reader.json_ld[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Sanctions after Minsk"
    assert [a["name"] for a in data["author"]] == ["Sarah Lain", "Ursula von der Leyen"]
    assert data["author"][0]["url"].startswith("http://testserver/authors/")
    assert data["datePublished"] == "2017-02"
    assert data["publisher"] == {"@type": "Organization",
                                 "name": "Royal United Services Institute"}
    assert data["isBasedOn"] == "https://rusi.example.org/commentary/sanctions"


HOSTILE = '</script><script>alert(1)</script> & "quotes" <!--'


def test_hostile_titles_stay_text_in_tags_json_ld_and_cite_box(client):
    article = make_article(title=HOSTILE, authors=[make_author('Eve <img src=x onerror=1>')],
                           outlet=make_outlet("O'Hara & <b>Sons</b>"))
    html, reader = page(client, article)
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>Sons" not in html
    assert reader.values("citation_title") == [HOSTILE]
    assert reader.values("citation_author") == ["Eve <img src=x onerror=1>"]
    assert json.loads(reader.json_ld[0])["headline"] == HOSTILE
    assert html.count('<script type="application/ld+json">') == 1


def test_cite_box_shows_four_styles_at_month_precision(client, lain_article):
    html, _ = page(client, lain_article)
    assert '<details class="cite-box" id="cite">' in html
    assert ("<dt>APA</dt><dd>Lain, S., &amp; von der Leyen, U. (2017, February). Sanctions after "
            "Minsk. <i>Royal United Services Institute</i>. "
            "https://rusi.example.org/commentary/sanctions</dd>") in html
    assert "<dt>Chicago</dt><dd>Lain, Sarah, and Ursula von der Leyen. 2017." in html
    assert "<dt>MLA</dt><dd>Lain, Sarah, and Ursula von der Leyen. “Sanctions After Minsk”" in html
    assert "Feb. 2017" in html
    assert "<dt>Harvard</dt><dd>Lain, S. and von der Leyen, U. (2017)" in html
    assert "1 February" not in html and "February 1" not in html


def test_cite_box_downloads_the_article(client, lain_article):
    html, _ = page(client, lain_article)
    base = f"/api/articles/{lain_article.pk}/export"
    for fmt, content_type in [("ris", "application/x-research-info-systems"),
                              ("bibtex", "application/x-bibtex"),
                              ("csljson", "application/vnd.citationstyles.csl+json")]:
        assert f'href="{base}?format={fmt}"' in html
        response = client.get(base, {"format": fmt})
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
        assert response["Content-Disposition"].startswith("attachment; filename=\"dossier-")
    items = json.loads(b"".join(client.get(base, {"format": "csljson"}).streaming_content))
    assert items[0]["issued"] == {"date-parts": [[2017, 2]]}


def test_single_article_export_refuses_bad_input(client, lain_article):
    bad = client.get(f"/api/articles/{lain_article.pk}/export", {"format": "docx"})
    assert bad.status_code == 400
    assert "not an export format" in bad.json()["fields"]["format"][0]
    assert client.get("/api/articles/999999/export", {"format": "ris"}).status_code == 404


def test_result_rows_carry_coins(client, lain_article):
    reader = PageReader(client.get("/").content.decode())
    assert len(reader.coins) == 1
    fields = parse_qs(reader.coins[0])
    assert fields["ctx_ver"] == ["Z39.88-2004"]
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert fields["rft.genre"] == ["article"]
    assert fields["rft.atitle"] == ["Sanctions after Minsk"]
    assert fields["rft.jtitle"] == ["Royal United Services Institute"]
    assert fields["rft.au"] == ["Sarah Lain", "Ursula von der Leyen"]
    assert fields["rft.date"] == ["2017-02"]
    assert fields["rft_id"] == ["https://rusi.example.org/commentary/sanctions"]


@pytest.mark.parametrize(("name", "csl"), [
    ("Sarah Lain", {"family": "Lain", "given": "Sarah"}),
    ("Ursula von der Leyen", {"family": "von der Leyen", "given": "Ursula"}),
    ("Martin Luther King Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
    ("Reuters", {"literal": "Reuters"}),
    ("Lain, Sarah", {"family": "Lain", "given": "Sarah"}),
    ("Acme, Ltd, London", {"literal": "Acme, Ltd, London"}),
])
def test_names_split_as_reference_managers_store_them(name, csl):
    assert split_name(name).csl() == csl


def test_csl_item_without_date_or_outlet_has_neither(client):
    article = make_article(title="Undated")
    item = csl_item(article, "http://testserver/x/")
    assert "issued" not in item and "container-title" not in item
    assert item["type"] == "article-newspaper" and item["URL"] == "http://testserver/x/"
