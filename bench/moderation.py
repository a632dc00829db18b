"""The "reads under moderation" row: readers' throughput while a moderator approves comments.

On the server with the page cache on, wrk reads 200 articles and the home page,
picked at random: a file of `PATH_LINES` paths drawn with replacement, in a fixed
seeded order, which wrk cycles through. It runs twice, the same way: first with
no writes (*quiet*), then while a moderator approves one pending comment a second
(*busy*). Each approval is made as a moderator makes it: in a signed-in admin
session (a cookie jar, the CSRF token from the forms), with the comment list's
bulk action `approve_selected` posted from the pending queue. The redirect back to
the queue is not followed: a browser would reload the queue, which costs the
server about twice the action itself and would keep the moderator below one
approval a second on a loaded machine; the row measures what approvals cost
readers. Each approval drops its article's pages and the listings (the home
page), so readers pay for those renders and for the moderator's requests.

After each approval the moderator reads `/articles/<slug>/?order=newest` as an
anonymous reader, with no cookies, and looks for the comment there: an approved
comment must show at once, so a comment not shown makes the run invalid.

The moderator's account (a random password, the group Moderators) and the list of
pending comments are made and read through Django in a subprocess:
`python -m bench.moderation --slugs FILE --out FILE`, with the password in
`BENCH_MODERATOR_PASSWORD`. Each run approves about one comment per second of
`--duration`, which stay approved in a reused dataset; there are
`--pending-comments` per article to take from.
"""

import argparse
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from bench import wrk
from bench.server import get, settle

ROOT = Path(__file__).resolve().parent.parent
NAME = "reads under moderation"
# The articles readers read (with the home page), and the length of the paths file.
READ_ARTICLES = 200
PATH_LINES = 20_000
SEED = 7
# Approvals per second of the busy run.
APPROVALS_PER_SECOND = 1.0
# Busy req/s over quiet req/s must be at least this.
TARGET = 0.8
USERNAME = "bench-moderator"
# The environment variable that hands the new password to the Django step.
PASSWORD_VARIABLE = "BENCH_MODERATOR_PASSWORD"  # noqa: S105 - a variable's name
LOGIN = "/admin/login/"
QUEUE = "/admin/articles/comment/?queue=pending"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# What is read, and what is approved --------------------------------------


def reader_articles(manifest: dict, count: int = READ_ARTICLES) -> list[str]:
    """The slugs of the articles readers read: `count` of the dataset's, in a fixed order."""
    slugs = manifest["slugs"]
    return random.Random(SEED).sample(slugs, min(count, len(slugs)))


def reader_paths(slugs: list[str], lines: int = PATH_LINES) -> list[str]:
    """`lines` paths drawn with replacement from the home page and these articles' pages,
    in an order fixed by the seed."""
    pages = ["/", *(f"/articles/{slug}/" for slug in slugs)]
    return random.Random(SEED).choices(pages, k=lines)


def approval_order(slugs: list[str], pending: dict[str, list[int]]) -> list[tuple[str, int]]:
    """(slug, comment id) in the order the moderator approves them: the articles in turn, in
    the order of `slugs`, each time the article's oldest comment still pending. Each
    approved one is then the article's newest approved thread."""
    queues = [(slug, list(pending.get(slug, []))) for slug in slugs]
    order = []
    while any(ids for _, ids in queues):
        order += [(slug, ids.pop(0)) for slug, ids in queues if ids]
    return order


def newest_first(slug: str) -> str:
    return f"/articles/{slug}/?order=newest"


def shown(html: str, comment: int) -> bool:
    return f'id="comment-{comment}"' in html


# The moderator, over HTTP -------------------------------------------------


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to look at, not to follow unseen."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    html: str


