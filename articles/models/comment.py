from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
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
        from .moderation import CommentReport

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
