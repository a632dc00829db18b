"""Assessments, the editor's sign-off, the publish gate and the re-review mark."""

import pytest

from articles import services as article_services
from articles.models import Article, Delegation, Section
from bias import services
from bias.models import Assessment, Rating
from tests.factories import (
    ArticleFactory,
    DelegationFactory,
    DelegationMemberFactory,
    SectionFactory,
    staff_member,
)
from tests.helpers import assess, in_review, publish

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def editor():
    return staff_member("Editors", "editor")


ONE = "One analyst is enough for this short item."


@pytest.fixture
def analysts():
    """Three analysts, one of each lean: together, a balanced panel."""
    return [
        staff_member("Bias analysts", f"analyst-{lean}", lean=lean)
        for lean in ("left", "center", "right")
    ]


def test_an_analyst_records_an_assessment_with_the_tone_rubric(analysts):
    article = in_review()
    assessment = assess(
        article, analysts[0], "right", 1, speculation="heavy", one_sided_sourcing="some"
    )
    stored = Assessment.objects.get(pk=assessment.pk)
    assert (stored.analyst, stored.label, stored.position) == (
        analysts[0], "Slightly Right-Leaning", 1,
    )  # fmt: skip
    assert dict(stored.tone) == {
        "Emotional language": "None",
        "Partisan framing": "None",
        "Speculation": "Heavy",
        "One-sided sourcing": "Some",
    }


@pytest.mark.parametrize("role", ["Journalists", "Editors", "Moderators"])
def test_only_analysts_assess(role):
    article = in_review()
    with pytest.raises(services.RatingError, match="Only bias analysts"):
        assess(article, staff_member(role, "someone"))
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.ARCHIVED])
def test_articles_are_assessed_in_review_or_published_only(analysts, status):
    article = ArticleFactory(status=status)
    with pytest.raises(services.RatingError, match="in review or published"):
        assess(article, analysts[0])
    assert not Assessment.objects.exists()


def test_one_assessment_per_analyst_per_article(analysts):
    article = in_review()
    assess(article, analysts[0])
    with pytest.raises(services.RatingError, match="already assessed"):
        assess(article, analysts[0], "left", 3)
    assert Assessment.objects.get().direction == "center"


def test_an_analyst_changes_only_their_own_assessment(analysts):
    article = in_review()
    theirs = assess(article, analysts[0])
    theirs.direction = "left"
    with pytest.raises(services.RatingError, match="only your own"):
        services.assessment_save(assessment=theirs, user=analysts[1])
    assert Assessment.objects.get().direction == "center"


def test_assessments_lock_when_the_rating_is_published_and_reopen_when_the_text_changes(
    analysts, editor
):
    article = in_review()
    mine = assess(article, analysts[0])
    mine.strength = 3
    mine.revision_reason = "Read the outlook again."
    services.assessment_save(assessment=mine, user=analysts[0])  # editable before sign-off
    publish(article, editor, strength=3, panel_reason=ONE)
    mine.strength = 1
    with pytest.raises(services.RatingError, match="published"):
        services.assessment_save(assessment=mine, user=analysts[0])
    with pytest.raises(services.RatingError, match="published"):
        assess(article, analysts[1])
    assert Assessment.objects.get().strength == 3

    article.title = "A new headline"
    article.save()
    article_services.article_record_revision(article=article, user=editor, comment="Changed")
    services.assessment_save(assessment=mine, user=analysts[0])
    assert Assessment.objects.get().strength == 1


def test_publishing_takes_the_panel_and_keeps_it_with_the_rating(analysts, editor):
    article = in_review()
    for analyst, (direction, strength) in zip(
        analysts, [("center", 2), ("center", 2), ("right", 1)], strict=True
    ):
        assess(article, analyst, direction, strength)
    rating = publish(article, editor, why="  Factual and even-handed.  ")
    assert (rating.label, rating.position, rating.why) == (
        "Moderately Center-Leaning", 0, "Factual and even-handed.",
    )  # fmt: skip
    assert (rating.analyst_count, rating.confidence, rating.panel_label) == (
        3, "high", "Moderately Center-Leaning",
    )  # fmt: skip
    assert rating.published_by == editor and rating.text_digest and not rating.needs_review


def test_publishing_needs_the_permission(analysts):
    article = in_review()
    assess(article, analysts[0])
    for person in [analysts[0], staff_member("Journalists", "j"), staff_member("Moderators", "m")]:
        with pytest.raises(services.RatingError, match="permission"):
            publish(article, person)
    assert not Rating.objects.exists()


def test_the_why_is_required(analysts, editor):
    article = in_review()
    assess(article, analysts[0])
    with pytest.raises(services.RatingError, match="Why"):
        publish(article, editor, why="   ")
    assert not Rating.objects.exists()


def test_overriding_the_panel_needs_a_written_reason(analysts, editor):
    article = in_review()
    assess(article, analysts[0], "center", 2)
    with pytest.raises(services.RatingError, match="panel rated this article Moderately Center"):
        publish(article, editor, "right", 1, panel_reason=ONE)
    assert not Rating.objects.exists()
    rating = publish(
        article, editor, "right", 1, override_reason="Sources are one-sided.", panel_reason=ONE
    )
    assert (rating.label, rating.panel_label, rating.override_reason) == (
        "Slightly Right-Leaning", "Moderately Center-Leaning", "Sources are one-sided.",
    )  # fmt: skip


def test_rating_without_any_assessment_needs_a_reason(editor):
    article = in_review()
    with pytest.raises(services.RatingError, match="No analyst"):
        publish(article, editor)
    rating = publish(article, editor, override_reason="Breaking news; the panel rates tomorrow.")
    assert rating.analyst_count == 0 and rating.confidence == ""


