"""The visible text of a saved page (archive/ingest/html_text.py), as a browser renders it."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from archive.ingest.html_text import visible_text


def _text(markup: str) -> str:
    return visible_text(lxml_html.document_fromstring(markup))


def test_blocks_break_lines_and_paragraphs_are_set_off():
    markup = (
        "<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
        "<h1>Talks resume</h1><div>By <b>Jane Roe</b></div>"
        "<p>First paragraph.</p><p>Second<br>line.</p></body></html>"
    )
    assert _text(markup) == "Home News\nTalks resume\nBy Jane Roe\n\nFirst paragraph.\n\nSecond\nline."


def test_what_a_browser_never_shows_is_left_out():
    markup = (
        "<html><head><title>Head title</title></head><body><script>var x = 1;</script>"
        "<style>p {}</style><p hidden>Hidden</p><div style='display: none'>Gone</div>"
        "<p>Shown <span style='visibility:hidden'>ghost</span>text</p><noscript>No JS</noscript>"
        "</body></html>"
    )
    assert _text(markup) == "Shown text"


def test_cells_of_a_row_stay_on_one_line_and_tails_follow():
    markup = "<html><body><table><tr><td>Jane</td><td>Roe</td></tr></table>after <i>it</i> all</body></html>"
    assert _text(markup) == "Jane Roe\nafter it all"


def test_a_deeply_nested_page_does_not_exhaust_the_stack():
    tree = lxml_html.document_fromstring("<html><body></body></html>")
    node = tree.find("body")
    for _ in range(5000):
        node = etree.SubElement(node, "div")
    node.text = "deep"
    assert visible_text(tree) == "deep"