class Moderator:
    """A staff member in the admin: a session in a cookie jar, the CSRF token of the last
    form seen, and nothing followed without looking at it."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = CookieJar()
        self.session = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects
        )
        # A reader: no cookies, and redirects looked at as well.
        self.reader = urllib.request.build_opener(_KeepRedirects)
        self.token = ""

    def _open(self, opener, path: str, fields: list[tuple[str, str]] | None = None) -> Answer:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(self.base_url + path, data=data)  # noqa: S310 - http://127.0.0.1
        try:
            response = opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:  # a redirect, or an error status
            response = error
        with response:
            html = response.read().decode(errors="replace")
            answer = Answer(response.status, response.headers.get("Location", ""), html)
        if opener is self.session and (match := TOKEN.search(html)):
            self.token = match.group(1)
        return answer

    def get(self, path: str) -> Answer:
        return self._open(self.session, path)

    def post(self, path: str, fields: list[tuple[str, str]]) -> Answer:
        return self._open(self.session, path, [*fields, ("csrfmiddlewaretoken", self.token)])

    def sign_in(self, username: str, password: str) -> None:
        """Sign in through the admin's form, then open the pending queue (signing in
        rotates the CSRF token, so the queue's form gives the one to post with)."""
        self.get(LOGIN)
        answer = self.post(
            f"{LOGIN}?next=/admin/", [("username", username), ("password", password)]
        )
        if answer.status != 302:
            raise RuntimeError(f"signing in as {username} answered {answer.status}, not 302")
        answer = self.get(QUEUE)
        if answer.status != 200:
            raise RuntimeError(f"the pending queue answered {answer.status}, not 200")

    def approve(self, comment: int) -> Answer:
        """The bulk action on this one comment, posted from the pending queue; it answers
        with a redirect back to the queue."""
        return self.post(QUEUE, approve_fields(comment))

    def read_as_reader(self, path: str) -> Answer:
        return self._open(self.reader, path)


def local_path(location: str) -> str:
    """The path and query of a redirect's Location, whether absolute or not."""
    parts = urllib.parse.urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def approve_fields(comment: int) -> list[tuple[str, str]]:
    """The changelist form's fields that run `approve_selected` on one comment (the CSRF
    token apart)."""
    return [
        ("action", "approve_selected"),
        ("_selected_action", str(comment)),
        ("index", "0"),
        ("select_across", "0"),
    ]


def approve_and_check(moderator: Moderator, slug: str, comment: int) -> dict:
    """One approval, then the article's newest comments read anonymously: is it there?"""
    record = {"comment": comment, "path": newest_first(slug)}
    try:
        started = time.monotonic()
        answer = moderator.approve(comment)
        approve_ms = _ms_since(started)
        record.update(status=answer.status, location=local_path(answer.location))
        record["approve_ms"] = approve_ms
        page = moderator.read_as_reader(record["path"])
    except OSError as error:
        record.update(shown=False, error=repr(error))
        return record
    record["reader_status"] = page.status
    record["shown"] = page.status == 200 and shown(page.html, comment)
    return record


def _ms_since(started: float) -> float:
    return round(1000 * (time.monotonic() - started), 1)


def moderate(
    moderator: Moderator,
    order: list[tuple[str, int]],
    *,
    seconds: float,
    stop: threading.Event,
    per_second: float = APPROVALS_PER_SECOND,
) -> list[dict]:
    """Approve in `order`, one every 1/`per_second` s from now for `seconds`, or until `stop`."""
    started = time.monotonic()
    records = []
    for n, (slug, comment) in enumerate(order):
        due = started + n / per_second
        if due >= started + seconds or stop.wait(max(0.0, due - time.monotonic())):
            break
        records.append(approve_and_check(moderator, slug, comment))
    return records


# The measurement ----------------------------------------------------------


def prepare_moderator(slugs: list[str], env: dict, work: Path) -> tuple[str, dict]:
    """Through Django, in a subprocess: the moderator's account with a new random password,
    and the pending comments of these articles. Returns the password and the comments."""
    password = secrets.token_urlsafe(24)
    slugs_file, out = work / "moderation-slugs.json", work / "moderation-pending.json"
    slugs_file.write_text(json.dumps(slugs))
    subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.moderation", f"--slugs={slugs_file}", f"--out={out}"],
        cwd=ROOT, env={**env, PASSWORD_VARIABLE: password}, check=True,
    )  # fmt: skip
    return password, json.loads(out.read_text())


