from datetime import timedelta

import pytest
from django.utils import timezone

from bias.models import Rating
from tests.factories import ArticleFactory, RatingFactory

pytestmark = pytest.mark.django_db


def test_current_rating_is_the_latest_whose_time_has_come():
    article = ArticleFactory()
    now = timezone.now()
    RatingFactory(
        article=article, label="Slightly Left-Leaning", published_at=now - timedelta(days=2)
    )
    current = RatingFactory(article=article, published_at=now - timedelta(days=1))
    RatingFactory(
        article=article, label="Strongly Right-Leaning", published_at=now + timedelta(days=1)
    )
    RatingFactory(published_at=now)  # another article's
    assert Rating.objects.current_for(article) == current
    assert Rating.objects.filter(article=article).count() == 3  # history is kept
