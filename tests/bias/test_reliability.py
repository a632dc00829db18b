"""Krippendorff's alpha over the analysts' first, blind scores, published on /bias/; the
calibration table for editors; "How this was rated" for readers."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles import services as article_services
from articles.models import Article
from bias import reliability, services
from tests.factories import (
    ArticleFactory,
    AssessmentFactory,
    RatingFactory,
    UserFactory,
    staff_member,
)
from tests.helpers import assess, in_review, publish

pytestmark = pytest.mark.django_db

LEANS = ("left", "center", "right")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders, 12 units,
# missing values; alpha 0.743 nominal, 0.815 ordinal, 0.849 interval, 0.797 ratio.
CODERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
WORKED = [[value for value in unit if value is not None] for unit in zip(*CODERS, strict=True)]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_matches_krippendorffs_worked_example(level, expected):
    assert reliability.alpha(WORKED, level) == pytest.approx(expected, abs=0.0005)


def test_alpha_matches_a_hand_computed_panel():
    # Units (1, 2) and (3, 3): observed disagreement 2/4; expected 22/12; alpha 1 - 6/22.
    assert reliability.alpha([[1, 2], [3, 3]], "interval") == pytest.approx(8 / 11)
    assert reliability.alpha([[0, 0], [-1, -1], [2, 2]], "interval") == pytest.approx(1.0)
    # Nothing to disagree about, or no unit with two scores: not defined.
    assert reliability.alpha([[0, 0], [0, 0]], "interval") is None
    assert reliability.alpha([[1], [2]], "interval") is None


@pytest.mark.parametrize(
    ("value", "reading"),
    [(0.9, "reliable"), (0.8, "reliable"), (0.7, "tentative"), (0.667, "tentative"),
     (0.5, "not yet reliable"), (None, "not enough ratings yet")],
)  # fmt: skip
def test_alpha_is_read_in_plain_words(value, reading):
    assert reliability.reading(value) == reading


def make_public(article):
    type(article).objects.filter(pk=article.pk).update(
        status="published", published_at=timezone.now() - timedelta(minutes=1)
    )


def panel_of_three(prefix=""):
    return [staff_member("Bias analysts", f"{prefix}analyst-{lean}", lean=lean) for lean in LEANS]


def rated(article, analysts, scores, editor):
    """An article assessed blind with these scores and signed off."""
    for analyst, (direction, strength) in zip(analysts, scores, strict=True):
        assess(article, analyst, direction, strength)
    return publish(article, editor, "center", 1, override_reason="The desk's reading.")


def test_alpha_is_computed_on_the_first_blind_scores_not_revisions():
    editor = staff_member("Editors", "editor")
    analysts = panel_of_three()
    article = in_review()
    assess(article, analysts[0], "left", 2)
    assess(article, analysts[1], "center", 1)
    last = assess(article, analysts[2], "right", 2)
    last.direction, last.strength, last.revision_reason = "center", 1, "Persuaded."
    services.assessment_save(assessment=last, user=analysts[2])
    publish(article, editor, "center", 1)
    other = in_review()
    rated(other, analysts, [("right", 1), ("right", 1), ("right", 2)], editor)
    for article_ in (article, other):
        make_public(article_)
    panels = reliability.rated_panels()
    assert sorted(panel.blind for panel in panels.values()) == [[-2, 0, 2], [1, 1, 2]]
    overall, _ = reliability.panel_reliability()
    expected = reliability.alpha([[-2, 0, 2], [1, 1, 2]], "interval")
    assert (overall.interval, overall.articles, overall.analysts) == (expected, 2, 3)


def test_the_bias_page_publishes_alpha_with_its_reading(client):
    editor = staff_member("Editors", "editor")
    analysts = panel_of_three()
    for scores in ([("center", 1)] * 3, [("right", 1)] * 2 + [("right", 2)], [("left", 1)] * 3):
        article = in_review()
        rated(article, analysts, scores, editor)
        make_public(article)
    value = reliability.panel_reliability()[0].interval
    text = (
        BeautifulSoup(client.get("/bias/").content, "html.parser")
        .select_one("[aria-labelledby=reliability-heading]")
        .get_text(" ", strip=True)
    )
    assert f"Krippendorff’s alpha is {value:.3f}" in text
    assert "3 published articles rated by two or more of our 3 analysts" in text
    assert reliability.reading(value) in text


def test_tags_with_ten_rated_articles_get_their_own_figure(client):
    editor = staff_member("Editors", "editor")
    analysts = panel_of_three()
    for n in range(reliability.TAG_MIN_ARTICLES):
        article = in_review(tags=["Diplomacy"] + (["Energy"] if n < 3 else []))
        scores = [("center", 1), ("center", 1), ("right", 1 + n % 2)]
        rated(article, analysts, scores, editor)
        make_public(article)
    _, tags = reliability.panel_reliability()
    assert [(tag.name, tag.articles) for tag in tags] == [("Diplomacy", 10)]
    assert "Agreement under each tag" in client.get("/bias/").text


def test_the_calibration_table_on_a_known_set(client):
    editor = staff_member("Editors", "editor")
    left, centre, right = panel_of_three()
    first, second = in_review(), in_review()
    for article, scores in ((first, (-1, 0, 2)), (second, (0, 0, 0))):
        for analyst, position in zip((left, centre, right), scores, strict=True):
            direction = "left" if position < 0 else "right" if position > 0 else "center"
            AssessmentFactory(
                article=article, analyst=analyst, direction=direction,
                strength=abs(position) or 2,
            )  # fmt: skip
    rows = {row.analyst.username: row for row in reliability.calibration()}
    assert (rows["analyst-left"].assessments, rows["analyst-left"].panels) == (2, 2)
    assert rows["analyst-left"].mean_distance == pytest.approx(-0.5)
    assert rows["analyst-center"].mean_distance == pytest.approx(0)
    assert rows["analyst-right"].mean_distance == pytest.approx(1.0)
    assert [rows[name].outside for name in ("analyst-left", "analyst-center", "analyst-right")] == [
        1, 0, 1
    ]  # fmt: skip
    client.force_login(editor)
    page = client.get("/admin/bias/analystprofile/calibration/").content.decode()
    assert "+1.00" in page and "-0.50" in page
    client.force_login(left)
    assert client.get("/admin/bias/analystprofile/calibration/").status_code == 403


# Readers


def test_the_rating_box_names_the_panels_leans_or_its_imbalance(client):
    balanced = ArticleFactory()
    RatingFactory(article=balanced, analyst_count=3, confidence="high",
                  panel_leans="left,center,right", balanced=True)  # fmt: skip
    lopsided = ArticleFactory()
    RatingFactory(article=lopsided, analyst_count=2, confidence="medium",
                  panel_leans="center,right", balanced=False)  # fmt: skip
    for article, expected in (
        (balanced, "Rated blind by 3 analysts (left, center, right) · Confidence: High"),
        (lopsided, "Rated blind by 2 analysts (center, right; no left-leaning analyst) · "
                   "Confidence: Medium"),
    ):  # fmt: skip
        box = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
        line = box.select_one(".rating-box__panel").get_text(" ", strip=True)
        assert line.startswith(expected)
        assert box.select_one(".rating-box__panel a")["href"] == f"/bias/articles/{article.slug}/"


def test_how_this_was_rated_shows_the_anonymous_panel(client):
    editor = staff_member("Editors", "editor")
    analysts = panel_of_three()
    article = in_review()
    assess(article, analysts[0], "left", 1, emotional_language="some")
    assess(article, analysts[1], "center", 2)
    assess(article, analysts[2], "right", 1, speculation="heavy")
    publish(article, editor, "center", 2, why="Even-handed.")
    make_public(article)
    page = client.get(f"/bias/articles/{article.slug}/")
    text = BeautifulSoup(page.content, "html.parser").get_text(" ", strip=True)
    assert "3 analysts rated this article blind (left, center, right)" in text
    assert "Emotional language: none 2 of 3, some 1 of 3" in text
    assert "Speculation: none 2 of 3, heavy 1 of 3" in text
    assert "No analyst revised their score" in text
    assert "Moderately Center-Leaning (current)" in text
    for analyst in analysts:
        assert analyst.username not in page.text and analyst.last_name not in page.text
    chart = BeautifulSoup(page.content, "html.parser").select_one("svg title").get_text()
    assert "Moderately Left 0; Slightly Left 1; Center 1; Slightly Right 1" in chart


def test_how_this_was_rated_exists_only_for_public_rated_articles(client):
    unrated = ArticleFactory()
    assert client.get(f"/bias/articles/{unrated.slug}/").status_code == 404
    draft = ArticleFactory(status="draft", published_at=None)
    RatingFactory(article=draft)
    assert client.get(f"/bias/articles/{draft.slug}/").status_code == 404


@pytest.mark.parametrize("count", [1, 100])
def test_how_this_was_rated_costs_the_same_queries_however_much_is_rated(
    client, django_assert_num_queries, count
):
    articles = ArticleFactory.create_batch(count)
    for article in articles:
        for _ in range(3):
            RatingFactory(article=article, analyst_count=3,
                          panel_snapshot={"blind": [0, 0, 1], "reconciled": [0, 0, 1]})  # fmt: skip
    with django_assert_num_queries(2):
        response = client.get(f"/bias/articles/{articles[-1].slug}/")
    assert response.status_code == 200
    assert response.text.count("<li><time") == 3


def test_the_figures_are_worked_out_once_until_a_rating_or_article_changes(client, monkeypatch):
    """Signed-in visitors skip the page cache: the archive-wide figures are kept for them."""
    editor = staff_member("Editors", "editor")
    analysts = panel_of_three()
    worked_out = []
    original = reliability.panel_reliability
    monkeypatch.setattr(
        reliability, "panel_reliability", lambda: worked_out.append(1) or original()
    )
    client.force_login(UserFactory(username="reader"))
    article = in_review()
    rated(article, analysts, [("center", 1)] * 3, editor)
    make_public(article)
    for _ in range(3):
        assert "1 published article" in client.get("/bias/").text
    assert len(worked_out) == 1
    another = in_review()
    rated(another, analysts, [("right", 1)] * 3, editor)
    article_services.article_transition(
        article=another, target=Article.Status.PUBLISHED, user=editor
    )
    assert "2 published articles" in client.get("/bias/").text
    assert len(worked_out) == 2
