"""A reader's comment, and what moderation keeps around it: the automatic rules moderators
tune, readers' reports, the history of decisions, and what moderators know of commenters."""

import re
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator

from articles.text import validate_visible


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def public(self):
        """What readers see: approved, and, for a reply, under an approved comment.

        A reply is shown only with its parent, so it is not public while the
        parent is pending, rejected or spam.
        """
        return self.approved().filter(
            models.Q(parent__isnull=True) | models.Q(parent__status=Comment.Status.APPROVED)
        )

    def reported(self):
        """Comments with `NEWSROOM_COMMENTS_REPORT_THRESHOLD` reports no moderator has settled."""
        flagged = (
            CommentReport.objects.filter(resolved_at__isnull=True)
            .values("comment")
            .annotate(count=models.Count("pk"))
            .filter(count__gte=settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD)
            .values("comment")
        )
        return self.filter(pk__in=flagged)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author_name = models.CharField(max_length=80, validators=[validate_visible])
    author_email = models.EmailField(help_text="Never shown to readers.")
    body = models.TextField(max_length=3000, validators=[validate_visible])
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        help_text="Set when a signed-in staff member posted it; such comments carry a badge.",
    )
    moderation_reason = models.CharField(
        max_length=255, blank=True, help_text="Why the automatic rules decided as they did."
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["author_email", "status"], name="comment_commenter_idx"),
        ]
        permissions = [("moderate_comment", "Can approve, reject and mark comments as spam")]

    def __str__(self):
        return f"{self.author_name}: {Truncator(self.body).chars(40)}"

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.article_id != self.article_id:
            raise ValidationError({"parent": "A reply belongs to the same article."})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "Replies go one level deep."})

    @property
    def by_staff(self) -> bool:
        return self.user_id is not None


class ModerationSettings(models.Model):
    """The automatic comment rules, one row for the whole site, edited in the admin."""

    banned_words = models.TextField(
        blank=True,
        help_text="One word or phrase per line. A comment containing one is marked as spam.",
    )
    suspect_words = models.TextField(
        blank=True,
        help_text="One word or phrase per line. A comment containing one always waits "
        "for a moderator, with the word shown as the reason.",
    )
    max_links = models.PositiveSmallIntegerField(
        default=1,
        help_text="A comment with more links than this always waits for a moderator.",
    )
    auto_approve_known_commenters = models.BooleanField(
        default=False,
        help_text="Publish at once the comments of a commenter (by email) who has enough "
        "approved comments, unless another rule holds them.",
    )
    known_commenter_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="Approved comments that make a commenter known."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "moderation settings"
        verbose_name_plural = "moderation settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="moderation_settings_singleton")
        ]

    def __str__(self):
        return "Comment moderation settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "ModerationSettings":
        row, _ = cls.objects.get_or_create(pk=1)
        return row

    @cached_property
    def banned_pattern(self) -> re.Pattern | None:
        return words_pattern(self.banned_words)

    @cached_property
    def suspect_pattern(self) -> re.Pattern | None:
        return words_pattern(self.suspect_words)


def words_pattern(lines: str) -> re.Pattern | None:
    """Whole words or phrases, any case: "ass" matches "Ass!" but not "class"."""
    words = sorted({line.strip() for line in lines.splitlines() if line.strip()}, key=len)
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in reversed(words))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class CommentReport(models.Model):
    """A reader's flag on a published comment.

    `reporter_key` is a keyed hash of the reader's IP address (see
    `articles.comments.services.reporter_key`), so a browser cannot report the
    same comment twice by clearing cookies, and no address is stored. The
    unique constraint makes "once" hold even for simultaneous requests.
    """

    class Reason(models.TextChoices):
        ABUSIVE = "abusive", "Abusive or offensive"
        SPAM = "spam", "Spam or advertising"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(
        "articles.Comment", on_delete=models.CASCADE, related_name="reports"
    )
    reporter_key = models.CharField(max_length=64)
    reason = models.CharField(max_length=20, choices=Reason, default=Reason.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When a moderator decided on the comment."
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_key"], name="one_report_per_reader"
            )
        ]

    def __str__(self):
        return f"Report on comment {self.comment_id}"


class CommentDecision(models.Model):
    """One move of a comment's status: the moderation history moderators see on the comment."""

    comment = models.ForeignKey(
        "articles.Comment", on_delete=models.CASCADE, related_name="decisions"
    )
    from_status = models.CharField(max_length=20, choices=Comment.Status)
    to_status = models.CharField(max_length=20, choices=Comment.Status)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the automatic rules decided.",
    )
    reason = models.CharField(max_length=255, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class Commenter(models.Model):
    """What moderators know of one commenter, by email (never shown to readers).

    A row exists once a moderator has written a note or changed the commenter's
    standing; everyone else is in good standing.
    """

    class Standing(models.TextChoices):
        GOOD = "good", "In good standing"
        PREMODERATED = "premoderated", "Always pre-moderated"
        BANNED = "banned", "Banned"

    email = models.EmailField(unique=True)
    standing = models.CharField(max_length=20, choices=Standing, default=Standing.GOOD)
    note = models.TextField(
        blank=True, max_length=2000, help_text="For moderators only; never shown to readers."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email


class CommenterStandingChange(models.Model):
    """A moderator banning, pre-moderating or restoring a commenter: kept as history."""

    commenter = models.ForeignKey(Commenter, on_delete=models.CASCADE, related_name="changes")
    from_standing = models.CharField(max_length=20, choices=Commenter.Standing)
    to_standing = models.CharField(max_length=20, choices=Commenter.Standing)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=255, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.from_standing} → {self.to_standing}"
