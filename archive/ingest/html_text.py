"""A saved page's text as a browser shows it: what a person copying the page would get.

The raw-text reader finds bylines, datelines and headlines in that text; run on a saved
page it is one more witness beside the page's metadata, and it reads the byline a page
prints but never marks up. Lines break where the browser breaks them (block elements,
<br>), paragraphs are set off by a blank line, and what a browser never renders is left out.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_CELL_TAGS = frozenset({"td", "th"})
# Never rendered as text, or rendered as a control rather than as reading matter.
_UNSEEN_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "svg",
    "iframe", "object", "select", "option", "button", "textarea",
})
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BLANK_RUN_RE = re.compile(r"\n{3,}")


def visible_text(tree: lxml_html.HtmlElement) -> str:
    """The text of the page's <body> in reading order, one rendered line per line."""
    body = tree.find("body")
    parts: list[str | int] = []
    _render(body if body is not None else tree, parts)
    lines = (" ".join(line.split()) for line in _joined(parts).split("\n"))
    return _BLANK_RUN_RE.sub("\n\n", "\n".join(lines)).strip()


def _joined(parts: list[str | int]) -> str:
    """Text runs joined; a run of line breaks (ints: 1 around a block, 2 around a <p>) counts
    as its largest, as a browser collapses the breaks of adjacent blocks."""
    out: list[str] = []
    pending = 0
    for part in parts:
        if isinstance(part, int):
            pending = max(pending, part)
        elif part:
            if pending:
                out.append("\n" * pending)
                pending = 0
            out.append(part)
    return "".join(out)


def _render(element, parts: list[str | int]) -> None:
    """Append an element's rendered text and then its tail (iteratively: pages nest deep)."""
    stack: list[tuple[object, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        if closing:
            if tag in _BLOCK_TAGS:
                parts.append(2 if tag == "p" else 1)
            elif tag in _CELL_TAGS:
                parts.append("\t")
            if node.tail and node is not element:
                parts.append(node.tail)
            continue
        if tag is None or tag in _UNSEEN_TAGS or _hidden(node):
            if node.tail and node is not element:
                parts.append(node.tail)
            continue
        if tag in _BLOCK_TAGS:
            parts.append(2 if tag == "p" else 1)
        elif tag == "br":
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))


def _hidden(node) -> bool:
    """True for an element the page hides from every reader."""
    if node.get("hidden") is not None:
        return True
    style = node.get("style")
    return bool(style) and bool(_HIDDEN_STYLE_RE.search(style))
