"""Every state-changing operation on articles and their images."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length
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


# What one article may hold: enough for any report, few enough that one save stays quick.
MAX_SECTIONS = 30
MAX_DELEGATIONS = 20
MAX_MEMBERS = 40  # per delegation
MAX_BODY_LENGTH = 100_000  # characters of Markdown in all sections together


class ForeignRow(WorkflowError):
    """A posted row id that names no row of the article being saved."""


@dataclass(frozen=True)
class SectionRow:
    """One section as the editor sent it: `id` None for a new one."""

    id: int | None
    kind: str
    heading: str
    body: str
    position: int
    delete: bool = False


@dataclass(frozen=True)
class MemberRow:
    id: int | None
    name: str
    role: str
    is_head: bool
    position: int
    delete: bool = False


@dataclass(frozen=True)
class DelegationRow:
    id: int | None
    party: str
    notes: str
    position: int
    members: tuple[MemberRow, ...] = ()
    delete: bool = False


@dataclass
class BodyChanges:
    """What a save of the body wrote, for the admin's history."""

    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (row, names of the fields that changed)
    deleted: list = field(default_factory=list)


@transaction.atomic
def article_save_body(
    *,
    article: Article,
    user,
    sections: list[SectionRow],
    delegations: list[DelegationRow],
) -> BodyChanges:
    """Write the sections, delegations and members an editor sent for one article.

    Every row named by id must already belong to this article (a member: to one
    of its delegations, so that it may move between them); any other id is
    refused, and nothing is written. Rows not sent stay as they are; rows marked
    for deletion go, a delegation with its members. The body stays within
    MAX_SECTIONS, MAX_DELEGATIONS, MAX_MEMBERS and MAX_BODY_LENGTH, and positions
    are renumbered 0, 1, 2… in the order sent.
    """
    stored = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
    if not article_can_edit(user=user, article=stored):
        raise WorkflowError("You do not have permission to edit this article.")
    existing_sections = _owned(Section, stored.sections.all(), [r.id for r in sections])
    existing_delegations = _owned(Delegation, stored.delegations.all(), [r.id for r in delegations])
    existing_members = _owned(
        DelegationMember,
        DelegationMember.objects.filter(delegation__article=stored),
        [m.id for r in delegations for m in r.members],
    )
    changes = BodyChanges()
    try:
        with transaction.atomic():
            _save_sections(stored, sections, existing_sections, changes)
            _save_delegations(stored, delegations, existing_delegations, existing_members, changes)
    except ValidationError as error:
        raise WorkflowError(" ".join(error.messages)) from error
    except IntegrityError as error:
        raise WorkflowError(
            "Each party appears once in an article, and each delegation has one head: "
            "nothing was saved."
        ) from error
    _check_body_bounds(stored)
    logger.info(
        "article %s body saved by %s: %d added, %d changed, %d deleted",
        stored.pk, user.pk, len(changes.added), len(changes.changed), len(changes.deleted),
    )  # fmt: skip
    return changes


def _owned(model, rows, ids: list[int | None]) -> dict:
    """The rows named by `ids`, refusing any id that is not among `rows` or comes twice."""
    named = [row_id for row_id in ids if row_id is not None]
    found = {row.pk: row for row in rows.filter(pk__in=named)} if named else {}
    if len(found) != len(named):
        raise ForeignRow(
            f"A {model._meta.verbose_name} that is not part of this article was sent with it, "
            "so nothing was saved. Reload the page and make your change again."
        )
    return found


def _save_sections(article, rows, existing, changes) -> None:
    kept = []
    for row in rows:
        section = existing.get(row.id) if row.id is not None else None
        if row.delete:
            if section is not None:
                section.delete()
                changes.deleted.append(section)
            continue
        if section is None:
            section = Section(article=article)
        values = {"kind": row.kind, "heading": row.heading, "body": row.body}
        kept.append((row.position, len(kept), section, values))
    for position, (_, _, section, values) in enumerate(sorted(kept, key=lambda k: k[:2])):
        _write(section, {**values, "position": position}, changes)


