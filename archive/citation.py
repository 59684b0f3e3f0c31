"""How an article is cited: CSL-JSON, head metadata for reference managers, COinS, styles.

One place turns an ``Article`` into every shape a citation takes, so that the page's meta
tags, its JSON-LD, the COinS of result rows, the "Cite" box and the exports agree. Dates keep
their precision everywhere: "February 2017" is ``[[2017, 2]]``, "2017/02", "2017-02", never
1 February.

The meta tags follow what Zotero's Embedded Metadata translator reads: Highwire Press
``citation_*``, Dublin Core ``DC.*`` (``DC.type`` newspaperArticle makes the item a
newspaper article), PRISM's publication name and Open Graph.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.core.cache import cache
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from lxml import etree

from archive.models import Article, DatePrecision

CSL_DIR = Path(__file__).resolve().parent / "csl"
# (label, file name in archive/csl/) in the order the Cite box shows them.
STYLES = [("APA", "apa"), ("Chicago", "chicago-author-date"),
          ("MLA", "modern-language-association"), ("Harvard", "harvard-cite-them-right")]
# Lower-case words that belong to a family name ("Ursula von der Leyen").
PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le",
             "al", "el", "bin", "ibn", "ten", "ter", "dos", "das", "do"}
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
SLASHED = {DatePrecision.DAY: "%Y/%m/%d", DatePrecision.MONTH: "%Y/%m",
           DatePrecision.YEAR: "%Y"}


@dataclass(frozen=True)
class PersonName:
    """A byline name split the way reference managers store it; ``literal`` when it does not
    split (one word: a pseudonym or an organisation)."""

    family: str = ""
    given: str = ""
    suffix: str = ""
    literal: str = ""

    def csl(self) -> dict:
        if self.literal:
            return {"literal": self.literal}
        return {"family": self.family, "given": self.given} | (
            {"suffix": self.suffix} if self.suffix else {})

    @property
    def inverted(self) -> str:
        """"Lain, Sarah" (RIS and BibTeX read a comma as family-first)."""
        if self.literal:
            return self.literal
        return ", ".join(p for p in (self.family, self.suffix, self.given) if p)


def split_name(name: str) -> PersonName:
    """"Sarah Lain" -> family Lain, given Sarah; particles stay with the family name, a
    trailing "Jr." is a suffix, and a name written "Lain, Sarah" is read family first."""
    words = name.split()
    suffix = ""
    if len(words) > 2 and words[-1].lower().rstrip(",") in SUFFIXES:
        suffix = words.pop().rstrip(",")
        words[-1] = words[-1].rstrip(",")
    if "," in " ".join(words):
        family, _, given = (part.strip() for part in " ".join(words).partition(","))
        if family and given and "," not in given:
            return PersonName(family=family, given=given, suffix=suffix)
        return PersonName(literal=" ".join(name.split()))
    if len(words) < 2:
        return PersonName(literal=" ".join(words))
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
    return PersonName(family=" ".join(words[start:]), given=" ".join(words[:start]),
                      suffix=suffix)


def date_parts(article: Article) -> list[int] | None:
    """[2017, 2, 22], [2017, 2] or [2017]: the date as far as it is known, else None."""
    value, precision = article.published, article.date_precision
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    return [value.year, value.month, value.day][:{"year": 1, "month": 2, "day": 3}[precision]]


def slashed_date(article: Article) -> str | None:
    """Highwire's "2017/02/22", "2017/02" or "2017"."""
    fmt = SLASHED.get(article.date_precision)
    return article.published.strftime(fmt) if fmt and article.published else None


def cited_url(article: Article, own_url: str) -> str:
    """The URL a citation names: the original's when it was recorded, else this archive's."""
    return article.source_url or own_url


# CSL-JSON ------------------------------------------------------------------------------------


def csl_item(article: Article, own_url: str) -> dict:
    """The article as a CSL-JSON item (what citeproc, Zotero and pandoc read)."""
    item = {
        "id": f"dossier-{article.pk}",
        "type": "article-newspaper",
        "title": article.title,
        "author": [split_name(a.name).csl() for a in article.author_list],
    }
    if article.outlet_id:
        item["container-title"] = article.outlet.name
    if parts := date_parts(article):
        item["issued"] = {"date-parts": [parts]}
    item["URL"] = cited_url(article, own_url)
    if article.lede:
        item["abstract"] = article.lede
    if article.language:
        item["language"] = article.language
    return item


# The page head: meta tags and JSON-LD --------------------------------------------------------


def meta_tags(article: Article, own_url: str) -> list[tuple[str, str, str]]:
    """(attribute, key, content) of each ``<meta>``: ``name`` for Highwire, Dublin Core and
    PRISM, ``property`` for Open Graph, one tag per author and in byline order."""
    authors = [a.name for a in article.author_list]
    outlet = article.outlet.name if article.outlet_id else ""
    iso, slashed = article.published_iso, slashed_date(article)
    tags = [("name", "citation_title", article.title)]
    tags += [("name", "citation_author", name) for name in authors]
    if slashed:
        tags.append(("name", "citation_publication_date", slashed))
    if outlet:
        tags.append(("name", "citation_journal_title", outlet))
    tags.append(("name", "citation_public_url", cited_url(article, own_url)))
    if article.language:
        tags.append(("name", "citation_language", article.language))
    tags += [("name", "DC.type", "newspaperArticle"), ("name", "DC.title", article.title)]
    tags += [("name", "DC.creator", name) for name in authors]
    if iso:
        tags.append(("name", "DC.date", iso))
    if outlet:
        tags.append(("name", "prism.publicationName", outlet))
    if article.lede:
        tags.append(("name", "DC.description", article.lede))
    tags += [("property", "og:type", "article"), ("property", "og:title", article.title),
             ("property", "og:url", own_url)]
    if outlet:
        tags.append(("property", "og:site_name", outlet))
    if article.lede:
        tags.append(("property", "og:description", article.lede))
    if iso:
        tags.append(("property", "article:published_time", iso))
    tags += [("property", "article:author", name) for name in authors]
    return tags


