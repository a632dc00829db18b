"""The editing page as an editor uses it: a live preview of what is typed and not saved,
a warning when someone else saves, a stale save resolved field by field, sections moved
without dragging, and a prompt before unsaved changes are left behind."""

import pytest

from articles import services
from articles.models import Article
from tests.e2e.conftest import admin_login
from tests.factories import staff_member

pytestmark = pytest.mark.e2e

TYPED_TITLE = "Peace talks resume in Istanbul after a night of shelling"
THEIR_TITLE = "Istanbul talks: delegations meet again"


def change_page(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def test_the_live_preview_follows_unsaved_typing(seed_article, staff, open_browser):
    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    page = editor.page
    editor.goto(change_page(seed_article))
    page.get_by_label("Title").fill(TYPED_TITLE)
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Preview your changes").click()
    preview = opened.value
    preview.get_by_role("heading", level=1, name=TYPED_TITLE).wait_for()
    assert "Your unsaved changes" in preview.inner_text("body")
    editor.screenshot("live-preview", page=preview)

    # The preview tab follows the typing once the editor pauses.
    page.get_by_label("Title").fill(TYPED_TITLE + ", officials say")
    preview.get_by_role("heading", level=1, name=TYPED_TITLE + ", officials say").wait_for()

    # Nothing was saved by previewing.
    assert Article.objects.get(pk=seed_article.pk).title == seed_article.title

    # Leaving the page now asks first.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Articles", exact=True).first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(change_page(seed_article))


def test_someone_elses_save_is_announced_and_resolved_field_by_field(
    seed_article, staff, open_browser
):
    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    page = editor.page
    page.clock.install()
    editor.goto(change_page(seed_article))
    page.get_by_label("Title").fill(TYPED_TITLE)

    # A colleague saves a new title meanwhile.
    theirs = Article.objects.get(pk=seed_article.pk)
    theirs.title = THEIR_TITLE
    colleague = staff_member("Editors", "colleague")
    services.article_save(article=theirs, user=colleague, expected_version=seed_article.version)
    page.clock.fast_forward(16_000)
    notice = page.locator("#desk-status")
    notice.wait_for(state="visible")
    assert "saved this article at" in notice.inner_text()
    editor.screenshot("someone-else-saved")

    page.get_by_role("button", name="Save and continue editing").click()
    table = page.get_by_role("table").filter(has_text="Theirs")
    row = table.get_by_role("row").filter(has_text="Title")
    assert THEIR_TITLE in row.inner_text() and TYPED_TITLE in row.inner_text()
    editor.screenshot("their-version-beside-yours")
    page.set_viewport_size({"width": 390, "height": 844})
    editor.screenshot("their-version-beside-yours-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    row.get_by_label("theirs").check()
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .success").wait_for()
    assert Article.objects.get(pk=seed_article.pk).title == THEIR_TITLE


def test_sections_move_up_and_down_without_dragging(seed_article, staff, open_browser):
    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    page = editor.page
    editor.goto(change_page(seed_article))
    first, second = (section.heading for section in seed_article.sections.order_by("position")[:2])
    page.locator("#sections-0").get_by_role("button", name="Move down").click()
    editor.screenshot("section-moved")
    page.get_by_role("link", name="Add another Section").click()
    added = page.locator("#sections-6")
    added.get_by_role("button", name="Move up").wait_for()
    added.get_by_role("link", name="Delete").or_(added.locator(".inline-deletelink")).first.click()
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .success").wait_for()
    headings = list(
        Article.objects.get(pk=seed_article.pk)
        .sections.order_by("position")
        .values_list("heading", flat=True)[:2]
    )
    assert headings == [second, first]


def test_the_text_comes_first_and_each_body_has_tools_and_a_preview(
    seed_article, staff, open_browser
):
    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    page = editor.page
    editor.goto(change_page(seed_article))
    order = page.evaluate(
        """() => ['#id_title', '#sections-group', '#delegations-group', '#id_lead_image',
                  'select[name=transition]']
            .map(selector => document.querySelector(selector))
            .filter(Boolean)
            .map(element => element.getBoundingClientRect().top + window.scrollY)"""
    )
    assert len(order) == 5 and order == sorted(order)

    section = page.locator("#sections-1")
    body = section.get_by_label("Body")
    body.fill("The war began in 2022.")
    body.evaluate("textarea => textarea.setSelectionRange(4, 7)")  # "war"
    section.get_by_role("toolbar", name="Formatting").get_by_role("button", name="Bold").click()
    assert body.input_value() == "The **war** began in 2022."
    section.get_by_role("button", name="Preview").click()
    rendered = section.locator(".markdown-preview")
    rendered.locator("strong", has_text="war").wait_for()
    editor.screenshot("markdown-preview")
    for width, name in ((1440, "form-1440"), (390, "form-390")):
        page.set_viewport_size({"width": width, "height": 900})
        editor.screenshot(name)
    assert (
        Article.objects.get(pk=seed_article.pk).sections.get(position=1).body != body.input_value()
    )


def test_a_preview_link_is_made_copied_and_revoked(seed_article, staff, open_browser):
    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    editor.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = editor.page
    editor.goto(f"/admin/articles/article/{seed_article.pk}/share-preview/")
    page.get_by_role("button", name="Create a preview link").click()
    link = page.get_by_label("Preview link").input_value()
    page.get_by_role("button", name="Copy link").click()
    page.get_by_role("button", name="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    editor.screenshot("share-preview")
    reader = open_browser("reader")
    assert reader.page.goto(link).status == 200
    page.get_by_role("button", name="Revoke").click()
    page.get_by_text("no longer opens the article").wait_for()
    editor.screenshot("share-preview-revoked")
    assert reader.page.goto(link).status == 404