def _save_delegations(article, rows, existing, members, changes) -> None:
    kept = []
    for row in rows:
        delegation = existing.get(row.id) if row.id is not None else None
        if row.delete:
            if delegation is not None:
                delegation.delete()
                changes.deleted.append(delegation)
            continue
        kept.append((row.position, len(kept), delegation or Delegation(article=article), row))
    # Parties are unique per article: step every renamed one aside first, so that
    # two delegations may swap names in one save.
    renamed = [d.pk for _, _, d, row in kept if d.pk is not None and d.party != row.party]
    for pk in renamed:
        Delegation.objects.filter(pk=pk).update(party=f"\x1f{pk}")
    # One head per delegation: step the outgoing heads down first, for the same reason.
    stepping_down = [
        m.id
        for _, _, _, row in kept
        for m in row.members
        if m.id is not None and (m.delete or not m.is_head)
    ]
    DelegationMember.objects.filter(pk__in=stepping_down, is_head=True).update(is_head=False)
    ordered = sorted(kept, key=lambda k: k[:2])
    for position, (_, _, delegation, row) in enumerate(ordered):
        if delegation.pk in renamed:
            delegation.party = f"\x1f{delegation.pk}"
        _write(delegation, {"party": row.party, "notes": row.notes, "position": position}, changes)
        _save_members(delegation, row.members, members, changes)


def _save_members(delegation, rows, existing, changes) -> None:
    kept = []
    for row in rows:
        member = existing.get(row.id) if row.id is not None else None
        if row.delete:
            if member is not None and member.pk is not None:
                member.delete()
                changes.deleted.append(member)
            continue
        kept.append((row.position, len(kept), member or DelegationMember(), row))
    for position, (_, _, member, row) in enumerate(sorted(kept, key=lambda k: k[:2])):
        values = {
            "delegation": delegation,
            "name": row.name,
            "role": row.role,
            "is_head": row.is_head,
            "position": position,
        }
        _write(member, values, changes)


def _write(row, values: dict, changes: BodyChanges) -> None:
    """Save a row with these values, if they differ from what it holds."""
    adding = row.pk is None
    differing = [name for name, value in values.items() if not _holds(row, name, value)]
    if not adding and not differing:
        return
    for name, value in values.items():
        setattr(row, name, value)
    # The parent is known to be this article's; uniqueness is checked across the
    # whole body by the forms, and by the database.
    row.full_clean(
        exclude=["article", "delegation"], validate_unique=False, validate_constraints=False
    )
    row.save()
    if adding:
        changes.added.append(row)
    else:
        changes.changed.append(
            (row, [row._meta.get_field(name).verbose_name for name in differing])
        )


def _holds(row, name: str, value) -> bool:
    field = row._meta.get_field(name)
    if field.is_relation:
        return getattr(row, field.attname) == value.pk
    return getattr(row, name) == value


def _check_body_bounds(article: Article) -> None:
    if article.sections.count() > MAX_SECTIONS:
        raise WorkflowError(f"An article holds at most {MAX_SECTIONS} sections.")
    counts = list(
        article.delegations.annotate(size=models.Count("members")).values_list("size", flat=True)
    )
    if len(counts) > MAX_DELEGATIONS:
        raise WorkflowError(f"An article holds at most {MAX_DELEGATIONS} delegations.")
    if counts and max(counts) > MAX_MEMBERS:
        raise WorkflowError(f"A delegation holds at most {MAX_MEMBERS} members.")
    length = article.sections.aggregate(total=models.Sum(Length("body")))["total"] or 0
    if length > MAX_BODY_LENGTH:
        raise WorkflowError(
            f"The sections hold {length:,} characters together; the most is "
            f"{MAX_BODY_LENGTH:,}. Split the article, or shorten it."
        )


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
    try:
        article_replace_body(article=stored, sections=old.sections, delegations=old.delegations)
    except ValidationError as error:
        # A text saved before today's bounds may exceed them: restoring it is refused whole.
        raise WorkflowError(
            f"That revision cannot be restored: {' '.join(error.messages)}"
        ) from error
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
