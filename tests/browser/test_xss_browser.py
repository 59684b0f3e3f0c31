"""Hostile captures never run: OWASP XSS vectors imported as HTML and text, opened in Chromium.

A server of its own (hostile data never reaches the shared `live_url` archive) imports pages
built from `xss_vectors.py` in titles, og:title, author and outlet meta, bylines, body text,
attributes and file names, by `import_articles` and by the admin upload in the browser. Every
resulting page is then opened twice: once under the real Content-Security-Policy (a
`securitypolicyviolation` there means live markup reached the page and only the header stopped
it), once with the CSP bypassed (a payload that reached the DOM would run). Listeners count
dialogs, page errors, console errors and markers; a DOM scan looks for live handlers,
script URLs and active elements that would only run on a click.
"""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.browser.xss_vectors import ENCODED_PAGE_VECTORS, KNOWN_EXECUTING, VECTORS
from tests.live import ADMIN_PASSWORD, ADMIN_USER, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.heavy]

PER_FILE = 9
FILLER = ("Sanctions on the Kremlin and the Crimea question dominated the summit, while envoys in "
          "Washington and Moscow traded warnings about NATO, missiles and the Baltic states.")

PROSE = ("and it is one of the things that the reporters in the room said they had not seen "
         "before, although all of them had been there for many years.")

# Installed before any page script: records CSP violations and any payload that calls out.
INIT_SCRIPT = """
window.__csp = [];
window.__xss = window.__xss || undefined;
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample}));
"""

# Live markup a payload would need: handlers, script URLs, active elements, inline scripts.
DOM_SCAN = r"""() => {
  const found = [];
  const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background',
                            'poster', 'lowsrc', 'dynsrc', 'codebase', 'to', 'values', 'from', 'by']);
  const active = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'xmp',
                          'marquee', 'isindex', 'keygen', 'foreignobject', 'animate', 'set']);
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = a.value.replace(/[\u0000-\u0020\u200b\u2028]/g, '').toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc') found.push(`${tag}[${name}]`);
      else if (urlAttrs.has(name) && /^(javascript|vbscript|data|&#|%6a)/.test(value)
               && !(tag === 'img' && /^data:image\/(png|gif|jpeg|webp)/.test(value)))
        found.push(`${tag}[${name}=${value.slice(0, 40)}]`);
      else if (name === 'style' && /expression|javascript|behavior|binding|url\(/.test(value))
        found.push(`${tag}[style]`);
    }
    if (active.has(tag)) found.push(tag);
    // JSON-LD in <head> is data, never run.
    const ldJson = tag === 'script' && el.type === 'application/ld+json'
      && el.parentElement === document.head;
    if (tag === 'script' && !ldJson
        && (!el.src || new URL(el.src).origin !== location.origin || el.text.trim()))
      found.push('inline or foreign script');
    if (['style', 'link', 'meta'].includes(tag) && el.closest('body')) found.push(tag + ' in body');
    if (tag === 'meta' && el.httpEquiv) found.push('meta http-equiv');
  }
  return found;
}"""


# Pages built from the vectors ------------------------------------------------------------------


def marker(n: int) -> str:
    """A made-up word only hostile file n holds, so a search for it lands on that file."""
    return "xssmark" + "".join("bcdfghjklmnpqrstvwxz"[int(d)] for d in f"{n:03d}")


def author_safe(vector: str) -> bool:
    """Vectors that pass the importer's author-name filter (few words, no digits, no URL)."""
    return len(vector.split()) <= 5 and not any(c.isdigit() for c in vector) and "://" not in vector


def file_name(vector: str, n: int, extension: str) -> str:
    """A hostile file name: the vector itself, minus the two bytes a file name cannot hold."""
    return re.sub(r"[/\x00]", "_", vector)[:120] + f" {n}{extension}"


def groups() -> list[list[str]]:
    return [VECTORS[i:i + PER_FILE] for i in range(0, len(VECTORS), PER_FILE)]


def html_capture(n: int, vectors: list[str], author: str) -> bytes:
    """An HTML page with vectors in <title>, og tags, author meta, JSON-LD, byline and body."""
    first, *rest = vectors
    ld = json.dumps({"@type": "NewsArticle", "headline": first, "author": {"name": author}})
    ld = ld.replace("</", "<\\/")
    body = "".join(f"<p>{FILLER} Marker {marker(n)} before {v} and after.</p>"
                   f"<p title=\"{v}\">Literally: {html.escape(v)} near {marker(n)}.</p>" for v in vectors)
    month = 1 + n % 12
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{first}</title>"
            f"<meta property=\"og:title\" content=\"{html.escape(first)} {marker(n)}\">"
            f"<meta property=\"og:site_name\" content=\"{html.escape(rest[0] if rest else first)}\">"
            f"<meta name=\"author\" content=\"{html.escape(author)}\">"
            f"<meta property=\"article:published_time\" content=\"2016-{month:02d}-15\">"
            f"<script type=\"application/ld+json\">{ld}</script>"
            f"</head><body><article><h1>{first}</h1><p class=\"byline\">By {author}</p>"
            f"{body}</article></body></html>").encode()


