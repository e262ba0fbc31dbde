"""Automated accessibility checks in the browser tests: axe-core run on the page shown.

axe-core (MPL-2.0) is vendored, minified, in tests/e2e/vendor/axe-core/ with its licence:
the browser tests then need no network and no Node.js, and every run, in CI and on a
laptop, uses the same pinned rules. vendor/axe-core/README.md says how to update it.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (one h1 per page,
# landmarks, …); a violation of impact serious or critical fails the test.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING = ("critical", "serious")
MAX_NODES = int(os.environ.get("HIRING_AXE_NODES", "5"))  # elements listed per rule
RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))
  }));
}"""


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now; return its violations (all impacts)."""
    page.wait_for_load_state("domcontentloaded")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not added with page.add_script_tag: the pages' CSP (script-src
        # 'self') refuses an inline script, while Playwright's evaluation is exempt.
        page.evaluate("source => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN, TAGS)


def describe(violations: list[dict], where: str) -> str:
    lines = [f"{where}: {len(violations)} accessibility problem(s)"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']} "
                     f"({len(violation['nodes'])} element(s))")
        for node in violation["nodes"][:MAX_NODES]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"      {node['target']}: {summary[:300]}")
        if len(violation["nodes"]) > MAX_NODES:
            lines.append(f"      … and {len(violation['nodes']) - MAX_NODES} more")
    return "\n".join(lines)


def expect_accessible(page: Page, where: str = "") -> list[dict]:
    """Fail on any critical or serious axe-core violation of the page shown.

    Return the milder violations, which do not fail the test."""
    violations = axe_violations(page)
    where = where or page.url
    failing = [v for v in violations if v["impact"] in FAILING]
    assert not failing, describe(failing, where)
    return [v for v in violations if v["impact"] not in FAILING]
