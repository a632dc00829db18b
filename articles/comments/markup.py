"""The markup of a page of comment threads, built in one pass.

A page holds up to `NEWSROOM_COMMENTS_PER_PAGE` threads with their replies; each
comment is a few lines of HTML, made here with `format_html` (every value escaped)
rather than a template included once per comment, which cost most of the article
page's time. `templates/includes/comments/section.html` places the result.
"""

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import SafeString, mark_safe

COMMENT = (
    '<article class="comment{}" id="comment-{}">'
    '<p class="comment__meta"><span class="comment__author">{}</span>{}'
    ' · <a class="comment__permalink" href="#comment-{}">'
    '<time datetime="{}">{}</time></a></p>'
    '<div class="comment__body">{}</div>{}'
    '<div class="comment__actions">{}'
    '<a class="comment__report" href="{}" rel="nofollow">Report</a></div>'
    "{}</article>"
)
STAFF_BADGE = ' <span class="badge badge--staff" title="{} staff">Staff</span>'
NOTICE = '<p class="message message--{} comment__notice" role="status">{}</p>'
REPLY_LINK = '<a class="comment__reply" href="{}?reply_to={}#comment-form">Reply</a>'


def threads_html(threads, *, article, can_reply: bool, site_name: str) -> SafeString:
    """Each thread: its comment, then its replies in a block of their own."""
    article_url = article.get_absolute_url()
    # A comment's report page is "<pk>/report/" under the article's comments (see urls.py).
    comments_url = f"{article_url}comments/"
    parts = []
    for comment in threads:
        replies = getattr(comment, "thread", [])
        replies_html = ""
        if replies:
            replies_html = format_html(
                '<div class="comment__replies">{}</div>',
                mark_safe(  # noqa: S308 - each part was built by format_html
                    "".join(
                        _comment(reply, comments_url, article_url, None, site_name)
                        for reply in replies
                    )
                ),
            )
        parts.append(
            _comment(comment, comments_url, article_url, can_reply, site_name, replies=replies_html)
        )
    return mark_safe("".join(parts))  # noqa: S308 - each part was built by format_html


def _comment(comment, comments_url, article_url, can_reply, site_name, replies="") -> str:
    created = timezone.localtime(comment.created_at)
    return format_html(
        COMMENT,
        " comment--reply" if can_reply is None else "",
        comment.pk,
        comment.author_name,
        format_html(STAFF_BADGE, site_name) if comment.by_staff else "",
        comment.pk,
        date_format(created, "Y-m-d\\TH:i:sO"),
        date_format(created, "j F Y, H:i"),
        mark_safe(linebreaks(comment.body, autoescape=True)),  # noqa: S308 - escaped by it
        format_html_join("", NOTICE, ((m.level_tag, m) for m in getattr(comment, "notices", []))),
        format_html(REPLY_LINK, article_url, comment.pk) if can_reply else "",
        f"{comments_url}{comment.pk}/report/",
        replies,
    )
