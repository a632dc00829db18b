"""Reads of published ratings for public pages."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Now

from bias.models import Rating

RATING_FIELDS = ("label", "why", "position", "published_at")


@dataclass(frozen=True)
class CurrentRating:
    label: str
    why: str
    position: int
    published_at: datetime


def with_current_rating(articles: QuerySet) -> QuerySet:
    """Annotate each article with its current rating, inside the article query itself.

    The current rating is the latest whose publication time has come. Reading it
    this way costs no query of its own, on one article or a page of cards.
    """
    current = Rating.objects.filter(article=OuterRef("pk"), published_at__lte=Now()).order_by(
        "-published_at", "-pk"
    )
    return articles.annotate(
        **{f"rating_{name}": Subquery(current.values(name)[:1]) for name in RATING_FIELDS}
    )


def current_rating(article) -> CurrentRating | None:
    """The rating annotated by with_current_rating, or None when the article has none."""
    if getattr(article, "rating_label", None) is None:
        return None
    return CurrentRating(**{name: getattr(article, f"rating_{name}") for name in RATING_FIELDS})
