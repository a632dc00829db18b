"""`make backup` then `make restore` brings back the same database and media."""

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.postgres import fresh_database

SNAPSHOT = """
import json
from articles.models import Article, Image, Rendition, Section
from django.contrib.auth.models import User
print(json.dumps({
    "articles": sorted(Article.objects.values_list("slug", "title", "status")),
    "sections": Section.objects.count(),
    "images": sorted(Image.objects.values_list("file", flat=True)),
    "renditions": Rendition.objects.count(),
    "users": sorted(User.objects.values_list("username", flat=True)),
}))
"""

DAMAGE = """
from articles.models import Article, Image
from tests.factories import ArticleFactory
Article.objects.all().delete()
Image.objects.all().delete()
ArticleFactory(title="Written after the backup", slug="after-the-backup")
"""


def run(args: list[str], env: dict) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def manage(env: dict, *args: str) -> str:
    return run([str(ROOT / ".venv/bin/python"), "manage.py", *args], env)


def shell(env: dict, code: str) -> str:
    return manage(env, "shell", "-c", code)


def media_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    server = postgres_url()
    if server is None:
        pytest.skip("PostgreSQL round trip runs under make test-postgres")
    with fresh_database(server, prefix="newsroom_backup") as url:
        yield url


def test_backup_and_restore_bring_back_the_database_and_media(database_url, tmp_path):
    media = tmp_path / "media"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "DJANGO_SECRET_KEY": "backup-test-" + "x" * 40,
    }
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo", "--users")
    before = json.loads(shell(env, SNAPSHOT).splitlines()[-1])
    media_before = media_digest(media)
    assert before["articles"] and before["images"] and media_before

    output = run(["make", "-s", "backup", f"BACKUP_DIR={tmp_path / 'backups'}"], env)
    backups = list((tmp_path / "backups").glob("newsroom-*"))
    assert len(backups) == 1 and str(backups[0]) in output
    assert (backups[0] / "media.tar.gz").is_file() and list(backups[0].glob("database.*.gz"))

    shell(env, DAMAGE)
    (media / "stray.txt").write_text("added after the backup")
    damaged = json.loads(shell(env, SNAPSHOT).splitlines()[-1])
    assert damaged != before

    run(["make", "-s", "restore", f"BACKUP={backups[0]}"], env)
    assert json.loads(shell(env, SNAPSHOT).splitlines()[-1]) == before
    assert media_digest(media) == media_before


def test_restore_needs_an_archive():
    result = subprocess.run(
        ["make", "-s", "restore"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "Usage: make restore BACKUP=" in result.stdout
