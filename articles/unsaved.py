"""An article's text that is not stored as it stands: an earlier revision, or what the
editor has typed and not saved. Built into the objects the article page renders (each
section's Markdown rendered through the same pipeline as on save), never saved."""

from articles.models import Article, Delegation, DelegationMember, Section
from articles.revisions import Snapshot


def section(kind: str, heading: str, body: str, position: int) -> Section:
    made = Section(kind=kind, heading=heading, body=body, position=position)
    made.heading = (heading or "").strip() or Section.Kind(kind).label
    made.body_html = render(body)
    return made


def delegation(party: str, notes: str, position: int, members: list[dict]) -> Delegation:
    made = Delegation(party=party, notes=notes, position=position)
    made.notes_html = render(notes)
    made.unsaved_members = [
        DelegationMember(
            name=member["name"],
            role=member.get("role", ""),
            is_head=member.get("is_head", False),
            position=member.get("position", 0),
        )
        for member in sorted(members, key=lambda member: member.get("position", 0))
    ]
    return made


def render(markdown: str) -> str:
    from articles.markdown import render_markdown

    return render_markdown(markdown or "")


def page_of(
    article: Article, stored: Article, sections: list[Section], delegations: list[Delegation]
) -> dict:
    """The article page's context for this text, as `selectors.article_page_context` makes it
    for a stored one; corrections and the rating are those of the `stored` article."""
    from articles import hooks

    shown = sorted(sections, key=lambda s: s.position)
    if delegations and not any(s.kind == Section.Kind.DELEGATIONS for s in shown):
        shown.append(Section(kind=Section.Kind.DELEGATIONS, heading="Delegations"))
    context = {
        "article": article,
        "sections": shown,
        "delegations": sorted(delegations, key=lambda d: d.position),
        "corrections": list(stored.corrections.all()) if stored.pk else [],
    }
    for more in hooks.page_context:
        context.update(more(stored))
    return context


def from_snapshot(article: Article, old: Snapshot) -> dict:
    """The article page's context for an earlier revision of this (stored) article."""
    shown = Article(
        pk=article.pk,
        slug=article.slug,
        status=article.status,
        published_at=article.published_at,
        author_id=article.author_id,
        title=old.article["title"],
        summary=old.article["summary"],
        lead_image_id=old.article.get("lead_image_id"),
        # Revisions kept before the article had a type and a backstory hold neither.
        article_type=old.article.get("article_type", article.article_type),
        backstory=old.article.get("backstory", ""),
    )
    sections = [
        section(row["kind"], row.get("heading", ""), row["body"], row["position"])
        for row in old.sections
    ]
    delegations = [
        delegation(row["party"], row["notes"], row["position"], row["members"])
        for row in old.delegations
    ]
    return page_of(shown, article, sections, delegations)


SECTION_FIELDS = ("kind", "heading", "body", "position")
DELEGATION_FIELDS = ("party", "notes", "position")
MEMBER_FIELDS = ("name", "role", "is_head", "position")


# `check` has bounded the rows already; this only keeps `_rows` from refusing twice.
MAX_ROWS = 10_000


class UnsavedTextError(ValueError):
    """Posted text that cannot be shown: over the bounds, or not a form of this site."""


def _number(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _rows(data, prefix: str, fields: tuple, limit: int, what: str) -> list[tuple[str, dict]]:
    """The rows an inline formset posted (not those marked for deletion), with their prefixes
    and these fields; more than `limit` is refused, so the work a post causes is bounded."""
    total = _number(data.get(f"{prefix}-TOTAL_FORMS"))
    if total > limit * 2:  # rows marked for deletion count too, up to as many again
        raise UnsavedTextError(f"An article holds at most {limit} {what}.")
    rows = []
    for index in range(max(total, 0)):
        row = f"{prefix}-{index}"
        if data.get(f"{row}-DELETE") in ("on", "true", "1"):
            continue
        rows.append((row, {name: data.get(f"{row}-{name}", "") for name in fields}))
    if len(rows) > limit:
        raise UnsavedTextError(f"An article holds at most {limit} {what}.")
    return rows


def check(data) -> None:
    """Refuse posted text over the bounds a save would refuse it at (UnsavedTextError, with
    the reason): too many rows, or a Markdown text too long or too deeply nested."""
    from django.core.exceptions import ValidationError

    from articles.markdown import MAX_LENGTH, NOTES_MAX_LENGTH, MarkdownValidator
    from articles.services import MAX_DELEGATIONS, MAX_MEMBERS, MAX_SECTIONS

    try:
        for _, row in _rows(data, "sections", SECTION_FIELDS, MAX_SECTIONS, "sections"):
            MarkdownValidator(MAX_LENGTH)(row["body"])
        for prefix, row in _rows(
            data, "delegations", DELEGATION_FIELDS, MAX_DELEGATIONS, "delegations"
        ):
            MarkdownValidator(NOTES_MAX_LENGTH)(row["notes"])
            _rows(data, f"{prefix}-members", MEMBER_FIELDS, MAX_MEMBERS, "members")
    except ValidationError as error:
        raise UnsavedTextError(" ".join(error.messages)) from error


def from_form(stored: Article | None, data, *, author) -> dict:
    """The article page's context for the text an editor has typed and not saved (the
    article admin's form, as posted); the stored article's corrections and rating.
    Every Markdown text is bounded as on save (UnsavedTextError, with the reason)."""
    check(data)
    shown = Article(
        pk=stored.pk if stored else None,
        slug=stored.slug if stored else "",
        status=stored.status if stored else Article.Status.DRAFT,
        published_at=stored.published_at if stored else None,
        author=stored.author if stored else author,
        title=(data.get("title") or "")[:200],
        summary=(data.get("summary") or "")[:600],
        backstory=(data.get("backstory") or "")[:2000],
    )
    if data.get("article_type") in Article.Type.values:
        shown.article_type = data["article_type"]
    elif stored is not None:
        shown.article_type = stored.article_type
    image = _number(data.get("lead_image"), None)
    if image is not None and stored is not None and image != stored.lead_image_id:
        from articles.models import Image

        shown.lead_image = Image.objects.filter(pk=image).prefetch_related("renditions").first()
    elif stored is not None:
        shown.lead_image = stored.lead_image
    kinds = Section.Kind.values
    sections = []
    for _, row in _rows(data, "sections", SECTION_FIELDS, MAX_ROWS, "sections"):
        kind = row.get("kind") if row.get("kind") in kinds else Section.Kind.TEXT
        sections.append(
            section(kind, row.get("heading", "")[:200], row["body"], _number(row.get("position")))
        )
    delegations = []
    for prefix, row in _rows(data, "delegations", DELEGATION_FIELDS, MAX_ROWS, "delegations"):
        members = [
            {
                "name": member.get("name", "")[:120],
                "role": member.get("role", "")[:200],
                "is_head": member.get("is_head") in ("on", "true", "1"),
                "position": _number(member.get("position")),
            }
            for _, member in _rows(data, f"{prefix}-members", MEMBER_FIELDS, MAX_ROWS, "members")
        ]
        delegations.append(
            delegation(row["party"][:120], row["notes"], _number(row.get("position")), members)
        )
    return page_of(shown, stored or shown, sections, delegations)
