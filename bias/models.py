from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class RatingQuerySet(models.QuerySet):
    def current_for(self, article):
        """The article's rating as readers see it: the latest whose time has come."""
        return (
            self.filter(article=article, published_at__lte=timezone.now())
            .order_by("-published_at", "-pk")
            .first()
        )


class Rating(models.Model):
    """A published "Tone & Political Bias" rating. Earlier ones stay as history."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="ratings"
    )
    label = models.CharField(max_length=80, help_text="e.g. “Moderately Center-Leaning”.")
    position = models.SmallIntegerField(
        validators=[MinValueValidator(-3), MaxValueValidator(3)],
        help_text="Left–right axis: -3 strongly left, 0 center, +3 strongly right.",
    )
    why = models.TextField(help_text="The public “Why:” under the rating.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

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
