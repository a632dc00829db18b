from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.template.loader import render_to_string

from tests.helpers import run_python


@pytest.mark.parametrize("server", ["newsroom.wsgi", "newsroom.asgi"])
def test_serving_stops_at_start_up_without_a_secret_key_when_debug_is_off(server):
    result = run_python(f"import {server}", {})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_serving_starts_with_a_secret_key_or_in_debug():
    assert run_python("import newsroom.wsgi", {"DJANGO_SECRET_KEY": "s" * 50}).returncode == 0
    assert run_python("import newsroom.wsgi", {"DJANGO_DEBUG": "1"}).returncode == 0


def test_commands_that_sign_nothing_run_without_a_secret_key():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check'])",
        {},
    )
    assert result.returncode == 0, result.stderr


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any database access here raises.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_answers_200_when_the_database_does(client):
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_does_not(client):
    with mock.patch("newsroom.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_unknown_pages_get_the_sites_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Skip to content" in response.content


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong" in html


@pytest.mark.django_db
def test_a_fresh_database_has_the_roles_and_custom_permissions():
    expected = {
        "Journalists": {"add_article", "change_article", "add_image"},
        "Editors": {"publish_article", "publish_rating", "change_article"},
        "Moderators": {"moderate_comment", "change_comment"},
        "Bias analysts": {"view_article", "add_assessment", "change_assessment"},
    }
    for role, codenames in expected.items():
        granted = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert codenames <= granted, role
    assert "publish_article" not in set(
        Group.objects.get(name="Journalists").permissions.values_list("codename", flat=True)
    )
    moderators = Group.objects.get(name="Moderators").permissions
    assert not moderators.filter(content_type__model="article").exists()
    # Only analysts assess; editors read assessments but never write them.
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert "view_assessment" in editors and "add_assessment" not in editors


@pytest.mark.parametrize(("value", "expected"), [("", "None"), ("30", "30"), ("never", "None")])
def test_comments_close_after_days_comes_from_the_environment(value, expected):
    code = "from django.conf import settings; print(settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS)"
    env = {"NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS": value} if value else {}
    result = run_python(code, env)
    assert result.stdout.strip() == expected, result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "0"),  # a local memory cache is each process's own: no page caching
        ({"REDIS_URL": "redis://127.0.0.1:6379/9"}, "600"),
        ({"NEWSROOM_PAGE_CACHE_SECONDS": "30"}, "30"),
    ],
)
def test_pages_are_cached_only_in_a_shared_cache_unless_set(env, expected):
    code = "from django.conf import settings; print(settings.NEWSROOM_PAGE_CACHE_SECONDS)"
    result = run_python(code, env)
    assert result.stdout.strip() == expected, result.stderr