def test_a_label_off_the_scale_is_refused(editor):
    article = in_review()
    with pytest.raises(services.RatingError, match="scale"):
        publish(article, editor, "up", 2, override_reason="x")
    with pytest.raises(services.RatingError, match="scale"):
        publish(article, editor, "left", 7, override_reason="x")
    assert not Rating.objects.exists()


def test_every_published_rating_is_kept(analysts, editor):
    article = in_review()
    assess(article, analysts[0])
    first = publish(article, editor, panel_reason=ONE)
    second = publish(article, editor, "left", 1, override_reason="Re-read.", panel_reason=ONE)
    assert list(article.ratings.all()) == [second, first]
    assert Rating.objects.current_for(article) == second


def test_the_gate_refuses_to_publish_without_a_rating_and_passes_with_one(analysts, editor):
    article = in_review()
    with pytest.raises(article_services.WorkflowError, match="a published bias rating"):
        article_services.article_transition(article=article, target=S.PUBLISHED, user=editor)
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW
    assess(article, analysts[0])
    publish(article, editor, panel_reason=ONE)
    moved = article_services.article_transition(article=article, target=S.PUBLISHED, user=editor)
    assert moved.status == S.PUBLISHED and moved.is_public


def test_the_gate_can_be_turned_off(editor, settings):
    settings.NEWSROOM_REQUIRE_BIAS_RATING = False
    article = in_review()
    moved = article_services.article_transition(article=article, target=S.PUBLISHED, user=editor)
    assert moved.status == S.PUBLISHED


def test_an_edit_to_the_text_marks_the_rating_for_re_review_and_the_gate_holds(analysts, editor):
    article = in_review()
    assess(article, analysts[0])
    rating = publish(article, editor, panel_reason=ONE)
    # A save that changes no text leaves the rating as it is.
    article_services.article_record_revision(article=article, user=editor, comment="Saved")
    rating.refresh_from_db()
    assert not rating.needs_review
    section = article.sections.get()
    section.body = "A paragraph rewritten after the rating."
    section.save()
    article_services.article_record_revision(article=article, user=editor, comment="Changed")
    rating.refresh_from_db()
    assert rating.needs_review
    with pytest.raises(article_services.WorkflowError, match="re-reviewed"):
        article_services.article_transition(article=article, target=S.PUBLISHED, user=editor)
    # A new sign-off on the new text clears it.
    publish(article, editor, panel_reason=ONE)
    assert article_services.article_transition(
        article=article, target=S.PUBLISHED, user=editor
    ).is_public


def rated_article_with_a_delegation(analyst, editor):
    article = in_review()
    SectionFactory(article=article, body="A second section.")
    delegation = DelegationFactory(article=article, party="Ukraine")
    DelegationMemberFactory(delegation=delegation, name="Rustem Umerov", is_head=True)
    DelegationFactory(article=article, party="Russia")
    assess(article, analyst)
    publish(article, editor, panel_reason=ONE)
    return article


def needs_review(article) -> bool:
    services.rating_review_if_text_changed(article=article)
    return Rating.objects.current_for(article).needs_review


@pytest.mark.parametrize(
    "edit",
    [
        lambda article: Article.objects.filter(pk=article.pk).update(title="A new headline"),
        lambda article: Article.objects.filter(pk=article.pk).update(summary="A new summary."),
        lambda article: article.sections.filter(body="A second section.").update(heading="New"),
        lambda article: article.delegations.filter(party="Ukraine").update(notes="- Left early."),
    ],
    ids=["title", "summary", "section", "delegation"],
)
def test_any_edit_of_what_readers_read_sends_the_rating_back_for_review(analysts, editor, edit):
    article = rated_article_with_a_delegation(analysts[0], editor)
    assert not needs_review(article)
    edit(article)
    assert needs_review(Article.objects.get(pk=article.pk))


def test_moving_sections_or_delegations_is_an_edit_too(analysts, editor):
    article = rated_article_with_a_delegation(analysts[0], editor)
    first, second = article.sections.order_by("position")
    first.position, second.position = 5, 4
    Section.objects.bulk_update([first, second], ["position"])
    assert needs_review(article)

    other = rated_article_with_a_delegation(analysts[1], editor)
    ukraine, russia = other.delegations.order_by("position")
    ukraine.position, russia.position = russia.position, ukraine.position
    Delegation.objects.bulk_update([ukraine, russia], ["position"])
    assert needs_review(other)


def test_the_re_review_check_says_whether_this_call_marked_the_rating(analysts, editor):
    article = in_review()
    assert services.rating_review_if_text_changed(article=article) is False  # no rating yet
    assess(article, analysts[0])
    publish(article, editor, panel_reason=ONE)
    assert services.rating_review_if_text_changed(article=article) is False  # text unchanged
    article.title = "A new headline"
    article.save()
    assert services.rating_review_if_text_changed(article=article) is True
    assert services.rating_review_if_text_changed(article=article) is False  # marked already


def test_an_assessment_the_model_refuses_says_why(analysts):
    with pytest.raises(services.RatingError) as refused:
        assess(in_review(), analysts[0], rationale="   ")
    assert str(refused.value) == "This field cannot be blank."
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.ARCHIVED])
def test_ratings_are_published_only_in_review_or_published(editor, status):
    article = ArticleFactory(status=status)
    with pytest.raises(services.RatingError) as refused:
        publish(article, editor, override_reason="x")
    assert str(refused.value) == "Ratings are published for articles in review or published."
    assert not Rating.objects.exists()


def test_a_rating_without_a_panel_records_no_panel_label(editor):
    rating = publish(in_review(), editor, override_reason="Breaking news.")
    assert (rating.panel_label, rating.analyst_count, rating.confidence) == ("", 0, "")
