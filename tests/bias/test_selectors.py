"""Reads of assessments and ratings: bias.selectors, asked directly."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from bias import selectors
from bias.models import Rating
from tests.factories import ArticleFactory, RatingFactory, staff_member
from tests.helpers import assess, in_review, publish

pytestmark = pytest.mark.django_db


def rated(direction, strength, **article_fields):
    article = ArticleFactory(**article_fields)
    RatingFactory(article=article, direction=direction, strength=strength)
    return article


def test_a_current_rating_without_a_panel_has_no_confidence_to_show():
    rating = selectors.CurrentRating(
        label="Slightly Left-Leaning", why="w", position=-1, published_at=timezone.now(),
        analyst_count=0, confidence="",
    )  # fmt: skip
    assert rating.get_confidence_display() == ""
    assert rating.lean == "left"
    with_panel = selectors.CurrentRating(**{**rating.__dict__, "confidence": "high"})
    assert with_panel.get_confidence_display() == "High"


@pytest.mark.parametrize("annotated", [False, True], ids=["plain", "annotated"])
def test_with_lean_filters_by_the_current_ratings_side(annotated):
    left, center, right = rated("left", 2), rated("center", 1), rated("right", 3)
    ArticleFactory()  # not rated: on no side
    articles = Article.objects.all()
    if annotated:
        articles = selectors.with_current_rating(articles, fields=selectors.CARD_FIELDS)
    assert list(selectors.with_lean(articles, "left")) == [left]
    assert list(selectors.with_lean(articles, "center")) == [center]
    assert list(selectors.with_lean(articles, "right")) == [right]


def test_with_lean_reads_the_rating_in_force_not_the_newest():
    article = rated("left", 1)
    RatingFactory(
        article=article,
        direction="right",
        strength=1,
        published_at=timezone.now() + timedelta(days=1),
    )
    assert list(selectors.with_lean(Article.objects.all(), "left")) == [article]
    assert not selectors.with_lean(Article.objects.all(), "right").exists()


def test_an_analyst_still_has_to_rate_what_only_another_analyst_assessed():
    first, second = (staff_member("Bias analysts", f"analyst-{n}") for n in range(2))
    article = in_review()
    assess(article, first)
    assert not selectors.awaiting_assessment(Article.objects.all(), first).exists()
    assert list(selectors.awaiting_assessment(Article.objects.all(), second)) == [article]
    marked = selectors.with_assessment_by(Article.objects.all(), second).get()
    assert marked.assessed_by_me is False


@pytest.mark.parametrize("annotated", [False, True], ids=["plain", "annotated"])
def test_awaiting_sign_off_is_what_the_panel_rated_and_no_editor_signed_off(annotated):
    analyst, editor = staff_member("Bias analysts", "analyst"), staff_member("Editors", "editor")
    waiting, signed, unassessed = in_review(), in_review(), in_review()
    assess(waiting, analyst)
    assess(signed, analyst)
    publish(signed, editor, panel_reason="One analyst is enough for this test.")
    articles = Article.objects.all()
    if annotated:
        articles = selectors.with_rating_state(articles)
    assert list(selectors.awaiting_sign_off(articles)) == [waiting]
    assert unassessed not in selectors.awaiting_sign_off(articles)
    # Once the text changes after sign-off, the rating waits for another.
    Rating.objects.filter(article=signed).update(needs_review=True)
    assert set(selectors.awaiting_sign_off(articles)) == {waiting, signed}


def test_the_distribution_counts_each_article_once_and_labels_every_point():
    shared = rated("left", 1, tags=["talks", "ukraine"])
    rated("left", 1, tags=["talks"])
    rated("right", 2, tags=["ukraine"])
    # A query joined to the tags repeats an article once per matching tag.
    joined = Article.objects.published().filter(tags__slug__in=["talks", "ukraine"])
    assert joined.filter(pk=shared.pk).count() == 2

    bars, tags = selectors.rating_distribution(joined)

    assert [(bar.position, bar.label, bar.count) for bar in bars] == [
        (-3, "Strongly Left", 0), (-2, "Moderately Left", 0), (-1, "Slightly Left", 2),
        (0, "Center", 0), (1, "Slightly Right", 0), (2, "Moderately Right", 1),
        (3, "Strongly Right", 0),
    ]  # fmt: skip
    by_slug = {tag.slug: (tag.left, tag.center, tag.right) for tag in tags}
    assert by_slug == {"talks": (2, 0, 0), "ukraine": (1, 0, 1)}


def test_the_most_covered_tags_come_first_then_by_name_whatever_its_case():
    rated("center", 1, tags=["zebra"])
    rated("center", 1, tags=["zebra"])
    rated("center", 1, tags=["Beta"])
    rated("left", 1, tags=["alpha"])
    _, tags = selectors.rating_distribution(Article.objects.published())
    assert [tag.name for tag in tags] == ["zebra", "alpha", "Beta"]
    assert [(tag.left, tag.center, tag.right) for tag in tags] == [(0, 2, 0), (1, 0, 0), (0, 1, 0)]


def test_the_replaced_label_comes_only_with_history_and_a_card_reads_without_it():
    article = rated("left", 1)
    RatingFactory(article=article, published_at=timezone.now() - timedelta(days=2))
    card = selectors.with_current_rating(Article.objects.all(), fields=selectors.CARD_FIELDS).get()
    assert not hasattr(card, "rating_previous_label")
    plain = selectors.with_current_rating(Article.objects.all()).get()
    assert selectors.current_rating(plain).previous_label is None
    page = selectors.with_current_rating(Article.objects.all(), history=True).get()
    assert selectors.current_rating(page).previous_label == "Moderately Center-Leaning"


def test_an_article_read_without_its_rating_has_no_current_rating():
    rated("left", 1)
    assert selectors.current_rating(Article.objects.get()) is None


def test_the_blind_panel_reads_in_one_query(django_assert_num_queries):
    analysts = [staff_member("Bias analysts", f"analyst-{n}") for n in range(3)]
    for article in (in_review(), in_review()):
        for analyst in analysts:
            assess(article, analyst)
    with django_assert_num_queries(1):
        seen = [
            (a.article.title, a.analyst.username)
            for a in selectors.assessments_visible_to(analysts[0])
        ]
    assert len(seen) == 6
