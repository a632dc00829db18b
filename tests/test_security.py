"""Production settings, response headers, Host handling and the database-outage page."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from tests.factories import ArticleFactory, CommentFactory, ImageFactory, staff_member
from tests.helpers import ROOT, assert_no_inline_code, run_python

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k3v-" + "x9Q2!mZ7#pL4@" * 5,
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
}


def manage_check_deploy(env: dict):
    return run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        env,
    )


def test_deploy_check_passes_with_debug_off_and_the_documented_environment():
    result = manage_check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_with_a_weak_secret_key():
    result = manage_check_deploy({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "security.W009" in result.stderr


PRINT_SECURITY = (
    "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
    "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER[0], "
    "s.SESSION_COOKIE_AGE, s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {},
            "31536000 True False True True True HTTP_X_FORWARDED_PROTO 28800 True",
        ),
        (
            {
                "DJANGO_HSTS_SECONDS": "3600",
                "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "0",
                "DJANGO_HSTS_PRELOAD": "1",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SECURE_COOKIES": "0",
                "DJANGO_SESSION_COOKIE_AGE": "600",
            },
            "3600 False True False False False HTTP_X_FORWARDED_PROTO 600 True",
        ),
        (
            {"DJANGO_DEBUG": "1"},
            "0 True False False False False HTTP_X_FORWARDED_PROTO 28800 True",
        ),
    ],
    ids=["production-defaults", "overridden", "debug"],
)
def test_transport_security_comes_from_the_environment(env, expected):
    result = run_python(PRINT_SECURITY, {**PRODUCTION_ENV, **env})
    assert result.stdout.strip() == expected, result.stderr


def test_https_is_required_unless_the_proxy_says_it_was_used(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"
    assert client.get("/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    # Probes inside the proxy speak plain HTTP.
    assert client.get("/healthz").status_code == 200


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/", "/no/such/page/"])
def test_every_page_carries_the_security_headers(client, path):
    assert_security_headers(client.get(path))


INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
DATA_BLOCK_TYPES = ('type="application/ld+json"', 'type="application/json"')


def inline_scripts(html: str) -> list[str]:
    """Script tags that would run inline code, and inline event handlers."""
    found = [
        tag.group(0)
        for tag in SCRIPT_TAG.finditer(html)
        if "src=" not in tag.group(1) and not any(t in tag.group(1) for t in DATA_BLOCK_TYPES)
    ]
    return found + INLINE_HANDLER.findall(html)


@pytest.mark.parametrize(
    "path",
    sorted(
        str(p.relative_to(ROOT))
        for p in [*(ROOT / "templates").rglob("*.html"), *(ROOT / "static").rglob("*.js")]
    ),
)
def test_no_template_or_script_holds_inline_code(path):
    assert inline_scripts(Path(ROOT / path).read_text()) == []


def test_the_inline_code_check_finds_inline_code():
    assert inline_scripts('<script>alert(1)</script><a onclick="x()">') != []
    assert inline_scripts('<script src="/a.js"></script><a class="on">') == []


@pytest.mark.django_db
def test_admin_pages_render_under_the_policy_without_inline_code(client):
    article = ArticleFactory()
    image = ImageFactory()
    CommentFactory(article=article)
    client.force_login(staff_member("Editors"))
    moderator = Client()
    moderator.force_login(staff_member("Moderators"))
    pages = [
        (client, "/admin/"),
        (client, "/admin/articles/article/"),
        (client, "/admin/articles/article/add/"),
        (client, f"/admin/articles/article/{article.pk}/change/"),
        (client, f"/admin/articles/article/{article.pk}/revisions/"),
        (client, "/admin/articles/image/add/"),
        (client, f"/admin/articles/image/{image.pk}/change/"),
        (moderator, "/admin/articles/comment/"),
    ]
    for who, path in pages:
        response = who.get(path)
        assert response.status_code == 200, path
        assert "Content-Security-Policy" in response, path
        assert_no_inline_code(response)


@pytest.mark.django_db
def test_public_pages_render_without_inline_code(client):
    article = ArticleFactory(tags=["Diplomacy"])
    for path in ["/", article.get_absolute_url(), "/tags/diplomacy/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_inline_code(response)


@pytest.fixture
def one_allowed_host(settings):
    settings.ALLOWED_HOSTS = ["news.example.org", "testserver"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/"),
        ("get", "/articles/{slug}/"),
        ("get", "/tags/diplomacy/"),
        ("post", "/articles/{slug}/comments/"),
        ("get", "/admin/"),
        ("get", "/readyz"),
        ("get", "/search/?q=talks"),
        ("get", "/feeds/latest/"),
        ("get", "/feeds/tags/diplomacy/"),
        ("get", "/sitemap.xml"),
        ("get", "/sitemap-news.xml"),
        ("get", "/robots.txt"),
        ("get", "/bias/"),
    ],
)
def test_unknown_hosts_get_a_clean_400_and_leave_no_trace(one_allowed_host, method, path):
    article = ArticleFactory(tags=["Diplomacy"])
    comments_before = article.comments.count()
    cache.clear()
    client = Client(raise_request_exception=False)
    data = {"author_name": "x", "author_email": "x@example.org", "body": "hi"}
    kwargs = {"data": data} if method == "post" else {}
    response = getattr(client, method)(
        path.format(slug=article.slug), HTTP_HOST="evil.example.com", **kwargs
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad request" in html
    assert "evil.example.com" not in html
    assert "Location" not in response
    assert cache._cache == {}  # nothing cached, no rate-limit counter keyed by the bad host
    assert article.comments.count() == comments_before


@pytest.mark.django_db
def test_a_forwarded_host_header_is_not_trusted(one_allowed_host, client):
    article = ArticleFactory()
    response = client.get(
        article.get_absolute_url(),
        HTTP_HOST="news.example.org",
        HTTP_X_FORWARDED_HOST="evil.example.com",
    )
    assert response.status_code == 200
    assert b"evil.example.com" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_outage_answers_a_clean_503_page(error):
    article = ArticleFactory(tags=["Diplomacy"])
    client = Client(raise_request_exception=False)
    client.force_login(staff_member("Editors"))
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=error("down")):
        for path in ["/", article.get_absolute_url(), "/tags/diplomacy/", "/admin/"]:
            response = client.get(path)
            assert response.status_code == 503, path
            assert b"Back shortly" in response.content
            assert response["Retry-After"] == "30"
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_other_errors_still_answer_the_500_page():
    client = Client(raise_request_exception=False)
    with mock.patch("articles.views.selectors.articles_for_listing", side_effect=ValueError):
        response = client.get("/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("https_redirect", [False, True], ids=["plain", "https-redirect-on"])
def test_the_unknown_host_400_carries_the_security_headers(
    one_allowed_host, settings, https_redirect
):
    # With the HTTPS redirect on, the host is read (and refused) before any other step.
    settings.SECURE_SSL_REDIRECT = https_redirect
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert b"Bad request" in response.content
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin", "/bias"])
def test_the_add_a_slash_redirect_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == f"{path}/"
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_https_redirect_carries_the_security_headers(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/bias/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/bias/"
    assert_security_headers(response)
