from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from articles.text import validate_visible
from bias import scale
from bias.scale import Confidence, Direction, Strength, ToneLevel


class Assessment(models.Model):
    """One analyst's blind rating of one article, before the editor signs off."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="assessments"
    )
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    direction = models.CharField(max_length=6, choices=Direction.choices)
    strength = models.PositiveSmallIntegerField(choices=Strength.choices)
    # The tone rubric: how much of each the text carries.
    emotional_language = models.CharField(
        max_length=5, choices=ToneLevel.choices, default=ToneLevel.NONE
    )
    partisan_framing = models.CharField(
        max_length=5, choices=ToneLevel.choices, default=ToneLevel.NONE
    )
    speculation = models.CharField(max_length=5, choices=ToneLevel.choices, default=ToneLevel.NONE)
    one_sided_sourcing = models.CharField(
        "one-sided sourcing", max_length=5, choices=ToneLevel.choices, default=ToneLevel.NONE
    )
    rationale = models.TextField(
        help_text="What in the text led to this rating.", validators=[validate_visible]
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TONE_FIELDS = ("emotional_language", "partisan_framing", "speculation", "one_sided_sourcing")

    class Meta:
        ordering = ["article", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "analyst"], name="one_assessment_per_analyst_per_article"
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.article_id}, {self.analyst_id})"

    @property
    def label(self) -> str:
        return scale.label(self.direction, self.strength)

    @property
    def position(self) -> int:
        return scale.position(self.direction, self.strength)

    @property
    def vote(self) -> scale.Vote:
        return scale.Vote(self.direction, self.strength)

    @property
    def tone(self) -> list[tuple[str, str]]:
        """The rubric as (criterion, level) pairs, for display."""
        return [
            (
                self._meta.get_field(name).verbose_name.capitalize(),
                getattr(self, f"get_{name}_display")(),
            )
            for name in self.TONE_FIELDS
        ]


def in_force_q(prefix: str = "") -> models.Q:
    """A rating is in force once its publication time has come; `prefix` applies the
    condition across a relation ("ratings__")."""
    return models.Q(**{f"{prefix}published_at__lte": timezone.now()})


class RatingQuerySet(models.QuerySet):
    def in_force(self):
        """The one definition of the current rating: of an article's ratings in force,
        the latest; so the first of these, newest first, is the current one."""
        return self.filter(in_force_q()).order_by("-published_at", "-pk")

    def scheduled(self):
        """Ratings published with a time still to come."""
        return self.filter(published_at__gt=timezone.now())

    def current_for(self, article):
        """The article's rating as readers see it (see `in_force`), or None."""
        return self.in_force().filter(article=article).first()


class Rating(models.Model):
    """A published "Tone & Political Bias" rating. Earlier ones stay as history."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="ratings"
    )
    label = models.CharField(max_length=80, help_text="e.g. “Moderately Center-Leaning”.")
    direction = models.CharField(max_length=6, choices=Direction.choices)
    strength = models.PositiveSmallIntegerField(choices=Strength.choices)
    position = models.SmallIntegerField(
        validators=[MinValueValidator(-3), MaxValueValidator(3)],
        help_text="Left–right axis: -3 strongly left, 0 center, +3 strongly right.",
    )
    why = models.TextField(
        help_text="The public “Why:” under the rating.", validators=[validate_visible]
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The panel as it stood when the editor signed off.
    analyst_count = models.PositiveSmallIntegerField(default=0)
    confidence = models.CharField(max_length=6, choices=Confidence.choices, blank=True)
    panel_label = models.CharField(max_length=80, blank=True)
    override_reason = models.TextField(
        blank=True,
        help_text="Why the published label differs from the panel's.",
        validators=[validate_visible],
    )
    # A fingerprint of the text that was rated; an edit that changes it calls for a re-review.
    text_digest = models.CharField(max_length=64, blank=True)
    needs_review = models.BooleanField(default=False)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [("publish_rating", "Can publish an article's bias rating")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(position__gte=-3, position__lte=3),
                name="rating_position_in_scale",
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.article_id})"