def text_capture(n: int, vectors: list[str]) -> bytes:
    """A raw text capture: a vector as the title line, in the byline's role and in body lines."""
    title = " ".join(vectors[0].split()).rstrip(".")
    lines = [f"{title} {marker(n)}", f"By Jane Hostile, {vectors[-1][:60]}", "14 March 2017"]
    # Each vector sits inside ordinary prose, so that ingest reads its line as article text.
    lines += [f"{FILLER} {v} {marker(n)} appears here, {PROSE}" for v in vectors]
    # A NUL makes a text file binary (refused, rightly): the HTML pages carry those vectors.
    return ("\n\n".join(lines) + "\n").replace("\x00", "").encode()


def encoded_capture(n: int, codec: str, payload: str) -> bytes:
    """A whole page in `codec`, declared in its <meta charset>, with a payload in the body."""
    page = (f"<html><head><meta charset=\"{codec}\"><title>Encoded {codec} {marker(n)}</title></head>"
            f"<body><h1>Encoded page {codec}</h1>" + f"<p>{FILLER} {marker(n)}</p>" * 3
            + payload + "</body></html>")
    return page.encode(codec)


def write_captures(folder: Path) -> dict[str, str]:
    """Every vector as HTML and as text, plus encoded pages; returns {file name: marker word}."""
    authors = [v for v in VECTORS if author_safe(v)]
    markers = {}
    for i, vectors in enumerate(groups()):
        for n, extension, data in ((2 * i, ".html", html_capture(2 * i, vectors, authors[i % len(authors)])),
                                   (2 * i + 1, ".txt", text_capture(2 * i + 1, vectors))):
            name = file_name(vectors[0] if extension == ".html" else vectors[-1], n, extension)
            (folder / name).write_bytes(data)
            markers[name] = marker(n)
    for j, (codec, payload) in enumerate(ENCODED_PAGE_VECTORS, start=500):
        name = f"encoded \"{codec}\" <svg onload=alert('XSS')> {j}.html"
        (folder / name).write_bytes(encoded_capture(j, codec, payload))
        markers[name] = marker(j)
    return markers


# The server and the browser harness ------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A server of its own with every hostile capture imported by `import_articles`."""
    folder = tmp_path_factory.mktemp("hostile")
    markers = write_captures(folder)
    with LiveServer() as server:
        server.setup()
        done = server.manage("import_articles", "--json", "--topic", "sanctions", str(folder), check=False)
        outcomes = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        server.start()
        yield server, outcomes, markers


class Watch:
    """Listeners on one page: dialogs, page errors, console errors, blocked outbound requests."""

    def __init__(self, page):
        self.page, self.dialogs, self.errors, self.console, self.blocked = page, [], [], [], []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error" and self.console.append(msg.text))
        page.add_init_script(INIT_SCRIPT)
        page.route("**/*", self._route)

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message} at {self.page.url}")
        dialog.dismiss()

    def _route(self, route):
        host = urllib.parse.urlsplit(route.request.url).hostname
        if route.request.url.startswith(("http:", "https:")) and host not in ("127.0.0.1", "localhost"):
            self.blocked.append(route.request.url)
            return route.abort()
        return route.continue_()


