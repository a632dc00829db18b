from django.db import models
from django.utils.safestring import mark_safe

from articles.markdown import MAX_LENGTH, MarkdownValidator, render_markdown
from articles.text import validate_visible


class Section(models.Model):
    class Kind(models.TextChoices):
        KEY_DEVELOPMENTS = "key_developments", "Key Developments"
        BACKGROUND = "background", "Background"
        DELEGATIONS = "delegations", "Delegations"
        INTERNATIONAL_INVOLVEMENT = "international_involvement", "International Involvement"
        CHALLENGES = "challenges", "Challenges Ahead"
        OUTLOOK = "outlook", "Outlook"
        TEXT = "text", "Text"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="sections"
    )
    kind = models.CharField(max_length=40, choices=Kind, default=Kind.TEXT)
    heading = models.CharField(
        max_length=200,
        blank=True,
        help_text="Leave blank to use the kind's name.",
        validators=[validate_visible],
    )
    body = models.TextField(
        blank=True,
        help_text="Markdown: paragraphs, lists, links, emphasis.",
        validators=[MarkdownValidator(MAX_LENGTH)],
    )
    body_html = models.TextField(editable=False, blank=True)
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.heading or self.get_kind_display()

    def save(self, *args, **kwargs):
        if not self.heading.strip():
            self.heading = self.Kind(self.kind).label
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "heading", "body_html"}
        super().save(*args, **kwargs)

    @property
    def body_markup(self):
        """The body as HTML; safe because render_markdown sanitised it on save."""
        return mark_safe(self.body_html)  # noqa: S308
