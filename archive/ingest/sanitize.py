"""HTML that is safe to show: an explicit allow-list, so nothing from a capture runs in a browser."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import bleach
from bleach.html5lib_shim import Filter
from lxml import etree
from lxml import html as lxml_html

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "q",
        "em",
        "strong",
        "i",
        "b",
        "a",
        "figure",
        "figcaption",
        "img",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "caption",
        "sub",
        "sup",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# bleach keeps the inner text of tags it strips; these must go with their content, or a
# capture's JavaScript, CSS or form labels would show up as article text.
_DROP_WITH_CONTENT = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "head",
    "title",
    "textarea",
    "select",
    "button",
)
_LINK_REL = "nofollow noopener"
_URL_ATTRIBUTES = ("href", "src", "cite")
# Browsers delete tabs and newlines anywhere in a URL ("jav&#x09;ascript:" runs as JavaScript)
# and control characters or spaces at its ends.
_URL_JUNK_RE = re.compile(r"[\t\n\r]")
_URL_EDGE_JUNK = "".join(map(chr, range(0x21)))
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """Per-tag attribute allow-list; images only from http(s), never data: or other schemes."""
    if tag == "a":
        return name in {"href", "title"}
    if tag == "img":
        return name in {"alt", "title"} or (
            name == "src" and value.strip().lower().startswith(("http://", "https://"))
        )
    if tag in {"th", "td"}:
        return name in {"colspan", "rowspan"}
    if tag in {"blockquote", "q"}:
        return name == "cite" and value.strip().lower().startswith(("http://", "https://"))
    return False


class _ForceLinkRel(Filter):
    """Give every link rel="nofollow noopener", whatever the capture said."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token["name"] == "a":
                token["data"][(None, "rel")] = _LINK_REL
            yield token


_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allow_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_ForceLinkRel],
)


def sanitize_html(markup: str) -> str:
    """Reduce untrusted HTML to the allow-list: scripts, handlers and unsafe URLs removed."""
    if not markup.strip():
        return ""
    return _CLEANER.clean(_drop_dangerous_elements(markup)).strip()


def text_to_html(paragraphs: Iterable[str]) -> str:
    """Plain paragraphs as <p> elements; the text is escaped, so it cannot carry markup."""
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p.strip())


def _drop_dangerous_elements(markup: str) -> str:
    """Remove script-like elements with their content and turn <h1> into <h2>."""
    root = lxml_html.fragment_fromstring(_CONTROL_RE.sub("", markup), create_parent="div")
    for element in list(root.iter(*_DROP_WITH_CONTENT)):
        element.drop_tree()
    for element in root.iter("h1"):
        element.tag = "h2"
    for element in root.iter("img"):
        if not element.get("src", "").strip().lower().startswith(("http://", "https://")):
            element.drop_tree()
    _unmask_urls(root)
    for element in root.iter(etree.Comment, etree.ProcessingInstruction):
        element.drop_tree()
    inner = (root.text or "") and html.escape(root.text, quote=False)
    return inner + "".join(lxml_html.tostring(child, encoding="unicode", with_tail=True) for child in root)


def _unmask_urls(root: lxml_html.HtmlElement) -> None:
    """Normalise URL attributes the way browsers do, so bleach judges the real scheme."""
    for element in root.iter():
        for name in _URL_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                element.set(name, _URL_JUNK_RE.sub("", value).strip(_URL_EDGE_JUNK))
