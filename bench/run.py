"""`make bench`: build a dataset, serve it with gunicorn, load it with wrk, report.

    python -m bench.run [--articles N] [--comments N] [--database postgres|sqlite]
                        [--duration S] [--connections C] [--fresh]

Steps: a fresh database (PostgreSQL `newsroom_bench` by default, or a SQLite
file under bench/results/) is migrated and filled by bench.dataset, unless it
already holds a dataset of the same size; gunicorn serves it on 127.0.0.1 with
debug off, first with the page cache on (Redis), then again with
NEWSROOM_PAGE_CACHE_SECONDS=0; wrk drives each page of bench.endpoints on the
server the endpoint names; the table goes to stdout and, with the JSON, to
bench/results/<timestamp>.md and .json.

Under the table, two more rows: readers' throughput while a moderator approves
comments (bench.moderation, on the server with the page cache on, after its other
rows), and the render of an article page with 1,000 comments against one with 50
(bench.comment_render, in a process of its own on a throw-away database).
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis

from bench import comment_render, dataset, moderation, wrk
from bench.endpoints import ENDPOINTS, LATENCY_TARGET, SWEEP_CONNECTIONS, WARM_ARTICLE
from bench.server import get, serving, settle, worker_pids, workers_memory
from bench.table import invalid, latency_point, markdown, pause_ms

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"


def parse_args(argv=None) -> argparse.Namespace:
    size = dataset.Size()
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=size.articles)
    parser.add_argument(
        "--comments", type=int, default=size.approved_comments, help="approved per article"
    )
    parser.add_argument("--pending-comments", type=int, default=size.pending_comments)
    parser.add_argument("--sections", type=int, default=size.sections)
    parser.add_argument("--tags", type=int, default=size.tags_per_article, help="per article")
    parser.add_argument("--tag-pool", type=int, default=size.tag_pool)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL,
        help="the database to drop, create and fill (default %(default)s)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL,
        help="the shared cache of the workers (a database of its own: it is emptied)",
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--fresh", action="store_true", help="rebuild the dataset even if present")
    args = parser.parse_args(argv)
    args.size = dataset.Size(
        articles=args.articles,
        sections=args.sections,
        tags_per_article=args.tags,
        tag_pool=args.tag_pool,
        approved_comments=args.comments,
        pending_comments=args.pending_comments,
    )
    return args


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def django_command(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)  # noqa: S603


# The database -------------------------------------------------------------


def postgres_reset(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def postgres_exists(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")]
        ).fetchone()
    return row is not None


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


def prepare_database(args, env: dict, media_root: Path, manifest_path: Path) -> dict:
    """Migrate and fill the database, reusing a dataset of the same size; returns the manifest."""
    if args.database == "postgres":
        url = args.postgres_url
        exists = postgres_exists(url)
    else:
        sqlite_file = RESULTS / "bench.sqlite3"
        url = f"sqlite:///{sqlite_file}"
        exists = sqlite_file.exists()
    env["DATABASE_URL"] = url

    def reset():
        say(f"creating a fresh {args.database} database")
        if args.database == "postgres":
            postgres_reset(url)
        else:
            sqlite_file.unlink(missing_ok=True)
        shutil.rmtree(media_root, ignore_errors=True)

    if args.fresh or not exists:
        reset()
    sizes = [f"--{k.replace('_', '-')}={v}" for k, v in asdict(args.size).items()]
    build = ["-m", "bench.dataset", *sizes, f"--manifest={manifest_path}"]
    django_command(["manage.py", "migrate", "--noinput", "-v0"], env)
    say("building the dataset (or reusing one of the same size)")
    try:
        django_command(build, env)
    except subprocess.CalledProcessError as error:
        if error.returncode != dataset.OTHER_SIZE:
            raise
        reset()
        django_command(["manage.py", "migrate", "--noinput", "-v0"], env)
        django_command(build, env)
    return json.loads(manifest_path.read_text())


# The measurements ---------------------------------------------------------


def loader(args, port: int, manifest: dict, work: Path):
    """One wrk run of an endpoint on this server, once the server has settled."""
    base_url = f"http://127.0.0.1:{port}"

    def load(endpoint, connections, headers=None, pause_ms=0):
        paths_file = work / f"{endpoint.key}.paths"
        if not paths_file.exists():
            paths_file.write_text("\n".join(endpoint.paths(manifest)) + "\n")
        settle(port)
        return wrk.run(
            base_url=base_url,
            paths_file=paths_file,
            connections=connections,
            threads=args.threads,
            seconds=args.duration,
            headers=headers,
            think_ms=pause_ms,
        )

    return load


def measure(args, port: int, manifest: dict, work: Path, endpoints) -> dict:
    """Each of these endpoints loaded in turn on one server, by key."""
    load = loader(args, port, manifest, work)
    results: dict = {}
    # Every worker loads its templates before the first measurement, on pages that
    # are not measured cold: the warm article, the second tag, the home page's page 2.
    say("warming the workers up")
    warm_up = work / "warm-up.paths"
    warm_up.write_text(
        "\n".join(["/healthz", *WARM_ARTICLE.paths(manifest), *warm_up_paths(manifest)]) + "\n"
    )
    wrk.run(base_url=f"http://127.0.0.1:{port}", paths_file=warm_up,
            connections=args.connections, threads=args.threads,
            seconds=max(3, args.duration / 2))  # fmt: skip
    for endpoint in endpoints:
        paths = endpoint.paths(manifest)
        first = paths[0]
        status, headers = get(port, first)
        entry = {
            "name": endpoint.name,
            "path": first,
            "paths": len(paths),
            "target": endpoint.target,
            "page_cache": endpoint.page_cache,
        }
        results[endpoint.key] = entry
        if status != 200:
            # A page still to come answers 404; a redirect or an error is not a page either.
            entry["available"] = False
            entry["note"] = f"not available: {first} answers {status}"
            say(f"{endpoint.name}: not available ({first} answers {status})")
            continue
        request_headers = None
        if endpoint.conditional:
            request_headers = validators(headers)
            if not request_headers:
                entry["available"] = False
                entry["note"] = "not available: the page sends neither ETag nor Last-Modified"
                say(f"{endpoint.name}: not available (no ETag or Last-Modified)")
                continue
            status, _ = get(port, first, headers=request_headers)
            sent = " and ".join(VALIDATOR_HEADERS[name] for name in request_headers)
            entry["note"] = f"the page sends {sent}; a revalidation answers {status}"
        entry["available"] = True
        entry["preflight_status"] = status
        say(f"{endpoint.name}: {args.duration:g} s at {args.connections} connections")
        entry.update(asdict(load(endpoint, args.connections, request_headers)))
        if endpoint.cold and len(paths) < entry["requests"]:
            entry["note"] = (
                f"{entry['requests']} requests over {len(paths)} pages: the cycle wrapped, so "
                "later requests may have met a cache (more --articles or less --duration)"
            )
    return results


def latency_sweep(args, port: int, manifest: dict, work: Path) -> dict:
    """The warm article's p99 near 70% of its peak throughput, against its p50 at one
    connection."""
    load = loader(args, port, manifest, work)
    sweep = []
    for connections in SWEEP_CONNECTIONS:
        say(f"latency sweep, warm article: {args.duration:g} s at {connections} connections")
        step = {"connections": connections, **asdict(load(WARM_ARTICLE, connections))}
        sweep.append(step)
        if past_peak(sweep):
            break
    return {"target": LATENCY_TARGET, **latency_point(sweep, paced_runs(sweep, load))}


def paced_runs(sweep: list[dict], load) -> list[dict]:
    """Warm-article runs paced toward 70% of the sweep's peak: a guess, then one correction."""
    peak = max(sweep, key=lambda step: step["requests_per_second"])
    single = min(sweep, key=lambda step: step["connections"])
    goal = 0.7 * peak["requests_per_second"]
    connections = max(2, peak["connections"])
    pause = pause_ms(connections=connections, goal=goal, cycle_ms=single["p50_ms"])
    runs = []
    for _ in range(2):
        say(f"paced warm article: {connections} connections pausing {pause} ms, aiming at "
            f"{goal:.1f} req/s")  # fmt: skip
        run = {"connections": connections, "pause_ms": pause}
        run.update(asdict(load(WARM_ARTICLE, connections, pause_ms=pause)))
        runs.append(run)
        rate = run["requests_per_second"]
        if not rate or abs(rate - goal) <= 0.1 * goal:
            break
        # The cycle each connection took, pause included, tells how far off the guess was.
        pause = max(0, round(pause + 1000 * connections / goal - 1000 * connections / rate))
    return runs