def measure(args, port: int, manifest: dict, work: Path, env: dict, say) -> dict:
    """Readers' req/s with no writes, then with a moderator approving a comment a second."""
    base_url = f"http://127.0.0.1:{port}"
    slugs = reader_articles(manifest)
    paths = reader_paths(slugs)
    paths_file = work / "moderation.paths"
    paths_file.write_text("\n".join(paths) + "\n")
    entry = {
        "name": NAME,
        "path": "/",
        "paths": len(set(paths)),
        "articles": len(slugs),
        "lines": len(paths),
        "target": TARGET,
        "page_cache": True,
    }
    say(f"{NAME}: the moderator's account and the pending comments")
    moderator = Moderator(base_url)
    try:
        password, pending = prepare_moderator(slugs, env, work)
        order = approval_order(slugs, pending)
        if len(order) >= args.duration * APPROVALS_PER_SECOND:
            moderator.sign_in(USERNAME, password)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as error:
        entry.update(available=False, error=str(error), note="failed: see the errors above")
        say(f"{NAME}: {error}")
        return entry
    if len(order) < args.duration * APPROVALS_PER_SECOND:
        entry["available"] = False
        entry["note"] = (
            f"not available: {len(order)} pending comments left on the {len(slugs)} articles, "
            "too few for the busy run (--fresh rebuilds the dataset)"
        )
        say(f"{NAME}: {entry['note']}")
        return entry
    say(f"{NAME}: caching each of the {entry['paths']} pages once")
    cache_each(port, sorted(set(paths)))

    def load() -> wrk.Result:
        settle(port)
        return wrk.run(base_url=base_url, paths_file=paths_file, connections=args.connections,
                       threads=args.threads, seconds=args.duration)  # fmt: skip

    say(f"{NAME}: quiet, {args.duration:g} s at {args.connections} connections")
    quiet = load()
    say(f"{NAME}: busy, approving {APPROVALS_PER_SECOND:g} comment a second")
    settle(port)
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        seconds = max(1, round(args.duration))
        moderating = pool.submit(moderate, moderator, order, seconds=seconds, stop=stop)
        try:
            busy = wrk.run(base_url=base_url, paths_file=paths_file, connections=args.connections,
                           threads=args.threads, seconds=args.duration)  # fmt: skip
        finally:
            stop.set()
        approvals = moderating.result()
    entry.update(available=True, quiet=asdict(quiet), busy=asdict(busy), approvals=approvals)
    entry.update(summary(entry))
    return entry


def cache_each(port: int, paths: list[str], connections: int = 4) -> None:
    """Each page read once, under the Host that wrk sends (the page cache files pages by
    host), so that the quiet run starts with every page in the cache, as the busy one does."""
    headers = {"Host": f"127.0.0.1:{port}"}
    with ThreadPoolExecutor(max_workers=connections) as pool:
        list(pool.map(lambda path: get(port, path, headers=headers), paths))


def summary(entry: dict) -> dict:
    """The row's figures from its two runs and its approvals."""
    approvals = entry["approvals"]
    quiet, busy = entry["quiet"]["requests_per_second"], entry["busy"]["requests_per_second"]
    ratio = round(busy / quiet, 3) if quiet else None

    def p50(key):
        times = [a[key] for a in approvals if a.get(key) is not None]
        return round(statistics.median(times), 1) if times else None

    return {
        "ratio": ratio,
        "met": None if ratio is None else ratio >= entry["target"],
        "approved": sum(1 for a in approvals if a.get("status") == 302),
        "shown": sum(1 for a in approvals if a.get("shown")),
        "approve_p50_ms": p50("approve_ms"),
    }


# The Django side ----------------------------------------------------------


def prepare(slugs: list[str], *, username: str, password: str) -> dict[str, list[int]]:
    """A staff account in the group Moderators with this password (made, or reset), and the
    ids of the articles' pending top-level comments, oldest first, by slug."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles.models import Comment

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Bench", "last_name": "Moderator"}
    )
    user.is_staff = user.is_active = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name="Moderators"))
    pending: dict[str, list[int]] = {slug: [] for slug in slugs}
    rows = (
        Comment.objects.filter(
            article__slug__in=slugs, status=Comment.Status.PENDING, parent__isnull=True
        )
        .order_by("created_at", "pk")
        .values_list("article__slug", "pk")
    )
    for slug, pk in rows:
        pending[slug].append(pk)
    return pending


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="The bench's moderator and pending comments.")
    parser.add_argument("--slugs", required=True, help="A JSON list of the articles' slugs.")
    parser.add_argument("--out", required=True, help="Where to write the pending comments.")
    args = parser.parse_args(argv)
    password = os.environ.get(PASSWORD_VARIABLE)
    if not password:
        raise SystemExit(f"{PASSWORD_VARIABLE} must hold the moderator's new password")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    slugs = json.loads(Path(args.slugs).read_text())
    pending = prepare(slugs, username=USERNAME, password=password)
    Path(args.out).write_text(json.dumps(pending))
    return 0


if __name__ == "__main__":
    sys.exit(main())
