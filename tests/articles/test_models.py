from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Image, License
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_returns_exactly_the_public_articles():
    now = timezone.now()
    public = ArticleFactory(published_at=now - timedelta(minutes=1))
    ArticleFactory(status=Article.Status.PUBLISHED, published_at=now + timedelta(minutes=1))
    ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)
    ArticleFactory(status=Article.Status.DRAFT, published_at=now - timedelta(days=1))
    ArticleFactory(status=Article.Status.IN_REVIEW, published_at=now - timedelta(days=1))
    ArticleFactory(status=Article.Status.ARCHIVED, published_at=now - timedelta(days=1))
    assert list(Article.objects.published()) == [public]
    assert [a.is_public for a in Article.objects.order_by("pk")] == [
        True, False, False, False, False, False,
    ]  # fmt: skip


def test_status_values_are_the_contract():
    assert [value for value, _ in Article.Status.choices] == [
        "draft", "in_review", "published", "archived",
    ]  # fmt: skip


def test_seed_image_credit_line_is_exact():
    image = Image(
        credit="Presidential Communications Office",
        license=License.PUBLIC_DOMAIN,
        source="Wikimedia Commons",
    )
    assert image.credit_line == (
        "Presidential Communications Office, Public domain, via Wikimedia Commons"
    )


@pytest.mark.parametrize(
    ("license", "line", "license_url"),
    [
        (License.PUBLIC_DOMAIN, "Ana Lee, Public domain, via Flickr", "publicdomain/mark/1.0/"),
        (License.CC0, "Ana Lee, CC0 1.0, via Flickr", "publicdomain/zero/1.0/"),
        (License.CC_BY_4, "Ana Lee, CC BY 4.0, via Flickr", "licenses/by/4.0/"),
        (License.CC_BY_SA_4, "Ana Lee, CC BY-SA 4.0, via Flickr", "licenses/by-sa/4.0/"),
        (License.ALL_RIGHTS_RESERVED, "Ana Lee, All rights reserved, via Flickr", None),
        (License.WITH_PERMISSION, "Ana Lee, Used with permission, via Flickr", None),
    ],
)
def test_every_licence_gets_a_credit_line_with_links(license, line, license_url):
    image = Image(
        credit="Ana Lee", license=license, source="Flickr", source_url="https://flickr.com/"
    )
    assert image.credit_line == line
    html = str(image.credit_line_html)
    assert '<a href="https://flickr.com/">Flickr</a>' in html
    if license_url:
        assert f'href="https://creativecommons.org/{license_url}" rel="license"' in html
    else:
        assert 'rel="license"' not in html
        assert license.label in html


def test_credit_line_leaves_out_missing_parts():
    assert Image(license=License.CC0).credit_line == "CC0 1.0"
    assert Image(license=License.CC0, source="AP").credit_line == "CC0 1.0, via AP"
    assert Image(license=License.CC0, credit="AP").credit_line == "AP, CC0 1.0"


def test_credit_line_html_escapes_what_people_typed():
    image = Image(
        credit="<script>alert(1)</script>",
        license=License.CC_BY_4,
        source='"><img onerror=x>',
        source_url="https://example.org/?a=1&b=2",
    )
    html = str(image.credit_line_html)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html
    assert "a=1&amp;b=2" in html


def test_addresses_worked_out_once_match_the_url_patterns():
    from django.urls import reverse

    from articles.views import comments_address
    from newsroom.context_processors import site_links

    article = ArticleFactory(slug="talks-in-istanbul")
    assert article.get_absolute_url() == reverse("articles:detail", kwargs={"slug": article.slug})
    assert comments_address(article) == reverse("articles:comments", kwargs={"slug": article.slug})
    assert f"{comments_address(article)}7/report/" == reverse(
        "articles:comment_report", kwargs={"slug": article.slug, "pk": 7}
    )
    links = site_links()
    assert (links["home_url"], links["methodology_url"], links["search_url"]) == (
        reverse("articles:home"), reverse("bias:methodology"), reverse("articles:search")
    )  # fmt: skip
