"""Signed, expiring preview links for people without an account; each names its
`PreviewLink` row, so that it stops working as soon as the link is revoked."""

from django.conf import settings
from django.core import signing

from articles.models import PreviewLink

SALT = "articles.preview"


def preview_token(link: PreviewLink) -> str:
    return signing.dumps({"article": link.article_id, "link": link.pk}, salt=SALT, compress=True)


def article_id_from_token(token: str) -> int | None:
    """The article a token names while its link is active, or None when the token is
    forged, altered or expired, or its link was revoked."""
    max_age = settings.NEWSROOM_PREVIEW_MAX_AGE_HOURS * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict):
        return None
    article_id, link_id = data.get("article"), data.get("link")
    if not (isinstance(article_id, int) and isinstance(link_id, int)):
        return None
    if not PreviewLink.objects.active().filter(pk=link_id, article_id=article_id).exists():
        return None
    return article_id
