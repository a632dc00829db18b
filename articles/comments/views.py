"""Readers' side of comments: the further pages of an article's comments, posting, reporting."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import (
    condition,
    require_http_methods,
    require_POST,
    require_safe,
)

from articles import selectors as article_selectors
from articles.comments import ratelimit, services
from articles.comments.forms import CommentForm, CommentReportForm
from articles.comments.notices import AT_FORM, at_comment
from articles.comments.selectors import comment_page_number
from articles.models import Article, Comment, CommentReport
from articles.page_cache import article_page_dependencies, cache_page_for_readers
from articles.views import article_etag, comments_context, newest_first, render_article_page

logger = logging.getLogger(__name__)

AWAITING_MODERATION = "Thanks — your comment is awaiting moderation."
PUBLISHED = "Thanks — your comment is published."


def comments(request, slug):
    """`/articles/<slug>/comments/`: a further page of the comments (GET), or a new one (POST)."""
    if request.method == "POST":
        return comment_post(request, slug)
    return comments_page(request, slug)


@require_safe
@cache_page_for_readers(query=("page", "order"), depends=article_page_dependencies)
@condition(etag_func=article_etag)
def comments_page(request, slug):
    """Page 2 and on of an article's comments; the first page is on the article itself.

    Never indexed (the comments are the article's; search engines follow the links).
    """
    article = getattr(request, "article_read", None) or article_selectors.article_for_reading(
        slug=slug
    )
    number = request.GET.get("page", "")
    if number in ("", "1"):
        return redirect(comments_location(article, 1, newest_first=newest_first(request)))
    if not (number.isascii() and number.isdigit()):
        raise Http404("No such page of comments.")
    open_ = services.comments_open(article=article)
    try:
        context = comments_context(request, article, number=int(number), open_=open_)
    except InvalidPage as error:
        raise Http404(str(error)) from error
    context.update(article=article, comments_open=open_)
    response = render(request, "articles/comments_page.html", context)
    response["X-Robots-Tag"] = "noindex, follow"
    return response


def comments_location(article: Article, number: int, *, newest_first: bool) -> str:
    """The address of a page of the article's comments: the article's own for the first."""
    order = {"order": "newest"} if newest_first else {}
    if number == 1:
        query = f"?{urlencode(order)}" if order else ""
        return f"{article.get_absolute_url()}{query}#comments"
    query = urlencode({"page": number, **order})
    return f"{reverse('articles:comments', kwargs={'slug': article.slug})}?{query}#comments"


def comment_location(comment: Comment) -> str:
    """Where a public comment shows, in the default order: its page, at the comment."""
    page = comments_location(comment.article, comment_page_number(comment), newest_first=False)
    return page.replace("#comments", f"#comment-{comment.pk}")


@require_POST
def comment_post(request, slug):
    """Post a comment and come back to the article's comments (POST, redirect, GET)."""
    article = article_selectors.article_for_page(slug=slug)
    if not services.comments_open(article=article):
        return _closed(request, article)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return render_article_page(request, article, form=form, status=400)
    back = f"{article.get_absolute_url()}#comment-form"
    if form.is_bot:
        # Look like success, so that the bot learns nothing.
        logger.info("comment on article %s dropped: honeypot filled", article.pk)
        messages.success(request, AWAITING_MODERATION, extra_tags=AT_FORM)
        return redirect(back)
    email = form.cleaned_data["author_email"]
    if not _within_rate_limit(request, email=email):
        logger.warning("comment on article %s refused: rate limit", article.pk)
        return _rate_limited(request, article)
    stored, started = False, timezone.now()
    try:
        comment = services.comment_create(
            article=article,
            author_name=form.cleaned_data["author_name"],
            author_email=email,
            body=form.cleaned_data["body"],
            parent=form.cleaned_data["parent"],
            user=request.user,
        )
        stored = comment.pk is not None and comment.created_at >= started
    except services.CommentsClosed:
        return _closed(request, article)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return render_article_page(request, article, form=form, status=400)
    finally:
        if not stored:
            _give_back_email_count(email)
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, PUBLISHED, extra_tags=at_comment(comment))
        return redirect(comment_location(comment))
    messages.success(request, AWAITING_MODERATION, extra_tags=AT_FORM)
    return redirect(back)


@require_http_methods(["GET", "HEAD", "POST"])
def comment_report(request, slug, pk):
    """A reader flags a published comment for the moderators, once per reader: a small
    page with the reasons to choose from (GET), then the report (POST)."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    comment = get_object_or_404(
        Comment.objects.public().select_related("article"), pk=pk, article=article
    )
    form = CommentReportForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        response = render(
            request,
            "articles/comment_report.html",
            {
                "article": article,
                "comment": comment,
                "form": form,
                "back": comment_location(comment),
            },
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    reason = form.cleaned_data["reason"] if form.is_valid() else CommentReport.Reason.OTHER
    created = services.comment_report(
        comment=comment,
        reporter_key=services.reporter_key(ip_address=client_ip(request)),
        reason=reason,
    )
    if created:
        messages.success(
            request,
            "Thanks — a moderator will look at this comment.",
            extra_tags=at_comment(comment),
        )
    else:
        messages.info(
            request, "You have already reported this comment.", extra_tags=at_comment(comment)
        )
    return redirect(comment_location(comment))


def client_ip(request) -> str:
    """The reader's address: REMOTE_ADDR, or the header the site's proxy sets.

    With `NEWSROOM_CLIENT_IP_HEADER` (e.g. "HTTP_X_FORWARDED_FOR") the last
    address in the header counts: the one our own proxy added, not one the
    client could have written.
    """
    header = settings.NEWSROOM_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _within_rate_limit(request, *, email: str) -> bool:
    """Every attempt counts against the address it comes from; against an email, only
    the comments stored under it, so that nobody can silence a commenter by sending
    refused posts in their name."""
    limit = settings.NEWSROOM_COMMENTS_RATE_LIMIT
    period = settings.NEWSROOM_COMMENTS_RATE_PERIOD
    if not ratelimit.hit(scope="comment-ip", key=client_ip(request), limit=limit, period=period):
        return False
    if not ratelimit.hit(
        scope="comment-email", key=services.email_key(email), limit=limit, period=period
    ):
        _give_back_email_count(email)
        return False
    return True


def _give_back_email_count(email: str) -> None:
    ratelimit.give_back(
        scope="comment-email",
        key=services.email_key(email),
        period=settings.NEWSROOM_COMMENTS_RATE_PERIOD,
    )


def _rate_limited(request, article: Article):
    period = settings.NEWSROOM_COMMENTS_RATE_PERIOD
    response = render(
        request,
        "articles/comment_rate_limited.html",
        {"article": article, "minutes": max(1, period // 60)},
        status=429,
    )
    response["Retry-After"] = str(period)
    return response


def _closed(request, article: Article):
    return render(request, "articles/comments_closed.html", {"article": article}, status=403)
