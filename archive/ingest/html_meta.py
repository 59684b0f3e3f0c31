"""Metadata a page states about itself: <meta> tags, JSON-LD, canonical link, <html lang>."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import html as lxml_html

from .bylines import DESK_WORDS, is_name
from .dates import DAY, FoundDate, parse_date
from .keys import fold_quotes

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


@dataclass
class PageMeta:
    """Fields a page declares about itself; empty when it does not say."""

    outlet: str = ""
    url: str = ""
    language: str = ""
    description: str = ""
    # The page calls itself an article (og:type article, a JSON-LD Article).
    declares_article: bool = False
    # What each source on the page says, as (source, value) in page order, for the fields
    # where sources disagree often enough that the choice is made by agreement.
    titles: list[tuple[str, str]] = field(default_factory=list)
    bylines: list[tuple[str, str]] = field(default_factory=list)
    dates: list[tuple[str, FoundDate]] = field(default_factory=list)


def read_page_meta(tree: lxml_html.HtmlElement) -> PageMeta:
    """Collect the page's own metadata; JSON-LD first, then <meta> tags, then <link>/<html>."""
    tags = _meta_tags(tree)
    ld = _json_ld_article(tree)
    meta = PageMeta()
    meta.outlet = _first(
        tags.get("og:site_name"),
        _name_of(ld.get("publisher")),
        tags.get("citation_journal_title"),
        tags.get("application-name"),
    )
    meta.url = _first(_canonical(tree), *map(http_url, [tags.get("og:url"), _text(ld.get("url"))]))
    meta.language = _language(
        tree.get("lang"), tags.get("og:locale"), tags.get("content-language"), _text(ld.get("inLanguage"))
    )
    meta.description = _first(
        _text(ld.get("description")), tags.get("og:description"), tags.get("description")
    )
    meta.declares_article = bool(ld) or tags.get("og:type", "").lower() == "article"
    meta.titles = _title_sources(tree, tags, ld)
    meta.bylines = _byline_sources(tree, tags, ld)
    meta.dates = _date_sources(tree, tags, ld, meta.url)
    return meta


def _title_sources(tree, tags: dict[str, str], ld: dict[str, Any]) -> list[tuple[str, str]]:
    """Every headline the page states: metadata, its first <h1>, its <title>."""
    found = [
        ("ld", _text(ld.get("headline"))),
        ("og", tags.get("og:title", "")),
        ("twitter", tags.get("twitter:title", "")),
        ("citation", tags.get("citation_title", "") or tags.get("dc.title", "")),
    ]
    h1s = [" ".join(h.text_content().split()) for h in tree.iter("h1") if not _assistive(h)]
    h1s = [h for h in h1s if h]
    if h1s:
        found.append(("h1", h1s[0]))
    if len(h1s) > 1:
        found.append(("h1-last", h1s[-1]))
    for element in tree.iter("h2"):
        if "title" in _class_id(element) or "headline" in _class_id(element):
            found.append(("h2-title", " ".join(element.text_content().split())))
            break
    title = tree.find(".//title")
    if title is not None and title.text:
        found.append(("title", " ".join(title.text.split())))
    return [(source, value) for source, value in found if value]


# Class names of headings meant for screen readers only ("Navigation und Service", "Menu"):
# page structure, never the headline a reader sees.
_ASSISTIVE_CLASSES = frozenset({
    "aural", "sr-only", "sr-only-focusable", "screen-reader-text", "screenreader", "visually-hidden",
    "visuallyhidden", "assistive", "offscreen", "element-invisible", "hidden", "invisible",
    "navskip", "skip", "hide",
})
_ASSISTIVE_PART_RE = re.compile(r"assistive|sr-only|visually-?hidden|screen-?reader", re.IGNORECASE)


def _assistive(element) -> bool:
    """True for a heading hidden from sight (hidden, aria-hidden, a screen-reader-only class),
    itself or through an ancestor."""
    for node in (element, *element.iterancestors()):
        if node.get("hidden") is not None or node.get("aria-hidden") == "true":
            return True
        classes = (node.get("class") or "").lower().split()
        if any(c in _ASSISTIVE_CLASSES or _ASSISTIVE_PART_RE.search(c) for c in classes):
            return True
    return False


_BYLINE_CLASS_RE = re.compile(r"author|byline|autor|verfasser|writer", re.IGNORECASE)
_BYLINE_PREFIX_RE = re.compile(
    r"^\s*(?:(?:written|posted|geschrieben|verfasst|veröffentlicht)\s+)?"
    r"(?:(?:by|von|par|por|di)\b|autor(?:in)?\s*:|author\s*:|text\s*:)\s*",
    re.IGNORECASE,
)


