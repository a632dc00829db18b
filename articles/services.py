"""Every state-changing operation on articles and their images."""

import logging
from datetime import datetime

import reversion
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from reversion.models import Version

from articles import search, workflow
from articles.models import (
    Article,
    Correction,
    Delegation,
    DelegationMember,
    Image,
    Section,
    StatusChange,
)
from articles.renditions import build_renditions, clean_original
from articles.revisions import snapshot
from articles.text import visible_or_blank
from bias import services as bias_services
from bias.models import Rating

logger = logging.getLogger(__name__)


class WorkflowError(Exception):
    """A move or an edit the rules refuse. The message is for the person who tried."""


class EditConflict(WorkflowError):
    """The article changed after this edit began; saving would overwrite that change."""


def article_can_edit(*, user, article: Article) -> bool:
    """Who may change an article: whoever can publish edits any article;
    a journalist edits only their own, and only while it is a draft."""
    if not user.has_perm("articles.change_article"):
        return False
    if user.has_perm("articles.publish_article"):
        return True
    return article.author_id == user.pk and article.status == Article.Status.DRAFT


def conflict_message(article: Article) -> str:
    editor = article.updated_by
    who = (editor.get_full_name() or editor.get_username()) if editor else "Someone"
    when = date_format(timezone.localtime(article.updated_at), "j F Y, H:i")
    return (
        f"{who} changed this article at {when}, after you opened it. Nothing was saved: "
        "open the article again to see their change, then make yours."
    )


@transaction.atomic
def article_save(*, article: Article, user, expected_version: int | None) -> Article:
    """Save an edit to an article's text, refusing rights it lacks and stale versions.

    A new article belongs to whoever wrote it. An edit made from an older version
    than the stored one is a conflict and writes nothing. Every save raises the
    version, so the next stale edit is caught too.
    """
    if article.pk is None:
        if not user.has_perm("articles.add_article"):
            raise WorkflowError("You do not have permission to write articles.")
        article.author = user
        article.version = 1
    else:
        stored = (
            Article.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=article.pk)
        )
        if not article_can_edit(user=user, article=stored):
            raise WorkflowError("You do not have permission to edit this article.")
        if expected_version != stored.version:
            raise EditConflict(conflict_message(stored))
        # The workflow owns these; an edit never changes them.
        article.status, article.published_at = stored.status, stored.published_at
        article.author_id = stored.author_id
        article.version = stored.version + 1
    article.updated_by = user
    article.save()
    article_index_for_search(article=article)
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
    if settings.NEWSROOM_REQUIRE_BIAS_RATING:
        rating = Rating.objects.current_for(article)
        if rating is None:
            missing.append("a published bias rating")
        elif rating.needs_review:
            missing.append("its bias rating re-reviewed, since the text changed")
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
    logger.info("article %s moved %s -> %s by %s", stored.pk, source, target, user.pk)
    return stored


@transaction.atomic
def article_add_correction(*, article: Article, user, note: str) -> Correction:
    """Append a dated correction to a published article (editors only)."""
    if not user.has_perm("articles.publish_article"):
        raise WorkflowError("Only editors add corrections.")
    stored = Article.objects.select_for_update().get(pk=article.pk)
    if stored.status != Article.Status.PUBLISHED:
        raise WorkflowError("Corrections are added to published articles.")
    correction = Correction(article=stored, note=note.strip(), created_by=user)
    correction.full_clean()
    correction.save()
    logger.info("correction %s added to article %s by %s", correction.pk, article.pk, user.pk)
    return correction


def article_record_revision(*, article: Article, user, comment: str) -> None:
    """Keep the article's text as it now stands, with its sections and delegations.

    Every change of text ends here, so this is where a rated text that changed
    sends its bias rating back for re-review.
    """
    with reversion.create_revision(manage_manually=True):
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(comment)
    bias_services.rating_review_if_text_changed(article=article)


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


