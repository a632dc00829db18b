from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.comments import services as comment_services
from articles.comments.services import (
    comment_approve,
    comment_create,
    comment_mark_spam,
    comment_moderate,
    comment_reject,
    comment_report,
)
from articles.models import Article, Comment, Commenter, CommentReport, ModerationSettings
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(role: str):
    user = UserFactory(username=role.lower().replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def create(article=None, **fields):
    data = {"author_name": "Reader", "author_email": "reader@example.org", "body": "Good piece."}
    return comment_create(article=article or ArticleFactory(), **{**data, **fields})


@pytest.mark.parametrize(
    "decide", [comment_approve, comment_reject, comment_mark_spam], ids=lambda f: f.__name__
)
def test_moderators_decide_and_are_recorded(decide):
    moderator = member("Moderators")
    comment = CommentFactory(status=Comment.Status.PENDING)
    decided = decide(comment=comment, user=moderator)
    decided.refresh_from_db()
    assert decided.status == {
        comment_approve: "approved", comment_reject: "rejected", comment_mark_spam: "spam"
    }[decide]  # fmt: skip
    assert decided.moderated_by == moderator
    assert timezone.now() - decided.moderated_at < timedelta(seconds=5)


@pytest.mark.parametrize("role", ["Journalists", "Editors", "Bias analysts"])
def test_other_roles_cannot_moderate(role):
    comment = CommentFactory(status=Comment.Status.PENDING)
    with pytest.raises(PermissionDenied):
        comment_approve(comment=comment, user=member(role))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING and comment.moderated_by is None


def test_pending_is_not_a_decision():
    comment = CommentFactory()
    with pytest.raises(ValidationError):
        comment_moderate(comment=comment, status="pending", user=member("Moderators"))


def test_a_decision_closes_open_reports():
    comment = CommentFactory()
    for key in "abc":
        comment_report(comment=comment, reporter_key=key, reason="abusive")
    assert list(Comment.objects.reported()) == [comment]
    comment_approve(comment=comment, user=member("Moderators"))
    assert not Comment.objects.reported().exists()
    assert CommentReport.objects.filter(resolved_at__isnull=True).count() == 0


def test_reports_count_once_per_reader_and_reach_the_queue_at_the_threshold(settings):
    settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD = 2
    comment = CommentFactory()
    assert comment_report(comment=comment, reporter_key="one", reason="spam") is True
    assert comment_report(comment=comment, reporter_key="one", reason="abusive") is False
    assert not Comment.objects.reported().exists()
    assert comment_report(comment=comment, reporter_key="two", reason="spam") is True
    assert list(Comment.objects.reported()) == [comment]
    # Reported comments stay public until a moderator decides.
    assert list(Comment.objects.public()) == [comment]


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_only_public_comments_can_be_reported(status):
    comment = CommentFactory(status=status)
    with pytest.raises(ValidationError):
        comment_report(comment=comment, reporter_key="k", reason="spam")


def test_reporter_key_hides_the_address():
    key = comment_services.reporter_key(ip_address="203.0.113.9")
    assert "203.0.113.9" not in key and len(key) == 64
    assert key == comment_services.reporter_key(ip_address="203.0.113.9")


def test_a_reply_to_a_reply_joins_the_thread():
    top = CommentFactory()
    reply = CommentFactory(article=top.article, parent=top)
    assert create(article=top.article, parent=reply).parent == top


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_replies_only_to_approved_comments(status):
    parent = CommentFactory(status=status)
    with pytest.raises(ValidationError):
        create(article=parent.article, parent=parent)


def test_replies_stay_on_their_article():
    parent = CommentFactory()
    with pytest.raises(ValidationError):
        create(article=ArticleFactory(), parent=parent)


def test_same_body_from_same_email_within_a_minute_is_stored_once():
    article = ArticleFactory()
    first = create(article=article, author_email="Reader@Example.org")
    again = create(article=article)
    assert again.pk == first.pk
    assert Comment.objects.count() == 1
    create(article=article, body="Something else")
    assert Comment.objects.count() == 2


def test_same_body_after_the_window_is_a_new_comment(settings):
    settings.NEWSROOM_COMMENTS_DUPLICATE_SECONDS = 60
    article = ArticleFactory()
    first = create(article=article)
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    from django.core.cache import cache

    cache.clear()
    assert create(article=article).pk != first.pk


@pytest.mark.parametrize(
    "article_fields",
    [
        {"comments_enabled": False},
        {"published_at": timezone.now() - timedelta(days=31)},
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["disabled", "too-old", "draft", "scheduled"],
)
def test_closed_articles_take_no_comments(article_fields, settings):
    settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = 30
    article = ArticleFactory(**article_fields)
    with pytest.raises(comment_services.CommentsClosed):
        create(article=article)
    assert not Comment.objects.exists()


def test_comments_stay_open_without_an_age_limit(settings):
    settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = None
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=3000))
    assert comment_services.comments_open(article=article)


def test_staff_comments_record_the_user_and_readers_do_not():
    journalist = member("Journalists")
    staff_comment = create(user=journalist)
    assert staff_comment.user == journalist and staff_comment.status == Comment.Status.PENDING
    reader = UserFactory(username="not-staff")
    assert create(user=reader, body="other").user is None


def test_a_moderators_own_comment_is_approved_at_once():
    comment = create(user=member("Moderators"))
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderation_reason == "Posted by a moderator."


def test_every_move_is_kept_as_a_decision():
    moderator = member("Moderators")
    comment = CommentFactory(status=Comment.Status.PENDING)
    comment_mark_spam(comment=comment, user=moderator)
    comment_approve(comment=comment, user=moderator)
    moves = list(comment.decisions.values_list("from_status", "to_status", "decided_by"))
    assert moves == [("pending", "spam", moderator.pk), ("spam", "approved", moderator.pk)]


def test_the_rules_decisions_are_kept_too():
    from articles.models import ModerationSettings

    rules = ModerationSettings.load()
    rules.banned_words = "casino"
    rules.save()
    comment = create(body="casino bonus")
    decision = comment.decisions.get()
    assert (decision.to_status, decision.decided_by, decision.reason) == (
        "spam", None, "Banned word: “casino”."
    )  # fmt: skip
    assert not create(body="Fine words.").decisions.exists()


# Commenters: ban, always pre-moderate, notes — enforced when a comment is stored.
def test_a_banned_commenters_next_comment_is_stored_as_spam_and_nothing_else_is_lost():
    moderator = member("Moderators")
    article = ArticleFactory()
    earlier = create(article, author_email="Troll@Example.org")
    comment_approve(comment=earlier, user=moderator)
    other = create(article, author_email="someone@example.org", body="Unrelated.")
    comment_services.commenter_update(
        email="troll@example.org", standing="banned", reason="Threats", user=moderator
    )
    banned = create(article, author_email=" TROLL@example.org ", body="Again.")
    banned.refresh_from_db()
    assert banned.status == Comment.Status.SPAM
    assert banned.moderation_reason == "Banned commenter."
    assert banned.decisions.get().reason == "Banned commenter."
    earlier.refresh_from_db()
    other.refresh_from_db()
    assert (earlier.status, other.status) == (Comment.Status.APPROVED, Comment.Status.PENDING)
    commenter = Commenter.objects.get(email="troll@example.org")
    change = commenter.changes.get()
    assert (change.from_standing, change.to_standing, change.changed_by, change.reason) == (
        "good", "banned", moderator, "Threats"
    )  # fmt: skip


def test_an_always_premoderated_commenter_waits_even_when_known(settings):
    moderator = member("Moderators")
    rules = ModerationSettings.load()
    rules.auto_approve_known_commenters, rules.known_commenter_threshold = True, 1
    rules.save()
    article = ArticleFactory()
    comment_approve(comment=create(article, body="First."), user=moderator)
    assert create(article, body="Second.").status == Comment.Status.APPROVED
    comment_services.commenter_update(
        email="reader@example.org", standing="premoderated", user=moderator
    )
    held = create(article, body="Third.")
    assert held.status == Comment.Status.PENDING
    assert held.moderation_reason == "Always pre-moderated commenter."
    comment_services.commenter_update(email="reader@example.org", standing="good", user=moderator)
    assert create(article, body="Fourth.").status == Comment.Status.APPROVED
    assert [c.to_standing for c in Commenter.objects.get().changes.all()] == [
        "good", "premoderated"
    ]  # fmt: skip


@pytest.mark.parametrize("role", ["Journalists", "Editors", "Bias analysts"])
def test_only_moderators_act_on_commenters(role):
    with pytest.raises(PermissionDenied):
        comment_services.commenter_update(
            email="reader@example.org", standing="banned", user=member(role)
        )
    assert not Commenter.objects.exists()


def test_a_moderator_note_is_kept_and_a_bad_standing_refused():
    moderator = member("Moderators")
    comment_services.commenter_update(email="a@example.org", note=" Warned once. ", user=moderator)
    commenter = Commenter.objects.get()
    assert commenter.note == "Warned once." and commenter.standing == "good"
    assert not commenter.changes.exists()
    with pytest.raises(ValidationError):
        comment_services.commenter_update(email="a@example.org", standing="vip", user=moderator)


def reported(comment, *reasons):
    for n, reason in enumerate(reasons):
        comment_report(
            comment=comment,
            reporter_key=comment_services.reporter_key(ip_address=f"192.0.2.{n}"),
            reason=reason,
        )


def test_keeping_a_reported_comment_resolves_its_reports_and_says_so():
    moderator = member("Moderators")
    comment = CommentFactory()
    reported(comment, "abusive", "abusive", "spam")
    assert Comment.objects.reported().filter(pk=comment.pk).exists()
    comment_services.comment_keep(comment=comment, user=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert not Comment.objects.reported().exists()
    assert not comment.reports.filter(resolved_at__isnull=True).exists()
    decision = comment.decisions.get()
    assert (decision.from_status, decision.to_status) == ("approved", "approved")
    assert decision.reason == (
        "Kept up after 3 reports: abusive or offensive ×2, spam or advertising ×1."
    )


def test_taking_down_a_reported_comment_rejects_it_and_says_why():
    moderator = member("Moderators")
    comment = CommentFactory()
    reported(comment, "off_topic", "abusive")
    comment_services.comment_take_down(comment=comment, user=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert comment.decisions.get().reason.startswith("Taken down after 2 reports:")
    assert not Comment.objects.reported().exists()
    with pytest.raises(ValidationError):
        comment_services.comment_keep(comment=comment, user=moderator)


def test_a_decision_names_the_most_reported_reason_first():
    comment = CommentFactory()
    reported(comment, "off_topic", "spam", "spam")
    comment_services.comment_take_down(comment=comment, user=member("Moderators"))
    assert comment.decisions.get().reason == (
        "Taken down after 3 reports: spam or advertising ×2, off topic ×1."
    )


def test_one_report_reads_in_the_singular():
    comment = CommentFactory()
    reported(comment, "spam")
    comment_services.comment_keep(comment=comment, user=member("Moderators"))
    assert comment.decisions.get().reason == "Kept up after 1 report: spam or advertising ×1."


def test_keeping_a_comment_nobody_reported_says_only_that():
    comment = CommentFactory()
    comment_services.comment_keep(comment=comment, user=member("Moderators"))
    assert comment.decisions.get().reason == "Kept up."


def test_a_report_whose_reason_is_no_longer_offered_is_named_as_stored():
    comment = CommentFactory()
    CommentReport.objects.create(comment=comment, reporter_key="k", reason="Legacy")
    comment_services.comment_take_down(comment=comment, user=member("Moderators"))
    assert comment.decisions.get().reason == "Taken down after 1 report: legacy ×1."


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_only_a_published_comment_is_kept_up(status):
    comment = CommentFactory(status=status)
    with pytest.raises(ValidationError, match="Only a published comment can be kept up"):
        comment_services.comment_keep(comment=comment, user=member("Moderators"))
    assert Comment.objects.get(pk=comment.pk).status == status
    assert not comment.decisions.exists()


def test_a_change_of_standing_keeps_its_reason_trimmed_to_the_fields_length():
    moderator = member("Moderators")
    comment_services.commenter_update(
        email="a@example.org", standing="banned", reason=f"  {'x' * 300}  ", user=moderator
    )
    comment_services.commenter_update(email="a@example.org", standing="good", user=moderator)
    reasons = [change.reason for change in Commenter.objects.get().changes.order_by("pk")]
    assert reasons == ["x" * 255, ""]


def test_acting_on_commenters_is_refused_with_the_reason():
    with pytest.raises(PermissionDenied, match="needs the moderate_comment permission"):
        comment_services.commenter_update(
            email="a@example.org", note="Hm.", user=member("Journalists")
        )
    with pytest.raises(ValidationError, match="“vip” is not a commenter standing"):
        comment_services.commenter_update(
            email="a@example.org", standing="vip", user=member("Moderators")
        )
    assert not Commenter.objects.exists()


def test_comments_stay_open_until_the_limit_and_close_at_it(settings):
    settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = 30
    published = timezone.now() - timedelta(days=29)
    article = ArticleFactory(published_at=published)
    assert comment_services.comments_open(article=article)
    with time_machine.travel(published + timedelta(days=30), tick=False):
        assert not comment_services.comments_open(article=article)


def test_the_same_words_from_the_same_reader_on_another_article_are_a_new_comment():
    first = create(article=ArticleFactory())
    second = create(article=ArticleFactory())
    assert second.pk != first.pk and Comment.objects.count() == 2


def test_a_repeat_is_a_new_comment_once_the_window_has_passed_even_in_the_cache(settings):
    settings.NEWSROOM_COMMENTS_DUPLICATE_SECONDS = 60
    article = ArticleFactory()
    first = create(article=article)
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        again = create(article=article)
    assert again.pk is not None and again.pk != first.pk


def test_a_reply_to_an_unpublished_comment_is_refused_on_the_parent_field():
    parent = CommentFactory(status="pending")
    with pytest.raises(ValidationError) as refused:
        create(article=parent.article, parent=parent)
    assert refused.value.message_dict == {"parent": ["You can only reply to a published comment."]}


def test_every_decision_row_says_from_what_to_what_and_when():
    moderator = member("Moderators")
    rules = ModerationSettings.load()
    rules.banned_words = "casino"
    rules.save()
    automatic = create(body="casino bonus")
    screened_at = automatic.moderated_at
    comment_approve(comment=automatic, user=moderator)
    automatic.refresh_from_db()
    by_rules, by_moderator = automatic.decisions.order_by("pk")
    assert (by_rules.from_status, by_rules.to_status) == ("pending", "spam")
    assert (by_moderator.from_status, by_moderator.to_status, by_moderator.reason) == (
        "spam", "approved", ""
    )  # fmt: skip
    assert by_moderator.decided_at == automatic.moderated_at
    assert by_rules.decided_at == screened_at < by_moderator.decided_at


def test_refusals_say_why_in_full():
    comment = CommentFactory(status=Comment.Status.PENDING)
    with pytest.raises(PermissionDenied) as refused:
        comment_approve(comment=comment, user=member("Journalists"))
    assert str(refused.value) == "Moderating comments needs the moderate_comment permission."
    with pytest.raises(ValidationError) as refused:
        comment_moderate(comment=comment, status="pending", user=member("Moderators"))
    assert refused.value.messages == ["“pending” is not a moderation decision."]
    with pytest.raises(ValidationError) as refused:
        comment_report(comment=comment, reporter_key="k", reason="spam")
    assert refused.value.messages == ["Only published comments can be reported."]
    with pytest.raises(ValidationError) as refused:
        comment_services.comment_keep(comment=comment, user=member("Moderators"))
    assert refused.value.messages == ["Only a published comment can be kept up."]
    with pytest.raises(PermissionDenied) as refused:
        comment_services.commenter_update(email="a@example.org", note="n", user=member("Editors"))
    assert str(refused.value) == "Acting on commenters needs the moderate_comment permission."