def _byline_sources(tree, tags: dict[str, str], ld: dict[str, Any]) -> list[tuple[str, str]]:
    """Every author the page names: JSON-LD, <meta>, rel=author links, byline elements."""
    found = [("ld", name) for name in _authors(ld.get("author"))]
    for key, source in (
        ("author", "meta"),
        ("article:author", "article"),
        ("citation_author", "meta"),
        ("dc.creator", "meta"),
        ("parsely-author", "meta"),
        ("sailthru.author", "meta"),
    ):
        value = tags.get(key, "")
        found += [(source, name) for name in _split_authors(value, "")]
    for link in tree.iter("a", "link"):
        if "author" in (link.get("rel") or "").lower().split():
            found.append(("rel", link.text_content() if link.tag == "a" else ""))
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("meta", "link", "script", "style"):
            continue
        if element.get("itemprop") == "author":
            names = element.xpath(".//*[@itemprop='name']")
            text = names[0].get("content") or names[0].text_content() if names else ""
            found.append(("itemprop", text or element.get("content") or element.text_content()))
        elif _BYLINE_CLASS_RE.search(_class_id(element)) and element.tag not in ("body", "html"):
            text = element.text_content()
            if len(text) <= 80:
                found.append(("class", text))
    cleaned = []
    for source, value in found:
        value = " ".join(_BYLINE_PREFIX_RE.sub("", " ".join((value or "").split())).split())
        value = value.strip(" ,.:;|-–—")
        if value and len(value) <= 60 and "://" not in value:
            cleaned.append((source, value))
    return cleaned


_URL_DATE_RE = re.compile(r"/((?:19|20)\d\d)[/-]([01]?\d)[/-]([0-3]?\d)(?:[/-]|$)")


def _date_sources(tree, tags: dict[str, str], ld: dict[str, Any], url: str) -> list[tuple[str, FoundDate]]:
    """Every publication date the page states, with where it said so."""
    raw = [("ld", ld.get("datePublished")), ("ld-modified", ld.get("dateModified"))]
    raw += [("article" if k == "article:published_time" else "meta", tags.get(k)) for k in _DATE_KEYS]
    raw += [("time-pub", t) for t in _time_elements(tree)]
    raw += [("time", t.get("datetime")) for t in tree.iter("time")][:1]
    raw += [("modified", tags.get(k)) for k in ("article:modified_time", "og:updated_time")]
    offset = _page_offset(value for _, value in raw)
    found = []
    for source, value in raw:
        date = _first_date(_in_offset(value, offset) if offset else value)
        if date:
            found.append((source, date))
    match = _URL_DATE_RE.search(url or "")
    if match:
        date = _first_date("-".join(f"{int(g):02d}" for g in match.groups()))
        if date:
            found.append(("url", date))
    return found


_ISO_TIME_RE = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?P<zone>Z|[+-]\d\d:?\d\d)$")


def _page_offset(values) -> datetime.timezone | None:
    """The time zone the page writes its own times in, when one of them is not UTC."""
    for value in values:
        match = _ISO_TIME_RE.match(value.strip()) if isinstance(value, str) else None
        if match and match.group("zone") not in ("Z", "+00:00", "+0000", "-00:00"):
            try:
                return datetime.datetime.fromisoformat(value.strip()).tzinfo
            except ValueError:
                continue
    return None


def _in_offset(value: Any, offset: datetime.tzinfo) -> Any:
    """A UTC timestamp as the page's own clock reads it: 23:00Z is the next day in Berlin,
    and the page shows its readers that day."""
    if not isinstance(value, str) or not _ISO_TIME_RE.match(value.strip()):
        return value
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value
    try:
        return moment.astimezone(offset).date().isoformat()
    except (OverflowError, ValueError):  # year 1 or 9999 moved across midnight
        return value


def _class_id(element) -> str:
    """An element's class and id attributes, for recognising bylines and headlines."""
    return f"{element.get('class') or ''} {element.get('id') or ''}"


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


_MAX_LD_CHARS = 1_000_000  # no real page describes itself in more