class Sweep:
    """Opens pages in a real-CSP and a CSP-bypassed context and collects every sign of execution."""

    def __init__(self, browser, base: str):
        self.base, self.opened, self.statuses, self.findings, self.marks = base, 0, {}, [], 0
        self.contexts = [browser.new_context(bypass_csp=bypass) for bypass in (False, True)]
        self.pages = [context.new_page() for context in self.contexts]
        self.watches = [Watch(page) for page in self.pages]
        for page in self.pages:
            page.set_default_timeout(15_000)

    def login(self) -> None:
        for page in self.pages:
            page.goto(self.base + "/admin/login/?next=/admin/")
            page.fill("#id_username", ADMIN_USER)
            page.fill("#id_password", ADMIN_PASSWORD)
            page.click("input[type=submit]")

    def open(self, path: str) -> list[str]:
        """Open `path` in both contexts; return the same-origin links of the CSP one."""
        url = path if path.startswith("http") else self.base + path
        links: list[str] = []
        for page in self.pages:
            response = page.goto(url, wait_until="load")
            page.wait_for_timeout(30)  # autofocus, ontoggle and animations fire just after load
            self.opened += 1
            self.statuses[url] = response.status if response else 0
            state = page.evaluate("() => ({csp: window.__csp || [], xss: window.__xss ?? null,"
                                  " title: document.title})")
            live = page.evaluate(DOM_SCAN)
            for kind, values in (("csp", state["csp"]), ("live markup", live)):
                self.findings += [f"{kind} at {url}: {v}" for v in values]
            if state["xss"] is not None or state["title"] == "XSS":
                self.findings.append(f"marker at {url}: {state}")
            if not links:
                self.marks += page.locator(".article-row mark").count()
                links = page.eval_on_selector_all(
                    "a[href]", "els => els.map(a => new URL(a.getAttribute('href'), location.href).href)")
        return [link for link in links if link.startswith(self.base)]

    def executions(self) -> list[str]:
        return [item for watch in self.watches for item in watch.dialogs + watch.errors]

    def console_errors(self) -> list[str]:
        return [text for watch in self.watches for text in watch.console
                if "Failed to load resource" not in text]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def admin_upload(page, base: str, folder: Path) -> dict:
    """Upload hostile files in the browser, type vectors into review fields, confirm."""
    names = [file_name(VECTORS[k], 900 + k, ".txt") for k in (0, 22, 60)]
    for k, name in zip((0, 22, 60), names, strict=True):
        (folder / name).write_bytes(text_capture(900 + k, VECTORS[k:k + 4]))
    page.goto(base + "/admin/archive/article/upload/")
    page.set_input_files("#id_files", [str(folder / name) for name in names])
    page.click("input[value='Extract and review']")
    page.wait_for_selector("section.review-row")
    rows = page.locator("section.review-row")
    review_rows = rows.count()
    files = [rows.nth(i).get_attribute("data-file") for i in range(review_rows)]
    for i in range(review_rows):
        rows.nth(i).locator("input[name$='-authors']").fill(f"{VECTORS[30 + i]}, {VECTORS[90 + i]}")
        rows.nth(i).locator("input[name$='-title']").fill(VECTORS[120 + i])
    review_text = page.locator("body").inner_text()
    page.click("input[value='Import the checked articles']")
    page.wait_for_selector("#imported")
    return {"rows": review_rows, "review": review_text, "results": page.locator("body").inner_text(),
            "files": files}


# Pages found by following links, and how many of each to open: enough of every kind to show
# hostile names in author, outlet, month and topic pages and in facet links.
DISCOVERED = {r"/authors/[^/]+/$": 8, r"/outlets/[^/]+/$": 5, r"/archive/\d{4}/\d\d/$": 4,
              r"/topics/[^/]+/$": 3, r"/search/\?.*(author|outlet|topic|month)=": 8}


def crawl(sweep: Sweep, outcomes: list[dict], markers: dict[str, str]) -> None:
    """Every hostile article, searches, then the browse pages and facets they link to."""
    seeds = ["/", "/authors/", "/outlets/", "/archive/", "/archive/undated/", "/topics/",
             "/topics/sanctions/"]
    seeds += [f"/articles/{o['id']}/" for o in outcomes if o["id"]]
    seeds += ["/search/?" + urllib.parse.urlencode({"q": v}) for v in VECTORS[::20]]
    seeds += ["/search/?" + urllib.parse.urlencode({"q": word}) for word in list(markers.values())[::8]]
    seeds += ["/search/?q=sanctions+crimea", "/search/?q=alert+script",
              "/search/?" + urllib.parse.urlencode({"q": "script", "author": VECTORS[3]}),
              "/search/?" + urllib.parse.urlencode({"q": "x", "month": "<script>alert(1)</script>"})]
    found: list[str] = []
    for path in seeds:
        found += [link for link in sweep.open(sweep.base + path) if link not in found]
    opened = set(sweep.statuses)
    for pattern, count in DISCOVERED.items():
        links = [link for link in found if re.search(pattern, link) and link not in opened]
        for link in links[:count]:
            sweep.open(link)


def admin_pages(sweep: Sweep, outcomes: list[dict]) -> None:
    """The admin's lists and the change forms of hostile articles, authors and outlets."""
    for path in ("/admin/archive/article/?q=script", "/admin/archive/author/?q=alert",
                 "/admin/archive/outlet/?q=script", "/admin/archive/capture/", "/admin/archive/uploaditem/"):
        links = sweep.open(path)
        changes = [link for link in links if re.search(r"/admin/archive/(author|outlet)/\d+/change/", link)]
        for link in changes[:2]:
            sweep.open(link)
    for outcome in [o for o in outcomes if o["id"]][::12]:
        sweep.open(f"/admin/archive/article/{outcome['id']}/change/")


def shown_as_text(page, base: str, vector: str) -> list[str]:
    """A search for the vector: the box echoes it, and a snippet shows it, both as plain text."""
    page.goto(base + "/search/?" + urllib.parse.urlencode({"q": f'"{vector}"'}))
    snippet = page.locator(".article-row").first.inner_text()
    return [page.input_value("#site-q").strip('"'), vector if vector in snippet else snippet]


