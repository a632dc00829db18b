from django.db import models
from django.utils.safestring import mark_safe

from articles.markdown import NOTES_MAX_LENGTH, MarkdownValidator, render_markdown
from articles.text import validate_visible


class Delegation(models.Model):
    """One party at the table (e.g. "Russia"), with notes and its members."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="delegations"
    )
    party = models.CharField(max_length=120, validators=[validate_visible])
    notes = models.TextField(
        blank=True,
        help_text="Markdown, shown under the party's name.",
        validators=[MarkdownValidator(NOTES_MAX_LENGTH)],
    )
    notes_html = models.TextField(editable=False, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "party"], name="unique_party_per_article")
        ]

    def __str__(self):
        return self.party

    def save(self, *args, **kwargs):
        self.notes_html = render_markdown(self.notes)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "notes_html"}
        super().save(*args, **kwargs)

    @property
    def shown_members(self):
        """Its members as the page shows them: the stored ones, or, for a text not stored
        (a preview of unsaved edits or of an old revision), those given with it."""
        if hasattr(self, "unsaved_members"):
            return self.unsaved_members
        return self.members.all()

    @property
    def notes_markup(self):
        """The notes as HTML; safe because render_markdown sanitised them on save."""
        return mark_safe(self.notes_html)  # noqa: S308


class DelegationMember(models.Model):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=120, validators=[validate_visible])
    role = models.CharField(max_length=200, blank=True)
    is_head = models.BooleanField("head of delegation", default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation"],
                condition=models.Q(is_head=True),
                name="one_head_per_delegation",
            )
        ]

    def __str__(self):
        return self.name
