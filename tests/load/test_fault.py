"""The database goes away under a running site, then comes back: no restart needed."""

import pytest

from newsroom.demo import seed
from tests.load.conftest import gunicorn, manage, server_env

pytestmark = pytest.mark.load


def statuses(server, paths) -> dict[str, int]:
    return {path: server.get(path)[0] for path in paths}


def test_pages_answer_503_while_the_database_is_down_and_recover_without_a_restart(
    throwaway_cluster, static_root, tmp_path
):
    env = server_env(throwaway_cluster.url, static_root, tmp_path / "media")
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    article = f"/articles/{seed.SLUG}/"
    pages = ["/", article, "/readyz"]
    with gunicorn(env, tmp_path, workers=3) as server:
        # Several rounds, so that every worker holds a persistent connection.
        for _ in range(3):
            assert statuses(server, pages) == dict.fromkeys(pages, 200)

        throwaway_cluster.stop()
        for _ in range(3):
            for path in ["/", article]:
                status, headers, body = server.get(path)
                assert status == 503, (path, server.log.read_text()[-3000:])
                assert b"Back shortly" in body
                assert headers["Retry-After"] == "30"
                assert b"Traceback" not in body and b"OperationalError" not in body
            assert server.get("/readyz")[0] == 503
            assert server.get("/healthz")[0] == 200

        throwaway_cluster.start()
        for _ in range(3):
            assert statuses(server, pages) == dict.fromkeys(pages, 200)
        assert server.process.poll() is None  # the same gunicorn, never restarted
    print(f"\nfault test: {throwaway_cluster.url} stopped and started under a live gunicorn")
