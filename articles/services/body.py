"""The body of an article: its sections, and its delegations with their members."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length

from articles.models import Article, Delegation, DelegationMember, Section
from articles.permissions import can_edit_article
from articles.services.errors import ForeignRow, WorkflowError
from articles.services.index import article_index_for_search

logger = logging.getLogger(__name__)


# What one article may hold: enough for any report, few enough that one save stays quick.
MAX_SECTIONS = 30
MAX_DELEGATIONS = 20
MAX_MEMBERS = 40  # per delegation
MAX_BODY_LENGTH = 100_000  # characters of Markdown in all sections together


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
    if not can_edit_article(user, stored):
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


@transaction.atomic
def article_replace_body(
    *, article: Article, sections: list[dict], delegations: list[dict]
) -> None:
    """Replace an article's sections and delegations, each delegation with its "members".

    Sections are saved one by one so that their Markdown is rendered on save; the
    search index follows the new text.
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
