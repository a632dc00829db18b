"""Signed, expiring preview links for people without an account; each names its
`PreviewLink` row, so that it stops working as soon as the link is revoked."""

from django.core import signing

from articles.models import PreviewLink

SALT = "articles.preview"


def preview_token(link: PreviewLink) -> str:
    """The same for the link's whole life, so that the address shared is the address shown:
    the link's own row says until when it opens the article (and whether it was revoked)."""
    return signing.Signer(salt=SALT).sign_object(
        {"article": link.article_id, "link": link.pk}, compress=True
    )


def article_id_from_token(token: str) -> int | None:
    """The article a token names while its link is active, or None when the token is
    forged or altered, or its link expired or was revoked."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    article_id, link_id = data.get("article"), data.get("link")
    if not (isinstance(article_id, int) and isinstance(link_id, int)):
        return None
    if not PreviewLink.objects.active().filter(pk=link_id, article_id=article_id).exists():
        return None
    return article_id