@transaction.atomic
def article_replace_body(
    *, article: Article, sections: list[dict], delegations: list[dict]
) -> None:
    """Replace an article's sections and delegations, each delegation with its "members".

    Sections are saved one by one so that their Markdown is rendered on save.
    """
    article.sections.all().delete()
    article.delegations.all().delete()
    for section in sections:
        Section.objects.create(
            article=article,
            kind=section["kind"],
            heading=section.get("heading", ""),
            body=section["body"],
            position=section["position"],
        )
    for entry in delegations:
        delegation = Delegation.objects.create(
            article=article,
            party=entry["party"],
            notes=entry["notes"],
            position=entry["position"],
        )
        DelegationMember.objects.bulk_create(
            DelegationMember(
                delegation=delegation,
                name=member["name"],
                role=member["role"],
                is_head=member["is_head"],
                position=member["position"],
            )
            for member in entry["members"]
        )
    article_index_for_search(article=article)


@transaction.atomic
def article_restore_revision(*, article: Article, version: Version, user) -> Article:
    """Bring back an earlier text as a new revision; status and dates stay as they are."""
    if int(version.object_id) != article.pk:
        raise WorkflowError("That revision belongs to another article.")
    if not article_can_edit(user=user, article=article):
        raise WorkflowError("You do not have permission to edit this article.")
    old = snapshot(version)
    stored = Article.objects.select_for_update().get(pk=article.pk)
    stored.title = old.article["title"]
    stored.summary = old.article["summary"]
    image_id = old.article["lead_image_id"]
    stored.lead_image_id = image_id if Image.objects.filter(pk=image_id).exists() else None
    stored.updated_by = user
    stored.version += 1
    stored.save()
    article_replace_body(article=stored, sections=old.sections, delegations=old.delegations)
    when = date_format(timezone.localtime(version.revision.date_created), "j F Y, H:i")
    article_record_revision(article=stored, user=user, comment=f"Restored the revision of {when}")
    logger.info("article %s restored to version %s by %s", stored.pk, version.pk, user.pk)
    return stored


def image_can_edit(*, user, image: Image) -> bool:
    """Editors change any image; others only the images they uploaded."""
    if not user.has_perm("articles.change_image"):
        return False
    return user.has_perm("articles.publish_article") or image.uploaded_by_id == user.pk


@transaction.atomic
def image_save(*, image: Image, file_changed: bool, user=None) -> Image:
    """Validate and store an image; a new file is stored clean, under a generated name,
    with fresh renditions.

    The stored file is re-encoded without metadata (no EXIF, GPS, XMP or IPTC),
    its name never comes from the uploader, and renditions are made
    here, at save time, so that no page ever resizes while serving.
    """
    if image.pk is None:
        image.uploaded_by = user
    elif user is not None and not image_can_edit(user=user, image=image):
        raise WorkflowError("You can change only the images you uploaded.")
    image.full_clean()
    replaced_file = None
    if file_changed:
        if image.pk is not None:
            replaced_file = Image.objects.filter(pk=image.pk).values_list("file", flat=True).first()
        image.file = clean_original(image.file.file)
    stored: list[str] = []  # files this save wrote, removed again if it fails
    try:
        image.save()
        if file_changed:
            stored.append(image.file.name)
        if file_changed or not image.renditions.exists():
            _replace_renditions(image, stored)
    except Exception:
        for name in stored:
            image.file.storage.delete(name)
        raise
    if replaced_file:
        _delete_after_commit(image.file.storage, [replaced_file])
    logger.info("image %s saved (file changed: %s)", image.pk, file_changed)
    return image


@transaction.atomic
def image_delete(*, image: Image) -> None:
    """Delete an image, its renditions and their files.

    Articles that led with it keep everything else: their lead image is unset.
    """
    names = [image.file.name, *(rendition.file.name for rendition in image.renditions.all())]
    storage = image.file.storage
    image_id = image.pk
    image.delete()
    _delete_after_commit(storage, [name for name in names if name])
    logger.info("image %s deleted with %d files", image_id, len(names))


def _replace_renditions(image: Image, stored: list[str]) -> None:
    stale_files = [rendition.file.name for rendition in image.renditions.all()]
    image.renditions.all().delete()
    for rendition in build_renditions(image):
        rendition.save()
        stored.append(rendition.file.name)
    _delete_after_commit(image.file.storage, stale_files)


def _delete_after_commit(storage, names: list[str]) -> None:
    """Files go only once the rows that named them are gone for good."""

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
