"""Reads of articles for public pages and for staff: articles.selectors, asked directly."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from articles import selectors
from articles.models import Article, Section
from tests.factories import (
    ArticleFactory,
    DelegationFactory,
    RatingFactory,
    SectionFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


def test_cards_carry_only_what_a_card_shows_and_the_page_everything():
    RatingFactory()
    card = selectors.with_cards(Article.objects.all()).get()
    assert (card.rating_label, card.rating_position) == ("Moderately Center-Leaning", 0)
    assert not hasattr(card, "rating_why")
    page = selectors.with_details(Article.objects.all()).get()
    assert page.rating_why == "Factual, sourced, little speculation."


def test_a_preview_finds_the_article_asked_for_whatever_its_status():
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    asked = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    ArticleFactory()
    assert selectors.article_for_preview(pk=asked.pk) == asked
    with pytest.raises(Http404):
        selectors.article_for_preview(pk=asked.pk + 100)


def test_delegations_get_a_section_of_the_article_only_when_there_are_some():
    bare = ArticleFactory()
    SectionFactory(article=bare)
    assert [s.kind for s in selectors.article_page_context(bare)["sections"]] == ["text"]

    article = ArticleFactory()
    SectionFactory(article=article)
    DelegationFactory(article=article)
    sections = selectors.article_page_context(article)["sections"]
    assert [s.kind for s in sections] == ["text", "delegations"]
    assert sections[-1].article == article and sections[-1].heading == "Delegations"


def test_the_listing_is_newest_first_and_the_latest_written_first_at_the_same_time():
    moment = timezone.now() - timedelta(hours=1)
    first, second = ArticleFactory(published_at=moment), ArticleFactory(published_at=moment)
    older = ArticleFactory(published_at=moment - timedelta(days=1))
    assert list(selectors.articles_for_listing()) == [second, first, older]


@pytest.mark.parametrize("role", ["Moderators", "Bias analysts", None])
def test_staff_who_do_not_write_see_none_of_the_articles_they_once_wrote(role):
    user = staff_member(role, "former-journalist")
    ArticleFactory(author=user, status=Article.Status.DRAFT, published_at=None)
    assert not selectors.articles_visible_to(user).exists()


def test_journalists_see_their_own_and_editors_every_article():
    journalist = staff_member("Journalists", "journalist")
    own = ArticleFactory(author=journalist, status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert list(selectors.articles_visible_to(journalist)) == [own]
    assert selectors.articles_visible_to(staff_member("Editors", "editor")).count() == 2


def test_page_context_lists_sections_in_order():
    article = ArticleFactory()
    SectionFactory(article=article, kind=Section.Kind.OUTLOOK, position=2)
    SectionFactory(article=article, kind=Section.Kind.BACKGROUND, position=1)
    kinds = [s.kind for s in selectors.article_page_context(article)["sections"]]
    assert kinds == ["background", "outlook"]
