"""Whole-page caching for anonymous readers, invalidated exactly.

Every cached page is filed under the current *content generation*. Anything that
changes what readers can see — an article, its sections, delegations, tags or
images; a correction; a published rating; a comment approved or taken down —
starts a new generation (see `connect_signals` and `content_changed`), so the
very next request misses and renders afresh. The generation is a timestamp:
it doubles as the pages' Last-Modified.

Scheduled publication needs no cron job, so no page, and no 304, may outlive
the moment the next scheduled article or rating goes live: each generation
knows that moment, and the first request after it starts a new generation.

A page is filed under its host, its path and only the query parameters its view
uses, each in one spelling; the view sees no other parameter. Tracking tags and
made-up parameters then neither make new copies nor show on any page.

Only anonymous GET and HEAD requests read or fill the cache. A signed-in user
(staff) or a reader with a message waiting skips it entirely, and that page is
marked private so that no shared cache in front keeps it either; a session or
messages cookie that holds neither counts for nothing. The comment forms' CSRF
tokens are cut out before storing and a fresh one is put in on every hit, so
each reader's form carries a token for their own cookie. Cached pages answer
conditional GETs with 304.
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
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe, quote_etag

from articles import hooks
from articles.search import clean_query

logger = logging.getLogger(__name__)

# Renamed whenever Generation changes shape, so that no process unpickles an older one.
GENERATION_KEY = "pages:generation-until-next-change"
SERVED_KEY = "pages:served-generation"
NOTHING_SERVED = 0
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_HOLE = b"\x00csrf\x00"
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


@dataclass(frozen=True)
class Generation:
    """The time (ns) of the last change readers can see; whether a page of an
    earlier generation was served in the same second (HTTP dates count whole
    seconds, so then a Last-Modified date cannot tell the two apart and only the
    ETag may answer 304); and when the next scheduled article or rating goes live
    (a Unix time, or None), which ends this generation."""

    at: int
    shares_its_second: bool = False
    until: float | None = None

    def has_ended(self) -> bool:
        return self.until is not None and self.until <= time.time()


def generation() -> Generation:
    """The current content generation: a new one once a scheduled change is due."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Lost (a cache restart): a new one, which no earlier date can match.
        value = Generation(time.time_ns(), shares_its_second=True, until=_next_scheduled_change())
        if not cache.add(GENERATION_KEY, value, timeout=None):
            value = cache.get(GENERATION_KEY, value)
    elif value.has_ended():
        # Processes that see the moment together each start one: that costs a miss, no more.
        value = _new_generation()
    return value


def content_changed() -> None:
    """Start a new generation now, and again once the change is committed.

    The second bump drops any page that a reader's request rendered between the
    first and the commit, from data that was about to change.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> Generation:
    until = _next_scheduled_change()
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
    value = Generation(now, shares, until)
    cache.set_many({GENERATION_KEY: value, SERVED_KEY: NOTHING_SERVED}, timeout=None)
    return value


def _next_scheduled_change() -> float | None:
    """When the next scheduled article (or what `hooks.scheduled_changes` adds: a
    rating) goes live, as a Unix time, or None.

    One query, made only when a generation starts, so that serving and filling
    the cache cost none.
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
CANONICAL_VALUES = {"page": _page_number, "q": clean_query, "reply_to": _comment_id}


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


def cache_page_for_readers(view=None, *, query: tuple[str, ...] | Callable = ()):
    """Serve a public view's pages from the cache for anonymous readers.

    `query` names the parameters the page uses (in the order its links write
    them), or is a function that names them; the view sees only those, and its
    pages are filed under them.
    """
    if view is None:
        return partial(cache_page_for_readers, query=query)

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
            if current.until is not None:
                # Later requests look under the next generation's keys: free the memory.
                timeout = max(1, min(timeout, math.ceil(current.until - time.time())))
            cache.set_many({f"{key}:head": head, key: body}, timeout=timeout)
            _recent.put(key, head, body)
            cache.set(SERVED_KEY, current.at, timeout=None)
            if _not_modified(validators, head["etag"], current):
                return _not_modified_response(head, current)
        return _page_response(request, head, body, current)

    return wrapper


def _key(request, current: Generation) -> str:
    # request.GET is already only what the page uses, in one spelling and order.
    where = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
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


def watch(*models) -> None:
    """Every write to rows of these models starts a new generation: readers see them."""
    for model in models:
        uid = f"pages-{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")


def connect_signals() -> None:
    """Every write to what readers see starts a new generation. Apps that add to the
    pages (the bias rating) `watch` their own models."""
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

    watch(Article, Section, Delegation, DelegationMember, Image, Correction, Tag, TaggedItem)
    m2m_changed.connect(_changed, sender=Article.tags.through, dispatch_uid="pages-article-tags")
    post_save.connect(_comment_changed, sender=Comment, dispatch_uid="pages-comment-save")
    post_delete.connect(_comment_changed, sender=Comment, dispatch_uid="pages-comment-delete")
