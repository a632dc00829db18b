import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import ArticleFactory, RatingFactory, UserFactory

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


def test_editors_publish_ratings_and_are_recorded_as_publisher(client):
    editor = UserFactory(username="ed", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    article = ArticleFactory()
    response = client.post("/admin/bias/rating/add/", rating_post(article))
    assert response.status_code == 302
    assert article.ratings.get().published_by == editor


def test_adding_a_rating_needs_the_publish_rating_permission(client):
    user = UserFactory(username="adder", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="add_rating"),
        Permission.objects.get(codename="view_rating"),
    )
    client.force_login(user)
    article = ArticleFactory()
    assert client.post("/admin/bias/rating/add/", rating_post(article)).status_code == 403
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
