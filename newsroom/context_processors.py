from functools import lru_cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from newsroom.standards.pages import standards_links, standards_urls


@lru_cache(maxsize=1)
def site_links() -> dict:
    """The addresses every page's head, header and footer link to: the same on every
    page, so worked out once per process rather than once per page."""
    return {
        "home_url": reverse("articles:home"),
        "methodology_url": reverse("bias:methodology"),
        "search_url": reverse("articles:search"),
        "corrections_url": reverse("articles:corrections"),
        "latest_feed_url": reverse("articles:feed_latest"),
        "favicon_url": static("favicon.svg"),
        "stylesheet_url": static("css/site.css"),
        "standards_urls": standards_urls(),
        "standards_links": standards_links(),
    }


def site(request):
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_language": settings.LANGUAGE_CODE,
        "time_zone_name": settings.TIME_ZONE,
        **site_links(),
    }
