"""Every page `make bench` measures, in one place.

Each endpoint turns the dataset's manifest (slugs, busiest tags, search words)
into the request paths wrk cycles over, and says which of the two servers it is
measured on: the one with the page cache on, as in production, or the one
started with `NEWSROOM_PAGE_CACHE_SECONDS=0`, where every request renders.
The page cache files a page under its path and only the query parameters its
view reads, so no made-up parameter can keep a page out of it: "uncached" has to
mean a server that caches nothing. A page that does not answer 200 when the run
starts is reported as "not available", so pages still to come need no change here.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    key: str
    name: str
    paths: Callable[[dict], list[str]]
    # The ratio to /healthz the issue sets as the goal; None for the baseline.
    target: float | None = None
    # Revalidate: send back the ETag / Last-Modified the first answer carried.
    conditional: bool = False
    # Each request a page no earlier request asked for, until the paths run out.
    cold: bool = False
    # False: measured on the server that caches no page, so each request renders.
    page_cache: bool = True


def _cold_articles(manifest: dict) -> list[str]:
    # Every article but the warm one, in a fixed shuffled order.
    slugs = manifest["slugs"][1:] or manifest["slugs"]
    shuffled = random.Random(7).sample(slugs, len(slugs))
    return [f"/articles/{slug}/" for slug in shuffled]


def _warm_article(manifest: dict) -> list[str]:
    return [f"/articles/{manifest['slugs'][0]}/"]


def _searches(manifest: dict) -> list[str]:
    # Several words, so that the row is not one query's plan and one result page.
    return [f"/search/?q={word}" for word in manifest["search_words"]]


BASELINE = Endpoint("healthz", "/healthz (baseline)", lambda m: ["/healthz"])
WARM_ARTICLE = Endpoint("article_warm", "article, warm (same page)", _warm_article, target=0.6)

ENDPOINTS = [
    BASELINE,
    Endpoint("home", "home, uncached", lambda m: ["/"], target=0.25, page_cache=False),
    Endpoint("home_cached", "home, cached", lambda m: ["/"]),
    # With the page cache on, as a reader of a page nobody asked for lately meets it: the
    # lookup that misses and the store come with the rendering. Keyed on the path alone,
    # each article is a miss until the cycle wraps.
    Endpoint(
        "article_cold",
        "article, cold (a new page each time)",
        _cold_articles,
        target=0.2,
        cold=True,
    ),
    WARM_ARTICLE,
    Endpoint(
        "tag",
        "tag (busiest tag), uncached",
        lambda m: [f"/tags/{m['tags'][0]}/"],
        target=0.25,
        page_cache=False,
    ),
    Endpoint("search", "search (cycling words), uncached", _searches, target=0.1, page_cache=False),
    Endpoint(
        "feed", "latest feed, uncached", lambda m: ["/feeds/latest/"], target=0.25, page_cache=False
    ),
    Endpoint(
        "revalidation", "article, 304 revalidation", _warm_article, target=0.7, conditional=True
    ),
]

# Article p99 at 70% of peak throughput may be at most this many times its p50 at one connection.
LATENCY_TARGET = 4.0
# Connection counts of the warm-article sweep that finds the peak and the 70% point.
SWEEP_CONNECTIONS = (1, 2, 4, 8, 16, 32)
