"""Every page `make bench` measures, in one place.

Each endpoint turns the dataset's manifest (slugs, busiest tags, search words)
into the request paths wrk cycles over. One path means the same page every
time; many mean a different page on each request, which a page cache cannot
have seen. A page that does not answer 200 when the run starts is reported as "not
available", so pages still to come need no change here.
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


def _cold_articles(manifest: dict) -> list[str]:
    # Every article but the warm one, in a fixed shuffled order.
    slugs = manifest["slugs"][1:] or manifest["slugs"]
    shuffled = random.Random(7).sample(slugs, len(slugs))
    return [f"/articles/{slug}/" for slug in shuffled]


def _warm_article(manifest: dict) -> list[str]:
    return [f"/articles/{manifest['slugs'][0]}/"]


# A query parameter the views ignore makes every request a page the cache has
# not seen, so these rows measure rendering, as the targets for uncached pages ask.
UNCACHED_VARIANTS = 5000


def _uncached(path: str) -> Callable[[dict], list[str]]:
    joiner = "&" if "?" in path else "?"
    return lambda m: [f"{path}{joiner}uncached={n}" for n in range(UNCACHED_VARIANTS)]


def _uncached_search(manifest: dict) -> list[str]:
    words = manifest["search_words"]
    return [f"/search/?q={words[n % len(words)]}&uncached={n}" for n in range(UNCACHED_VARIANTS)]


BASELINE = Endpoint("healthz", "/healthz (baseline)", lambda m: ["/healthz"])
WARM_ARTICLE = Endpoint("article_warm", "article, warm (same page)", _warm_article, target=0.6)

ENDPOINTS = [
    BASELINE,
    Endpoint("home", "home, uncached", _uncached("/"), target=0.25, cold=True),
    Endpoint("home_cached", "home, cached", lambda m: ["/"]),
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
        lambda m: _uncached(f"/tags/{m['tags'][0]}/")(m),
        target=0.25,
        cold=True,
    ),
    Endpoint("search", "search (cycling words), uncached", _uncached_search, target=0.1, cold=True),
    Endpoint("feed", "latest feed, uncached", _uncached("/feeds/latest/"), target=0.25, cold=True),
    Endpoint(
        "revalidation", "article, 304 revalidation", _warm_article, target=0.7, conditional=True
    ),
]

# Article p99 at 70% of peak throughput may be at most this many times its p50 at one connection.
LATENCY_TARGET = 4.0
# Connection counts of the warm-article sweep that finds the peak and the 70% point.
SWEEP_CONNECTIONS = (1, 2, 4, 8, 16, 32)
