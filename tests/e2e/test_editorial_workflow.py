"""A journalist writes an article in the admin and submits it; an editor publishes it."""

import pytest
from PIL import Image as PILImage

from articles.models import Article
from tests.e2e.conftest import admin_login

pytestmark = pytest.mark.e2e

TITLE = "Grain corridor talks reopen in Geneva"
SUMMARY = "Negotiators return to the Black Sea grain question after a four-month pause."


@pytest.fixture
def photo(tmp_path):
    """A JPEG on disk, as a photographer would hand it over."""
    path = tmp_path / "geneva-harbour.jpg"
    PILImage.new("RGB", (1200, 675), (40, 90, 140)).save(path, format="JPEG")
    return path


def add_section(page, index: int, kind: str, body: str):
    page.get_by_role("link", name="Add another Section").click()
    form = page.locator(f"#sections-{index}")
    form.get_by_label("Kind").select_option(label=kind)
    form.get_by_label("Body").fill(body)


def upload_lead_image(window, photo):
    """Through the chooser's "+": the image's own add page, in a pop-up window."""
    page = window.page
    with page.expect_popup() as opened:
        page.locator("#add_id_lead_image").click()
    popup = opened.value
    popup.get_by_label("File:", exact=True).set_input_files(photo)
    popup.get_by_label("Alt text").fill("Boats in Geneva harbour under a grey sky")
    popup.get_by_label("Credit:", exact=True).fill("Marie Dupont")
    popup.get_by_label("License").select_option(label="CC BY 4.0")
    popup.get_by_label("Source:", exact=True).fill("Newsroom staff")
    window.screenshot("image-upload", page=popup)
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()


def test_a_journalist_writes_an_article_and_an_editor_publishes_it(
    seed_article, staff, open_browser, photo
):
    journalist = open_browser("journalist")
    admin_login(journalist, staff("Journalists"))
    page = journalist.page
    journalist.goto("/admin/articles/article/add/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_label("Tags").fill("Diplomacy, Black Sea")
    add_section(page, 0, "Key Developments", "- Delegations arrived on Monday.")
    add_section(page, 1, "Background", "The corridor closed in **July**.")
    upload_lead_image(journalist, photo)
    lead_image = page.locator("#id_lead_image")
    assert "Boats in Geneva harbour" in lead_image.locator("option:checked").inner_text()
    page.get_by_label("Then").select_option(label="Submit for review")
    journalist.screenshot("article-filled-in")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("In review").first.wait_for()
    journalist.screenshot("submitted")

    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.IN_REVIEW
    assert article.slug == "grain-corridor-talks-reopen-in-geneva"
    assert [s.kind for s in article.sections.order_by("position")] == [
        "key_developments",
        "background",
    ]
    assert sorted(article.tags.names()) == ["Black Sea", "Diplomacy"]
    assert article.lead_image.credit == "Marie Dupont"

    reader = open_browser("reader")
    assert reader.page.goto(article.get_absolute_url()).status == 404
    reader.screenshot("not-yet-public")

    analyst = open_browser("analyst")
    admin_login(analyst, staff("Bias analysts"))
    page = analyst.page
    analyst.goto("/admin/articles/article/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Assess bias").click()
    page.get_by_label("Center", exact=True).check()
    page.get_by_label("Moderately", exact=True).check()
    # The rubric starts unanswered: each question is answered.
    for question in ("emotional_language", "partisan_framing", "speculation", "one_sided_sourcing"):
        page.locator(f'input[name="{question}"][value="none"]').check()
    page.get_by_label("Rationale").fill("Neutral wording; officials on both sides quoted.")
    analyst.screenshot("assessment")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("heading", name="The panel says: Moderately Center-Leaning").wait_for()
    analyst.screenshot("panel-after-assessing")

    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    page = editor.page
    editor.goto("/admin/articles/article/")
    editor.screenshot("articles")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Bias panel").click()
    page.get_by_label("Why:").fill("Straight reporting of both delegations' positions.")
    # One analyst is not a balanced panel: the page warns, and the editor says why.
    page.get_by_text("One analyst rated this article").wait_for()
    page.get_by_label("Reason to publish from this panel").fill("A short wire story.")
    page.get_by_role("button", name="Publish rating").click()
    page.get_by_text("Published the rating “Moderately Center-Leaning”.").wait_for()
    editor.screenshot("rating-published")
    page.locator(".breadcrumbs").get_by_role("link", name=TITLE).click()
    page.get_by_label("Then").select_option(label="Publish or schedule")
    editor.screenshot("review")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text(f"“{TITLE}”: Published").wait_for()
    editor.screenshot("published")

    reader.goto("/")
    reader.page.get_by_role("link", name=TITLE).click()
    reader.page.get_by_role("heading", level=1, name=TITLE).wait_for()
    assert "Marie Dupont" in reader.page.locator("figcaption .credit-line").inner_text()
    rating = reader.page.locator(".rating-box__label").inner_text()
    assert rating == "Tone & Political Bias: Moderately Center-Leaning"

    feed = reader.page.request.get("/feeds/latest/")
    assert feed.ok and feed.headers["content-type"].startswith("application/rss+xml")
    assert f"<title>{TITLE}</title>" in feed.text()
    assert article.get_absolute_url() in feed.text()
    reader.screenshot("published-article")
