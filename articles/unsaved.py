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
        "corrections": list(stored.corrections.all()),
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
