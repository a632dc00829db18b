import pytest
from django.http import HttpRequest
from django.test import Client


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    """Uploads go to a throw-away folder; static files need no collectstatic run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def plain_http(settings):
    """The test client speaks plain HTTP; production redirects it to HTTPS."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def login_with_a_request(monkeypatch):
    """`client.login` as the admin's sign-in does it: with a request, which the
    sign-in throttle needs to know the address."""
    login = Client.login

    def login_from_an_address(self, **credentials):
        credentials.setdefault("request", HttpRequest())
        return login(self, **credentials)

    monkeypatch.setattr(Client, "login", login_from_an_address)


@pytest.fixture
def media_files(settings):
    """Every file stored under MEDIA_ROOT, as relative paths."""

    def list_files():
        root = settings.MEDIA_ROOT
        if not root.exists():
            return []
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return list_files


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters, duplicate fingerprints and page fragments live in the caches; no
    test inherits any."""
    from django.core.cache import caches

    from articles.page_cache import forget_recent

    for name in ("default", "fragments"):
        caches[name].clear()
    forget_recent()
    yield
    for name in ("default", "fragments"):
        caches[name].clear()
    forget_recent()


@pytest.fixture
def newsroom_day(db):
    """A week of a newsroom's work, built through the services: see tests/newsroom_day.py."""
    from tests.newsroom_day import build_newsroom_day

    return build_newsroom_day()
