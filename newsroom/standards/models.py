from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.safestring import mark_safe

from articles.markdown import MarkdownValidator, render_markdown


class Standard(models.TextChoices):
    """The standards pages the site has, each at /standards/<value>/ for good."""

    ETHICS = "ethics", "Ethics policy"
    CORRECTIONS = "corrections", "Corrections policy"
    VERIFICATION = "verification", "Verification and fact-checking"
    UNNAMED_SOURCES = "unnamed-sources", "Unnamed sources"
    OWNERSHIP = "ownership", "Ownership and funding"
    MASTHEAD = "masthead", "Masthead"
    FEEDBACK = "feedback", "Feedback and contact"


class StandardsPage(models.Model):
    """One standards page: its kind fixes its title and address; editors write its text."""

    kind = models.CharField(max_length=40, choices=Standard, unique=True, editable=False)
    summary = models.CharField(
        max_length=300, help_text="One sentence, shown on the standards index and in search."
    )
    body = models.TextField(help_text="Markdown.", validators=[MarkdownValidator()])
    body_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "standards page"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("standards:page", kwargs={"kind": self.kind})

    @property
    def title(self) -> str:
        return Standard(self.kind).label

    @property
    def body_markup(self):
        """The body as HTML; safe because render_markdown sanitised it on save."""
        return mark_safe(self.body_html)  # noqa: S308
