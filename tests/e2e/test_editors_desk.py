"""The editing page as an editor uses it: a live preview of what is typed and not saved,
autosave that survives a reload, a warning when someone else saves, a stale save resolved
field by field, an earlier text restored through its confirmation, sections dragged or
moved without dragging, and a prompt before unsaved changes are left behind."""

import pytest

from articles.models import Article
from tests.e2e.conftest import admin_login
from tests.factories import staff_member

pytestmark = pytest.mark.e2e

TYPED_TITLE = "Peace talks resume in Istanbul after a night of shelling"
THEIR_TITLE = "Istanbul talks: delegations meet again"
TYPED_SUMMARY = "The delegations met for two hours."
THEIR_SUMMARY = "A second round, three years after the first."


def staff_with_password(role: str, username: str):
    from tests.e2e.conftest import PASSWORD

    user = staff_member(role, username)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


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
    editor, colleague = open_browser("editor"), open_browser("colleague")
    admin_login(editor, staff("Editors"))
    admin_login(colleague, staff_with_password("Editors", "colleague"))
    page = editor.page
    page.clock.install()
    editor.goto(change_page(seed_article))
    colleague.goto(change_page(seed_article))
    page.get_by_label("Title").fill(TYPED_TITLE)
    page.get_by_label("Summary").fill(TYPED_SUMMARY)

    # Meanwhile, in another browser, a colleague saves their own title and summary.
    colleague.page.get_by_label("Title").fill(THEIR_TITLE)
    colleague.page.get_by_label("Summary").fill(THEIR_SUMMARY)
    colleague.page.get_by_role("button", name="Save and continue editing").click()
    colleague.page.locator(".messagelist .success").wait_for()

    page.clock.fast_forward(16_000)
    notice = page.locator("#desk-status")
    notice.wait_for(state="visible")
    assert "saved this article at" in notice.inner_text()
    editor.screenshot("someone-else-saved")

    page.get_by_role("button", name="Save and continue editing").click()
    table = page.get_by_role("table").filter(has_text="Theirs")
    title = table.get_by_role("row").filter(has_text="Title")
    summary = table.get_by_role("row").filter(has_text="Summary")
    assert THEIR_TITLE in title.inner_text() and TYPED_TITLE in title.inner_text()
    assert THEIR_SUMMARY in summary.inner_text() and TYPED_SUMMARY in summary.inner_text()
    editor.screenshot("their-version-beside-yours")
    page.set_viewport_size({"width": 390, "height": 844})
    editor.screenshot("their-version-beside-yours-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Their title, this editor's summary.
    title.get_by_label("theirs").check()
    summary.get_by_label("yours").check()
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .success").wait_for()
    stored = Article.objects.get(pk=seed_article.pk)
    assert (stored.title, stored.summary) == (THEIR_TITLE, TYPED_SUMMARY)


def test_typing_is_autosaved_and_comes_back_after_a_reload(seed_article, staff, open_browser):
    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    page = editor.page
    page.clock.install()
    editor.goto(change_page(seed_article))
    status = page.locator("#autosave-status")
    assert "autosaved as you type" in status.inner_text()
    page.get_by_label("Title").fill(TYPED_TITLE)
    body = page.locator("#sections-1").get_by_label("Body")
    body.fill("Typed, and not saved.")

    page.clock.fast_forward(31_000)
    page.wait_for_function(
        "() => /^Saved \\d\\d:\\d\\d/.test(document.getElementById('autosave-status').textContent)"
    )
    # The article is published: what was typed waits as a pending draft.
    assert "pending draft" in status.inner_text()
    editor.screenshot("autosaved")

    # Everything typed is kept, so reloading asks nothing and brings it back.
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.reload()
    assert asked == []
    assert page.get_by_label("Title").input_value() == TYPED_TITLE
    assert page.locator("#sections-1").get_by_label("Body").input_value() == (
        "Typed, and not saved."
    )
    page.get_by_text("Your unsaved changes are back.").wait_for()
    editor.screenshot("autosave-back")
    page.set_viewport_size({"width": 390, "height": 844})
    editor.screenshot("autosave-back-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    stored = Article.objects.get(pk=seed_article.pk)
    assert stored.title == seed_article.title and stored.version == seed_article.version

    # The history lists the autosave above the revisions, to open or preview.
    page.get_by_role("link", name="Revisions").click()
    page.get_by_role("heading", name="Autosave").wait_for()
    editor.screenshot("autosave-in-history")
    page.get_by_role("link", name="Open them").click()

    # Discarding opens the article as it is stored.
    page.get_by_role("button", name="Discard them").click()
    page.get_by_text("Your autosaved changes are discarded.").wait_for()
    assert page.get_by_label("Title").input_value() == seed_article.title


def test_an_earlier_text_is_restored_through_its_confirmation(seed_article, staff, open_browser):
    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    page = editor.page
    editor.goto(change_page(seed_article))
    page.get_by_label("Title").fill(TYPED_TITLE)
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .success").wait_for()

    page.get_by_role("link", name="Revisions").click()
    rows = page.locator("#content-main").get_by_role("row")
    assert "Edited" in rows.nth(1).inner_text()
    rows.nth(2).get_by_role("link", name="Restore this text…").click()
    page.get_by_text("the restored text goes live on the site at once").wait_for()
    with page.expect_popup() as opened:
        page.get_by_role("link", name="as readers would read it").click()
    opened.value.get_by_role("heading", level=1, name=seed_article.title).wait_for()
    editor.screenshot("restore-confirmation")
    assert Article.objects.get(pk=seed_article.pk).title == TYPED_TITLE  # not yet

    page.get_by_role("button", name="Restore and publish this text").click()
    page.get_by_text("It is live on the site now.").wait_for()
    assert Article.objects.get(pk=seed_article.pk).title == seed_article.title
    page.get_by_role("link", name="Revisions").click()
    newest = page.locator("#content-main").get_by_role("row").nth(1)
    assert "Restored from rev" in newest.inner_text()


def test_a_section_is_dragged_into_place(seed_article, staff, open_browser):
    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    page = editor.page
    editor.goto(change_page(seed_article))
    first, second, third = (
        section.heading for section in seed_article.sections.order_by("position")[:3]
    )
    # Tall enough that the first three sections are in view together, as on a big screen.
    page.set_viewport_size({"width": 1280, "height": 3000})
    page.locator("#sections-0").scroll_into_view_if_needed()
    start = page.locator("#sections-0 > h3").bounding_box()
    end = page.locator("#sections-2").bounding_box()
    page.mouse.move(start["x"] + 40, start["y"] + start["height"] / 2)
    page.mouse.down()
    # In steps, as a hand moves: the list makes room as the section passes the others.
    page.mouse.move(start["x"] + 40, end["y"] + end["height"] - 20, steps=40)
    page.mouse.up()
    editor.screenshot("section-dragged")
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .success").wait_for()
    headings = list(
        Article.objects.get(pk=seed_article.pk)
        .sections.order_by("position")
        .values_list("heading", flat=True)[:3]
    )
    assert headings == [second, third, first]


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
