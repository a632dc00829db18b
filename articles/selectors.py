"""Reads for public pages. Every one starts from Article.objects.published()."""

from django.shortcuts import get_object_or_404

from articles.comments.selectors import comment_threads
from articles.models import Article, Section
from bias.selectors import CARD_FIELDS, current_rating, with_current_rating


def article_for_page(*, slug: str) -> Article:
    """The public article with everything its page shows, or 404."""
    articles = with_current_rating(Article.objects.published().for_page(), history=True)
    return get_object_or_404(articles, slug=slug)


def article_for_preview(*, pk: int) -> Article:
    """Any article, whatever its status, for staff and shared previews; or 404."""
    return get_object_or_404(with_current_rating(Article.objects.for_page(), history=True), pk=pk)


def article_page_context(article: Article) -> dict:
    sections = list(article.sections.all())
    delegations = list(article.delegations.all())
    if delegations and not any(s.kind == Section.Kind.DELEGATIONS for s in sections):
        # Delegations always show, even when the author added no section for them.
        sections.append(
            Section(article=article, kind=Section.Kind.DELEGATIONS, heading="Delegations")
        )
    return {
        "article": article,
        "sections": sections,
        "delegations": delegations,
        "rating": current_rating(article),
        "corrections": list(article.corrections.all()),
        "comments": comment_threads(article=article),
    }


def articles_for_listing():
    articles = Article.objects.published().for_listing().order_by("-published_at", "-pk")
    return with_current_rating(articles, fields=CARD_FIELDS)


def articles_tagged(*, tag_slug: str):
    return articles_for_listing().filter(tags__slug=tag_slug)