def _json_ld_article(tree: lxml_html.HtmlElement) -> dict[str, Any]:
    """The first Article-like object in the page's JSON-LD blocks, or {}."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if len(text) > _MAX_LD_CHARS:
            continue
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):  # nesting deep enough to exhaust the stack
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
    if not re.match(r"https?://[^\s/]", value, re.IGNORECASE):
        return ""
    try:
        return value if urlsplit(value).hostname else ""
    except ValueError:  # "http://[::1": a malformed host is no source link
        return ""


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


# Choosing among the sources. Each rule below was picked by counting, on annotated pages,
# how often each source (and each agreement of sources) named the right value.

_TITLE_SEGMENT_RE = re.compile(r"\s+(?:\||–|—|-|::|·|›|»|/)\s+|\s*[|»›_]\s*")
# A tie between headlines said equally often goes to the source a person reads as the headline.
_TITLE_PRIORITY = ("h1", "ld", "og", "twitter", "citation", "title", "trafilatura", "text")


def choose_title(sources: list[tuple[str, str]], outlets: list[str]) -> tuple[str, float]:
    """The headline among what the page's sources say, and how sure we are of it.

    The visible <h1> is the headline a reader sees, and it is trusted when another source
    says the same (or the same plus a " | Site" tail). An <h1> that names the site, or of
    one or two words, is a logo or a section label: then the other sources vote, a <title>
    counting without its site-name segment.
    """
    site = {_key(o) for o in outlets if o}
    h1 = next((v for s, v in sources if s == "h1"), "")
    others = [(s, v) for s, v in sources if s != "h1" and v]
    if h1 and not _names_site(h1, site):
        key = _key(h1)
        # The visible text's headline is most often the <h1> read back: no second witness.
        for _, value in [(s, v) for s, v in others if s != "text"]:
            other = _key(value)
            if other == key or any(_key(core) == key for core in _title_cores(value, site)):
                return h1, 1.0 if other == key else 0.9
        for _, value in others:
            other = _key(value)
            if len(value.split()) >= 3 and key.endswith(" " + other):
                return value, 0.8  # the <h1> holds a kicker before the headline
            if other.startswith(key) and not other[len(key) : len(key) + 1].isalnum():
                return h1, 0.8  # another source adds a tail to the <h1>
        if len(h1.split()) >= 3:
            return h1, 0.6
    return _vote_title(others, site)


def _vote_title(sources: list[tuple[str, str]], site: set[str]) -> tuple[str, float]:
    """The headline most sources say, a <title> counting without its site-name segment."""
    support: dict[str, tuple[str, set[str]]] = {}
    for _, value in sources:
        for candidate in (value, *_title_cores(value, site)):
            support.setdefault(_key(candidate), (candidate, set()))
    for key, (_, sayers) in support.items():
        for source, value in sources:
            if _key(value) == key or any(_key(core) == key for core in _title_cores(value, site)):
                sayers.add(source)
    if not support:
        return "", 0.0

    def rank(key: str) -> tuple:
        sayers = support[key][1]
        first = min(_TITLE_PRIORITY.index(s) if s in _TITLE_PRIORITY else 99 for s in sayers)
        return (len(sayers) - (5 if key in site else 0), not _ends_with_site(key, site), -first, len(key))

    best = max(support, key=rank)
    agreeing = len(support[best][1])
    return support[best][0], min(1.0, 0.4 + 0.2 * agreeing) if agreeing > 1 else 0.4


def _ends_with_site(title: str, site: set[str]) -> bool:
    """True for "Headline | Site": a last segment naming the site, which the headline lacks."""
    separators = list(_TITLE_SEGMENT_RE.finditer(title))
    return bool(separators) and _names_site(title[separators[-1].end() :], site)


def _title_cores(title: str, site: set[str]) -> list[str]:
    """A title without its last segment ("Headline | Site"), or without its first when that
    names the site ("Site - Headline"); a leading segment is otherwise kept, being as often
    a kicker of the headline as a site name."""
    separators = list(_TITLE_SEGMENT_RE.finditer(title))
    if not separators:
        return []
    cores = [title[: separators[-1].start()]]
    if _names_site(title[: separators[0].start()], site):
        cores.append(title[separators[0].end() :])
    return [core for core in cores if core.strip()]


def _names_site(segment: str, site: set[str]) -> bool:
    """True when a title segment is (part of) the outlet's name, or the reverse."""
    key = _key(segment)
    return bool(key) and any(name and (name in key or key in name) for name in site)


def _key(text: str) -> str:
    """Text as sources are compared: NFKC, quotes and dashes folded, one space, lower case."""
    return " ".join(fold_quotes(text).split()).casefold().strip(" .")

