"""Preview links: one active per article, until it expires or is revoked."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article, PreviewLink
from articles.permissions import can_share_preview
from articles.services.errors import ForeignRow, WorkflowError

logger = logging.getLogger(__name__)


@transaction.atomic
def preview_link_share(*, article: Article, user) -> PreviewLink:
    """The article's active preview link, made now if it has none (one at a time, however
    many people ask at once: the article's row is locked while it is looked for)."""
    if not can_share_preview(user, article):
        raise WorkflowError("You may not share a preview of this article.")
    Article.objects.select_for_update().filter(pk=article.pk).first()
    link = article.preview_links.active().first()
    if link is None:
        hours = settings.NEWSROOM_PREVIEW_MAX_AGE_HOURS
        link = PreviewLink.objects.create(
            article=article, created_by=user, expires_at=timezone.now() + timedelta(hours=hours)
        )
        logger.info("preview link %s of article %s shared by %s", link.pk, article.pk, user.pk)
    return link


@transaction.atomic
def preview_link_revoke(*, article: Article, link_id, user) -> PreviewLink:
    """Stop a preview link of this article from opening it. A link of another article is
    refused (ForeignRow); revoking one that no longer opens anything changes nothing."""
    if not can_share_preview(user, article):
        raise WorkflowError("You may not revoke this article's preview links.")
    link = (
        PreviewLink.objects.select_for_update().filter(article=article, pk=link_id).first()
        if str(link_id).isdigit()
        else None
    )
    if link is None:
        raise ForeignRow("That link is not one of this article's.")
    if link.is_active:
        link.revoked_at, link.revoked_by = timezone.now(), user
        link.save(update_fields=["revoked_at", "revoked_by"])
        logger.info("preview link %s of article %s revoked by %s", link.pk, article.pk, user.pk)
    return link
