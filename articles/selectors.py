"""Reads of articles: for public pages (every one starts from Article.objects.published()),
and which articles each member of staff sees."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from articles import hooks
from articles.models import Article, Autosave, Correction, Section, StatusChange, public_q
from articles.permissions import can_publish, can_write


def with_cards(articles: QuerySet) -> QuerySet:
    """What a card shows besides the article itself, from the apps that add to it
    (`hooks.annotate_articles`), inside the article query."""
    for annotate in hooks.annotate_articles:
        articles = annotate(articles, detail=False)
    return articles


def with_details(articles: QuerySet) -> QuerySet:
    """What the article page and feeds show besides the article itself, inside the article query."""
    for annotate in hooks.annotate_articles:
        articles = annotate(articles, detail=True)
    return articles


def article_for_page(*, slug: str) -> Article:
    """The public article with everything its page shows, or 404."""
    return get_object_or_404(with_details(Article.objects.published().for_page()), slug=slug)


def article_for_reading(*, slug: str, or_404: bool = True) -> Article | None:
    """The public article as its page needs it when the article's parts are already
    rendered: its own row, in one query; else 404 (or None)."""
    articles = Article.objects.published().defer("search_vector")
    if or_404:
        return get_object_or_404(articles, slug=slug)
    try:
        return articles.get(slug=slug)  # unlike first(), no ordering to build: slugs are unique
    except Article.DoesNotExist:
        return None


def article_for_preview(*, pk: int) -> Article:
    """Any article, whatever its status, for staff and shared previews; or 404."""
    return get_object_or_404(with_details(Article.objects.for_page()), pk=pk)


def article_page_context(article: Article) -> dict:
    sections = list(article.sections.all())
    delegations = list(article.delegations.all())
    if delegations and not any(s.kind == Section.Kind.DELEGATIONS for s in sections):
        # Delegations always show, even when the author added no section for them.
        sections.append(
            Section(article=article, kind=Section.Kind.DELEGATIONS, heading="Delegations")
        )
    corrections = list(article.corrections.all())
    context = {
        "article": article,
        "sections": sections,
        "delegations": delegations,
        "corrections": corrections,
        "corrections_heading": corrections_heading(corrections),
    }
    for more in hooks.page_context:
        context.update(more(article))
    return context


def corrections_heading(corrections: list[Correction]) -> str:
    """The heading over the article's notes to readers: "Corrections", "Clarifications",
    or "Corrections and clarifications", as the notes are."""
    kinds = {correction.kind for correction in corrections}
    if kinds == {Correction.Kind.CLARIFICATION}:
        return "Clarifications"
    if Correction.Kind.CLARIFICATION in kinds:
        return "Corrections and clarifications"
    return "Corrections"


def corrections_for_listing() -> QuerySet:
    """Every correction and clarification of a public article, newest first (/corrections/)."""
    return (
        Correction.objects.filter(public_q("article__"))
        .select_related("article")
        .only("kind", "note", "created_at", "amended_at", "article__slug", "article__title")
        .order_by("-created_at", "-pk")
    )


def articles_for_listing():
    articles = Article.objects.published().for_listing().order_by("-published_at", "-pk")
    return with_cards(articles)


def articles_tagged(*, tag_slug: str):
    return articles_for_listing().filter(tags__slug=tag_slug)


def articles_visible_to(user, articles: QuerySet | None = None) -> QuerySet:
    """The articles this person sees in the admin: every one for those who may publish;
    for those who write, their own; and what the apps registered in `hooks.visible_articles`
    add (articles to rate, for bias analysts)."""
    articles = Article.objects.all() if articles is None else articles
    if can_publish(user):
        return articles
    visible = Q(author=user.pk) if can_write(user) else Q(pk__in=[])
    for more in hooks.visible_articles:
        visible |= more(user)
    return articles.filter(visible)


def last_return(article: Article) -> StatusChange | None:
    """The move that returned this draft to its author, with the editor's note, while it is
    the article's latest move; else None."""
    if article.status != Article.Status.DRAFT:
        return None
    latest = article.status_changes.select_related("user").order_by("-created_at", "-pk").first()
    returned = (Article.Status.IN_REVIEW, Article.Status.DRAFT)
    if latest is None or (latest.from_status, latest.to_status) != returned:
        return None
    return latest


def returned_to(user, articles: QuerySet | None = None) -> QuerySet:
    """This author's drafts whose latest move returned them from review."""
    articles = Article.objects.all() if articles is None else articles
    latest = StatusChange.objects.filter(article=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        articles.filter(author=user.pk, status=Article.Status.DRAFT)
        .annotate(
            last_from=Subquery(latest.values("from_status")[:1]),
            last_to=Subquery(latest.values("to_status")[:1]),
        )
        .filter(last_from=Article.Status.IN_REVIEW, last_to=Article.Status.DRAFT)
    )


def autosave_of(article: Article, user) -> Autosave | None:
    """This editor's unsaved changes to the article, kept by autosave; None when none are."""
    return autosave_of_id(article.pk, user)


def autosave_of_id(article_id, user) -> Autosave | None:
    if not str(article_id).isdigit() or not getattr(user, "pk", None):
        return None
    return Autosave.objects.filter(article_id=article_id, user=user.pk).first()
