"""How the rating joins the articles app, which does not know of it: `register()`,
called from `BiasConfig.ready()`, plugs each function here into `articles.hooks`,
the article events and the page cache."""

from django.conf import settings
from django.db.models import Max, Q

from articles import events, hooks
from articles.workflow import SUBMITTED
from bias import scale, selectors, services
from bias.models import Rating, in_force_q
from bias.permissions import can_assess

# Feeds carry the label as a category of its own, under this domain.
BIAS_CATEGORY_DOMAIN = "tone-and-political-bias"


def publish_requirements(article) -> list[str]:
    """A published rating of the text as it stands, unless the site publishes without one
    (`NEWSROOM_REQUIRE_BIAS_RATING`)."""
    if not settings.NEWSROOM_REQUIRE_BIAS_RATING:
        return []
    rating = Rating.objects.current_for(article)
    if rating is None:
        return ["a published bias rating"]
    if rating.needs_review:
        return ["its bias rating re-reviewed, since the text changed"]
    return []


def annotate_articles(articles, *, detail: bool):
    """Cards show the label and its place on the scale; the page and feeds the whole rating."""
    if detail:
        return selectors.with_current_rating(articles, history=True)
    return selectors.with_current_rating(articles, fields=selectors.CARD_FIELDS)


def page_context(article) -> dict:
    return {"rating": selectors.current_rating(article)}


def feed_additions(article) -> hooks.FeedAdditions:
    rating = selectors.current_rating(article)
    if rating is None:
        return hooks.FeedAdditions()
    return hooks.FeedAdditions(
        categories=[(rating.label, BIAS_CATEGORY_DOMAIN)],
        lines=[f"Tone & Political Bias: {rating.label}"],
    )


def feed_last_change(public: Q) -> dict:
    """A rating coming into force changes the feeds that show its article."""
    return {"rated": Max("ratings__published_at", filter=public & in_force_q("ratings__"))}


LEAN_CHOICES = [("", "All"), *((d.value, d.label) for d in scale.Direction)]

LEAN_FILTER = hooks.ListingFilter(
    parameter="lean",
    values=tuple(scale.Direction.values),
    refusal="There is no such lean to filter by: choose left, center or right.",
    apply=selectors.with_lean,
    context=lambda lean: {"lean": lean, "lean_choices": LEAN_CHOICES},
)


def visible_articles(user) -> Q:
    """Analysts read the articles they may rate."""
    return Q(status__in=SUBMITTED) if can_assess(user) else Q(pk__in=[])


def scheduled_changes():
    return Rating.objects.scheduled().values_list("published_at", flat=True)


def review_rating_of_changed_text(sender, *, article, **kwargs) -> None:
    services.rating_review_if_text_changed(article=article)


def register() -> None:
    hooks.publish_requirements.register(publish_requirements)
    hooks.annotate_articles.register(annotate_articles)
    hooks.page_context.register(page_context)
    hooks.feed_additions.register(feed_additions)
    hooks.feed_last_change.register(feed_last_change)
    hooks.listing_filters.register(LEAN_FILTER)
    hooks.visible_articles.register(visible_articles)
    hooks.scheduled_changes.register(scheduled_changes)
    events.article_text_changed.connect(
        review_rating_of_changed_text, dispatch_uid="bias-review-changed-text"
    )
