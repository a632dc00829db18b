"""Whole-page caching for anonymous readers, invalidated exactly.

Every cached page is filed under the current *content generation*. Anything that
changes what readers can see — an article, its sections, delegations, tags or
images; a correction; a published rating; a comment approved or taken down —
starts a new generation (see `connect_signals` and `content_changed`), so the
very next request misses and renders afresh. The generation is a timestamp:
it doubles as the pages' Last-Modified.

Scheduled publication needs no cron job, so pages must not outlive the moment
the next scheduled article or rating goes live: a page is kept at most until
then (`next_change`).

Only anonymous GET and HEAD requests read or fill the cache. A request carrying
a session (staff) or a pending message skips it entirely. The comment forms'
CSRF tokens are cut out before storing and a fresh one is put in on every hit,
so each reader's form carries a token for their own cookie. Cached pages answer
conditional GETs with 304.
"""

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe, quote_etag

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
NEXT_CHANGE_KEY = "pages:next-change"
SERVED_KEY = "pages:served-generation"
NOTHING_SERVED = 0
NO_NEXT_CHANGE = 0
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_HOLE = b"\x00csrf\x00"
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


@dataclass(frozen=True)
class Generation:
    """The time (ns) of the last change readers can see, and whether a page of an
    earlier generation was served in the same second: HTTP dates count whole
    seconds, so then a Last-Modified date cannot tell the two apart and only the
    ETag may answer 304."""

    at: int
    shares_its_second: bool = False


def generation() -> Generation:
    """The current content generation."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Lost (a cache restart): a new one, which no earlier date can match.
        value = Generation(time.time_ns(), shares_its_second=True)
        if not cache.add(GENERATION_KEY, value, timeout=None):
            value = cache.get(GENERATION_KEY, value)
    return value


def content_changed() -> None:
    """Start a new generation now, and again once the change is committed.

    The second bump drops any page that a reader's request rendered between the
    first and the commit, from data that was about to change.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    now = time.time_ns()
    previous = cache.get(GENERATION_KEY)
    if previous is not None:
        now = max(now, previous.at + 1)  # always a new key, however coarse the clock
    shares = False
    if previous is not None and previous.at // 10**9 == now // 10**9:
        # Only a page served from the earlier generation can carry this date. The
        # bumps of one save follow each other unserved; unknown (lost) counts as served.
        served = cache.get(SERVED_KEY) in (previous.at, None)
        shares = served or previous.shares_its_second
    cache.set(GENERATION_KEY, Generation(now, shares), timeout=None)
    cache.set(SERVED_KEY, NOTHING_SERVED, timeout=None)
    _store_next_change()


def next_change() -> float | None:
    """When the next scheduled article or rating goes live (a Unix time), or None."""
    value = cache.get(NEXT_CHANGE_KEY)
    if value is None or (value != NO_NEXT_CHANGE and value <= time.time()):
        value = _store_next_change()
    return None if value == NO_NEXT_CHANGE else value


def _store_next_change() -> float:
    """Look up the next scheduled change (one query) and keep it beside the generation.

    Worked out when content changes, so that filling the cache costs no query.
    """
    from articles.models import Article
    from bias.models import Rating

    now = timezone.now()
    articles = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
    ratings = Rating.objects.filter(published_at__gt=now)
    first = (
        articles.order_by()
        .values_list("published_at", flat=True)
        .union(ratings.order_by().values_list("published_at", flat=True))
        .order_by("published_at")
        .first()
    )
    value = first.timestamp() if first is not None else NO_NEXT_CHANGE
    cache.set(NEXT_CHANGE_KEY, value, timeout=None)
    return value


