"""WCAG 2.1 AA on the public pages: axe-core in Chromium, and the keyboard route in."""

import pytest

from tests.e2e.conftest import NODE_MODULES
from tests.e2e.public_pages import PUBLIC_PATHS, public_site  # noqa: F401 - a fixture

pytestmark = pytest.mark.e2e

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(node['target'])}: {node['failureSummary']}")
            lines.append(f"    {node['html'][:200]}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", PUBLIC_PATHS, ids=lambda path: path.strip("/") or "home")
def test_no_serious_or_critical_accessibility_violations(path, public_site, open_browser):  # noqa: F811
    assert AXE.exists(), f"{AXE} is missing: run `make test-e2e`, which installs it."
    reader = open_browser("reader")
    reader.goto(path.format(**public_site))
    reader.screenshot("page")
    reader.page.add_script_tag(path=AXE)
    results = reader.page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )

    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{path}:\n{describe(blocking)}"
    assert results["passes"], "axe checked nothing"


def test_the_skip_link_shows_on_focus_and_moves_to_the_content(public_site, open_browser):  # noqa: F811
    reader = open_browser("reader")
    page = reader.page
    reader.goto(PUBLIC_PATHS[1].format(**public_site))
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.bounding_box()["y"] < 0, "hidden until focused"

    page.keyboard.press("Tab")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.bounding_box()["y"] >= 0
    outline = skip.evaluate("link => getComputedStyle(link).outlineStyle")
    assert outline == "solid", "focus is visible"
    reader.screenshot("skip-link-focused")

    page.keyboard.press("Enter")
    page.wait_for_url("**#main")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "the next Tab stays in the content, past the header"
