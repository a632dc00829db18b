"""Every way an article can be stored without being public, for tests that prove none leaks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

unpublished_states = pytest.mark.parametrize(
    ("status", "published_at"),
    [
        (Article.Status.DRAFT, None),
        (Article.Status.DRAFT, timezone.now() - timedelta(days=1)),
        (Article.Status.IN_REVIEW, timezone.now() - timedelta(days=1)),
        (Article.Status.ARCHIVED, timezone.now() - timedelta(days=1)),
        (Article.Status.PUBLISHED, timezone.now() + timedelta(days=1)),
        (Article.Status.PUBLISHED, None),
    ],
    ids=["draft", "draft-dated", "in-review", "archived", "scheduled", "published-undated"],
)
