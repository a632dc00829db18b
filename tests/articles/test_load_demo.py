import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from taggit.models import Tag

from articles.models import Article, Delegation, DelegationMember, Image, Rendition, Section
from bias.models import Rating
from newsroom.demo import seed

pytestmark = pytest.mark.django_db

MODELS = [Article, Section, Delegation, DelegationMember, Image, Rendition, Rating, Tag]


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot(media_files):
    return {model.__name__: model.objects.count() for model in MODELS}, media_files()


def test_load_demo_loads_the_seed_article_published():
    load_demo()
    article = Article.objects.get(slug=seed.SLUG)
    assert article.is_public
    assert sorted(article.tags.names()) == ["Diplomacy", "Istanbul", "Russia", "Ukraine"]
    assert [s.kind for s in article.sections.all()] == [kind for kind, _ in seed.SECTIONS]
    assert [d.party for d in article.delegations.all()] == ["Russia", "Ukraine"]
    assert article.lead_image.credit_line == (
        "Presidential Communications Office, Public domain, via Wikimedia Commons"
    )
    assert article.lead_image.renditions.count() > 0
    rating = Rating.objects.current_for(article)
    assert rating.label == "Moderately Center-Leaning"
    assert rating.why.startswith("The report delivers factual updates")


def test_running_load_demo_twice_changes_nothing(media_files):
    load_demo()
    before = snapshot(media_files)
    output = load_demo()
    assert "Already loaded" in output
    assert snapshot(media_files) == before


def test_load_demo_users_creates_one_user_per_role_and_prints_passwords_once():
    first = load_demo("--users")
    User = get_user_model()
    for username, role in [
        ("journalist", "Journalists"),
        ("editor", "Editors"),
        ("moderator", "Moderators"),
        ("analyst-left", "Bias analysts"),
        ("analyst-center", "Bias analysts"),
        ("analyst-right", "Bias analysts"),
    ]:
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [role]
        if role == "Bias analysts":
            assert user.analyst_profile.lean == username.removeprefix("analyst-")
        line = next(line for line in first.splitlines() if line.strip().startswith(username))
        password = line.split("password: ")[1].strip()
        assert user.check_password(password)
    second = load_demo("--users")
    assert "password:" not in second and second.count("password unchanged") == 6


def test_saving_the_demo_article_unchanged_keeps_its_rating(client):
    from tests.admin_pages import change_form_data
    from tests.factories import staff_member

    load_demo()
    article = Article.objects.get(slug=seed.SLUG)
    client.force_login(staff_member("Editors"))
    change_url = f"/admin/articles/article/{article.pk}/change/"
    data = change_form_data(client.get(change_url).content.decode())
    assert any("\r\n" in value for values in data.values() for value in values)
    response = client.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.version > 1  # it was saved
    rating = Rating.objects.current_for(article)
    assert not rating.needs_review
