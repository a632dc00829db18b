"""Staff sign-in: throttled failures (django-axes), password rules, sessions that end."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from tests.factories import staff_member

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Many sign-ins per test: a cheap hasher keeps them quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(fast_hashing):
    user = staff_member("Editors")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password, address="203.0.113.5"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_the_right_password_signs_in(client, editor):
    response = sign_in(client, editor.username, PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_repeated_failures_lock_the_username_out_from_that_address(client, settings, editor):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        response = sign_in(client, editor.username, "wrong")
        assert response.status_code == 200  # the form again, with its error
    locked = sign_in(client, editor.username, "wrong")
    assert locked.status_code == 429
    assert b"Sign-in locked for now" in locked.content
    assert b"Try again in 15 minutes" in locked.content
    # Locked out: even the right password is refused now, and nobody is signed in.
    assert sign_in(client, editor.username, PASSWORD).status_code == 429
    assert client.get("/admin/").status_code == 302


def test_a_lock_out_holds_one_username_at_one_address_only(client, settings, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, editor.username, "wrong")
    assert sign_in(Client(), editor.username, PASSWORD, address="198.51.100.7").status_code == 302
    other = staff_member("Moderators")
    other.set_password(PASSWORD)
    other.save()
    assert sign_in(Client(), other.username, PASSWORD).status_code == 302


def test_the_lock_out_ends_after_the_cool_off(client, settings, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, editor.username, "wrong")
    assert sign_in(client, editor.username, PASSWORD).status_code == 429
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert sign_in(client, editor.username, PASSWORD).status_code == 302


def test_the_test_clients_login_still_works(client, editor):
    assert client.login(username=editor.username, password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert not client.login(username=editor.username, password="wrong")


@pytest.mark.parametrize(
    "password",
    ["short1", "password123", "1234567890123", "editors1"],
    ids=["too-short", "common", "numeric", "like-the-username"],
)
def test_weak_passwords_are_refused(editor, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


def test_a_strong_password_is_accepted(editor):
    validate_password("violet-harbour-lantern-42", user=editor)


def test_staff_sessions_expire_after_the_configured_age(client, settings, editor):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    response = sign_in(client, editor.username, PASSWORD)
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=7), tick=False):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + timedelta(hours=8, minutes=1), tick=False):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("extra", [1, 106, 5_000])
def test_a_username_longer_than_any_account_is_refused_before_anything_is_recorded(
    client, editor, extra
):
    longest = get_user_model()._meta.get_field("username").max_length
    response = sign_in(client, "u" * (longest + extra), PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        f"Ensure this value has at most {longest} characters (it has {longest + extra})."
    ]
    assert not AccessAttempt.objects.exists()
    assert client.get("/admin/").status_code == 302


def failed_sign_in(username, address="203.0.113.5"):
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = address
    return authenticate(request, username=username, password="wrong")


def test_the_throttle_records_any_username_within_its_column(settings):
    """Sign-ins that bypass the admin's form (client.login, other views) reach the
    throttle with whatever username they were given."""
    column = AccessAttempt._meta.get_field("username").max_length
    username = "u" * (column + 45)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert failed_sign_in(username) is None
    attempt = AccessAttempt.objects.get()
    assert attempt.username == username[:column]
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "http://testserver:8080/"],
)
def test_an_unsafe_next_after_signing_in_lands_on_the_admin_index(client, editor, unsafe):
    response = client.post(
        "/admin/login/",
        {"username": editor.username, "password": PASSWORD, "next": unsafe},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_safe_next_after_signing_in_is_followed(client, editor):
    response = client.post(
        "/admin/login/?next=/admin/articles/article/",
        {"username": editor.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response["Location"] == "/admin/articles/article/"
