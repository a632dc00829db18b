"""The "comments: 1,000 vs 50" row: does an article page cost more to render with more comments?

It should not: the page shows one page of threads (`NEWSROOM_COMMENTS_PER_PAGE`),
however many an article has. Two articles alike in everything else (the same title,
sections, tags, rating and lead image) get 50 and 1,000 approved comments, one
thread each, with the same bodies in the same order, so both pages show the same 50
threads and differ only in what is stored. Each page is then rendered in this
process with Django's test client:

- *cold*: the page cache and the fragments cache emptied before each request, so
  the page is rendered from the database;
- *kept*: only the page cache emptied, so the parts kept in the fragments cache
  (the article's head and body, the page of comments) are reused.

The caches are local memory here (no Redis), so the times are Django's work and
the database's, not the network's; the page cache is on, so its lookup and store
are part of each request, as on a server.

Run as `python -m bench.comment_render --out FILE` with the bench's environment:
it makes a throw-away SQLite database in a temporary folder, migrates and fills
it, and writes its figures as JSON. `bench.run` does this after collecting the
static files that the pages name.
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
import tempfile
import time
from pathlib import Path

from bench import dataset

ROOT = Path(__file__).resolve().parent.parent
COUNTS = (50, 1000)
REPEATS = 25
TARGET = 1.3
# The comments a page shows, one match each.
COMMENT_TAG = re.compile(r'<article class="comment[^"]*" id="comment-\d+"')


def build(counts=COUNTS, *, lead_picture: bytes | None = None) -> dict[int, str]:
    """Articles alike but for their number of approved comments (one thread each, the
    same bodies in the same order); returns each article's path by its count."""
    from articles.models import Article, Comment, Section
    from bias.models import Rating

    size = dataset.Size(articles=1, tag_pool=20, approved_comments=0, pending_comments=0)
    dataset.build(size, lead_picture=lead_picture)
    original = Article.objects.get()
    sections = list(Section.objects.filter(article=original))
    tags = list(original.tags.all())
    ratings = list(Rating.objects.filter(article=original))
    rng = random.Random(size.seed)
    bodies = [
        f"{dataset.paragraph(rng)[:400]} What happens to {rng.choice(dataset.TOPICS)} now?"
        for _ in range(dataset.COMMENT_BODIES)
    ]
    paths = {}
    for count in counts:
        twin = Article.objects.get(pk=original.pk)
        twin.pk = None
        twin.slug = f"comments-{count}"
        Article.objects.bulk_create([twin])
        for row in (*sections, *ratings):
            row.pk = None
            row.article_id = twin.pk
        Section.objects.bulk_create(sections)
        Rating.objects.bulk_create(ratings)
        twin.tags.set(tags)
        Comment.objects.bulk_create(
            (
                Comment(
                    article=twin,
                    author_name=f"Reader {n}",
                    author_email=f"reader{n}@example.org",
                    body=bodies[n % len(bodies)],
                    status=Comment.Status.APPROVED,
                    moderated_at=twin.published_at,
                )
                for n in range(count)
            ),
            batch_size=dataset.BATCH_SIZE,
        )
        paths[count] = twin.get_absolute_url()
    original.delete()
    return paths


def measure(paths: dict[int, str], *, repeats: int = REPEATS) -> dict:
    """Median render times of each page, cold and kept, and the ratios of the largest
    count to the smallest; the requests of both pages interleaved, so that a slower
    moment of the machine falls on both."""
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client

    client = Client()
    page_cache, fragments = caches["default"], caches["fragments"]

    def render(path: str, *, cold: bool) -> tuple[float, bytes]:
        page_cache.clear()
        if cold:
            fragments.clear()
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return elapsed * 1000, response.content

    # Templates, URL patterns and the database's pages loaded before any measurement.
    for path in paths.values():
        render(path, cold=True)
        render(path, cold=False)
    times: dict[int, dict[str, list[float]]] = {n: {"cold": [], "kept": []} for n in paths}
    html: dict[int, bytes] = {}
    for _ in range(repeats):
        for count, path in paths.items():
            for kind in ("cold", "kept"):
                elapsed, html[count] = render(path, cold=kind == "cold")
                times[count][kind].append(elapsed)
    pages = {
        count: {
            "path": path,
            "comments": count,
            "comments_shown": len(COMMENT_TAG.findall(html[count].decode())),
            "bytes": len(html[count]),
            "cold_ms": round(statistics.median(times[count]["cold"]), 2),
            "kept_ms": round(statistics.median(times[count]["kept"]), 2),
        }
        for count, path in paths.items()
    }
    fewest, most = pages[min(pages)], pages[max(pages)]
    cold_ratio = round(most["cold_ms"] / fewest["cold_ms"], 3)
    return {
        "threads": "one comment per thread (no replies)",
        "per_page": settings.NEWSROOM_COMMENTS_PER_PAGE,
        "repeats": repeats,
        "pages": list(pages.values()),
        "cold_ratio": cold_ratio,
        "kept_ratio": round(most["kept_ms"] / fewest["kept_ms"], 3),
        "target": TARGET,
        "met": cold_ratio <= TARGET,
    }


def measure_in_subprocess(env: dict, work: Path) -> dict:
    """This module run in a process of its own; its figures, or what went wrong."""
    out = work / "comment-render.json"
    completed = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.comment_render", f"--out={out}"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        return {"error": f"bench.comment_render failed ({completed.returncode}): "
                         f"{completed.stderr.strip()[-1000:]}"}  # fmt: skip
    return json.loads(out.read_text())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="Where to write the JSON figures.")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsroom-comment-render-") as tmp:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            DJANGO_DEBUG="0",
            DATABASE_URL=f"sqlite:///{Path(tmp) / 'db.sqlite3'}",
            MEDIA_ROOT=str(Path(tmp) / "media"),
            DJANGO_ALLOWED_HOSTS="testserver",
            DJANGO_SECURE_SSL_REDIRECT="0",
            # Pages cached in this process's memory, as one process would with the setting.
            NEWSROOM_PAGE_CACHE_SECONDS="600",
            REDIS_URL="",
        )
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        paths = build()
        result = measure(paths, repeats=args.repeats)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
