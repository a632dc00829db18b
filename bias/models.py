from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from articles.text import validate_visible
from bias import scale
from bias.scale import Confidence, Direction, Strength, ToneLevel


class AnalystProfile(models.Model):
    """A bias analyst's own political lean, so that panels can be balanced: never shown to
    readers person by person. Only analysts with an active profile assess."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analyst_profile"
    )
    lean = models.CharField(
        max_length=6,
        choices=Direction.choices,
        help_text="The analyst's own political lean: a balanced panel has one of each.",
    )
    active = models.BooleanField(
        default=True, help_text="Only active analysts assess and are suggested for panels."
    )

    class Meta:
        ordering = ["user__username"]

    def __str__(self):
        return f"{self.user} ({self.get_lean_display()})"


class Assessment(models.Model):
    """One analyst's blind rating of one article, before the editor signs off.

    The score first submitted, blind to the others, is kept for ever in `blind_direction`
    and `blind_strength`; `direction` and `strength` hold the score as it stands, revised
    (with a reason) when the panel reconciles. Reliability is measured on the blind scores.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="assessments"
    )
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    direction = models.CharField(max_length=6, choices=Direction.choices)
    strength = models.PositiveSmallIntegerField(choices=Strength.choices)
    # The tone rubric: how much of each the text carries. No answer is given in advance,
    # so that nothing anchors the analyst.
    emotional_language = models.CharField(max_length=5, choices=ToneLevel.choices)
    partisan_framing = models.CharField(max_length=5, choices=ToneLevel.choices)
    speculation = models.CharField(max_length=5, choices=ToneLevel.choices)
    one_sided_sourcing = models.CharField(
        "one-sided sourcing", max_length=5, choices=ToneLevel.choices
    )
    rationale = models.TextField(
        help_text="What in the text led to this rating.", validators=[validate_visible]
    )
    # The first score, as submitted blind; and the analyst's own lean at the time.
    blind_direction = models.CharField(max_length=6, choices=Direction.choices, editable=False)
    blind_strength = models.PositiveSmallIntegerField(choices=Strength.choices, editable=False)
    analyst_lean = models.CharField(
        max_length=6, choices=Direction.choices, blank=True, editable=False
    )
    revision_reason = models.TextField(
        "reason for the revision",
        blank=True,
        help_text="Why the score changed after seeing the panel.",
        validators=[validate_visible],
    )
    revised_at = models.DateTimeField(null=True, blank=True, editable=False)
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
        return scale.Vote(self.direction, self.strength, self.analyst_lean)

    @property
    def blind_vote(self) -> scale.Vote:
        return scale.Vote(self.blind_direction, self.blind_strength, self.analyst_lean)

    @property
    def blind_position(self) -> int:
        return scale.position(self.blind_direction, self.blind_strength)

    @property
    def blind_label(self) -> str:
        return scale.label(self.blind_direction, self.blind_strength)

    @property
    def revised(self) -> bool:
        return (self.direction, self.strength) != (self.blind_direction, self.blind_strength)

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


class AssessmentRequest(models.Model):
    """An editor asking a named analyst to assess an article."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="assessment_requests"
    )
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessment_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "analyst"], name="one_request_per_analyst_per_article"
            )
        ]

    def __str__(self):
        return f"{self.analyst} asked to assess {self.article_id}"


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
    # The panel's leans (e.g. "center,left,right"), whether it was balanced, its medians on
    # the analysts' first blind scores and as reconciled, and why an editor published a
    # rating from an unbalanced or single-analyst panel.
    panel_leans = models.CharField(max_length=40, blank=True)
    balanced = models.BooleanField(default=False)
    blind_median = models.FloatField(null=True, blank=True)
    median = models.FloatField(null=True, blank=True)
    reconciled = models.BooleanField(default=False)
    panel_reason = models.TextField(
        blank=True,
        help_text="Why the rating is published from an unbalanced or single-analyst panel.",
        validators=[validate_visible],
    )
    # What readers are shown of the panel, as it stood at sign-off and without names: the
    # first, blind positions, the positions as reconciled, and the rubric's answers counted,
    # e.g. {"blind": [-1, 0, 0], "reconciled": [0, 0, 0],
    #       "rubric": {"speculation": {"none": 2, "some": 1}, ...}}.
    panel_snapshot = models.JSONField(default=dict, blank=True)
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
