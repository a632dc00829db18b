"""Staff input the admin cannot use: a clean 4xx or a clean page, never a 500.

Null characters (PostgreSQL refuses them in text) and numbers too large for an
id column (SQLite refuses them) come from the query string of searches,
filters, prefills and the admin's own pages.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client

from articles import revisions, services
from articles.models import Article
from tests.factories import ArticleFactory, ImageFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db

TOO_LARGE = ["99999999999999999999", "-99999999999999999999", str(2**63), str(-(2**63) - 1)]


@pytest.fixture
def superuser_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    return client


def changelists():
    return [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    ]


def autocomplete_fields():
    """(app label, model name, field name) of every autocomplete chooser in the admin."""
    found = []
    for model, model_admin in admin.site._registry.items():
        owners = [(model, model_admin), *((i.model, i) for i in model_admin.inlines)]
        for owner, owner_admin in owners:
            for field in owner_admin.autocomplete_fields:
                found.append((owner._meta.app_label, owner._meta.model_name, field))
    return found


def test_the_admin_has_autocomplete_choosers_to_check():
    assert ("articles", "article", "lead_image") in autocomplete_fields()
    assert ("bias", "assessment", "article") in autocomplete_fields()


@pytest.mark.parametrize("term", ["%00", "talks%00", "%00%00round"])
@pytest.mark.parametrize(("app_label", "model_name", "field_name"), autocomplete_fields())
def test_a_null_character_in_an_autocomplete_term_is_refused(
    superuser_client, app_label, model_name, field_name, term
):
    ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    ImageFactory()
    response = superuser_client.get(
        f"/admin/autocomplete/?app_label={app_label}&model_name={model_name}"
        f"&field_name={field_name}&term={term}"
    )
    assert response.status_code == 400
    assert b"null character" in response.content


def test_an_editor_searching_the_lead_image_chooser_with_a_null_gets_a_400(client):
    ImageFactory(alt_text="Delegates around a table")
    client.force_login(staff_member("Editors"))
    url = "/admin/autocomplete/?app_label=articles&model_name=article&field_name=lead_image"
    assert client.get(f"{url}&term=%00").status_code == 400
    found = client.get(f"{url}&term=delegates").json()["results"]
    assert [result["text"] for result in found] == ["Delegates around a table"]


@pytest.mark.parametrize("query", ["q=%00", "q=talks%00round", "status__exact=%00", "%00=1"])
@pytest.mark.parametrize("changelist", changelists())
def test_a_null_character_in_a_change_list_search_or_filter_is_refused(
    superuser_client, changelist, query
):
    ArticleFactory()
    response = superuser_client.get(f"{changelist}?{query}")
    assert response.status_code == 400, changelist
    assert b"null character" in response.content


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=99999999999999999999",
        "published_at__year=2026&published_at__month=99999999999999999999",
        "published_at__year=-99999999999999999999",
    ],
)
def test_a_date_too_large_in_the_article_list_is_refused(superuser_client, query):
    response = superuser_client.get(f"/admin/articles/article/?{query}")
    assert response.status_code == 400
    assert b"too large" in response.content


def test_a_sensible_search_still_works_in_the_article_list(superuser_client):
    ArticleFactory(title="Talks resume in Istanbul")
    ArticleFactory(title="Harvest report")
    response = superuser_client.get("/admin/articles/article/?q=istanbul&status__exact=published")
    assert response.status_code == 200
    assert [a.title for a in response.context["cl"].result_list] == ["Talks resume in Istanbul"]


@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize(
    ("role", "url", "field"),
    [
        ("Bias analysts", "/admin/bias/assessment/add/?article={value}", "article"),
        ("Editors", "/admin/articles/article/add/?lead_image={value}", "lead_image"),
    ],
)
def test_a_prefill_too_large_for_an_id_is_left_out(client, role, url, field, value):
    client.force_login(staff_member(role, "someone"))
    response = client.get(url.format(value=value))
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get(field) is None


def test_a_prefill_naming_no_image_is_left_out(client):
    client.force_login(staff_member("Editors"))
    response = client.get("/admin/articles/article/add/?lead_image=424242")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("lead_image") is None


def test_a_prefill_of_an_existing_image_is_kept(client):
    image = ImageFactory(alt_text="Delegates around a table")
    client.force_login(staff_member("Editors"))
    response = client.get(f"/admin/articles/article/add/?lead_image={image.pk}")
    assert response.context["adminform"].form.initial["lead_image"] == str(image.pk)
    assert "Delegates around a table" in response.content.decode()


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.ARCHIVED])
def test_a_prefill_of_an_article_the_analyst_may_not_rate_is_left_out(client, status):
    article = ArticleFactory(status=status, published_at=None, title="Embargoed draft")
    client.force_login(staff_member("Bias analysts", "someone"))
    response = client.get(f"/admin/bias/assessment/add/?article={article.pk}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("article") is None
    assert "Embargoed draft" not in response.content.decode()


def test_a_prefill_needs_the_right_to_see_the_chosen_object(client):
    article = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    # May add assessments, but not see articles.
    assessor = UserFactory(username="assessor", is_staff=True)
    assessor.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_assessment", "view_assessment"])
    )
    client.force_login(assessor)
    response = client.get(f"/admin/bias/assessment/add/?article={article.pk}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("article") is None


@pytest.fixture
def article_with_revision():
    article = ArticleFactory()
    services.article_record_revision(article=article, user=article.author, comment="Created")
    return article


@pytest.mark.parametrize("value", TOO_LARGE)
def test_comparing_with_a_revision_id_too_large_answers_404(client, article_with_revision, value):
    version = revisions.versions_of(article_with_revision).first()
    client.force_login(staff_member("Editors"))
    url = f"/admin/articles/article/{article_with_revision.pk}/revisions/compare/"
    for query in ({"a": value, "b": version.pk}, {"a": version.pk, "b": value}):
        response = client.get(url, query)
        assert response.status_code == 404
        assert response.context["exception"].startswith("Choose two revisions")


@pytest.mark.parametrize("value", ["99999999999999999999", str(2**63)])
def test_the_admins_own_pages_answer_404_for_an_id_too_large(client, article_with_revision, value):
    client.force_login(staff_member("Editors"))
    version = revisions.versions_of(article_with_revision).first()
    pk = article_with_revision.pk
    for path in [
        f"/admin/articles/article/{value}/preview/",
        f"/admin/articles/article/{value}/share-preview/",
        f"/admin/articles/article/{value}/revisions/",
        f"/admin/articles/article/{value}/revisions/compare/?a={version.pk}&b={version.pk}",
        f"/admin/bias/assessment/panel/{value}/",
    ]:
        assert client.get(path).status_code == 404, path
    for path in [
        f"/admin/articles/article/{pk}/revisions/{value}/restore/",
        f"/admin/articles/article/{value}/revisions/{version.pk}/restore/",
        f"/admin/bias/assessment/panel/{value}/",
    ]:
        assert client.post(path).status_code == 404, path
    client.force_login(staff_member("Moderators"))
    assert client.post(f"/admin/articles/comment/{value}/moderate/approved/").status_code == 404


def test_the_chooser_and_the_image_list_say_which_pictures_need_a_credit(client):
    ImageFactory(alt_text="Delegates around a table")
    ImageFactory(alt_text="Delegates arriving", credit="")
    client.force_login(staff_member("Editors"))
    url = "/admin/autocomplete/?app_label=articles&model_name=article&field_name=lead_image"
    found = client.get(f"{url}&term=delegates").json()["results"]
    assert sorted((result["text"], result.get("needs_credit", False)) for result in found) == [
        ("Delegates around a table", False),
        ("Delegates arriving (needs a credit before publishing)", True),
    ]
    listed = client.get("/admin/articles/image/?credit=needed").content.decode()
    assert "Delegates arriving" in listed and "Delegates around a table" not in listed