def past_peak(sweep: list[dict], patience: int = 2) -> bool:
    """More connections stopped paying: the last `patience` steps are each no more than 5%
    above the best before them (two, so that one noisy step does not end the sweep)."""
    if len(sweep) <= patience:
        return False
    best_before = max(step["requests_per_second"] for step in sweep[:-patience])
    return all(step["requests_per_second"] <= 1.05 * best_before for step in sweep[-patience:])


def warm_up_paths(manifest: dict) -> list[str]:
    tags = manifest["tags"][1:2] or manifest["tags"][:1]
    return ["/?page=2", *(f"/tags/{tag}/" for tag in tags)]


VALIDATOR_HEADERS = {"If-None-Match": "ETag", "If-Modified-Since": "Last-Modified"}


def validators(headers: dict) -> dict:
    """The conditional-request headers that revalidate a response carrying these validators."""
    lowered = {name.lower(): value for name, value in headers.items()}
    return {
        condition: lowered[validator.lower()]
        for condition, validator in VALIDATOR_HEADERS.items()
        if validator.lower() in lowered
    }


def machine(args, env: dict) -> dict:
    if args.database == "postgres":
        database = f"PostgreSQL {postgres_version(env['DATABASE_URL'])}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    wrk_version = subprocess.run(  # noqa: S603
        [shutil.which("wrk") or "wrk", "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "database": database,
        "wrk": " ".join(wrk_version[:2]) or "wrk",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def server_env(env: dict, *, page_cache: bool) -> dict:
    """The server's environment with page caching on (the default with REDIS_URL) or off;
    the same database, cache and settings otherwise."""
    env = {name: value for name, value in env.items() if name != "NEWSROOM_PAGE_CACHE_SECONDS"}
    if not page_cache:
        env["NEWSROOM_PAGE_CACHE_SECONDS"] = "0"
    return env


@contextmanager
def started(env: dict, *, page_cache: bool, log_file: Path):
    say(f"starting gunicorn, page cache {'on' if page_cache else 'off'}")
    with serving(server_env(env, page_cache=page_cache), log_file) as server:
        say(f"gunicorn answers on 127.0.0.1:{server.port} ({server.how})")
        yield server


def measure_both_servers(args, env: dict, manifest: dict, work: Path, stamp: str) -> dict:
    """The rows that read the page cache on a server as in production, then the uncached
    ones on a server that caches no page: the cache files a page under the query
    parameters its view reads, so no made-up URL can get past it."""
    measured: dict = {}
    report: dict = {"memory": {}}
    log_file = RESULTS / f"{stamp}-gunicorn-page-cache-on.log"
    with started(env, page_cache=True, log_file=log_file) as server:
        report["server"] = {"gunicorn": server.how, "workers": len(worker_pids(server.pid))}
        rows = [endpoint for endpoint in ENDPOINTS if endpoint.page_cache]
        measured.update(measure(args, server.port, manifest, work, rows))
        if measured[WARM_ARTICLE.key].get("available"):
            report["latency"] = latency_sweep(args, server.port, manifest, work)
        else:
            report["latency"] = {
                "target": LATENCY_TARGET,
                "note": "not available: the article page did not answer 200",
            }
        report["memory"]["page_cache_on"] = workers_memory(server.pid)
        # Last on this server: its approvals change what the pages show.
        report["moderation"] = moderation.measure(args, server.port, manifest, work, env, say)
    log_file = RESULTS / f"{stamp}-gunicorn-page-cache-off.log"
    with started(env, page_cache=False, log_file=log_file) as server:
        rows = [endpoint for endpoint in ENDPOINTS if not endpoint.page_cache]
        measured.update(measure(args, server.port, manifest, work, rows))
        report["memory"]["page_cache_off"] = workers_memory(server.pid)
    report["endpoints"] = {endpoint.key: measured[endpoint.key] for endpoint in ENDPOINTS}
    return report


def main(argv=None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install wrk)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    media_root = RESULTS / f"media-{args.database}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback, as behind the TLS-terminating proxy of production.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # The moderator's session and CSRF cookies, which are Secure otherwise.
        "DJANGO_SECURE_COOKIES": "0",
        # The shared cache every worker reads, as in production; emptied first.
        "REDIS_URL": args.redis_url,
        "MEDIA_ROOT": str(media_root),
    }
    redis.Redis.from_url(args.redis_url).flushdb()
    report: dict = {"started_at": stamp}
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
        work = Path(tmp)
        manifest = prepare_database(args, env, media_root, work / "manifest.json")
        report["dataset"] = {
            "size": asdict(args.size),
            "counts": manifest["counts"],
            "reused": manifest["reused"],
            "build_seconds": manifest["build_seconds"],
        }
        report["machine"] = machine(args, env)
        say("collecting static files")
        django_command(["manage.py", "collectstatic", "--noinput", "-v0"], env)

        report["run"] = {
            "seconds_per_endpoint": args.duration,
            "connections": args.connections,
            "wrk_threads": args.threads,
        }
        report.update(measure_both_servers(args, env, manifest, work, stamp))
        say("rendering an article page with 50 and with 1,000 comments, in one process")
        report["comment_render"] = comment_render.measure_in_subprocess(env, work)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]

    table = markdown(report)
    (RESULTS / f"{stamp}.md").write_text(table)
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(table)
    say(f"written to bench/results/{stamp}.md and .json")
    if invalid(report):
        say("ERRORS: some pages failed; the figures above are not valid")
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
