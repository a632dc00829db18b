"""Writing and moving articles: edits, the workflow, corrections, revisions, the search index."""

import logging
from dataclasses import dataclass
from datetime import datetime

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from reversion.models import Version

from articles import events, hooks, workflow
from articles.models import Article, Correction, CorrectionAmendment, Image, StatusChange
from articles.permissions import can_delete_article, can_edit_article, can_publish, can_write
from articles.revisions import revision_number, snapshot
from articles.services.autosave import article_discard_autosave
from articles.services.body import (
    BodyChanges,
    DelegationRow,
    SectionRow,
    article_replace_body,
    article_save_body,
)
from articles.services.errors import EditConflict, ForeignRow, WorkflowError
from articles.services.index import article_index_for_search
from articles.text import visible_or_blank
from newsroom.people import display_name

logger = logging.getLogger(__name__)


# What the history calls revisions that no workflow move made (the moves: workflow.py).
CREATED, EDITED, AUTOSAVE, CORRECTION = "Created", "Edited", "Autosave", "Correction"
CORRECTION_AMENDED = "Correction amended"


def changed_since(article: Article) -> str:
    """Who saved the stored article last, and when: "… after you opened it."."""
    who = display_name(article.updated_by) or "Someone"
    when = date_format(timezone.localtime(article.updated_at), "j F Y, H:i")
    return f"{who} changed this article at {when}, after you opened it."


def conflict_message(article: Article) -> str:
    return (
        f"{changed_since(article)} Nothing was saved: "
        "open the article again to see their change, then make yours."
    )


def article_lock_for_edit(*, article: Article, expected_version: int | None) -> Article:
    """The stored article, locked until the transaction ends, if it is still the version
    the edit began from; else EditConflict, saying who changed it and when.

    Locked, so that of two saves of one version the second waits, then conflicts.
    """
    stored = (
        Article.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=article.pk)
    )
    if expected_version != stored.version:
        raise EditConflict(conflict_message(stored), changed=changed_since(stored))
    return stored


@transaction.atomic
def article_save(*, article: Article, user, expected_version: int | None) -> Article:
    """Save an edit to an article's text, refusing rights it lacks and stale versions.

    A new article belongs to whoever wrote it. An edit made from an older version
    than the stored one is a conflict and writes nothing. Every save raises the
    version, so the next stale edit is caught too.
    """
    slug_before = None
    if article.pk is None:
        if not can_write(user):
            raise WorkflowError("You do not have permission to write articles.")
        article.author = user
        article.version = 1
    else:
        stored = Article.objects.get(pk=article.pk)
        if not can_edit_article(user, stored):
            raise WorkflowError("You do not have permission to edit this article.")
        stored = article_lock_for_edit(article=article, expected_version=expected_version)
        # The workflow and the events own these; an edit never changes them.
        article.status, article.published_at = stored.status, stored.published_at
        article.author_id = stored.author_id
        article.content_version = stored.content_version
        article.comments_version = stored.comments_version
        article.version = stored.version + 1
        slug_before = stored.slug if stored.slug != article.slug else None
    article.updated_by = user
    article.save()
    article_index_for_search(article=article)
    events.article_changed.send(sender=Article, article=article, slug_before=slug_before)
    logger.info("article %s saved by %s (version %s)", article.pk, user.pk, article.version)
    return article


def article_publish_gate(article: Article) -> list[str]:
    """What an article still lacks before it may be published (empty when nothing)."""
    missing = []
    if not visible_or_blank(article.title):
        missing.append("a title")
    if not visible_or_blank(article.summary):
        missing.append("a summary")
    if not article.sections.exists():
        missing.append("at least one section")
    if article.lead_image_id is not None:
        if not visible_or_blank(article.lead_image.credit):
            missing.append("a credit for the lead image")
        if not article.lead_image.license:
            missing.append("a licence for the lead image")
    for requirement in hooks.publish_requirements:
        missing += requirement(article)
    return missing


