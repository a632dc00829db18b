import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """Liveness: the process answers. Touches no database."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_safe
def readyz(request):
    """Readiness: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("readiness check: database unavailable", exc_info=True)
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# Errors that mean the database cannot be reached (down, restarting, connection lost),
# as opposed to a mistake in a query.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def bad_request(request, exception):
    """The 400 handler: the plain "Bad request" page, for a host not in ALLOWED_HOSTS too.

    It renders without a request, so nothing is made from the refused host.
    With the HTTPS redirect on, SecurityMiddleware reads the host first and the
    refusal happens inside it, so its own headers are never added on the way
    out: they are set here instead.
    """
    response = HttpResponseBadRequest(loader.render_to_string("400.html"))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if settings.SECURE_REFERRER_POLICY:
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
    return response


def server_error(request):
    """The 500 handler; a database outage answers 503 instead, to say "come back soon".

    Django calls this while the exception is being handled, so it can be read
    here. Both pages render without a request: no context processor, no
    session, no user, nothing that would touch the database again.
    """
    error = sys.exception()
    if isinstance(error, DATABASE_UNAVAILABLE):
        logger.warning("database unavailable: answering 503 for %s", request.path)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))


@require_safe
def robots_txt(request):
    """Crawlers may read everything public; the admin and preview links stay out."""
    sitemaps = [request.build_absolute_uri(reverse(name)) for name in ("sitemap", "sitemap_news")]
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Allow: /",
        "",
        *(f"Sitemap: {url}" for url in sitemaps),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
