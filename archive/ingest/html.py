"""Saved HTML pages to a Draft: trafilatura finds the article, the page's own metadata wins."""

from __future__ import annotations

import re

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.htmlprocessing import build_html_output

from .dates import DAY, MONTH, FoundDate, parse_date
from .draft import Draft, count_words
from .errors import IngestError
from .html_meta import PageMeta, read_page_meta
from .keys import normalize_name
from .language import guess_language
from .sanitize import sanitize_html

_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "pre", "tr", "figcaption", "blockquote")
_LEADING_HEADING_RE = re.compile(r"^\s*<h([2-6])>.*?</h\1>\s*", re.DOTALL)
_TITLE_SEPARATORS_RE = re.compile(r"\s+(?:\||–|—|-|::|·)\s+")
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
    body_html = sanitize_html(build_html_output(doc))
    paragraphs = html_paragraphs(body_html)
    if not paragraphs:
        raise IngestError("No article text found on this page")
    return _build_draft(page, doc, body_html, paragraphs)


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


def _parse(markup: str) -> lxml_html.HtmlElement:
    """Parse a page; lxml refuses an XML encoding declaration in a str, so drop it first."""
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    try:
        return lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as error:
        raise IngestError("This HTML page could not be read: it has no content") from error


def _build_draft(page: PageMeta, doc, body_html: str, paragraphs: list[str]) -> Draft:
    """Merge page metadata over trafilatura's guesses and record how sure each field is."""
    outlet = page.outlet or (doc.sitename or "")
    title, title_conf = _title(page, doc, outlet, paragraphs)
    if len(paragraphs) > 1 and normalize_name(paragraphs[0]) == normalize_name(title):
        paragraphs = paragraphs[1:]  # the page's <h1> repeats the headline
        body_html = _LEADING_HEADING_RE.sub("", body_html, count=1)
    authors = page.authors or [a for a in (doc.author or "").split("; ") if a]
    found = page.published or _trafilatura_date(doc.date)
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
            "authors": (0.9 if page.authors else 0.6) if authors else 0.0,
            "outlet": (0.9 if page.outlet else 0.5) if outlet else 0.0,
            "published": (0.9 if page.published else 0.6) if found else 0.0,
        },
    )


def _title(page: PageMeta, doc, outlet: str, paragraphs: list[str]) -> tuple[str, float]:
    """The headline without a " | Site" tail, and its confidence."""
    if page.title:
        return _strip_site_name(page.title, outlet), 0.9
    if doc.title:
        return _strip_site_name(doc.title, outlet), 0.7
    words = paragraphs[0].split()
    return " ".join(words[:15]) + ("…" if len(words) > 15 else ""), 0.2


def _strip_site_name(title: str, outlet: str) -> str:
    """Drop a leading or trailing segment naming the outlet: "Headline | CNN Politics"."""
    separators = list(_TITLE_SEPARATORS_RE.finditer(title))
    if not separators or not outlet:
        return title
    first, last = separators[0], separators[-1]
    if _names_outlet(title[last.end() :], outlet):
        return title[: last.start()]
    if _names_outlet(title[: first.start()], outlet):
        return title[first.end() :]
    return title


def _names_outlet(segment: str, outlet: str) -> bool:
    """True when a title segment is (part of) the outlet's name, or the reverse."""
    segment, outlet = segment.casefold().strip(), outlet.casefold().strip()
    return bool(segment) and (outlet in segment or segment in outlet)


def _trafilatura_date(value: str | None) -> FoundDate | None:
    """htmldate's inferred YYYY-MM-DD: day precision, except a "1st of the month", which is
    what htmldate reports for a month alone; never claim a day the page may not give."""
    found = parse_date(value) if value else None
    if found is None:
        return None
    return found._replace(precision=MONTH if found.date.day == 1 else DAY)
