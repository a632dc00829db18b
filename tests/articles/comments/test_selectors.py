"""Reads of reader comments for the moderators: articles.comments.selectors, asked directly."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.comments import selectors, services
from articles.models import Comment, CommentReport
from tests.factories import ArticleFactory, CommentFactory, staff_member

pytestmark = pytest.mark.django_db

EMAIL = "reader@example.org"


def test_a_commenters_record_counts_by_status_and_lists_the_newest_first():
    article = ArticleFactory()
    older, newer = (
        CommentFactory(article=article, author_email=EMAIL, status=status)
        for status in ("approved", "spam")
    )
    CommentFactory(article=article, author_email=EMAIL, status="approved")
    CommentFactory(article=article, author_email="someone@example.org", status="rejected")
    # The newest by time is not the newest by id.
    now = timezone.now()
    Comment.objects.filter(author_email=EMAIL).update(created_at=now - timedelta(days=2))
    Comment.objects.filter(pk=older.pk).update(created_at=now)
    Comment.objects.filter(pk=newer.pk).update(created_at=now - timedelta(days=1))

    record = selectors.commenter_record(EMAIL)

    assert record["counts"] == [("Pending", 0), ("Approved", 2), ("Rejected", 0), ("Spam", 1)]
    assert record["total"] == 3
    assert record["comments"][:2] == [older, newer]
    assert record["commenter"] is None and record["standing_changes"] == []


def test_a_commenters_record_keeps_every_change_of_standing_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    moderator = staff_member("Moderators", "moderator")
    CommentFactory.create_batch(5, author_email=EMAIL)  # each on an article of its own
    for standing in ("premoderated", "banned", "good"):
        services.commenter_update(email=EMAIL, standing=standing, user=moderator)

    # The counts, the commenter, their comments and the changes of standing.
    with django_assert_num_queries(4):
        record = selectors.commenter_record(EMAIL)
        titles = [comment.article.title for comment in record["comments"]]
        changes = [(c.to_standing, c.changed_by.username) for c in record["standing_changes"]]

    assert record["commenter"].standing == "good" and len(titles) == 5
    assert changes == [
        ("good", "moderator"),
        ("banned", "moderator"),
        ("premoderated", "moderator"),
    ]


def test_replies_at_the_same_moment_keep_the_order_they_were_written_in():
    top = CommentFactory()
    replies = [CommentFactory(article=top.article, parent=top) for _ in range(3)]
    Comment.objects.update(created_at=timezone.now())
    for newest_first in (False, True):
        [thread] = selectors.comment_page(article=top.article, newest_first=newest_first).threads
        assert thread == top and thread.thread == replies


def test_a_queue_card_shows_open_reports_most_frequent_first_and_who_wrote_it(
    django_assert_num_queries,
):
    moderator = staff_member("Moderators", "moderator")
    reported, quiet = CommentFactory(author_email=EMAIL), CommentFactory()
    for n, reason in enumerate(["abusive", "spam", "spam", "legacy"]):
        CommentReport.objects.create(comment=reported, reporter_key=f"k{n}", reason=reason)
    CommentReport.objects.create(
        comment=reported, reporter_key="settled", reason="off_topic", resolved_at=timezone.now()
    )
    services.commenter_update(email=EMAIL, note="Warned once.", user=moderator)

    comments = [reported, quiet]
    with django_assert_num_queries(2):
        selectors.queue_details(comments)

    assert reported.report_reasons == [
        ("Spam or advertising", 2), ("Abusive or offensive", 1), ("legacy", 1)
    ]  # fmt: skip
    assert reported.commenter.note == "Warned once."
    assert quiet.report_reasons == [] and quiet.commenter is None


def test_an_empty_queue_page_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        selectors.queue_details([])