def readable(request) -> bool:
    """Whether this request may be answered from, and fill, the page cache."""
    return (
        settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


class RecentPages:
    """The pages this process served last, kept in its own memory.

    A page's key names its generation, so an entry never goes stale: a change
    makes a new key. Only the generation itself must come from the shared
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
            if page[0]["expires"] <= time.time():  # a scheduled change is due
                del self.pages[key]
                self.size -= len(page[1])
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


def cache_page_for_readers(view):
    """Serve a public view's pages from the cache for anonymous readers."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not readable(request):
            return view(request, *args, **kwargs)
        current = generation()
        key = _key(request, current)
        validators = _take_validators(request)
        head, body = _recent.get(key)
        if head is not None and _not_modified(validators, head["etag"], current):
            return _not_modified_response(head, current)
        if head is None:
            # A page is kept in two entries, its head (validators, headers) and its
            # body, so that a revalidation reads only the small one.
            if any(validators.values()):
                head = cache.get(f"{key}:head")
                if head is not None and _not_modified(validators, head["etag"], current):
                    return _not_modified_response(head, current)
                body = cache.get(key) if head is not None else None
            else:
                found = cache.get_many([f"{key}:head", key])
                head, body = found.get(f"{key}:head"), found.get(key)
            if head is not None and body is not None:
                _recent.put(key, head, body)
        if head is None or body is None:
            # The view renders the whole page for the cache; this wrapper alone
            # answers conditional requests, with the cached page's validators.
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code != 200 or response.cookies or response.streaming:
                return response
            head, body = _entry(response)
            timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS
            upcoming = next_change()
            if upcoming is not None:
                timeout = max(1, min(timeout, int(upcoming - time.time())))
            head["expires"] = time.time() + timeout
            cache.set_many({f"{key}:head": head, key: body}, timeout=timeout)
            _recent.put(key, head, body)
            cache.set(SERVED_KEY, current.at, timeout=None)
            if _not_modified(validators, head["etag"], current):
                return _not_modified_response(head, current)
        return _page_response(request, head, body, current)

    return wrapper


def _key(request, current: Generation) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{current.at}:{hashlib.sha256(where.encode()).hexdigest()}"


def _entry(response) -> tuple[dict, bytes]:
    body = CSRF_INPUT.sub(rb"\1" + CSRF_HOLE + rb"\2", response.content)
    head = {
        "etag": quote_etag(hashlib.sha256(body).hexdigest()[:32]),
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
    }
    return head, body


def _take_validators(request) -> dict:
    """The request's conditional headers, taken off it so that the view never answers 304."""
    return {name: request.META.pop(name, None) for name in CONDITIONAL_HEADERS}


def _page_response(request, head: dict, body: bytes, current: Generation):
    if CSRF_HOLE in body:
        body = body.replace(CSRF_HOLE, get_token(request).encode())
    response = HttpResponse(body)
    for name, value in head["headers"].items():
        response[name] = value
    return _with_validators(response, head, current)


def _not_modified_response(head: dict, current: Generation):
    return _with_validators(HttpResponseNotModified(), head, current)


def _with_validators(response, head: dict, current: Generation):
    response["ETag"] = head["etag"]
    response["Last-Modified"] = http_date(current.at // 10**9)
    response["Cache-Control"] = "no-cache"  # keep, but ask every time: invalidation is exact
    patch_vary_headers(response, ["Cookie"])
    return response


def _not_modified(validators: dict, etag: str, current: Generation) -> bool:
    if_none_match = validators["HTTP_IF_NONE_MATCH"]
    if if_none_match:  # it decides alone when present (RFC 9110, 13.2.2)
        return etag in parse_etags(if_none_match) or if_none_match.strip() == "*"
    since = parse_http_date_safe(validators["HTTP_IF_MODIFIED_SINCE"] or "")
    if since is None or current.shares_its_second:
        return False
    return current.at // 10**9 <= since


def _changed(sender, **kwargs):
    content_changed()


def _comment_changed(sender, instance, **kwargs):
    # Pending, rejected and spam comments are not on any page; approving or
    # taking down a comment goes through comment_services, which says so.
    if instance.status == instance.Status.APPROVED:
        content_changed()


def connect_signals() -> None:
    """Every write to what readers see starts a new generation."""
    from taggit.models import Tag, TaggedItem

    from articles.models import (
        Article,
        Comment,
        Correction,
        Delegation,
        DelegationMember,
        Image,
        Section,
    )
    from bias.models import Rating

    for model in (Article, Section, Delegation, DelegationMember, Image, Correction, Rating,
                  Tag, TaggedItem):  # fmt: skip
        post_save.connect(_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-del")
    m2m_changed.connect(_changed, sender=Article.tags.through, dispatch_uid="pages-article-tags")
    post_save.connect(_comment_changed, sender=Comment, dispatch_uid="pages-comment-save")
    post_delete.connect(_comment_changed, sender=Comment, dispatch_uid="pages-comment-delete")
