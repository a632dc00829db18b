from django.conf import settings
from django.db import models

from articles.text import validate_visible

from .article import Article


class StatusChange(models.Model):
    """One move through the workflow: who, when, from, to, and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Article.Status)
    to_status = models.CharField(max_length=20, choices=Article.Status)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    publish_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.article_id}: {self.from_status} → {self.to_status}"


class Correction(models.Model):
    """A dated note appended to a published article; never removed.

    A correction says the article was wrong; a clarification, that it could be misread.
    Both are listed on the article and at /corrections/. Editors may amend one (its kind
    or its words); each earlier wording is kept as a `CorrectionAmendment`, and readers
    are told it was amended, and when.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    note = models.TextField(max_length=2000, validators=[validate_visible])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    amended_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        # /corrections/ lists them newest first.
        indexes = [models.Index(fields=["-created_at", "-id"], name="correction_newest_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.article_id} ({self.created_at:%Y-%m-%d})"


class CorrectionAmendment(models.Model):
    """A correction's kind and words as they stood before an editor amended them."""

    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(max_length=20, choices=Correction.Kind)
    note = models.TextField(max_length=2000)
    reason = models.CharField(max_length=300)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-amended_at", "-pk"]

    def __str__(self):
        return f"amendment {self.pk} of correction {self.correction_id}"
