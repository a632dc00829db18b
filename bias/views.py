from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.models import Article
from articles.page_cache import cache_page_for_readers
from bias import scale, selectors


@require_safe
@cache_page_for_readers
def methodology(request):
    """How ratings are made, and how the published ones spread across the scale."""
    bars, tags = selectors.rating_distribution(Article.objects.published())
    scale_rows = [
        {
            "position": scale.position(direction, strength),
            "label": scale.label(direction, strength),
        }
        for direction in scale.Direction
        for strength in scale.Strength
    ]
    scale_rows.sort(key=lambda row: (row["position"], row["label"]))
    return render(
        request,
        "bias/methodology.html",
        {
            "bars": bars,
            "tags": tags,
            "rated_count": sum(bar.count for bar in bars),
            "scale_rows": scale_rows,
            "lean_min_articles": selectors.LEAN_MIN_ARTICLES,
        },
    )
