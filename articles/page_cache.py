"""Whole-page caching for anonymous readers: invalidated exactly, and only where a change shows.

Each cached page records what it shows, as *dependencies*: its article
(`article:<slug>`), that article's comments (`comments:<slug>`), the listings of
articles (`listing`: home, tag pages, search, feeds, the bias page, whose cards
show titles, ratings and comment counts), and the `epoch` that every page
shares. Each dependency has a version, a time in nanoseconds, in the shared
cache. A page is filed under the versions of its dependencies as they were read
*before* it rendered, so a change committed while it renders leaves it under a
version that is no longer current: the very next request renders afresh.

Services say what they changed with events (`articles.events`);
`articles.receivers` turns each into the dependencies it touches and calls
`changed()`, which moves their versions on, at once and again on commit. So a
comment approved on one article drops that article's page and the listings,
never another article's page.

Scheduled publication needs no cron job, so no page, and no 304, may outlive
the moment the next scheduled article or rating goes live: the epoch knows
that moment, and the first request after it starts a new epoch.

A page is filed under its host, its path and only the query parameters its
view uses, each in one spelling; the view sees no other parameter. Tracking tags
and made-up parameters then neither make new copies nor show on any page. On a
miss, one request renders while the others asking for the same page wait a
moment for it (a short lock in the cache), so an invalidated hot page is
rendered once, not once per waiting reader.

Only anonymous GET and HEAD requests read or fill the cache. A signed-in user
(staff) or a reader with a message waiting skips it entirely, and that page is
marked private so that no shared cache in front keeps it either; a session or
messages cookie that holds neither counts for nothing. The comment forms' CSRF
tokens are cut out before storing and a fresh one is put in on every hit, so
each reader's form carries a token for their own cookie. Cached pages answer
conditional GETs with 304: by ETag, and by date unless an earlier copy of the
page went out with the same Last-Modified second.
"""

import hashlib
import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe, quote_etag

from articles import hooks
from articles.search import clean_query
from newsroom.release import fingerprint

logger = logging.getLogger(__name__)

CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_HOLE = b"\x00csrf\x00"
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
# Renamed whenever Epoch changes shape, so that no process unpickles an older one.
EPOCH_KEY = "pages:epoch-until"
# A miss renders under this lock; others wait for its page up to WAIT_SECONDS.
LOCK_SECONDS = 10
WAIT_SECONDS = 5.0
WAIT_STEP = 0.02

EPOCH = "epoch"
LISTING = "listing"


def article_dependency(slug: str) -> str:
    return f"article:{slug}"


def comments_dependency(slug: str) -> str:
    return f"comments:{slug}"


def article_page_dependencies(request, slug: str, **kwargs) -> list[str]:
    """An article's page (and its further pages of comments) shows the article and its comments."""
    return [article_dependency(slug), comments_dependency(slug)]


def listing_dependencies(request, *args, **kwargs) -> list[str]:
    return [LISTING]


@dataclass(frozen=True)
class Epoch:
    """The version every page shares (ns), and when the next scheduled article or
    rating goes live (a Unix time, or None), which ends it."""

    at: int
    until: float | None = None

    def has_ended(self) -> bool:
        return self.until is not None and self.until <= time.time()


def _epoch(value: Epoch | None = None) -> Epoch:
    """The current epoch (`value`, as just read from the cache, or read here): a new one
    once a scheduled change is due, or when it was lost."""
    value = cache.get(EPOCH_KEY) if value is None else value
    if value is None:
        # Lost (a cache restart): a new one, which no earlier version can match.
        value = Epoch(time.time_ns(), until=_next_scheduled_change())
        if not cache.add(EPOCH_KEY, value, timeout=None):
            value = cache.get(EPOCH_KEY, value)
    elif value.has_ended():
        # Processes that see the moment together each start one: that costs a miss, no more.
        value = _new_epoch()
    return value


def _new_epoch() -> Epoch:
    previous = cache.get(EPOCH_KEY)
    now = time.time_ns() if previous is None else max(time.time_ns(), previous.at + 1)
    value = Epoch(now, until=_next_scheduled_change())
    cache.set(EPOCH_KEY, value, timeout=None)
    return value


def changed(*dependencies: str) -> None:
    """Move these dependencies on, now and again once the change is committed.

    The second move drops any page that a reader's request rendered between the
    first and the commit, from data that was about to change.
    """
    _move_on(dependencies)
    transaction.on_commit(lambda: _move_on(dependencies))


def schedule_changed() -> None:
    """A publication time was set or removed: the epoch learns when it must end.
    Also moves every page on, once now and once on commit."""
    _new_epoch()
    transaction.on_commit(_new_epoch)


def _move_on(dependencies) -> None:
    if EPOCH in dependencies:
        _new_epoch()
    names = [f"dep:{name}" for name in dependencies if name != EPOCH]
    if not names:
        return
    now = time.time_ns()
    current = cache.get_many(names)
    # Always a new version, however coarse the clock.
    cache.set_many({name: max(now, current.get(name, 0) + 1) for name in names}, timeout=None)


def _versions(dependencies: list[str]) -> list[int]:
    """The current version of each dependency, the epoch's first; one that was never
    moved (or was lost) starts now, which no earlier version can match."""
    names = [f"dep:{name}" for name in dependencies]
    found = cache.get_many([EPOCH_KEY, *names])  # one round trip to the shared cache
    epoch = _epoch(found.pop(EPOCH_KEY, None))
    missing = {name: time.time_ns() for name in names if name not in found}
    for name, version in missing.items():
        if not cache.add(name, version, timeout=None):
            version = cache.get(name, version)
        found[name] = version
    return [epoch.at, *(found[name] for name in names)]


# A figure worked out from the whole archive is kept this long at most, however quiet the site.
COMPUTED_SECONDS = 24 * 3600


def computed(key: str, compute: Callable, *, depends: tuple[str, ...] = (LISTING,)):
    """What `compute()` returns, worked out once and kept until one of `depends` (or the
    epoch) moves on: for a figure a page shows every visitor, signed in or not, that costs
    the whole archive to work out (the panels' reliability on the methodology page)."""
    versions = "-".join(str(version) for version in _versions(list(depends)))
    name = f"computed:{key}:{versions}"
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, timeout=COMPUTED_SECONDS)
    return value


def _next_scheduled_change() -> float | None:
    """When the next scheduled article (or what `hooks.scheduled_changes` adds: a
    rating) goes live, as a Unix time, or None.

    One query, made only when an epoch starts, so that serving and filling the
    cache cost none.
    """
    from articles.models import Article

    times = Article.objects.scheduled().order_by().values_list("published_at", flat=True)
    for more in hooks.scheduled_changes:
        times = times.union(more().order_by())
    first = times.order_by("published_at").first()
    return first.timestamp() if first is not None else None


def for_one_person(request) -> bool:
    """Whether this page is rendered for one person: a signed-in user, or a reader
    with a message waiting. Only a session that belongs to a user counts (one
    session lookup), and only a messages cookie that really holds messages
    (counting them leaves them to be shown); forged or stale cookies count for nothing.
    """
    if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
        return True
    return CookieStorage.cookie_name in request.COOKIES and len(get_messages(request)) > 0


def _page_number(value: str) -> str:
    try:
        number = int(value)
    except ValueError:
        return value  # "last", or something the view answers 404 to
    return "" if number == 1 else str(number)


def _comment_id(value: str) -> str:
    # Anything else names no comment, which shows the page as without it.
    return str(int(value)) if value.isascii() and value.isdigit() else ""


# One spelling for each value a view reads: the page is the same for all of them.
# An empty result drops the parameter; a value the view refuses (a 400 or 404)
# is kept as it is, since only pages answering 200 are stored.
CANONICAL_VALUES = {
    "page": _page_number,
    "q": clean_query,
    "reply_to": _comment_id,
    "order": lambda value: "" if value == "oldest" else value,
}


def used_query(query: QueryDict, names: tuple[str, ...]) -> QueryDict:
    """The request's query cut down to the parameters the page uses, each in one spelling."""
    kept = []
    for name in names:
        value = query.get(name, "")
        value = CANONICAL_VALUES.get(name, str)(value) if value else ""
        if value:
            kept.append((name, value))
    return QueryDict(urlencode(kept))


class RecentPages:
    """The pages this process served last, kept in its own memory.

    A page's key names the versions of what it shows, so an entry never goes
    stale: a change makes a new key. Only the versions must come from the shared
    cache, which leaves one round trip to it for a page served from here.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.pages: OrderedDict[str, tuple[dict, bytes]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[dict | None, bytes | None]:
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                return None, None
            self.pages.move_to_end(key)
            return page

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0

    def put(self, key: str, head: dict, body: bytes) -> None:
        with self.lock:
            if key in self.pages or len(body) > self.max_bytes:
                return
            self.pages[key] = (head, body)
            self.size += len(body)
            while self.size > self.max_bytes:
                _, (_, dropped) = self.pages.popitem(last=False)
                self.size -= len(dropped)


_recent = RecentPages(max_bytes=16 * 1024 * 1024)


def forget_recent() -> None:
    """Empty this process's own copies (tests start each from nothing)."""
    _recent.clear()


