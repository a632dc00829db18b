"""Parts of the article page rendered once per change, then kept: the article itself (its
head and its body, everything but the comments) and each page of its comments.

A part is filed under what it shows: the article's change counts (`content_version`
for the article, `comments_version` for its comments, which `articles.receivers`
sets on each event), the release, and whatever else it depends on (the host, for
absolute addresses; the page and order of comments; whether comments are open). So
a part is rendered on the first request after a change and not again until the next,
and is never stale. The keys come from the database, so processes that each keep
their own copies (the local-memory cache, without Redis) agree on them.
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.core.cache import caches
from django.template.loader import render_to_string

from articles import metadata, selectors
from newsroom.release import fingerprint

# A part's key changes with what it shows; an unused one is dropped after this long.
KEEP = int(timedelta(days=1).total_seconds())
# Where the article's body shows its comment count, which changes with its comments.
COUNT_HOLE = "\x00comment-count\x00"


def kept(parts: tuple, render: Callable):
    """What `render()` returns, kept under `parts` (and the release) after the first call."""
    key = hashlib.sha256(repr((fingerprint(), *parts)).encode()).hexdigest()
    store = caches["fragments"]
    value = store.get(key)
    if value is None:
        value = render()
        store.set(key, value, timeout=KEEP)
    return value


def article_parts(request, article) -> dict:
    """The article page's `head_html` and `body_html` for a public article; its body's
    comment count is filled in by the caller (`COUNT_HOLE`)."""
    parts = (
        "article",
        article.pk,
        article.content_version,
        article.updated_at,
        request.scheme,
        request.get_host(),
    )
    return kept(
        parts, lambda: render_article(request, selectors.article_for_page(slug=article.slug))
    )


def render_article(request, article, *, preview: bool = False, context: dict | None = None):
    """The article page's head and body, rendered from the article with everything it shows
    (or from the `context` given for a text that is not stored: `articles.unsaved`)."""
    context = {
        **(context if context is not None else selectors.article_page_context(article)),
        "preview": preview,
        "comment_count_hole": COUNT_HOLE,
        **({} if preview else metadata.article_metadata(request, article)),
    }
    # Rendered templates are safe strings, and stay so through the cache.
    return {
        "head_html": render_to_string("includes/articles/article_head.html", context, request),
        "body_html": render_to_string("includes/articles/article_body.html", context, request),
    }


def with_cards(articles) -> list:
    """These listed articles, each with `card_html`, its card rendered once per change of
    what it shows (its text, picture, rating, tags: `content_version`; its comment count)."""
    articles = list(articles)
    for article in articles:
        parts = (
            "card",
            article.pk,
            article.content_version,
            article.updated_at,
            article.approved_comment_count,
        )
        article.card_html = kept(
            parts,
            lambda article=article: render_to_string(
                "includes/articles/card.html", {"article": article}
            ),
        )
    return articles
