"""Fixed-window counters in Django's cache, shared by every app server through Redis."""

import contextlib
import hashlib
import time

from django.core.cache import cache


def hit(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one attempt for `key`; False once it has made more than `limit` in `period` seconds.

    `cache.add` then `cache.incr` are atomic in Redis and in the local memory
    cache, so simultaneous requests cannot slip under the limit together.
    """
    cache_key = _cache_key(scope, key, period)
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def give_back(*, scope: str, key: str, period: int) -> None:
    """Uncount one attempt `hit` counted, for an attempt that came to nothing."""
    # ValueError: the window ended meanwhile, and there is nothing left to give back.
    with contextlib.suppress(ValueError):
        cache.decr(_cache_key(scope, key, period))


def _cache_key(scope: str, key: str, period: int) -> str:
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"ratelimit:{scope}:{digest}:{window}"