def cache_page_for_readers(
    view=None,
    *,
    query: tuple[str, ...] | Callable = (),
    depends: Callable = listing_dependencies,
):
    """Serve a public view's pages from the cache for anonymous readers.

    `query` names the parameters the page uses (in the order its links write
    them), or is a function that names them; the view sees only those, and its
    pages are filed under them. `depends(request, *args, **kwargs)` names what
    the page shows (its dependencies, besides the epoch): a listing by default.
    """
    if view is None:
        return partial(cache_page_for_readers, query=query, depends=depends)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.GET = used_query(request.GET, query() if callable(query) else query)
        if for_one_person(request):
            # Also keeps any shared cache in front (a CDN) from storing it.
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        versions = _versions(depends(request, *args, **kwargs))
        where = _where(request)
        key = _key(where, versions)
        validators = _take_validators(request)
        head, body = _recent.get(key)
        if head is None:
            head, body = _stored(key, validators)
            if head is not None and body is None and _not_modified(validators, head):
                return _not_modified_response(head)
        if head is None or body is None:
            head, body, response = _render_once(view, request, args, kwargs, key, where, versions)
            if response is not None:
                return response  # not a page to keep (an error, a redirect)
        if _not_modified(validators, head):
            return _not_modified_response(head)
        return _page_response(request, head, body)

    return wrapper


def _where(request) -> str:
    # request.GET is already only what the page uses, in one spelling and order.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
    return hashlib.sha256(address.encode()).hexdigest()


def _key(where: str, versions: list[int]) -> str:
    stamp = hashlib.sha256(".".join(map(str, versions)).encode()).hexdigest()[:24]
    return f"page:{fingerprint()}:{where}:{stamp}"


def _stored(key: str, validators: dict) -> tuple[dict | None, bytes | None]:
    """A page from the shared cache: only its head (validators, headers) when the
    request may be answered 304, else head and body in one round trip."""
    if any(validators.values()):
        head = cache.get(f"{key}:head")
        if head is None or _not_modified(validators, head):
            return head, None
        body = cache.get(key)
    else:
        found = cache.get_many([f"{key}:head", key])
        head, body = found.get(f"{key}:head"), found.get(key)
    if head is not None and body is not None:
        _recent.put(key, head, body)
    return head, body


def _render_once(view, request, args, kwargs, key, where, versions):
    """Render a missing page and keep it; of several requests that miss it at once,
    one renders while the others wait for its page. Returns (head, body, None), or
    (None, None, response) for a response that is not kept."""
    lock = f"{key}:lock"
    if not cache.add(lock, 1, timeout=LOCK_SECONDS):
        waited = 0.0
        while waited < WAIT_SECONDS:
            time.sleep(WAIT_STEP)
            waited += WAIT_STEP
            found = cache.get_many([f"{key}:head", key])
            if f"{key}:head" in found and key in found:
                return found[f"{key}:head"], found[key], None
            if lock not in cache:  # the render ended without a page to keep
                break
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code != 200 or response.cookies or response.streaming:
            return None, None, response
        head, body = _entry(response, where, versions)
        timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS
        until = cache.get(EPOCH_KEY, Epoch(0)).until
        if until is not None:
            # Later requests look under the next epoch's keys: free the memory.
            timeout = max(1, min(timeout, math.ceil(until - time.time())))
        cache.set_many({f"{key}:head": head, key: body}, timeout=timeout)
        _recent.put(key, head, body)
        return head, body, None
    finally:
        cache.delete(lock)


def _entry(response, where: str, versions: list[int]) -> tuple[dict, bytes]:
    body = CSRF_INPUT.sub(rb"\1" + CSRF_HOLE + rb"\2", response.content)
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    last_modified = max(versions) // 10**9
    # HTTP dates count whole seconds: an earlier copy of this page that went out with
    # the same Last-Modified second cannot be told from this one by date, only by ETag.
    previous = cache.get(f"dated:{where}")
    dated = previous is None or previous == (last_modified, etag) or previous[0] != last_modified
    cache.set(f"dated:{where}", (last_modified, etag), timeout=None)
    head = {
        "etag": etag,
        "last_modified": last_modified,
        "dated": dated,
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
    }
    return head, body


def _take_validators(request) -> dict:
    """The request's conditional headers, taken off it so that the view never answers 304."""
    return {name: request.META.pop(name, None) for name in CONDITIONAL_HEADERS}


def _page_response(request, head: dict, body: bytes):
    if CSRF_HOLE in body:
        body = body.replace(CSRF_HOLE, get_token(request).encode())
    response = HttpResponse(body)
    for name, value in head["headers"].items():
        response[name] = value
    return _with_validators(response, head)


def _not_modified_response(head: dict):
    return _with_validators(HttpResponseNotModified(), head)


def _with_validators(response, head: dict):
    response["ETag"] = head["etag"]
    response["Last-Modified"] = http_date(head["last_modified"])
    response["Cache-Control"] = "no-cache"  # keep, but ask every time: invalidation is exact
    patch_vary_headers(response, ["Cookie"])
    return response


def _not_modified(validators: dict, head: dict) -> bool:
    if_none_match = validators["HTTP_IF_NONE_MATCH"]
    if if_none_match:  # it decides alone when present (RFC 9110, 13.2.2)
        return head["etag"] in parse_etags(if_none_match) or if_none_match.strip() == "*"
    since = parse_http_date_safe(validators["HTTP_IF_MODIFIED_SINCE"] or "")
    if since is None or not head["dated"]:
        return False
    return head["last_modified"] <= since