# Placeholders a page's metadata puts where a byline's name goes ("Super User", "Name").
_PLACEHOLDER_WORDS = frozenset({
    "super", "user", "name", "author", "autor", "autorin", "online", "follow", "folgen", "datum",
    "date", "untitled", "unbenannt", "unknown",
})
_ORGANISATION_RE = re.compile(
    r"\b(?:gmbh|ag|e\.\s?v\.?|verlag|team|magazin|magazine|zeitung|news|online|media|medien"
    r"|gruppe|group|inc|ltd|llc|presse|press|stiftung|verein|institut|university|universität)\b"
    r"|\.(?:de|com|org|net|at|ch|it|fr|es)\b",
    re.IGNORECASE,
)
_BYLINE_LEAD_RE = re.compile(
    r"^.*?\b(?:von|by|par|por|autor(?:in)?|author|verfasst|eingestellt von|posted by)\b\s*:?\s*",
    re.IGNORECASE,
)
_COMMENT_VERB_RE = re.compile(r"\b(?:sagt|says|said|dice|dit)$", re.IGNORECASE)
# Byline-classed elements past the first few distinct names are comment authors.
_BYLINE_ELEMENTS_KEPT = 2
# Where a source's names come from: <meta> author and trafilatura's (which reads that same
# <meta>) agreeing is one source saying it twice, not agreement.
_AUTHOR_FAMILY = {
    "meta": "meta",
    "article": "meta",
    "ld": "ld",
    "rel": "markup",
    "itemprop": "markup",
    "class": "markup",
    "trafilatura": "trafilatura",
    "text": "text",
}


def choose_authors(
    sources: list[tuple[str, str]], outlets: list[str], shown: Iterable[str] = ()
) -> tuple[list[str], float]:
    """The people two independent sources name as author, and how sure we are.

    A name only one source gives was wrong far more often than right (a comment author, a
    site owner, a photographer), so a single source is not enough; nor are <meta> author
    and trafilatura's copy of it (or of the JSON-LD author), which counts half. The JSON-LD
    list's co-authors of a chosen name are taken with it. Desks, wires and organisations are
    not people. A name that is also the site's is a personal blog's owner when three sources
    say it, and the site otherwise. When no two sources agree, a person's name the page's metadata states is
    taken if the page also prints it on a short line of its own (`shown`, the visible
    lines): a byline nobody marked up, where a name kept in <meta> only is not shown.
    """
    site = {_key(o) for o in outlets if o}
    support = _author_support(sources)
    chosen = []
    families = 0.0
    for key, (name, sayers) in support.items():
        weight = _family_weight(sayers)
        if weight >= (_SITE_NAME_SUPPORT if _names_site(key, site) else _PERSON_SUPPORT):
            chosen.append(name)
            families = max(families, weight)
    if chosen:
        return _with_coauthors(chosen, sources, site), min(1.0, 0.5 + 0.15 * int(families))
    shown_name = _shown_metadata_name(support, site, shown)
    return ([shown_name], 0.6) if shown_name else ([], 0.0)


# Agreement needed: two families for a person; three (trafilatura's copy of <meta> counting
# half) for a name that is also the site's.
_PERSON_SUPPORT, _SITE_NAME_SUPPORT = 2.0, 2.5
_SHOWN_LINE_CHARS = 80  # a byline line; a name inside a paragraph is no byline
_METADATA_FAMILIES = frozenset({"meta", "ld", "trafilatura"})


def _author_support(sources: list[tuple[str, str]]) -> dict[str, tuple[str, set[str]]]:
    """Each name that could be a person's, keyed for comparison, with the sources naming it."""
    support: dict[str, tuple[str, set[str]]] = {}
    markup_seen: dict[str, set[str]] = {}
    for source, value in sources:
        name = clean_author(value)
        if not is_person(name, set()):
            continue
        key = _key(name)
        if source in ("class", "itemprop"):
            seen = markup_seen.setdefault(source, set())
            if key not in seen and len(seen) >= _BYLINE_ELEMENTS_KEPT:
                continue
            seen.add(key)
        support.setdefault(key, (name, set()))[1].add(source)
    return support


def _family_weight(sayers: set[str]) -> float:
    """How many independent families of sources name someone; trafilatura reading the same
    <meta> or JSON-LD author adds half a family."""
    named_by = {_AUTHOR_FAMILY.get(s, s) for s in sayers}
    copied = "trafilatura" in named_by and bool(named_by & {"meta", "ld"})
    return len(named_by) - (0.5 if copied else 0.0)


