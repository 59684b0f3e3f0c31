"""Metadata a page states about itself: <meta> tags, JSON-LD, canonical link, <html lang>."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from .dates import FoundDate, parse_date

_ARTICLE_TYPES = re.compile(r"(?:\w*NewsArticle|Article|BlogPosting|Report|ScholarlyArticle)$")
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|\|)\s*")
_BY_RE = re.compile(r"^\s*by\s+", re.IGNORECASE)
_LANG_RE = re.compile(r"^([a-zA-Z]{2})(?:[-_]|$)")
_DATE_KEYS = (
    "article:published_time",
    "citation_publication_date",
    "citation_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "date",
    "pubdate",
    "publishdate",
    "og:published_time",
    "sailthru.date",
    "parsely-pub-date",
    "datepublished",
)
_AUTHOR_KEYS = (
    "citation_author",
    "author",
    "dc.creator",
    "article:author",
    "sailthru.author",
    "parsely-author",
)


@dataclass
class PageMeta:
    """Fields a page declares about itself; empty when it does not say."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: FoundDate | None = None
    outlet: str = ""
    url: str = ""
    language: str = ""
    description: str = ""


def read_page_meta(tree: lxml_html.HtmlElement) -> PageMeta:
    """Collect the page's own metadata; JSON-LD first, then <meta> tags, then <link>/<html>."""
    tags = _meta_tags(tree)
    ld = _json_ld_article(tree)
    meta = PageMeta()
    meta.title = _first(
        _text(ld.get("headline")),
        tags.get("og:title"),
        tags.get("citation_title"),
        tags.get("dc.title"),
        tags.get("twitter:title"),
    )
    meta.outlet = _first(
        tags.get("og:site_name"),
        _name_of(ld.get("publisher")),
        tags.get("citation_journal_title"),
        tags.get("application-name"),
    )
    meta.authors = _authors(ld.get("author")) or _authors_from_tags(tree, meta.outlet)
    meta.published = _first_date(
        ld.get("datePublished"), *(tags.get(k) for k in _DATE_KEYS), *_time_elements(tree)
    )
    meta.url = _first(_canonical(tree), *map(http_url, [tags.get("og:url"), _text(ld.get("url"))]))
    meta.language = _language(
        tree.get("lang"), tags.get("og:locale"), tags.get("content-language"), _text(ld.get("inLanguage"))
    )
    meta.description = _first(
        _text(ld.get("description")), tags.get("og:description"), tags.get("description")
    )
    return meta


def _meta_tags(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """First content of every <meta name|property|itemprop|http-equiv>, keyed in lower case."""
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        key = (key or element.get("http-equiv") or "").strip().lower()
        content = " ".join((element.get("content") or "").split())
        if key and content:
            tags.setdefault(key, content)
    return tags


def _json_ld_article(tree: lxml_html.HtmlElement) -> dict[str, Any]:
    """The first Article-like object in the page's JSON-LD blocks, or {}."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        for item in _walk_ld(data):
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and _ARTICLE_TYPES.search(t) for t in types):
                return item
    return {}


def _walk_ld(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD document, including those inside @graph lists."""
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item)
    elif isinstance(data, dict):
        yield data
        yield from _walk_ld(data.get("@graph", []))


def _authors(value: Any) -> list[str]:
    """Author names from a JSON-LD author field (string, object or list of them)."""
    items = value if isinstance(value, list) else [value]
    names = [_name_of(item) for item in items]
    return _unique([n for name in names for n in _split_authors(name, "")])


def _authors_from_tags(tree: lxml_html.HtmlElement, outlet: str) -> list[str]:
    """Author names from <meta name=author> and citation_author tags."""
    for key in _AUTHOR_KEYS:
        values = [
            e.get("content", "")
            for e in tree.iter("meta")
            if (e.get("name") or e.get("property") or "").strip().lower() == key
        ]
        names = [n for value in values for n in _split_authors(value, outlet)]
        if names:
            return _unique(names)
    return []


def _split_authors(value: str, outlet: str) -> list[str]:
    """ "By Jane Doe and John Roe, CNN" -> ["Jane Doe", "John Roe"]: no URLs, no outlet names."""
    if not value or "://" in value or value.startswith("www."):
        return []
    parts = _AUTHOR_SPLIT_RE.split(_BY_RE.sub("", value.strip()))
    return [
        " ".join(p.split())
        for p in parts
        if p
        and len(p.split()) <= 5
        and not any(ch.isdigit() for ch in p)
        and p.casefold() != outlet.casefold()
        and not (p.isupper() and " " not in p)
    ]


def _name_of(value: Any) -> str:
    """The name of a JSON-LD Person/Organization, or the value itself when it is a string."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name", "")
    return _text(value)


def _text(value: Any) -> str:
    """A JSON value as a single-spaced string ("" for non-strings)."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _first(*values: str | None) -> str:
    """The first non-empty value."""
    return next((v for v in values if v), "")


def _first_date(*values: Any) -> FoundDate | None:
    """The first value that parses as a date."""
    for value in values:
        if isinstance(value, str) and value.strip():
            found = parse_date(value.strip()[:40])
            if found:
                return found
    return None


def _time_elements(tree: lxml_html.HtmlElement) -> list[str]:
    """datetime of <time itemprop=datePublished> / <time pubdate> elements."""
    return [
        t.get("datetime", "")
        for t in tree.iter("time")
        if t.get("itemprop") == "datePublished" or t.get("pubdate") is not None
    ]


def _canonical(tree: lxml_html.HtmlElement) -> str:
    """href of <link rel=canonical>, when absolute."""
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and (href := http_url(link.get("href"))):
            return href
    return ""


def http_url(value: str | None) -> str:
    """The value when it is an absolute http(s) URL, else "": a source link must never be
    ``javascript:`` or ``data:`` (it is rendered as a link on the article page)."""
    value = (value or "").strip()
    return value if re.match(r"https?://[^\s/]", value, re.IGNORECASE) else ""


def _language(*values: str | None) -> str:
    """The ISO 639-1 part of the first language tag ("en-US", "en_GB" -> "en")."""
    for value in values:
        match = _LANG_RE.match((value or "").strip())
        if match:
            return match.group(1).lower()
    return ""


def _unique(names: list[str]) -> list[str]:
    """Names in order, each once."""
    return list(dict.fromkeys(names))