def landed(vector: str, imported: list[dict]) -> bool:
    """True when an imported article holds the vector as text (control characters aside)."""
    wanted = " ".join(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", vector).split())
    return any(wanted in " ".join(" ".join([o["title"] or "", *o["authors"], o["body_text"] or ""]).split())
               for o in imported)


def test_hostile_captures_never_run(hostile, browser, tmp_path, capsys):
    server, outcomes, markers = hostile
    imported = [o for o in outcomes if o["status"] == "imported"]
    assert len(outcomes) == len(markers), "every hostile file got an outcome"
    refused = [(o["file"], o["error"]) for o in outcomes if not o["id"]]
    assert len(refused) <= 2, refused
    missing = [v for v in VECTORS if not landed(v, imported)]
    assert missing == [], "every vector is in some article's title, authors or body"
    sweep = Sweep(browser, server.url)
    try:
        sweep.login()
        upload = admin_upload(sweep.pages[0], server.url, tmp_path)
        crawl(sweep, outcomes, markers)
        admin_pages(sweep, outcomes)
        echoed = shown_as_text(sweep.pages[0], server.url, "<script>alert('XSS')</script>")
    finally:
        sweep.close()

    assert upload["rows"] == 3, upload["review"][:3000]
    assert "Imported (3)" in upload["results"], upload["results"][:3000]
    # The hostile file names come back as sent (Chromium writes '"' as %22 in multipart names).
    assert sorted(upload["files"]) == sorted(file_name(VECTORS[k], 900 + k, ".txt").replace('"', "%22")
                                             for k in (0, 22, 60))
    assert echoed == ["<script>alert('XSS')</script>"] * 2, echoed
    assert sweep.marks > 0, "searches for hostile articles showed highlighted snippets"
    for kind in [*DISCOVERED, r"/admin/archive/(author|outlet)/\d+/change/"]:
        assert any(re.search(kind, url) for url in sweep.statuses), f"no page like {kind} was opened"
    executions = sweep.executions()
    with capsys.disabled():
        print(f"\nXSS sweep: {len(VECTORS)} vectors (+{len(ENCODED_PAGE_VECTORS)} encoded pages) in "
              f"{len(markers) + 3} files, {len(imported) + 3} hostile articles, {sweep.opened} page "
              f"loads ({len(sweep.statuses)} URLs x 2 contexts), {len(executions)} executions, "
              f"{sum('csp at' in f for f in sweep.findings)} CSP violations, "
              f"{sum('live markup' in f for f in sweep.findings)} live-markup findings; refused: {refused}")
    assert executions == []
    assert sweep.findings == []
    assert sweep.console_errors() == []
    assert [url for url, status in sweep.statuses.items() if status >= 500] == []
    assert server.server_errors() == []


def test_capture_of_hostile_html_is_a_download_never_a_page(hostile, page):
    server, outcomes, _ = hostile
    article = next(o for o in outcomes if o["id"] and o["file"].endswith(".html"))
    capture = f"{server.url}/captures/{article['id']}/"
    with urllib.request.urlopen(capture) as response:
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert b"<script" in response.read().lower()  # byte for byte: the hostile original, kept
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with page.expect_download() as download, pytest.raises(Exception, match="Download is starting"):
        page.goto(capture)
    assert download.value.suggested_filename.endswith(".html")
    assert dialogs == []


@pytest.mark.parametrize("payload", KNOWN_EXECUTING)
def test_the_harness_sees_a_payload_that_runs(browser, payload):
    """The detector works: the same listeners catch a vector inserted unescaped."""
    context = browser.new_context()
    watch = Watch(context.new_page())
    watch.page.set_content(f"<p>{payload}</p>")
    watch.page.wait_for_timeout(200)
    context.close()
    assert any("alert: XSS" in dialog for dialog in watch.dialogs), watch.dialogs


def test_the_harness_sees_live_markup_and_csp_violations(hostile, browser):
    """Live markup under the real CSP is blocked, and still counted: a CSP violation, a DOM finding."""
    server, *_ = hostile
    sweep = Sweep(browser, server.url)
    try:
        page = sweep.pages[0]
        page.goto(server.url + "/search/help/")
        page.evaluate("html => document.querySelector('main').insertAdjacentHTML('beforeend', html)",
                      "<img src=x onerror=alert('XSS')><a href='javascript:alert(1)'>x</a>")
        page.wait_for_timeout(200)
        csp = page.evaluate("window.__csp")
        live = page.evaluate(DOM_SCAN)
    finally:
        sweep.close()
    assert csp and csp[0]["directive"].startswith("script-src"), csp
    assert "img[onerror]" in live and any(item.startswith("a[href=javascript") for item in live), live
    assert sweep.executions() == []  # the CSP held: counted as a violation, not a dialog
