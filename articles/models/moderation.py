"""What moderators tune (the automatic rules) and what readers flag (reports)."""

import re
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone

from .comment import Comment


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
    `articles.comment_services.reporter_key`), so a browser cannot report the
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