def _with_coauthors(chosen: list[str], sources: list[tuple[str, str]], site: set[str]) -> list[str]:
    """The chosen names, with their co-authors: when the JSON-LD author list names someone
    chosen, the others it lists wrote the piece too (in the list's order)."""
    listed = [clean_author(value) for source, value in sources if source == "ld"]
    listed = [name for name in listed if is_person(name, set()) and not _names_site(_key(name), site)]
    keys = {_key(name) for name in chosen}
    if not any(_key(name) in keys for name in listed):
        return chosen
    names = list(dict.fromkeys(listed))
    return names + [name for name in chosen if _key(name) not in {_key(n) for n in names}]


def _shown_metadata_name(support, site: set[str], shown: Iterable[str]) -> str:
    """The first name the page's metadata states, shaped like a person's, not the site's,
    that a short visible line of the page holds; else ""."""
    lines = [_key(line) for line in shown if len(line) <= _SHOWN_LINE_CHARS]
    if not lines:
        return ""
    for key, (name, sayers) in support.items():
        if not _METADATA_FAMILIES & sayers or _names_site(key, site) or not is_name(name):
            continue
        if any(key in line for line in lines):
            return name
    return ""


# Where a date or time starts after a name: after a space or separator, or glued to the
# name as a day ("Jane Roe22. Februar"); a digit inside a word is a handle's ("freeman1984").
_AFTER_NAME_RE = re.compile(r"(?:^|\s+|\s*[,;|·•/–—-]\s*|(?<=[^\W\d_])(?=[0-3]?\d\.\s?\S))\d.*$")


def clean_author(value: str) -> str:
    """A byline's name alone: "02.02.2022, 11:30 Uhr von Jane Roe" -> "Jane Roe"."""
    value = " ".join((value or "").split())
    if re.search(r"\b(?:von|by|par|por)\b", value, re.IGNORECASE) or re.match(r"(?i)autor", value):
        value = _BYLINE_LEAD_RE.sub("", value)
    value = _AFTER_NAME_RE.sub("", value)  # a date or time after the name
    return value.strip(" ,.:;|-–—·*@")


def is_person(name: str, site: set[str]) -> bool:
    """True when a byline could name a person: no desk, wire, outlet or organisation."""
    key = _key(name)
    if len(key) < 2 or len(key.split()) > 4 or any(c.isdigit() for c in key) or "@" in key:
        return False
    if all(word in DESK_WORDS or word in _PLACEHOLDER_WORDS for word in re.findall(r"\w+", key)):
        return False
    if _ORGANISATION_RE.search(key) or _COMMENT_VERB_RE.search(key):
        return False
    if any(s and (s in key or key in s) for s in site):
        return False
    return not (name.isupper() and " " not in name)  # "XYZ", "QR": an acronym, not a name


_DATE_FAMILY = {
    "ld": "ld",
    "article": "meta",
    "meta": "meta",
    "time-pub": "time",
    "time": "time",
    "url": "url",
    "trafilatura": "trafilatura",
    "text": "text",
}
_DATE_PRIORITY = ("text", "url", "ld", "article", "meta", "time-pub", "time", "trafilatura")


def choose_date(sources: list[tuple[str, FoundDate]]) -> tuple[FoundDate | None, float]:
    """The publication date most independent sources give, and how sure we are.

    A tie goes to the dateline the page prints under its headline (read from its visible
    text), then to a date in the URL, set when the page is published and rarely wrong; a
    modification date the page states is not counted. htmldate's guess alone, with no source
    of the page saying the same, was wrong more often than right, so it is not enough. A
    stated timestamp one day from the printed dateline is a UTC time past the page's midnight:
    the day the page prints is the one its readers saw.
    """
    support: dict = {}
    for source, found in sources:
        if source in _DATE_FAMILY:
            support.setdefault(found.date, (found, set()))[1].add(source)

    def families(date) -> set[str]:
        return {_DATE_FAMILY[s] for s in support[date][1]}

    def rank(date) -> tuple:
        return (len(families(date)), -min(_DATE_PRIORITY.index(s) for s in support[date][1]))

    if not support:
        return None, 0.0
    best = max(support, key=rank)
    if families(best) == {"trafilatura"}:
        return None, 0.0
    printed = next((found for source, found in sources if source == "text"), None)
    if printed and printed.precision == DAY and abs((printed.date - best).days) == 1:
        best = printed.date
    found = support[best][0]
    rivals = len(support) - 1
    confidence = min(1.0, 0.4 + 0.2 * len(families(best))) - 0.1 * min(rivals, 2)
    return found, round(max(confidence, 0.2), 2)
