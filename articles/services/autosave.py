"""Autosave: an editor's unsaved changes, kept as they type, until they save or discard them."""

import logging
import re

from django.db import transaction
from django.utils import timezone

from articles import unsaved
from articles.models import Article, Autosave
from articles.permissions import can_edit_article
from articles.services.errors import WorkflowError

logger = logging.getLogger(__name__)

# The editing form's fields an autosave keeps: the article's text and its inline rows, with
# their management counts. Not the workflow's (a move, a note, a time, a correction): those
# are made when the editor saves, never brought back by reopening the page.
KEPT_FIELD = re.compile(
    r"(?:title|slug|article_type|summary|backstory|tags|lead_image|comments_enabled"
    r"|loaded_version"
    r"|(?:sections|delegations)(?:-\d+-members)?"
    r"-(?:\d+-[a-z_]+|TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS))"
)
# No field of the form holds more (a section's body is bounded lower, on save as here).
MAX_VALUE_LENGTH = 20_000


def form_data(posted) -> dict[str, list[str]]:
    """The fields of the editing form worth keeping, from a post (a QueryDict)."""
    kept = {}
    for name, values in posted.lists():
        if not KEPT_FIELD.fullmatch(name):
            continue
        if any(len(value) > MAX_VALUE_LENGTH for value in values):
            raise WorkflowError(
                f"A field holds more than {MAX_VALUE_LENGTH:,} characters: nothing was kept."
            )
        kept[name] = values[:1]  # every field of the form posts one value
    return kept


def _version(posted, stored: Article) -> int:
    """The version the page was opened at: the stored one when the post names none, or
    one that cannot be (not a number, or past the stored version)."""
    value = posted.get("loaded_version", "")
    if not (value.isascii() and value.isdigit()) or len(value) > 10:
        return stored.version
    return min(int(value), stored.version)


@transaction.atomic
def article_autosave(*, article: Article, user, posted) -> Autosave:
    """Keep what this editor has typed into the article's page and not saved (`posted`,
    the form as the page would post it): the article itself does not change, nor its
    status; a published article's live page does not show it.

    Only those who may edit the article; text over the bounds a save would refuse is
    refused here too (WorkflowError, with the reason), and the last autosave stays.
    """
    if not can_edit_article(user, article):
        raise WorkflowError("You do not have permission to edit this article.")
    try:
        unsaved.check(posted)
    except unsaved.UnsavedTextError as error:
        raise WorkflowError(f"Not autosaved: {error}") from error
    stored = Article.objects.filter(pk=article.pk).first()
    if stored is None:
        raise WorkflowError("Not autosaved: the article has been deleted.")
    loaded = _version(posted, stored)
    if loaded < stored.version and stored.updated_by_id == user.pk:
        # They saved since this page loaded (in another tab, or just now, with this
        # autosave still under way): what they saved is newer than what this would keep.
        raise WorkflowError(
            "Not autosaved: you have saved this article since this page opened it. "
            "Save to see your text beside the stored one."
        )
    autosave, _ = Autosave.objects.update_or_create(
        article=article,
        user=user,
        defaults={
            "data": form_data(posted),
            "loaded_version": loaded,
            "saved_at": timezone.now(),
        },
    )
    logger.info("article %s autosaved for %s", article.pk, user.pk)
    return autosave


def article_discard_autosave(*, article: Article, user) -> bool:
    """Drop this editor's autosave of the article (their own only); whether there was one."""
    deleted, _ = Autosave.objects.filter(article=article, user=user).delete()
    if deleted:
        logger.info("article %s autosave discarded by %s", article.pk, user.pk)
    return bool(deleted)
