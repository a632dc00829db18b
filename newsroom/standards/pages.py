"""Where the standards live and how machines are told: the links every article carries, and
the site as a schema.org NewsMediaOrganization naming each policy (the Trust Project's
indicators). Built from the URL patterns alone, so that it costs no query."""

from functools import lru_cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from newsroom.standards.models import Standard

# Whatever changes a standards page moves this page-cache dependency on (the pages show it).
STANDARDS = "standards"
PUBLISHER_LOGO = "favicon.svg"

# schema.org's property for each policy: https://schema.org/NewsMediaOrganization.
# publishingPrinciples is the index of them all (/standards/).
SCHEMA_PROPERTIES = {
    "correctionsPolicy": Standard.CORRECTIONS,
    "ethicsPolicy": Standard.ETHICS,
    "ownershipFundingInfo": Standard.OWNERSHIP,
    "masthead": Standard.MASTHEAD,
    "unnamedSourcesPolicy": Standard.UNNAMED_SOURCES,
    "verificationFactCheckingPolicy": Standard.VERIFICATION,
    "actionableFeedbackPolicy": Standard.FEEDBACK,
}


@lru_cache(maxsize=1)
def standards_urls() -> dict[str, str]:
    """Each standards page's address by its kind ("corrections": "/standards/corrections/"),
    the index under "index" and how bias is rated under "bias"."""
    urls = {kind.value: reverse("standards:page", kwargs={"kind": kind.value}) for kind in Standard}
    urls["index"] = reverse("standards:index")
    urls["bias"] = reverse("bias:methodology")
    return urls


@lru_cache(maxsize=1)
def standards_links() -> list[tuple[str, str]]:
    """(label, address) of every standard, in the order readers see them listed."""
    urls = standards_urls()
    links = [(kind.label, urls[kind.value]) for kind in Standard]
    links.insert(1, ("How we rate bias", urls["bias"]))
    return links


def news_media_organization(request) -> dict:
    """The site as a schema.org NewsMediaOrganization, with the address of each policy."""
    urls = standards_urls()
    data = {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static(PUBLISHER_LOGO))},
        "publishingPrinciples": request.build_absolute_uri(urls["index"]),
    }
    for name, kind in SCHEMA_PROPERTIES.items():
        data[name] = request.build_absolute_uri(urls[kind.value])
    return data
