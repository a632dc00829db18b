"""Reads of reader comments: for public pages only what is public, for the moderators' queue
what each card shows; each in a fixed number of queries."""

from collections import defaultdict

from django.db.models import Count

from articles.models import Article, Comment, Commenter, CommentReport


def comment_threads(*, article: Article) -> list[Comment]:
    """The article's approved comments, oldest first, each with its approved replies in `thread`.

    One query whatever the number of comments. A reply shows only under its
    parent, so a reply to a comment that is not (or no longer) approved is not shown.
    """
    approved = list(article.comments.approved().order_by("created_at", "pk"))
    threads = {comment.pk: comment for comment in approved if comment.parent_id is None}
    for comment in threads.values():
        comment.thread = []
    for comment in approved:
        if comment.parent_id in threads:
            threads[comment.parent_id].thread.append(comment)
    return list(threads.values())


def thread_size(threads: list[Comment]) -> int:
    return sum(1 + len(comment.thread) for comment in threads)


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
