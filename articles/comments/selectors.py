"""Reads of reader comments: for public pages only what is public, for the moderators' queue
what each card shows; each in a fixed number of queries."""

import math
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models import Count, Q

from articles.models import Article, Comment, Commenter, CommentReport
from newsroom.admin import parse_pk


@dataclass
class CommentPage:
    """One page of an article's comment threads: top-level comments, each with its
    approved replies (oldest first) in `thread`."""

    threads: list[Comment]
    number: int
    num_pages: int
    newest_first: bool

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def comment_page(*, article: Article, number: int = 1, newest_first: bool = False) -> CommentPage:
    """A page of the article's public comment threads, `NEWSROOM_COMMENTS_PER_PAGE` of them.

    Two queries whatever the number of comments: the number of threads, then the
    page's top-level comments with their replies. A reply shows only under its parent,
    so a reply to a comment that is not (or no longer) approved is not shown. A page
    number past the last raises InvalidPage (the first page always exists).
    """
    per_page = settings.NEWSROOM_COMMENTS_PER_PAGE
    top_level = article.comments.approved().filter(parent__isnull=True)
    num_pages = max(1, math.ceil(top_level.count() / per_page))
    if not 1 <= number <= num_pages:
        raise InvalidPage(f"There is no page {number} of comments.")
    order = ("-created_at", "-pk") if newest_first else ("created_at", "pk")
    start = (number - 1) * per_page
    on_page = top_level.order_by(*order).values("pk")[start : start + per_page]
    rows = Comment.objects.approved().filter(Q(pk__in=on_page) | Q(parent__in=on_page))
    threads, replies = [], defaultdict(list)
    for comment in rows.order_by("created_at", "pk"):
        if comment.parent_id is None:
            threads.append(comment)
        else:
            replies[comment.parent_id].append(comment)
    if newest_first:
        threads.reverse()
    for comment in threads:
        comment.thread = replies.get(comment.pk, [])
    return CommentPage(threads, number, num_pages, newest_first)


def public_count(*, article: Article) -> int:
    """Every comment of the article that readers see, replies included."""
    return Comment.objects.public().filter(article=article).count()


def thread_to_reply_to(*, article: Article, pk) -> Comment | None:
    """The public top-level comment of this article that `pk` names, or None."""
    pk = parse_pk(pk, Comment)
    if pk is None:
        return None
    return Comment.objects.public().filter(article=article, pk=pk, parent__isnull=True).first()


def comment_page_number(comment: Comment, *, newest_first: bool = False) -> int:
    """The page of its article's comments on which this public comment shows."""
    top = comment.parent or comment
    earlier = Comment.objects.approved().filter(article=top.article_id, parent__isnull=True)
    if newest_first:
        before = Q(created_at__gt=top.created_at) | Q(created_at=top.created_at, pk__gt=top.pk)
    else:
        before = Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk)
    return earlier.filter(before).count() // settings.NEWSROOM_COMMENTS_PER_PAGE + 1


def queue_details(comments: list[Comment]) -> None:
    """Give each comment of a moderation queue's page what its card shows besides its row:
    the readers' open reports by reason (`report_reasons`) and what moderators know of
    the commenter (`commenter`). Two queries for the page, whatever its length."""
    reasons: dict[int, list[tuple[str, int]]] = defaultdict(list)
    labels = dict(CommentReport.Reason.choices)
    open_reports = (
        CommentReport.objects.filter(comment__in=[c.pk for c in comments], resolved_at__isnull=True)
        .values("comment", "reason")
        .annotate(count=Count("pk"))
        .order_by("comment", "-count", "reason")
    )
    for row in open_reports:
        reasons[row["comment"]].append((labels.get(row["reason"], row["reason"]), row["count"]))
    emails = {comment.author_email for comment in comments}
    known = {c.email: c for c in Commenter.objects.filter(email__in=emails)} if emails else {}
    for comment in comments:
        comment.report_reasons = reasons.get(comment.pk, [])
        comment.commenter = known.get(comment.author_email)


def commenter(email: str) -> Commenter | None:
    return Commenter.objects.filter(email=email).first()


# The most of one commenter's comments shown at once, newest first.
COMMENTER_PAGE = 100


def commenter_record(email: str) -> dict:
    """Everything moderators see of one commenter: counts by status, the latest comments,
    the note and standing, and every change of standing."""
    theirs = Comment.objects.filter(author_email=email)
    counts = dict(theirs.order_by().values_list("status").annotate(n=Count("pk")))
    known = commenter(email)
    return {
        "commenter": known,
        "counts": [(label, counts.get(value, 0)) for value, label in Comment.Status.choices],
        "total": sum(counts.values()),
        "comments": list(
            theirs.select_related("article").order_by("-created_at", "-pk")[:COMMENTER_PAGE]
        ),
        "standing_changes": list(known.changes.select_related("changed_by")) if known else [],
    }
