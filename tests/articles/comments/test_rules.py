"""The automatic rules (articles/comments/rules.py), through comment_create as a reader posts."""

import pytest

from articles.comments import services as comment_services
from articles.models import Comment, ModerationSettings
from articles.models.comment import words_pattern
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def rules(**fields) -> ModerationSettings:
    settings = ModerationSettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def post(body="A fair point about the talks.", email="reader@example.org", name="Reader"):
    return comment_services.comment_create(
        article=ArticleFactory(), author_name=name, author_email=email, body=body
    )


def test_new_comments_wait_for_a_moderator_by_default():
    comment = post()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == ""
    assert comment.moderated_at is None


def test_banned_word_marks_spam_with_the_word_as_reason():
    rules(banned_words="casino\ncheap pills")
    comment = post(body="Visit our CASINO today!")
    assert comment.status == Comment.Status.SPAM
    assert comment.moderation_reason == "Banned word: “CASINO”."


def test_banned_words_also_count_in_the_name():
    rules(banned_words="cheap pills")
    assert post(name="Cheap Pills Shop").status == Comment.Status.SPAM


def test_words_match_whole_words_only():
    rules(banned_words="ass", suspect_words="war")
    comment = post(body="The class discussed software and a password.")
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == ""


def test_suspect_word_holds_with_a_reason_even_for_known_commenters():
    rules(suspect_words="traitor", auto_approve_known_commenters=True, known_commenter_threshold=1)
    CommentFactory(author_email="known@example.org")
    comment = post(body="He is a traitor.", email="known@example.org")
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == "Suspect word: “traitor”."


def test_too_many_links_hold_with_a_reason():
    rules(max_links=2)
    assert post(body="See https://a.example and www.b.example").moderation_reason == ""
    comment = post(body="https://a.example http://b.example www.c.example")
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == "3 links (more than 2)."


def test_known_commenter_is_not_approved_at_once_by_default():
    CommentFactory.create_batch(5, author_email="known@example.org")
    assert post(email="known@example.org").status == Comment.Status.PENDING


def test_known_commenter_is_approved_at_once_when_the_site_enables_it():
    rules(auto_approve_known_commenters=True, known_commenter_threshold=2)
    CommentFactory(author_email="known@example.org")
    CommentFactory(author_email="known@example.org", status=Comment.Status.REJECTED)
    assert post(email="known@example.org", body="one").status == Comment.Status.PENDING
    CommentFactory(author_email="known@example.org")
    comment = post(email="KNOWN@example.org", body="two")
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderation_reason == "Known commenter: 2 approved comments."
    assert comment.moderated_at is not None and comment.moderated_by is None


def test_words_pattern_ignores_blank_lines_and_escapes_punctuation():
    pattern = words_pattern("\n  c++  \n\n")
    assert pattern.search("I like C++ a lot")
    assert words_pattern(" \n") is None


def test_moderation_settings_are_one_row():
    first = ModerationSettings.load()
    second = ModerationSettings(max_links=7)
    second.save()
    assert ModerationSettings.objects.count() == 1
    assert first.pk == second.pk == 1
    assert ModerationSettings.load().max_links == 7
