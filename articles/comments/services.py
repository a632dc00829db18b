"""Every state-changing operation on reader comments: post, moderate, report."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac

from articles import events
from articles.comments import rules
from articles.models import (
    Article,
    Comment,
    CommentDecision,
    Commenter,
    CommenterStandingChange,
    CommentReport,
    ModerationSettings,
)
from articles.permissions import can_delete_comment, can_moderate

logger = logging.getLogger(__name__)

# A moderator's decision; "pending" is where comments start, never where one is sent.
DECISIONS = (Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM)


class CommentsClosed(Exception):
    """The article takes no new comments."""


def email_key(email: str) -> str:
    """An email as comments are stored and commenters known by it: trimmed, lower case."""
    return email.strip().lower()


def comments_open(*, article: Article) -> bool:
    """Open while the article is public, allows comments, and is younger than the limit.

    `NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS` closes every article's comments that
    many days after publication (None keeps them open), as WordPress does.
    """
    if not article.is_public or not article.comments_enabled:
        return False
    days = settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS
    return days is None or timezone.now() < article.published_at + timedelta(days=days)


@transaction.atomic
def comment_create(
    *,
    article: Article,
    author_name: str,
    author_email: str,
    body: str,
    parent: Comment | None = None,
    user=None,
) -> Comment:
    """Store a reader's comment with the status the automatic rules give it.

    Refuses articles closed to comments and replies to anything but an approved
    comment of the same article; a reply to a reply joins its thread, one level
    deep. The same body from the same email on the same article within
    `NEWSROOM_COMMENTS_DUPLICATE_SECONDS` is stored once: the repeat returns the
    first comment (or, while that one is still being stored, this one unsaved),
    so a double-clicked button or a resent form is harmless.
    A signed-in staff member's comment records the user, for the staff badge.
    """
    if not comments_open(article=article):
        raise CommentsClosed(f"Comments are closed on article {article.pk}.")
    if parent is not None:
        if parent.article_id != article.pk or parent.status != Comment.Status.APPROVED:
            raise ValidationError({"parent": "You can only reply to a published comment."})
        parent = parent.parent or parent
    author_email = email_key(author_email)
    staff = user if user is not None and user.is_authenticated and user.is_staff else None
    verdict = rules.screen(
        rules=ModerationSettings.load(),
        author_name=author_name,
        author_email=author_email,
        body=body,
        moderator=staff is not None and can_moderate(staff),
        standing=commenter_standing(email=author_email),
    )
    comment = Comment(
        article=article,
        parent=parent,
        author_name=author_name,
        author_email=author_email,
        body=body,
        user=staff,
        status=verdict.status,
        moderation_reason=verdict.reason,
    )
    if verdict.status != Comment.Status.PENDING:
        comment.moderated_at = timezone.now()
    comment.full_clean()
    duplicate = _recent_duplicate(comment)
    if duplicate is not None:
        logger.info("comment on article %s dropped as a duplicate of %s", article.pk, duplicate.pk)
        return duplicate
    comment.save()
    if comment.status == Comment.Status.APPROVED:
        events.comment_published.send(sender=Comment, comment=comment)
    if verdict.status != Comment.Status.PENDING:
        CommentDecision.objects.create(
            comment=comment,
            from_status=Comment.Status.PENDING,
            to_status=verdict.status,
            reason=verdict.reason,
            decided_at=comment.moderated_at,
        )
    logger.info(
        "comment %s on article %s stored as %s %s",
        comment.pk,
        article.pk,
        comment.status,
        comment.moderation_reason,
    )
    return comment


def _recent_duplicate(comment: Comment) -> Comment | None:
    seconds = settings.NEWSROOM_COMMENTS_DUPLICATE_SECONDS
    since = timezone.now() - timedelta(seconds=seconds)
    earlier = (
        Comment.objects.filter(
            article=comment.article,
            author_email=comment.author_email,
            body=comment.body,
            created_at__gte=since,
        )
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        return earlier
    # Two identical posts arriving together both find nothing above; the cache
    # lets only the first through (atomic in Redis and the local memory cache).
    fingerprint = hashlib.sha256(
        f"{comment.article_id}\0{comment.author_email}\0{comment.body}".encode()
    ).hexdigest()
    if cache.add(f"comment-posted:{fingerprint}", 1, timeout=seconds):
        return None
    # The other request's row may not be committed yet: answer with this unsaved copy.
    return comment


def commenter_standing(*, email: str) -> str:
    """How moderators treat this email's comments: in good standing unless they said otherwise."""
    found = Commenter.objects.filter(email=email_key(email)).values_list("standing", flat=True)
    return found.first() or Commenter.Standing.GOOD


@transaction.atomic
def comment_moderate(*, comment: Comment, status: str, user, reason: str = "") -> Comment:
    """A moderator's decision: approve, reject or mark as spam, by who and when.

    Needs `articles.moderate_comment`, checked here whatever the caller hid.
    Any decision may be revised (a spam false positive approved, an approved
    comment taken down); each one is kept as a CommentDecision row. Deciding
    closes the readers' open reports on it, which takes it out of the
    Reported queue.
    """
    if not can_moderate(user):
        raise PermissionDenied("Moderating comments needs the moderate_comment permission.")
    if status not in DECISIONS:
        raise ValidationError(f"“{status}” is not a moderation decision.")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    previous = comment.status
    comment.status = status
    comment.moderated_by = user
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    if status == Comment.Status.APPROVED and previous != status:
        events.comment_published.send(sender=Comment, comment=comment)
    elif previous == Comment.Status.APPROVED and previous != status:
        events.comment_withdrawn.send(sender=Comment, comment=comment)
    CommentDecision.objects.create(
        comment=comment,
        from_status=previous,
        to_status=status,
        decided_by=user,
        decided_at=comment.moderated_at,
        reason=reason,
    )
    closed = comment.reports.filter(resolved_at__isnull=True).update(
        resolved_at=comment.moderated_at
    )
    logger.info(
        "comment %s moved %s -> %s by %s (%d reports closed)",
        comment.pk,
        previous,
        status,
        user.pk,
        closed,
    )
    return comment


