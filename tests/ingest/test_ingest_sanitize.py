"""Sanitizing: an explicit allow-list, so nothing from a capture can run in a browser."""

from __future__ import annotations

import pytest

from archive.ingest import sanitize_html, text_to_html

ATTACKS = [
    '<p>hi<script>alert("x")</script></p>',
    '<img src="https://e.com/a.png" onerror="alert(1)">',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#x01;javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">x</a>',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<iframe src="https://evil.example/"></iframe>',
    '<style>body { background: url("javascript:alert(1)") }</style>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name="q"><button>alert</button></form>',
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<!-- <script>alert(1)</script> -->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
]


@pytest.mark.parametrize("markup", ATTACKS)
def test_nothing_executable_survives(markup):
    clean = sanitize_html(markup).lower()
    for bad in (
        "<script",
        "javascript",
        "vbscript",
        "onerror",
        "onload",
        "onclick",
        "data:",
        "<iframe",
        "<svg",
        "<style",
        "style=",
        "<object",
        "<embed",
        "<form",
        "<base",
        "<meta",
        "<math",
        "alert(1)",
    ):
        assert bad not in clean


def test_script_and_style_contents_do_not_leak_as_text():
    clean = sanitize_html(
        "<p>a</p><script>var secret = 1;</script><style>.x{}</style>"
        "<template>tpl</template><noscript>ns</noscript><p>b</p>"
    )
    assert clean == "<p>a</p><p>b</p>"


def test_allowed_markup_is_kept_and_links_get_rel():
    clean = sanitize_html(
        '<h1>Head</h1><h3>Sub</h3><p class="x">A <em>b</em> <strong>c</strong> '
        '<a href="https://e.com/x" target="_blank" rel="opener">link</a> '
        '<a href="mailto:a@e.com">mail</a></p><ul><li>one</li></ul>'
        '<blockquote><p>q</p></blockquote><img src="https://e.com/i.png" alt="pic">'
    )
    assert "<h2>Head</h2>" in clean and "<h3>Sub</h3>" in clean
    assert '<a href="https://e.com/x" rel="nofollow noopener">link</a>' in clean
    assert '<a href="mailto:a@e.com" rel="nofollow noopener">mail</a>' in clean
    assert "<ul><li>one</li></ul>" in clean and "<blockquote><p>q</p></blockquote>" in clean
    assert '<img src="https://e.com/i.png" alt="pic">' in clean
    assert "class=" not in clean and "target=" not in clean


def test_empty_and_plain_text():
    assert sanitize_html("") == ""
    assert sanitize_html("a < b & c") == "a &lt; b &amp; c"


def test_text_to_html_escapes():
    html = text_to_html(["<script>alert(1)</script>", "", "Tom & Jerry"])
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>Tom &amp; Jerry</p>"
    assert sanitize_html(html) == html