@transaction.atomic
def article_transition(
    *,
    article: Article,
    target: str,
    user,
    note: str = "",
    publish_at: datetime | None = None,
) -> Article:
    """Move an article through the workflow, if the table has the move and the user may make it.

    Publishing passes the publish gate first and sets the publication time
    (now, or a future time, which schedules it). Every move is logged. A refused
    move raises WorkflowError and changes nothing.
    """
    stored = Article.objects.select_for_update().get(pk=article.pk)
    transition = workflow.find_transition(stored.status, target)
    if transition is None:
        raise WorkflowError(
            f"An article that is {Article.Status(stored.status).label.lower()} cannot be moved "
            f"to {Article.Status(target).label.lower()}."
        )
    if not workflow.user_may(user, transition, stored):
        raise WorkflowError(
            f"You do not have permission to {transition.action.lower()} this article."
        )
    note = visible_or_blank(note)
    if transition.note_required and not note:
        raise WorkflowError("Add a note for the author saying what needs to change.")
    if target == Article.Status.PUBLISHED:
        missing = article_publish_gate(stored)
        if missing:
            raise WorkflowError(
                f"Not published: the article needs {get_text_list(missing, 'and')}."
            )
        stored.published_at = publish_at or timezone.now()
    elif publish_at is not None:
        raise WorkflowError("A publication time goes only with publishing.")
    source = stored.status
    stored.status = target
    stored.updated_by = user
    stored.version += 1
    stored.save(update_fields=["status", "published_at", "updated_by", "version", "updated_at"])
    StatusChange.objects.create(
        article=stored,
        from_status=source,
        to_status=target,
        user=user,
        note=note,
        publish_at=stored.published_at if target == Article.Status.PUBLISHED else None,
    )
    label = transition.label
    if target == Article.Status.PUBLISHED and stored.is_scheduled:
        label = workflow.SCHEDULED
    article_record_revision(article=stored, user=user, comment=label)
    events.article_moved.send(
        sender=Article, article=stored, source=source, target=target, user=user, note=note
    )
    if target == Article.Status.PUBLISHED:
        events.article_published.send(sender=Article, article=stored)
    elif source == Article.Status.PUBLISHED:
        events.article_withdrawn.send(sender=Article, article=stored)
    logger.info("article %s moved %s -> %s by %s", stored.pk, source, target, user.pk)
    return stored


@transaction.atomic
def article_add_correction(
    *, article: Article, user, note: str, kind: str = Correction.Kind.CORRECTION
) -> Correction:
    """Append a dated correction, or a clarification (`kind`), to a published article
    (editors only). It shows on the article, in its JSON-LD and feed item, and at
    /corrections/."""
    if not can_publish(user):
        raise WorkflowError("Only editors add corrections.")
    if kind not in Correction.Kind.values:
        raise WorkflowError("A note to readers is a correction or a clarification.")
    stored = Article.objects.select_for_update().get(pk=article.pk)
    if stored.status != Article.Status.PUBLISHED:
        raise WorkflowError("Corrections are added to published articles.")
    correction = Correction(article=stored, kind=kind, note=note.strip(), created_by=user)
    correction.full_clean()
    correction.save()
    article_record_revision(article=stored, user=user, comment=CORRECTION)
    events.article_changed.send(sender=Correction, article=stored)
    logger.info("%s %s added to article %s by %s", kind, correction.pk, article.pk, user.pk)
    return correction


@transaction.atomic
def article_amend_correction(
    *, article: Article, correction_id, user, note: str, kind: str, reason: str
) -> Correction:
    """Amend one of this article's corrections (editors only): its kind or its words, with
    a reason. The earlier wording is kept; readers see that it was amended, and when.
    A correction of another article is refused (ForeignRow)."""
    if not can_publish(user):
        raise WorkflowError("Only editors amend corrections.")
    if kind not in Correction.Kind.values:
        raise WorkflowError("A note to readers is a correction or a clarification.")
    if not visible_or_blank(reason):
        raise WorkflowError("Say why the note is amended: the reason is kept with it.")
    stored = Article.objects.select_for_update().get(pk=article.pk)
    correction = (
        Correction.objects.select_for_update().filter(article=stored, pk=correction_id).first()
        if str(correction_id).isdigit()
        else None
    )
    if correction is None:
        raise ForeignRow("That correction is not one of this article's.")
    note = note.strip()
    if (kind, note) == (correction.kind, correction.note):
        raise WorkflowError("Nothing to amend: the kind and the words are as they were.")
    amendment = CorrectionAmendment(
        correction=correction,
        kind=correction.kind,
        note=correction.note,
        reason=reason.strip()[:300],
        amended_by=user,
    )
    correction.kind, correction.note = kind, note
    correction.amended_at = timezone.now()
    correction.full_clean()
    amendment.save()
    correction.save(update_fields=["kind", "note", "amended_at"])
    article_record_revision(article=stored, user=user, comment=CORRECTION_AMENDED)
    events.article_changed.send(sender=Correction, article=stored)
    logger.info("correction %s of article %s amended by %s", correction.pk, article.pk, user.pk)
    return correction


