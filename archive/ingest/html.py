"""Saved HTML pages to a Draft: trafilatura finds the article, the page's own metadata wins."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.htmlprocessing import build_html_output

from .dates import DAY, MONTH, FoundDate, find_dateline, parse_date
from .draft import Draft, count_words
from .errors import IngestError
from .html_meta import PageMeta, choose_authors, choose_date, choose_title, read_page_meta
from .html_text import visible_text
from .keys import normalize_name
from .language import guess_language
from .sanitize import sanitize_html
from .text import extract_text

_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "pre", "tr", "figcaption", "blockquote")
_LEADING_HEADING_RE = re.compile(r"^\s*<h([2-6])>.*?</h\1>\s*", re.DOTALL)
# A block of at most this many words, this share of it link text, is navigation.
_LINK_BLOCK_WORDS = 20
_LINK_BLOCK_SHARE = 0.7
# Visible blocks of a page, as a reviewer reads them; lines past the cap are page furniture.
_PAGE_BLOCKS = (*_BLOCKS, "h1", "td", "dd", "dt", "div", "section", "article", "header", "footer")
_MAX_LINES = 2000
# Linked headings in the body from which it reads as a list of teasers.
_TEASER_HEADLINES = 5
_SEARCH_URL_RE = re.compile(
    r"[?&](?:q|query|search|suche|keywords?)=|/(?:search|suche|recherche)(?:/|$|\?)", re.I
)
# A byline the raw-text reader found labelled in the visible text ("By", "Von", "Par"),
# enough on its own when no two sources of the page agree on a name.
_SHOWN_BYLINE_CONFIDENCE = 0.9
# htmldate's extensive search guesses dates from any text on the page; we never invent one.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


def extract_html(markup: str) -> Draft:
    """Turn a decoded HTML page into a Draft, or raise IngestError when it holds no article."""
    tree = _parse(markup)
    page = read_page_meta(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=page.url or None,
        with_metadata=True,
        include_formatting=True,
        include_links=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if doc is None or doc.body is None:
        raise IngestError("No article text found on this page")
    body_html = extracted = sanitize_html(build_html_output(doc))
    paragraphs = html_paragraphs(body_html)
    trimmed = _without_link_blocks(body_html)
    if trimmed != body_html and (kept := html_paragraphs(trimmed)):
        body_html, paragraphs = trimmed, kept
    if not paragraphs:
        raise IngestError("No article text found on this page")
    draft = _build_draft(page, doc, body_html, paragraphs, _read_as_text(tree))
    draft.warnings += _page_kind_warnings(page, draft.source_url, extracted)
    draft.lines = page_lines(tree, draft)
    return draft


class _Shown:
    """What the page shows a reader, read as raw text: its visible lines, and the raw-text
    reader's headline, authors and date from them (a witness beside the page's metadata)."""

    def __init__(self, text: str, draft: Draft | None):
        self.lines = [line for line in text.split("\n") if line]
        self.title = draft.title if draft else ""
        self.authors = draft.authors if draft else []
        self.authors_confidence = draft.confidence.get("authors", 0.0) if draft else 0.0
        self.date = (
            FoundDate(draft.published, draft.date_precision, "", "") if draft and draft.published else None
        )


def _read_as_text(tree: lxml_html.HtmlElement) -> _Shown:
    """The page's visible text, and what the raw-text reader makes of it."""
    text = visible_text(tree)
    try:
        return _Shown(text, extract_text(text) if text else None)
    except IngestError:  # too short or too long as text: the page's metadata must do
        return _Shown(text, None)


def page_lines(tree: lxml_html.HtmlElement, draft: Draft) -> list[list[str]]:
    """The page's visible text blocks in order, each with the role ingest gave it: the
    headline, a byline, the dateline, the article's body, or dropped (menus, teasers,
    comments), so a reviewer sees at a glance what was kept and what was left out."""
    body = tree.find("body")
    if body is None:
        return []
    title = normalize_name(draft.title)
    kept = {" ".join(p.split()) for p in draft.paragraphs}
    article = " ".join(kept)
    names = [normalize_name(a) for a in draft.authors]
    lines = []
    for block in body.iter(*_PAGE_BLOCKS):
        if any(True for _ in block.iterdescendants(*_PAGE_BLOCKS)) or _hidden(block):
            continue
        text = " ".join(block.text_content().split())
        if not text:
            continue
        lines.append([_line_role(text, title, kept, article, names, draft.published), text])
        if len(lines) >= _MAX_LINES:
            break
    return lines


def _line_role(text: str, title: str, kept: set[str], article: str, names, published) -> str:
    """The role of one visible block of the page."""
    if text in kept or (len(text) >= 20 and text in article):
        return "article"
    key = normalize_name(text)
    if key and key == title:
        return "title"
    if len(text) <= 120:
        if any(name and name in key for name in names):
            return "byline"
        found = find_dateline(text) if published else None
        if found and found.date == published:
            return "date"
    return "dropped"


def _hidden(block: lxml_html.HtmlElement) -> bool:
    """True for blocks a browser never shows: inside <script>, <noscript>, <template>."""
    return any(a.tag in ("script", "style", "noscript", "template") for a in block.iterancestors())


def html_paragraphs(body_html: str) -> list[str]:
    """Plain-text paragraphs of sanitized body HTML, one per innermost block element."""
    if not body_html.strip():
        return []
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    paragraphs = []
    for block in root.iter(*_BLOCKS):
        if any(True for _ in block.iterdescendants(*_BLOCKS)):
            continue
        text = " ".join(block.text_content().split())
        if text:
            paragraphs.append(text)
    return paragraphs


