from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from articles import page_cache
from articles.models import Article
from articles.page_cache import article_page_dependencies, cache_page_for_readers
from bias import reliability, scale, selectors
from bias.models import Assessment, Rating


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
    # Signed-in visitors skip the page cache; the figures are kept for them too.
    overall, by_tag = page_cache.computed("panel-reliability", reliability.panel_reliability)
    return render(
        request,
        "bias/methodology.html",
        {
            "bars": bars,
            "tags": tags,
            "rated_count": sum(bar.count for bar in bars),
            "scale_rows": scale_rows,
            "lean_min_articles": selectors.LEAN_MIN_ARTICLES,
            "reliability": overall,
            "reliability_by_tag": by_tag,
            "tag_min_articles": reliability.TAG_MIN_ARTICLES,
        },
    )


@require_safe
@cache_page_for_readers(depends=article_page_dependencies)
def how_rated(request, slug):
    """How one article's rating was made, for readers: the panel's first, blind scores on
    the scale (no names), the rubric's answers counted, whether the panel reconciled, and
    every rating the article has had."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    ratings = list(Rating.objects.in_force().filter(article=article))
    if not ratings:
        raise Http404("This article has no published rating yet.")
    current = ratings[0]
    snapshot = current.panel_snapshot or {}
    count = len(snapshot.get("blind", []))
    rubric = [
        (
            Assessment._meta.get_field(name).verbose_name.capitalize(),
            [
                (scale.ToneLevel(level).label.lower(), answers)
                for level, answers in sorted(
                    snapshot.get("rubric", {}).get(name, {}).items(),
                    key=lambda item: list(scale.ToneLevel.values).index(item[0]),
                )
            ],
        )
        for name in Assessment.TONE_FIELDS
    ]
    return render(
        request,
        "bias/how_rated.html",
        {
            "article": article,
            "rating": current,
            "panel_text": selectors.panel_text(current.panel_leans, current.balanced),
            "blind_bars": score_bars(snapshot.get("blind", [])),
            "revised": snapshot.get("reconciled", []) != snapshot.get("blind", []),
            "reconciled_scores": snapshot.get("reconciled", []),
            "count": count,
            "rubric": rubric,
            "history": ratings,
        },
    )


def score_bars(positions: list[int]) -> list[selectors.Bar]:
    """How many scores sit at each point of the axis, as the chart draws them."""
    return [
        selectors.Bar(point, scale.axis_label(point), positions.count(point))
        for point in scale.AXIS
    ]
