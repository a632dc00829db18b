"""newsroom/gunicorn.py: the settings `make serve` runs gunicorn with."""

import multiprocessing
import runpy
import subprocess

from tests.helpers import ROOT

CONFIG = str(ROOT / "newsroom" / "gunicorn.py")


def load_config(monkeypatch, cores: int, **env) -> dict:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_ACCESS_LOG", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: cores)
    return runpy.run_path(CONFIG)


def test_workers_follow_the_cores_and_the_defaults_are_quiet(monkeypatch):
    config = load_config(monkeypatch, cores=2)
    assert config["workers"] == 5
    assert config["bind"] == "127.0.0.1:8000"
    assert config["accesslog"] is None
    assert config["timeout"] == 30
    assert load_config(monkeypatch, cores=4)["workers"] == 9


def test_the_environment_sets_bind_workers_and_logging(monkeypatch):
    config = load_config(
        monkeypatch,
        cores=2,
        GUNICORN_BIND="0.0.0.0:9000",
        GUNICORN_WORKERS="3",
        GUNICORN_ACCESS_LOG="-",
        GUNICORN_TIMEOUT="60",
    )
    assert (config["bind"], config["workers"], config["accesslog"], config["timeout"]) == (
        "0.0.0.0:9000",
        3,
        "-",
        60,
    )


def test_gunicorn_accepts_the_config_and_loads_the_application():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SECRET_KEY": "config-check-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "news.example.org",
    }
    result = subprocess.run(
        [str(ROOT / ".venv/bin/gunicorn"), "--check-config", "--config", CONFIG, "newsroom.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
