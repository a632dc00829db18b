"""A live Newsroom under gunicorn, on a PostgreSQL database made for the test."""

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
import pytest

from tests import postgres
from tests.helpers import ROOT

PYTHON = str(ROOT / ".venv/bin/python")
GUNICORN = str(ROOT / ".venv/bin/gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database_url: str, static_root: Path, media_root: Path, **extra) -> dict:
    """Production settings, except plain HTTP: the test talks to gunicorn directly."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSROOM_"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="load-test-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_CONN_MAX_AGE="60",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        **extra,
    )
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """Collected once for every live server: the pages name hashed static files."""
    root = tmp_path_factory.mktemp("static")
    env = server_env("sqlite:///:memory:", root, root / "unused")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return root


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("load tests run on PostgreSQL: make test-load")
    return url


def fresh_database(server_url: str):
    """A new, empty database on the PostgreSQL server; dropped afterwards."""
    return postgres.fresh_database(server_url, prefix="newsroom_load")


@dataclass
class LiveServer:
    host: str
    port: int
    process: subprocess.Popen
    log: Path

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        """One request on a new connection: (status, headers, body)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def get(self, path: str, headers=None):
        return self.request("GET", path, headers=headers)


@contextlib.contextmanager
def gunicorn(env: dict, tmp_path: Path, workers: int | None = None):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    with log.open("w") as output:
        process = subprocess.Popen(
            [GUNICORN, "--config", "newsroom/gunicorn.py", "newsroom.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = LiveServer("127.0.0.1", port, process, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if server.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Browser:
    """One visitor: keeps its cookies, reads the CSRF token from forms, follows no redirects."""

    TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, server: "LiveServer"):
        self.server = server
        self.cookies: dict[str, str] = {}
        self.token = ""

    def _send(self, method, path, fields=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, response_headers, content = self.server.request(method, path, body, headers)
        for header in response_headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if match := self.TOKEN.search(content.decode(errors="replace")):
            self.token = match.group(1)
        return status, response_headers, content

    def get(self, path):
        return self._send("GET", path)

    def post(self, path, fields: dict | list):
        fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
        return self._send("POST", path, [*fields, ("csrfmiddlewaretoken", self.token)])


def database_query(database_url: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(database_url) as connection:
        return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def newsroom_on_postgres(tmp_path_factory, static_root):
    """gunicorn serving the demo content from a fresh database on the machine's PostgreSQL."""
    tmp_path = tmp_path_factory.mktemp("live")
    with fresh_database(postgres_server_url()) as database_url:
        env = server_env(
            database_url, static_root, tmp_path / "media", NEWSROOM_COMMENTS_RATE_LIMIT="100000"
        )
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        with gunicorn(env, tmp_path) as server:
            server.database_url = database_url
            server.env = env
            yield server


def postgres_binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.skip("no PostgreSQL server binaries on this machine")
    return found[-1].parent


def as_postgres(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@dataclass
class ThrowawayCluster:
    """A PostgreSQL instance of the test's own: its own data directory and port."""

    bin: Path
    data: Path
    port: int

    def pg_ctl(self, *args: str) -> None:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), *args]
        subprocess.run(as_postgres(command), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-o", options, "-l", str(self.data / "server.log"), "-w", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "immediate", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def throwaway_cluster():
    binaries = postgres_binaries()
    # Directly under /tmp: the postgres user cannot enter pytest's own (root-only) folders.
    data = Path(tempfile.mkdtemp(prefix="newsroom-fault-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(data, "postgres")
        subprocess.run(
            as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres",
                         "--auth=trust", "--no-sync"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        cluster = ThrowawayCluster(binaries, data, free_port())
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):
                cluster.stop()
    finally:
        shutil.rmtree(data, ignore_errors=True)
