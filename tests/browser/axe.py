"""axe-core in a real page: the pinned npm package (tests/browser/package.json) run at WCAG 2.2 AA.

`audit(page)` injects axe into the page Playwright has open and returns what it found; a test
asserts `result.violations == []` and prints `describe(...)` when it fails. The script goes in
through the DevTools protocol (`page.evaluate`), which the site's strict Content-Security-Policy
(no inline script) does not block, so pages are checked exactly as they are served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().with_name("node_modules") / "axe-core" / "axe.min.js"
WCAG_22_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


@dataclass
class Audit:
    """One axe run on one page: the rules it ran and the violations it found (rule, nodes)."""

    label: str
    url: str
    version: str
    rules_run: list[str]
    rules_applied: list[str]
    violations: list[dict] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The violations as lines a person can act on: rule, impact, selector, what to fix."""
        lines = [f"{self.label} ({self.url}): {len(self.violations)} violation(s)"]
        for violation in self.violations:
            lines.append(f"  {violation['id']} [{violation.get('impact')}]: {violation['help']}")
            for node in violation["nodes"][:10]:
                reasons = [line.strip() for line in node.get("failureSummary", "").splitlines()
                           if line.strip() and not line.startswith("Fix ")]
                lines.append(f"    {' '.join(node['target'])}: {reasons[0] if reasons else ''}")
        return "\n".join(lines)


def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is not installed at {AXE_JS}: run `make browser-deps` "
                    "(npm ci --prefix tests/browser)")
    return AXE_JS.read_text()


# A page's own scripts, and the noscript wrappers that only a page without scripts renders.
SCRIPTS = re.compile(r"<script\b.*?</script\s*>", re.I | re.S)
NOSCRIPT_TAGS = re.compile(r"</?noscript\b[^>]*>", re.I)


def audit(page, label: str | None = None, *, tags: tuple[str, ...] = WCAG_22_AA,
          scripts: bool = True) -> Audit:
    """Run axe on the page as it is now, limited to `tags` (WCAG 2.0-2.2 A and AA by default).

    axe cannot run in a page whose context has JavaScript off: its timers never fire there, so
    `axe.run` never settles and the test would hang. For such a page pass ``scripts=False``: its
    markup as it is now is audited in a copy served at the same URL in a context with scripts,
    with the page's own scripts left out, so the copy renders what a reader without them sees.
    """
    if not scripts:
        return _audit_copy(page, label or page.url, tags)
    return _run_axe(page, label, tags)


def _audit_copy(page, label: str, tags: tuple[str, ...]) -> Audit:
    markup = NOSCRIPT_TAGS.sub("", SCRIPTS.sub("", page.content()))
    url = page.url
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()
        copy.set_default_timeout(20_000)
        copy.route(lambda requested: requested == url,
                   lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                               body=markup))
        copy.goto(url)
        return _run_axe(copy, label, tags)
    finally:
        context.close()


def _run_axe(page, label: str | None, tags: tuple[str, ...]) -> Audit:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    raw = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            const ids = (list) => list.map((rule) => rule.id);
            return {version: r.testEngine.version, violations: r.violations,
                    passes: ids(r.passes), incomplete: ids(r.incomplete),
                    inapplicable: ids(r.inapplicable)};
        }""",
        list(tags),
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "helpUrl": v["helpUrl"],
         "nodes": [{"target": n["target"], "html": n["html"], "failureSummary": n.get("failureSummary", "")}
                   for n in v["nodes"]]}
        for v in raw["violations"]
    ]
    applied = sorted({*raw["passes"], *raw["incomplete"], *(v["id"] for v in violations)})
    run = sorted({*applied, *raw["inapplicable"]})
    return Audit(label=label or page.url, url=page.url, version=raw["version"], rules_run=run,
                 rules_applied=applied, violations=violations, incomplete=sorted(raw["incomplete"]))
