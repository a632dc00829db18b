import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import (
    ArticleFactory,
    AssessmentFactory,
    RatingFactory,
    UserFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


def rating_post(article):
    return {
        "article": str(article.pk),
        "label": "Slightly Right-Leaning",
        "position": "1",
        "why": "Framing favours one side.",
        "published_at_0": "2025-05-16",
        "published_at_1": "08:00",
    }


def test_ratings_are_published_from_the_panel_not_added_by_hand(client):
    editor = UserFactory(username="ed", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    article = ArticleFactory()
    assert client.post("/admin/bias/rating/add/", rating_post(article)).status_code == 403
    assert not article.ratings.exists()


def test_adding_a_rating_needs_the_publish_rating_permission(client):
    user = UserFactory(username="adder", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="add_rating"),
        Permission.objects.get(codename="view_rating"),
    )
    client.force_login(user)
    article = ArticleFactory()
    assert client.post("/admin/bias/rating/add/", rating_post(article)).status_code == 403
    assert client.post(f"/admin/bias/assessment/panel/{article.pk}/", {}).status_code == 403
    assert not article.ratings.exists()


def test_published_ratings_are_history_and_cannot_be_edited(client):
    editor = UserFactory(username="ed2", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    rating = RatingFactory(label="Moderately Center-Leaning")
    post = rating_post(rating.article)
    assert client.post(f"/admin/bias/rating/{rating.pk}/change/", post).status_code == 403
    assert (
        client.post(f"/admin/bias/rating/{rating.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    rating.refresh_from_db()
    assert rating.label == "Moderately Center-Leaning"


def panel_post(**overrides):
    return {"direction": "center", "strength": "2", "why": "Plain facts.", **overrides}


@pytest.fixture
def panel_article():
    """Three analysts, one of each lean (a balanced panel), four points apart."""
    article = ArticleFactory(status="in_review", published_at=None)
    for lean, (direction, strength) in zip(
        ("left", "center", "right"), [("left", 2), ("center", 2), ("right", 2)], strict=True
    ):
        analyst = staff_member("Bias analysts", f"analyst-{lean}", lean=lean)
        AssessmentFactory(article=article, analyst=analyst, direction=direction, strength=strength)
    return article


def test_the_panel_page_shows_the_aggregate_and_the_disagreement(client, panel_article):
    client.force_login(staff_member("Editors", "editor"))
    response = client.get(f"/admin/bias/assessment/panel/{panel_article.pk}/")
    body = response.content.decode()
    panel = response.context["panel"]
    assert (panel.size, panel.median, panel.spread, panel.confidence) == (3, 0, 4, "low")
    assert "The panel disagrees" in body and "Moderately Center-Leaning" in body
    assert response.context["form"].initial == {"direction": "center", "strength": 2}


def test_an_editor_publishes_from_the_panel_and_is_recorded(client, panel_article):
    editor = staff_member("Editors", "editor")
    client.force_login(editor)
    url = f"/admin/bias/assessment/panel/{panel_article.pk}/"
    response = client.post(url, panel_post())
    assert response.status_code == 302
    rating = panel_article.ratings.get()
    assert (rating.label, rating.published_by, rating.analyst_count, rating.confidence) == (
        "Moderately Center-Leaning", editor, 3, "low",
    )  # fmt: skip
    assert "Moderately Center-Leaning" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        (panel_post(why=""), "This field is required"),
        (panel_post(direction="right", strength="3"), "give the reason"),
        (panel_post(direction="sideways"), "Select a valid choice"),
        (panel_post(strength="9"), "Select a valid choice"),
    ],
)
def test_a_refused_sign_off_says_why_and_stores_nothing(client, panel_article, post, message):
    client.force_login(staff_member("Editors", "editor"))
    response = client.post(f"/admin/bias/assessment/panel/{panel_article.pk}/", post)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not panel_article.ratings.exists()


def test_the_article_admin_marks_a_rating_that_needs_re_review(client):
    rating = RatingFactory(needs_review=True)
    client.force_login(staff_member("Editors", "editor"))
    listing = client.get("/admin/articles/article/").content.decode()
    assert "Moderately Center-Leaning · needs re-review" in listing
    page = client.get(f"/admin/articles/article/{rating.article_id}/change/").content.decode()
    assert "needs re-review" in page and "Bias panel" in page
