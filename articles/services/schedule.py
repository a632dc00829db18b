"""Moving a scheduled article's planned time, from the story calendar."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from articles import events
from articles.models import Article, StatusChange
from articles.permissions import can_publish
from articles.services.errors import WorkflowError

logger = logging.getLogger(__name__)

PLANNED_TIME = "j F Y, H:i"


def planned_time(when: datetime) -> str:
    """A time as the desk reads it, in the newsroom's time zone: "9 December 2026, 08:00"."""
    return date_format(timezone.localtime(when), PLANNED_TIME)


@transaction.atomic
def article_reschedule(*, article: Article, user, publish_at: datetime) -> Article:
    """Move a scheduled article to another planned time (editors only).

    Only an article still scheduled, as stored now, is moved: one already live, a
    draft, one in review or one withdrawn is refused, and so is a time that has
    passed (publishing now is the workflow's Publish). The text is untouched, so no
    revision is recorded and the rating is not sent back for review; the move is
    logged in the article's workflow log, and `article_published` tells the page cache
    when the next scheduled article now goes live.
    """
    if not can_publish(user):
        raise WorkflowError("Only editors reschedule articles.")
    if timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)
    stored = Article.objects.select_for_update().filter(pk=article.pk).first()
    if stored is None:
        raise WorkflowError("That article no longer exists.")
    if not stored.is_scheduled:
        raise WorkflowError(f"“{stored}” is not rescheduled: {_why_not_scheduled(stored)}")
    if publish_at <= timezone.now():
        raise WorkflowError(
            f"“{stored}” is not rescheduled: {planned_time(publish_at)} has passed. "
            "To publish it now, use Publish on its page."
        )
    if publish_at == stored.published_at:
        raise WorkflowError(f"“{stored}” is already planned for {planned_time(publish_at)}.")
    before = stored.published_at
    stored.published_at = publish_at
    stored.updated_by = user
    stored.version += 1
    stored.save(update_fields=["published_at", "updated_by", "version", "updated_at"])
    StatusChange.objects.create(
        article=stored,
        from_status=Article.Status.PUBLISHED,
        to_status=Article.Status.PUBLISHED,
        user=user,
        note=f"Rescheduled from {planned_time(before)}",
        publish_at=publish_at,
    )
    # As publishing with a time does: listings, the article's page and the epoch, which
    # ends when the next scheduled article goes live.
    events.article_published.send(sender=Article, article=stored)
    logger.info(
        "article %s rescheduled from %s to %s by %s",
        stored.pk,
        before.isoformat(),
        publish_at.isoformat(),
        user.pk,
    )
    return stored


def _why_not_scheduled(article: Article) -> str:
    if article.is_public:
        return (
            "it is already live — it went public at "
            f"{planned_time(article.published_at)}; withdraw it to take it off the site."
        )
    if article.status == Article.Status.ARCHIVED:
        return "it was withdrawn; reopen it as a draft and publish it again to plan it."
    state = "a draft" if article.status == Article.Status.DRAFT else "in review"
    return f"it is {state}, not scheduled; publish or schedule it from its page."
