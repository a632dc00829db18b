import pytest


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    """Uploads go to a throw-away folder; static files need no collectstatic run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
    """Rate-limit counters and duplicate fingerprints live in the cache; no test inherits any."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
