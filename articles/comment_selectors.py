"""Reads of reader comments for public pages: only what is public, in fixed queries."""

from articles.models import Article, Comment


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