def json_ld(article: Article, own_url: str, author_urls: list[str] | None = None) -> dict:
    """schema.org ``NewsArticle``; ``datePublished`` at the date's precision."""
    authors = article.author_list
    urls = author_urls or [""] * len(authors)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": own_url,
        "mainEntityOfPage": own_url,
        "author": [{"@type": "Person", "name": a.name} | ({"url": url} if url else {})
                   for a, url in zip(authors, urls, strict=True)],
    }
    if article.published_iso:
        data["datePublished"] = article.published_iso
    if article.outlet_id:
        data["publisher"] = {"@type": "Organization", "name": article.outlet.name}
    if article.source_url:
        data["isBasedOn"] = article.source_url
    if article.lede:
        data["description"] = article.lede
    if article.language:
        data["inLanguage"] = article.language
    data["wordCount"] = article.word_count
    return data


# As Django's json_script does: no "</script>", "<!--" or "&" can survive inside the element.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    """``<script type="application/ld+json">`` with the JSON escaped for an HTML element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def head_html(article: Article, own_url: str, author_urls: list[str] | None = None) -> SafeString:
    """Everything the article page adds to ``<head>``, escaped."""
    metas = format_html_join("\n", '<meta {}="{}" content="{}">', meta_tags(article, own_url))
    return format_html('<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">\n{}\n{}',
                       metas, json_ld_script(json_ld(article, own_url, author_urls)))


# COinS ---------------------------------------------------------------------------------------


def coins_title(article: Article, own_url: str) -> str:
    """The OpenURL ContextObject a COinS span carries (unescaped; the template escapes it)."""
    fields = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
              ("rft.genre", "article"), ("rft.atitle", article.title)]
    if article.outlet_id:
        fields.append(("rft.jtitle", article.outlet.name))
    if article.published_iso:
        fields.append(("rft.date", article.published_iso))
    fields += [("rft.au", a.name) for a in article.author_list]
    fields.append(("rft_id", cited_url(article, own_url)))
    return urlencode(fields)


def coins_span(article: Article, own_url: str) -> SafeString:
    return format_html('<span class="Z3988" title="{}"></span>', coins_title(article, own_url))


# Formatted citations (the "Cite" box) ----------------------------------------------------------

NS = "{http://purl.org/net/xbiblio/csl}"
_render_lock = threading.Lock()


@lru_cache(maxsize=len(STYLES))
def load_style(name: str):
    """A vendored CSL style, parsed once and adapted to citeproc-py's reading of CSL 1.0.

    citeproc-py ignores ``initialize="false"`` (so MLA and Chicago would abbreviate given
    names) and prints a ``<label>`` whose variable is empty (Chicago's "Edition."). Both are
    fixed on the parsed tree: the inherited ``initialize-with`` moves onto the names that do
    initialize, and each variable's label is wrapped in a test that the variable is there.
    """
    tree = etree.parse(str(CSL_DIR / f"{name}.csl"))
    root = tree.getroot()
    bibliography = root.find(NS + "bibliography")
    inherited = bibliography.get("initialize-with", root.get("initialize-with"))
    for element in (root, bibliography, root.find(NS + "citation")):
        if element is not None:
            element.attrib.pop("initialize-with", None)
    if inherited is not None:
        for element in root.iter(NS + "name"):
            if element.get("initialize") != "false" and "initialize-with" not in element.attrib:
                element.set("initialize-with", inherited)
    for label in list(root.iter(NS + "label")):
        if variable := label.get("variable"):
            parent, position = label.getparent(), label.getparent().index(label)
            choose = etree.Element(NS + "choose")
            etree.SubElement(choose, NS + "if", variable=variable).append(label)
            parent.insert(position, choose)
    return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


def _html_safe(value):
    """CSL values as HTML character references: citeproc-py's HTML output does not escape the
    data it is given. Decimal references, because style case changes must not alter them."""
    if isinstance(value, str):
        return escape(value).replace("&amp;", "&#38;").replace("&lt;", "&#60;").replace(
            "&gt;", "&#62;").replace("&quot;", "&#34;").replace("&#x27;", "&#39;")
    if isinstance(value, list):
        return [_html_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: (_html_safe(v) if k != "date-parts" else v) for k, v in value.items()}
    return value


def formatted_citations(article: Article, own_url: str) -> list[tuple[str, SafeString]]:
    """(style label, bibliography entry as HTML) for each of ``STYLES``, cached by the
    citation's own data: formatting four styles costs tens of milliseconds."""
    item = _html_safe(csl_item(article, own_url))
    digest = hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()
    entries = cache.get_or_set(f"citations:{digest}", lambda: _format(item), timeout=None)
    return [(label, mark_safe(entry)) for label, entry in entries]  # built from escaped values


def _format(item: dict) -> list[tuple[str, str]]:
    out = []
    with _render_lock:  # one style object is shared by every thread of the process
        for label, name in STYLES:
            bibliography = CitationStylesBibliography(
                load_style(name), CiteProcJSON([item]), formatter.html)
            bibliography.register(Citation([CitationItem(item["id"])]))
            out.append((label, str(bibliography.bibliography()[0])))
    return out
