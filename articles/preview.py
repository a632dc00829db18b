"""Signed, expiring preview links for people without an account."""

from django.conf import settings
from django.core import signing

SALT = "articles.preview"


def preview_token(article) -> str:
    return signing.dumps({"article": article.pk}, salt=SALT, compress=True)


def article_id_from_token(token: str) -> int | None:
    """The article a token names, or None when it is forged, altered or expired."""
    max_age = settings.NEWSROOM_PREVIEW_MAX_AGE_HOURS * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        return None
    article_id = data.get("article") if isinstance(data, dict) else None
    return article_id if isinstance(article_id, int) else None