def _without_link_blocks(body_html: str) -> str:
    """The body without short blocks that are mostly link text: "Next article", a teaser,
    a tag list. Articles quote links inside sentences; a block that is the link is furniture."""
    if not body_html.strip():
        return body_html
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    dropped = False
    for block in list(root.iter(*_BLOCKS)):
        if any(True for _ in block.iterdescendants(*_BLOCKS)):
            continue
        text = " ".join(block.text_content().split())
        linked = sum(len(" ".join(a.text_content().split())) for a in block.iter("a"))
        if text and len(text.split()) <= _LINK_BLOCK_WORDS and linked >= _LINK_BLOCK_SHARE * len(text):
            block.drop_tree()
            dropped = True
    if not dropped:
        return body_html
    return (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)


def _page_kind_warnings(page: PageMeta, url: str, body_html: str) -> list[str]:
    """Warnings for a page that may not be one article, or IngestError when it plainly is a
    list of teasers. A real article refused costs more than a list flagged, so refusal
    needs a body of linked headlines, mostly link text, on a page not calling itself an
    article."""
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    text = len(" ".join(root.text_content().split())) or 1
    linked = sum(len(" ".join(a.text_content().split())) for a in root.iter("a")) / text
    headlines = sum(1 for h in root.iter("h2", "h3", "h4") if h.find(".//a") is not None)
    if headlines >= _TEASER_HEADLINES and linked >= 0.5 and not page.declares_article:
        raise IngestError("This page is a list of teasers (linked headlines), not one article")
    warnings = []
    if linked >= 0.5 or (headlines >= _TEASER_HEADLINES and linked >= 0.3):
        warnings.append("This page may be a list of teasers rather than one article: check the body")
    path = urlsplit(url).path if url else None
    listing = headlines >= 2 or linked >= 0.2  # pages often name their home page as canonical
    if path in ("", "/") and listing and not page.declares_article:
        warnings.append("This page's address is a site's front page: check it is one article")
    if url and _SEARCH_URL_RE.search(url) and not page.declares_article:
        warnings.append("This page's address looks like a search: check it is one article")
    return warnings


def _parse(markup: str) -> lxml_html.HtmlElement:
    """Parse a page; lxml refuses an XML encoding declaration in a str, so drop it first."""
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    try:
        return lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as error:
        raise IngestError("This HTML page could not be read: it has no content") from error


def _build_draft(page: PageMeta, doc, body_html: str, paragraphs: list[str], shown: _Shown) -> Draft:
    """Choose each field among the page's sources, trafilatura's and the visible text's,
    by their agreement."""
    outlet = page.outlet or (doc.sitename or "")
    outlets = [page.outlet, *_site_names(doc)]
    titles = [*page.titles, ("trafilatura", doc.title or ""), ("text", shown.title)]
    title, title_conf = choose_title(titles, outlets)
    if not title:
        words = paragraphs[0].split()
        title, title_conf = " ".join(words[:15]) + ("…" if len(words) > 15 else ""), 0.2
    if len(paragraphs) > 1 and normalize_name(paragraphs[0]) == normalize_name(title):
        paragraphs = paragraphs[1:]  # the page's <h1> repeats the headline
        body_html = _LEADING_HEADING_RE.sub("", body_html, count=1)
    extracted = [("trafilatura", a) for a in (doc.author or "").split("; ") if a]
    extracted += [("text", a) for a in shown.authors]
    authors, authors_conf = choose_authors([*page.bylines, *extracted], outlets, shown.lines)
    if not authors and shown.authors_confidence >= _SHOWN_BYLINE_CONFIDENCE:
        authors, authors_conf = shown.authors, 0.5
    dates = list(page.dates)
    if inferred := _trafilatura_date(doc.date):
        dates.append(("trafilatura", inferred))
    if shown.date:
        dates.append(("text", shown.date))
    found, date_conf = choose_date(dates)
    body_text = "\n\n".join(paragraphs)
    lede = page.description if count_words(page.description) >= 8 else paragraphs[0]
    return Draft(
        title=title,
        body_text=body_text,
        body_html=body_html,
        media_type="text/html",
        authors=authors,
        outlet=outlet or None,
        published=found.date if found else None,
        date_precision=found.precision if found else "unknown",
        source_url=page.url or (doc.url or ""),
        lede=lede,
        language=page.language or (doc.language or "") or guess_language(body_text),
        confidence={
            "title": title_conf,
            "authors": authors_conf,
            "outlet": _outlet_confidence(page.outlet, doc.sitename or ""),
            "published": date_conf,
        },
    )


def _outlet_confidence(declared: str, guessed: str) -> float:
    """1.0 when the page's og:site_name and trafilatura's guess agree, less when one speaks."""
    if declared and normalize_name(declared) == normalize_name(guessed):
        return 1.0
    return 0.8 if declared else 0.5 if guessed else 0.0


def _site_names(doc) -> list[str]:
    """trafilatura's site name, unless it is long or the headline itself (it guesses)."""
    name = doc.sitename or ""
    return [name] if name and len(name.split()) <= 3 and name != doc.title else []


def _trafilatura_date(value: str | None) -> FoundDate | None:
    """htmldate's inferred YYYY-MM-DD: day precision, except a "1st of the month", which is
    what htmldate reports for a month alone; never claim a day the page may not give."""
    found = parse_date(value) if value else None
    if found is None:
        return None
    return found._replace(precision=MONTH if found.date.day == 1 else DAY)