def article_record_revision(*, article: Article, user, comment: str) -> None:
    """Keep the article's text as it now stands, with its sections and delegations.

    Every change of text ends here, so this is where `article_text_changed` is sent
    (a bias rating of a text that changed goes back for re-review).
    """
    with reversion.create_revision(manage_manually=True):
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(comment)
    events.article_text_changed.send(sender=Article, article=article)


@transaction.atomic
def article_restore_revision(*, article: Article, version: Version, user) -> Article:
    """Bring back an earlier text as a new revision; status and dates stay as they are."""
    if int(version.object_id) != article.pk:
        raise WorkflowError("That revision belongs to another article.")
    if not can_edit_article(user, article):
        raise WorkflowError("You do not have permission to edit this article.")
    old = snapshot(version)
    stored = Article.objects.select_for_update().get(pk=article.pk)
    stored.title = old.article["title"]
    stored.summary = old.article["summary"]
    stored.article_type = old.article.get("article_type", stored.article_type)
    stored.backstory = old.article.get("backstory", stored.backstory)
    image_id = old.article["lead_image_id"]
    stored.lead_image_id = image_id if Image.objects.filter(pk=image_id).exists() else None
    stored.updated_by = user
    stored.version += 1
    stored.save()
    try:
        article_replace_body(article=stored, sections=old.sections, delegations=old.delegations)
    except ValidationError as error:
        # A text saved before today's bounds may exceed them: restoring it is refused whole.
        raise WorkflowError(
            f"That revision cannot be restored: {' '.join(error.messages)}"
        ) from error
    number = revision_number(version)
    article_record_revision(article=stored, user=user, comment=f"Restored from rev {number}")
    events.article_changed.send(sender=Article, article=stored)
    logger.info("article %s restored to version %s by %s", stored.pk, version.pk, user.pk)
    return stored


@transaction.atomic
def article_delete(*, article: Article, user) -> None:
    """Delete an article with its body, comments, ratings and history (those who may delete
    articles: editors). A published one leaves every page that showed it."""
    if not can_delete_article(user):
        raise WorkflowError("You do not have permission to delete articles.")
    stored = Article.objects.select_for_update().get(pk=article.pk)
    stored.delete()
    stored.pk = article.pk  # for the event's listeners, which name it
    if stored.status == Article.Status.PUBLISHED:
        events.article_withdrawn.send(sender=Article, article=stored)
    logger.info("article %s (%s) deleted by %s", article.pk, stored.slug, user.pk)


@dataclass
class EditOutcome:
    """What one save of an article's page did: the body's changes, and the workflow
    move it made (`moved`) or the reason a correction or move was refused (`refused`)."""

    body: BodyChanges
    moved: Article | None = None
    refused: str = ""


@transaction.atomic
def article_edit(
    *,
    article: Article,
    user,
    created: bool,
    sections: list[SectionRow],
    delegations: list[DelegationRow],
    correction: str = "",
    correction_kind: str = Correction.Kind.CORRECTION,
    target: str = "",
    note: str = "",
    publish_at: datetime | None = None,
) -> EditOutcome:
    """Everything one save of an article's page does once its own fields are saved
    (`article_save`): the body, the search index, a revision, then a correction and a
    move through the workflow if the editor asked for them.

    A body with a row of another article refuses the whole save (ForeignRow). A
    refused correction or move keeps the text just saved and says why in `refused`.
    """
    outcome = EditOutcome(
        body=article_save_body(
            article=article, user=user, sections=sections, delegations=delegations
        )
    )
    article_index_for_search(article=article)
    article_record_revision(article=article, user=user, comment=CREATED if created else EDITED)
    # What was autosaved is in the article now.
    article_discard_autosave(article=article, user=user)
    events.article_changed.send(sender=Article, article=article)
    try:
        if correction := correction.strip():
            article_add_correction(
                article=article, user=user, note=correction, kind=correction_kind
            )
        if target:
            outcome.moved = article_transition(
                article=article, target=target, user=user, note=note, publish_at=publish_at
            )
    except WorkflowError as error:
        outcome.refused = str(error)
    return outcome
