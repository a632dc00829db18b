"""The admin's change lists run the same number of queries for 5 rows as for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Comment
from tests.factories import (
    ArticleFactory,
    AssessmentFactory,
    CommentFactory,
    ImageFactory,
    RatingFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


def make_rows(count):
    image = ImageFactory()
    for n in range(count):
        article = ArticleFactory(
            status=Article.Status.IN_REVIEW, published_at=None, lead_image=image, tags=[f"t{n}"]
        )
        AssessmentFactory(article=article)
        RatingFactory(article=article)
        CommentFactory(article=article, status=Comment.Status.PENDING)
        ImageFactory(credit=f"Photographer {n}")


LISTS = [
    ("Moderators", "/admin/articles/comment/?queue=pending"),
    ("Editors", "/admin/articles/comment/"),
    ("Editors", "/admin/bias/assessment/"),
    ("Editors", "/admin/bias/rating/"),
    ("Editors", "/admin/articles/image/"),
    ("Editors", "/admin/articles/article/"),
    ("Bias analysts", "/admin/articles/article/"),
]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries), response.context["cl"].result_count


@pytest.mark.parametrize(("role", "url"), LISTS)
def test_change_list_queries_do_not_grow_with_rows(client, role, url):
    client.force_login(staff_member(role, "someone"))
    make_rows(5)
    few, rows_few = queries_for(client, url)
    make_rows(45)
    many, rows_many = queries_for(client, url)
    assert rows_many > rows_few > 0
    assert many == few, f"{url}: {few} queries for {rows_few} rows, {many} for {rows_many}"


@pytest.mark.parametrize(
    ("role", "url", "field"),
    [
        ("Bias analysts", "/admin/bias/assessment/add/?article={value}", "article"),
        ("Editors", "/admin/articles/article/add/?lead_image={value}", "lead_image"),
    ],
)
@pytest.mark.parametrize("value", ["abc", "1e30", "-", "%00"])
def test_a_prefill_the_field_cannot_take_is_left_out_not_a_500(client, role, url, field, value):
    client.force_login(staff_member(role, "someone"))
    response = client.get(url.format(value=value))
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get(field) is None


def test_a_valid_prefill_is_kept(client):
    article = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    client.force_login(staff_member("Bias analysts", "someone"))
    response = client.get(f"/admin/bias/assessment/add/?article={article.pk}")
    assert response.context["adminform"].form.initial["article"] == str(article.pk)
    assert article.title in response.content.decode()
