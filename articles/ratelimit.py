"""Fixed-window counters in Django's cache, shared by every app server through Redis."""

import hashlib
import time

from django.core.cache import cache


def hit(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one attempt for `key`; False once it has made more than `limit` in `period` seconds.

    `cache.add` then `cache.incr` are atomic in Redis and in the local memory
    cache, so simultaneous requests cannot slip under the limit together.
    """
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit
