"""The article's provenance and standards as a reader sees them, at a desktop's width and a
phone's: the picture's Content Credentials, the type label, "How we reported this", the
notes to readers, the standards links, the corrections page and a standards page."""

import pytest

from newsroom.demo import seed
from tests.e2e.public_pages import public_site  # noqa: F401 - a fixture

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PAGES = {
    "article": f"/articles/{seed.SLUG}/",
    "corrections": "/corrections/",
    "standards": "/standards/",
    "ethics": "/standards/ethics/",
}
OVERFLOW = "document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize("width", WIDTHS)
def test_provenance_and_standards_read_well_at_every_width(public_site, open_browser, width):  # noqa: F811
    reader = open_browser(f"reader-{width}")
    page = reader.page
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    for name, path in PAGES.items():
        reader.goto(path)
        reader.screenshot(name)
        assert not page.evaluate(OVERFLOW), f"{path} scrolls sideways at {width} width"

    reader.goto(PAGES["article"])
    credentials = page.locator("figure .credentials")
    assert credentials.inner_text().startswith("Content Credentials: not verified · signed by ")
    assert page.locator(".article__type").inner_text().lower() == "reporting"
    assert page.get_by_role("heading", name="How we reported this").is_visible()
    assert page.get_by_role("heading", name="Corrections and clarifications").is_visible()
    page.get_by_role("link", name="All corrections and clarifications").click()
    page.wait_for_url("**/corrections/")
    assert page.locator(".correction-entry").count() == 2