@transaction.atomic
def comment_keep(*, comment: Comment, user) -> Comment:
    """Keep a reported comment up: its open reports are resolved, and the decision,
    with what readers reported, goes into its moderation history."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != Comment.Status.APPROVED:
        raise ValidationError("Only a published comment can be kept up.")
    return comment_moderate(
        comment=comment,
        status=Comment.Status.APPROVED,
        user=user,
        reason=_reports_reason(comment, "Kept up"),
    )


@transaction.atomic
def comment_take_down(*, comment: Comment, user) -> Comment:
    """Take a reported comment down (rejected), saying in its history what readers reported."""
    reason = _reports_reason(comment, "Taken down")
    return comment_moderate(
        comment=comment, status=Comment.Status.REJECTED, user=user, reason=reason
    )


def _reports_reason(comment: Comment, decision: str) -> str:
    reasons = (
        comment.reports.filter(resolved_at__isnull=True)
        .values("reason")
        .annotate(count=Count("pk"))
        .order_by("-count", "reason")
    )
    labels = dict(CommentReport.Reason.choices)
    parts = [f"{labels.get(r['reason'], r['reason']).lower()} ×{r['count']}" for r in reasons]
    total = sum(r["count"] for r in reasons)
    if not total:
        return decision + "."
    return f"{decision} after {total} report{'s' * (total != 1)}: {', '.join(parts)}."[:255]


@transaction.atomic
def commenter_update(
    *, email: str, user, standing: str | None = None, note: str | None = None, reason: str = ""
) -> Commenter:
    """A moderator's word on one commenter: a note, or a new standing (ban, always
    pre-moderate, or back to good standing), kept with who and when.

    Needs `articles.moderate_comment`. comment_create reads the standing, so a
    banned commenter's next comment is stored as spam whatever any page shows.
    """
    if not can_moderate(user):
        raise PermissionDenied("Acting on commenters needs the moderate_comment permission.")
    if standing is not None and standing not in Commenter.Standing.values:
        raise ValidationError(f"“{standing}” is not a commenter standing.")
    commenter, _ = Commenter.objects.select_for_update().get_or_create(email=email_key(email))
    if note is not None:
        commenter.note = note.strip()
    previous = commenter.standing
    if standing is not None:
        commenter.standing = standing
    commenter.full_clean()
    commenter.save()
    if commenter.standing != previous:
        CommenterStandingChange.objects.create(
            commenter=commenter,
            from_standing=previous,
            to_standing=commenter.standing,
            changed_by=user,
            reason=reason.strip()[:255],
        )
        logger.info(
            "commenter %s moved %s -> %s by %s", commenter.pk, previous, commenter.standing, user.pk
        )
    return commenter


@transaction.atomic
def comment_delete(*, comment: Comment, user) -> None:
    """Delete a comment for good, with its replies (those who may delete comments).
    Moderators decide instead: a decision is kept in the history, a deletion is not."""
    if not can_delete_comment(user):
        raise PermissionDenied("Deleting comments needs the delete_comment permission.")
    stored = Comment.objects.select_for_update().get(pk=comment.pk)
    shown = stored.status == Comment.Status.APPROVED
    stored.delete()
    if shown:
        stored.pk = comment.pk
        events.comment_withdrawn.send(sender=Comment, comment=stored)
    logger.info("comment %s deleted by %s", comment.pk, user.pk)


def comment_approve(*, comment: Comment, user) -> Comment:
    return comment_moderate(comment=comment, status=Comment.Status.APPROVED, user=user)


def comment_reject(*, comment: Comment, user) -> Comment:
    return comment_moderate(comment=comment, status=Comment.Status.REJECTED, user=user)


def comment_mark_spam(*, comment: Comment, user) -> Comment:
    return comment_moderate(comment=comment, status=Comment.Status.SPAM, user=user)


def reporter_key(*, ip_address: str) -> str:
    """Who reported, without storing who: a keyed hash of the reader's IP address.

    Keyed with SECRET_KEY, so the stored value cannot be turned back into an
    address by hashing the whole IPv4 space. An IP, not a cookie, because a
    cookie is cleared in one click; readers behind one shared address count as
    one reporter, which errs towards fewer reports, never more.
    """
    return salted_hmac("articles.comment-report", ip_address, algorithm="sha256").hexdigest()


def comment_report(*, comment: Comment, reporter_key: str, reason: str) -> bool:
    """Record one reader's report on a public comment; False if this reader already reported it.

    The comment stays public: at `NEWSROOM_COMMENTS_REPORT_THRESHOLD` open
    reports it also shows in the moderators' Reported queue until one decides.
    """
    public = Comment.objects.public().filter(article__in=Article.objects.published())
    if not public.filter(pk=comment.pk).exists():
        raise ValidationError("Only published comments can be reported.")
    report = CommentReport(comment=comment, reporter_key=reporter_key, reason=reason)
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return False
    logger.info("comment %s reported (%s)", comment.pk, reason)
    return True
