"""The full-text search index: each article's stored search vector (see articles.search)."""

import logging

from django.db import transaction

from articles import search
from articles.models import Article

logger = logging.getLogger(__name__)


@transaction.atomic
def article_index_for_search(*, article: Article) -> None:
    """Bring the article's stored search vector in line with its title, summary and sections.

    Every write that changes that text calls this, so search never serves a stale text.
    """
    search.refresh_search_vectors(Article.objects.filter(pk=article.pk))


@transaction.atomic
def articles_reindex_for_search() -> int:
    """Recompute every article's search vector; returns how many were written (0 off PostgreSQL)."""
    count = search.refresh_search_vectors(Article.objects.all())
    logger.info("search vectors rebuilt for %s articles", count)
    return count
