"""Readers' side of comments: the form on the article page, posting, reporting."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import selectors as article_selectors
from articles.comments import ratelimit, services
from articles.comments.forms import CommentForm, CommentReportForm
from articles.comments.notices import AT_FORM, at_comment
from articles.models import Article, Comment, CommentReport
from articles.views import render_article_page

logger = logging.getLogger(__name__)

AWAITING_MODERATION = "Thanks — your comment is awaiting moderation."
PUBLISHED = "Thanks — your comment is published."


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
        return redirect(f"{article.get_absolute_url()}#comment-{comment.pk}")
    messages.success(request, AWAITING_MODERATION, extra_tags=AT_FORM)
    return redirect(back)


@require_POST
def comment_report(request, slug, pk):
    """A reader flags a published comment for the moderators; once per reader."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    comment = get_object_or_404(Comment.objects.public(), pk=pk, article=article)
    form = CommentReportForm(request.POST)
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
    return redirect(f"{article.get_absolute_url()}#comment-{comment.pk}")


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
