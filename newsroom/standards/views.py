from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles.page_cache import cache_page_for_readers
from newsroom.standards.models import Standard, StandardsPage
from newsroom.standards.pages import STANDARDS, news_media_organization


def standards_dependencies(request, *args, **kwargs) -> list[str]:
    return [STANDARDS]


@require_safe
@cache_page_for_readers(depends=standards_dependencies)
def index(request):
    """Our standards, all on one page: the site's publishing principles."""
    pages = list(StandardsPage.objects.only("kind", "summary").order_by("pk"))
    order = list(Standard.values)
    pages.sort(key=lambda page: order.index(page.kind))
    return render(
        request,
        "standards/index.html",
        {
            "pages": pages,
            "organization": {"@context": "https://schema.org", **news_media_organization(request)},
            "canonical_url": request.build_absolute_uri(request.path),
        },
    )


@require_safe
@cache_page_for_readers(depends=standards_dependencies)
def page(request, kind):
    """One standards page, at its address for good."""
    if kind not in Standard.values:
        raise Http404("There is no such standards page.")
    standards_page = get_object_or_404(StandardsPage, kind=kind)
    return render(
        request,
        "standards/page.html",
        {"page": standards_page, "canonical_url": request.build_absolute_uri(request.path)},
    )
