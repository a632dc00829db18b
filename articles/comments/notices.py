"""Messages for readers, shown where the reader is: beside the comment they reported,
or at the comment form after posting."""

from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage

AT_FORM = "at-comment-form"


def at_comment(comment) -> str:
    return f"at-comment-{comment.pk}"


def has_messages(request) -> bool:
    """Whether the reader has a message waiting (counting them leaves them to be shown)."""
    return CookieStorage.cookie_name in request.COOKIES and len(messages.get_messages(request)) > 0


def placed_notices(request, threads) -> dict:
    """Each waiting message beside what it is about; the rest above the comments."""
    by_place: dict[str, list] = {}
    for message in messages.get_messages(request):
        by_place.setdefault(message.extra_tags or "", []).append(message)
    for comment in threads:
        for shown in (comment, *getattr(comment, "thread", [])):
            shown.notices = by_place.pop(at_comment(shown), [])
    form_notices = by_place.pop(AT_FORM, [])
    return {
        "form_notices": form_notices,
        "comment_notices": [message for placed in by_place.values() for message in placed],
    }
