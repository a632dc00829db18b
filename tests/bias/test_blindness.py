"""The panel is blind: an analyst sees no one else's assessment of an article,
by list, by id or by change URL, until they have submitted their own."""

import pytest

from articles.models import Article
from tests.factories import ArticleFactory, AssessmentFactory, RatingFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel():
    article = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    a = staff_member("Bias analysts", "analyst-a")
    b = staff_member("Bias analysts", "analyst-b")
    theirs = AssessmentFactory(
        article=article, analyst=a, direction="left", strength=3, rationale="A's private reasons."
    )
    return article, a, b, theirs


def as_user(client, user):
    client.force_login(user)
    return client


def urls(assessment):
    base = f"/admin/bias/assessment/{assessment.pk}"
    return [f"{base}/change/", f"{base}/history/", f"{base}/delete/"]


def test_before_submitting_b_sees_nothing_of_a(client, panel):
    article, _, b, theirs = panel
    as_user(client, b)
    listing = client.get("/admin/bias/assessment/")
    assert listing.status_code == 200
    assert "private reasons" not in listing.content.decode()
    assert list(listing.context["cl"].result_list) == []
    for url in urls(theirs):
        assert client.get(url).status_code == 404, url
    assert (
        client.get(f"/admin/bias/assessment/?article__id__exact={article.pk}")
        .context["cl"]
        .result_count
        == 0
    )
    assert client.get(f"/admin/bias/assessment/panel/{article.pk}/").status_code == 403


def test_after_submitting_b_sees_a_side_by_side(client, panel):
    article, _, b, theirs = panel
    as_user(client, b)
    response = client.post(
        "/admin/bias/assessment/add/",
        {
            "article": article.pk,
            "direction": "center",
            "strength": "2",
            "emotional_language": "none",
            "partisan_framing": "some",
            "speculation": "none",
            "one_sided_sourcing": "none",
            "rationale": "B's reasons.",
        },
    )
    assert response.status_code == 302
    assert response.url == f"/admin/bias/assessment/panel/{article.pk}/"
    mine = article.assessments.get(analyst=b)
    assert mine.partisan_framing == "some"
    listing = client.get("/admin/bias/assessment/")
    assert set(listing.context["cl"].result_list) == {theirs, mine}
    change = client.get(f"/admin/bias/assessment/{theirs.pk}/change/")
    assert change.status_code == 200 and "private reasons" in change.content.decode()
    # Seen, never changed: A's assessment stays A's.
    assert not change.context["has_change_permission"]
    page = client.get(f"/admin/bias/assessment/panel/{article.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "A&#x27;s private reasons." in body and "B&#x27;s reasons." in body
    assert page.context["form"] is None  # analysts do not sign off


def test_a_forged_change_of_anothers_assessment_changes_nothing(client, panel):
    article, _, b, theirs = panel
    AssessmentFactory(article=article, analyst=b)
    as_user(client, b)
    response = client.post(
        f"/admin/bias/assessment/{theirs.pk}/change/",
        {"article": article.pk, "direction": "right", "strength": "1", "rationale": "forged"},
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert (theirs.direction, theirs.rationale) == ("left", "A's private reasons.")


def test_an_analyst_cannot_assess_twice_through_the_admin(client, panel):
    article, a, _, _ = panel
    as_user(client, a)
    response = client.post(
        "/admin/bias/assessment/add/",
        {"article": article.pk, "direction": "right", "strength": "1", "rationale": "again",
         "emotional_language": "none", "partisan_framing": "none", "speculation": "none",
         "one_sided_sourcing": "none"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already assessed" in str(response.context["adminform"].form.non_field_errors())
    assert article.assessments.count() == 1


def test_editors_see_every_assessment_and_the_panel(client, panel):
    article, _, _, theirs = panel
    as_user(client, staff_member("Editors", "editor"))
    assert list(client.get("/admin/bias/assessment/").context["cl"].result_list) == [theirs]
    assert client.get(f"/admin/bias/assessment/{theirs.pk}/change/").status_code == 200
    assert client.get(f"/admin/bias/assessment/panel/{article.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["Journalists", "Moderators"])
def test_other_roles_see_no_assessments(client, panel, role):
    article, _, _, theirs = panel
    as_user(client, staff_member(role, "someone"))
    assert client.get("/admin/bias/assessment/").status_code == 403
    assert client.get(f"/admin/bias/assessment/{theirs.pk}/change/").status_code in (403, 404)
    assert client.get(f"/admin/bias/assessment/panel/{article.pk}/").status_code == 403


def test_analysts_read_articles_in_review_and_published_but_not_drafts(client):
    analyst = staff_member("Bias analysts", "analyst")
    in_review = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    published = ArticleFactory()
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    as_user(client, analyst)
    listing = client.get("/admin/articles/article/")
    assert set(listing.context["cl"].result_list) == {in_review, published}
    assert "awaiting yours" in listing.content.decode()
    page = client.get(f"/admin/articles/article/{in_review.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert f"/admin/bias/assessment/add/?article={in_review.pk}" in page.content.decode()
    assert client.get(f"/admin/articles/article/{draft.pk}/change/").status_code == 302


def test_the_desk_counts_ratings_work_and_its_filters_list_it(client):
    analyst = staff_member("Bias analysts", "analyst")
    editor = staff_member("Editors", "editor")
    to_rate = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    rated_by_me = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    AssessmentFactory(article=rated_by_me, analyst=analyst)
    signed_off = ArticleFactory()
    AssessmentFactory(article=signed_off)
    RatingFactory(article=signed_off)
    stale = ArticleFactory()
    AssessmentFactory(article=stale, analyst=analyst)
    RatingFactory(article=stale, needs_review=True)
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)  # not rated at this stage

    as_user(client, analyst)
    desk = {d["label"]: d["count"] for d in client.get("/admin/").context["desk"]}
    assert desk["Awaiting my assessment"] == 1
    listing = client.get("/admin/articles/article/", {"rating": "awaiting_me"})
    assert list(listing.context["cl"].result_list) == [to_rate]

    as_user(client, editor)
    desk = {d["label"]: d["count"] for d in client.get("/admin/").context["desk"]}
    assert desk["Ratings to sign off"] == 2
    listing = client.get("/admin/articles/article/", {"rating": "to_sign_off"})
    assert set(listing.context["cl"].result_list) == {rated_by_me, stale}
    listing = client.get("/admin/articles/article/", {"rating": "needs_review"})
    assert list(listing.context["cl"].result_list) == [stale]
