"""A reader comments on the seed article; a moderator approves it in the admin; it appears."""

import pytest

from articles.comments.views import AWAITING_MODERATION
from articles.models import Comment
from newsroom.demo import seed
from tests.e2e.conftest import admin_login
from tests.factories import CommentFactory

pytestmark = pytest.mark.e2e

COMMENT = "The list of delegates is the most useful part of this report."


def test_a_reader_reads_the_seed_article_and_comments(seed_article, open_browser):
    reader = open_browser("reader")
    page = reader.page
    reader.goto("/")
    reader.screenshot("home")

    page.get_by_role("link", name=seed.TITLE).click()
    page.wait_for_url(f"**{seed_article.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == seed.TITLE
    rating = page.get_by_role("region", name="Tone and political bias rating")
    assert seed.RATING_LABEL in rating.inner_text()
    assert seed.IMAGE_CREDIT in page.locator("figcaption .credit-line").inner_text()
    reader.screenshot("article")

    page.get_by_label("Name").fill("Olena K.")
    page.get_by_label("Email").fill("olena@example.org")
    page.get_by_label("Comment", exact=True).fill(COMMENT)
    page.get_by_role("button", name="Post comment").click()

    page.get_by_role("status").filter(has_text=AWAITING_MODERATION).wait_for()
    reader.screenshot("comment-awaiting-moderation")
    assert page.get_by_text(COMMENT).count() == 0
    assert Comment.objects.get(body=COMMENT).status == Comment.Status.PENDING


def test_a_moderator_approves_a_comment_and_the_reader_sees_it(seed_article, staff, open_browser):
    CommentFactory(
        article=seed_article,
        author_name="Olena K.",
        author_email="olena@example.org",
        body=COMMENT,
        status=Comment.Status.PENDING,
    )
    reader = open_browser("reader")
    reader.goto(seed_article.get_absolute_url())
    assert reader.page.get_by_text(COMMENT).count() == 0
    reader.screenshot("article-before")

    moderator = open_browser("moderator")
    admin_login(moderator, staff("Moderators"))
    page = moderator.page
    page.get_by_role("link", name="Comments", exact=True).first.click()
    page.get_by_role("heading", name="Comments: all queues").wait_for()
    moderator.screenshot("comments")
    page.get_by_role("link", name="Pending", exact=True).click()
    page.wait_for_url("**queue=pending**")
    row = page.get_by_role("row").filter(has_text=COMMENT)
    moderator.screenshot("pending-queue")
    row.get_by_role("button", name="Approve").click()
    page.get_by_text("Comment by “Olena K.” is now approved.").wait_for()
    moderator.screenshot("approved")

    reader.page.reload()
    comment = reader.page.locator("#comments article.comment").filter(has_text=COMMENT)
    comment.wait_for()
    assert "Olena K." in comment.inner_text()
    reader.screenshot("article-after")
    assert Comment.objects.get(body=COMMENT).status == Comment.Status.APPROVED
