from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY_MESSAGE = (
    "DJANGO_SECRET_KEY is not set. Set it to a long random string in production "
    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
    "or set DJANGO_DEBUG=1 for local development."
)


def require_secret_key() -> None:
    """Refuse to serve without a secret key rather than sign sessions and CSRF tokens with none."""
    try:
        settings.SECRET_KEY  # noqa: B018 - Django raises on an empty key when it is read
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(MISSING_KEY_MESSAGE) from error
