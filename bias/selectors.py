"""Reads of assessments and ratings: the blind panel for staff, current ratings for readers."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from articles.workflow import SUBMITTED
from bias import scale
from bias.models import AnalystProfile, Assessment, AssessmentRequest, Rating
from bias.permissions import can_assess, can_sign_off, can_view_assessments

# Analysts rate articles once they are submitted (in review or published); editors
# sign off ratings at the same stages.
RATEABLE = SUBMITTED

RATING_FIELDS = (
    "label",
    "why",
    "position",
    "published_at",
    "analyst_count",
    "confidence",
    "panel_leans",
    "balanced",
)


@dataclass(frozen=True)
class CurrentRating:
    label: str
    why: str
    position: int
    published_at: datetime
    analyst_count: int
    confidence: str
    panel_leans: str = ""
    balanced: bool = False
    previous_label: str | None = None

    @property
    def lean(self) -> str:
        return scale.lean(self.position)

    def get_confidence_display(self) -> str:
        return scale.Confidence(self.confidence).label if self.confidence else ""

    @property
    def panel_text(self) -> str:
        """The panel's leans, as readers are told them: "left, center, right", or
        "center, right; no left-leaning analyst"; "" when not recorded."""
        return panel_text(self.panel_leans, self.balanced)


def panel_text(panel_leans: str, balanced: bool) -> str:
    leans = [lean for lean in panel_leans.split(",") if lean]
    if not leans:
        return ""
    text = ", ".join(leans)
    if not balanced:
        missing = [lean.value for lean in scale.LEANS if lean not in leans]
        text += f"; no {' or '.join(missing)}-leaning analyst"
    return text


def _published_ratings():
    """The ratings in force of the article of the outer query, current first."""
    return Rating.objects.in_force().filter(article=OuterRef("pk"))


CARD_FIELDS = ("label", "position")


def with_current_rating(
    articles: QuerySet, *, fields=RATING_FIELDS, history: bool = False
) -> QuerySet:
    """Annotate each article with its current rating, inside the article query itself.

    The current rating is the latest whose publication time has come. Reading it
    this way costs no query of its own, on one article or a page of cards. With
    history, the label it replaced comes too.
    """
    current = _published_ratings()
    annotations = {f"rating_{name}": Subquery(current.values(name)[:1]) for name in fields}
    if history:
        annotations["rating_previous_label"] = Subquery(current.values("label")[1:2])
    return articles.annotate(**annotations)


def current_rating(article) -> CurrentRating | None:
    """The rating annotated by with_current_rating, or None when the article has none."""
    if getattr(article, "rating_label", None) is None:
        return None
    return CurrentRating(
        **{name: getattr(article, f"rating_{name}") for name in RATING_FIELDS},
        previous_label=getattr(article, "rating_previous_label", None),
    )


def with_lean(articles: QuerySet, lean: str) -> QuerySet:
    """Articles whose current rating leans that way (left, center or right)."""
    if "rating_position" not in articles.query.annotations:
        articles = with_current_rating(articles, fields=("position",))
    if lean == scale.Direction.LEFT:
        return articles.filter(rating_position__lt=0)
    if lean == scale.Direction.RIGHT:
        return articles.filter(rating_position__gt=0)
    return articles.filter(rating_position=0)


def assessment_is_open(article) -> bool:
    """Assessments may change until a rating is published, and again once it needs re-review."""
    rating = Rating.objects.current_for(article)
    return rating is None or rating.needs_review


def assessments_visible_to(user) -> QuerySet:
    """The blind panel: an analyst sees others' assessments of an article only after
    submitting their own. Whoever signs off ratings sees every assessment."""
    assessments = Assessment.objects.select_related("article", "analyst")
    if can_sign_off(user):
        return assessments
    own = Assessment.objects.filter(analyst=user.pk)
    return assessments.filter(Q(analyst=user.pk) | Q(article__in=own.values("article")))


def may_read_for_assessment(user, article) -> bool:
    """Editors, and analysts reading an article they may rate."""
    return can_sign_off(user) or (can_assess(user) and article.status in RATEABLE)


def may_see_panel(user, article) -> bool:
    if can_sign_off(user):
        return True
    return can_view_assessments(user) and article.assessments.filter(analyst=user.pk).exists()


def panel_for(article) -> tuple[list[Assessment], scale.Panel | None]:
    """Every assessment of the article, side by side, and what they add up to."""
    assessments = list(article.assessments.select_related("analyst").order_by("submitted_at", "pk"))
    return assessments, scale.aggregate([assessment.vote for assessment in assessments])


def open_requests() -> QuerySet:
    """Requests to assess that the analyst has not answered yet."""
    answered = Assessment.objects.filter(article=OuterRef("article"), analyst=OuterRef("analyst"))
    return AssessmentRequest.objects.exclude(Exists(answered))


def requested_of(articles: QuerySet, user) -> QuerySet:
    """The articles this analyst has been asked to assess and has not yet."""
    return articles.filter(pk__in=open_requests().filter(analyst=user.pk).values("article"))


def askable_analysts() -> QuerySet:
    """The profiles of analysts an editor may ask to assess: the profile active, the account
    active, and the right to assess (`bias.add_assessment`, through a group or their own),
    as `can_assess` says it of one person."""
    from django.contrib.auth.models import Permission

    assess = Permission.objects.filter(
        content_type__app_label="bias", codename="add_assessment"
    ).values("pk")
    may = Exists(
        Permission.objects.filter(
            Q(group__user=OuterRef("user")) | Q(user=OuterRef("user")), pk__in=assess
        )
    )
    return AnalystProfile.objects.filter(active=True, user__is_active=True).filter(
        Q(user__is_superuser=True) | may
    )


def suggested_panel(article) -> list[AnalystProfile]:
    """A balanced panel to ask: of each lean, the active analyst with the fewest requests
    still open who has neither assessed this article nor been asked to. Fewer than three
    when some lean has nobody left to ask."""
    taken = {*article.assessments.values_list("analyst", flat=True)}
    taken |= {*article.assessment_requests.values_list("analyst", flat=True)}
    load = dict(open_requests().order_by().values_list("analyst").annotate(n=Count("pk")))
    profiles = askable_analysts().select_related("user")
    chosen = []
    for lean in scale.LEANS:
        candidates = [p for p in profiles if p.lean == lean and p.user_id not in taken]
        if candidates:
            chosen.append(
                min(candidates, key=lambda p: (load.get(p.user_id, 0), p.user.get_username()))
            )
    return chosen


def with_assessment_by(articles: QuerySet, user) -> QuerySet:
    """Mark each article with whether this analyst has assessed it."""
    mine = Assessment.objects.filter(article=OuterRef("pk"), analyst=user.pk)
    return articles.annotate(assessed_by_me=Exists(mine))


def with_rating_state(articles: QuerySet) -> QuerySet:
    """Annotate the current rating's label, its re-review mark and the panel size, for the desk."""
    current = _published_ratings()
    return articles.annotate(
        rating_label=Subquery(current.values("label")[:1]),
        rating_needs_review=Subquery(current.values("needs_review")[:1]),
        assessment_count=Subquery(
            Assessment.objects.filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
    )


@dataclass(frozen=True)
class Bar:
    position: int
    label: str
    count: int


@dataclass(frozen=True)
class TagLean:
    name: str
    slug: str
    left: int
    center: int
    right: int

    @property
    def total(self) -> int:
        return self.left + self.center + self.right

    @property
    def leans(self) -> str | None:
        """Left or right when coverage under this tag leans one way, else None."""
        if self.total < LEAN_MIN_ARTICLES:
            return None
        for side, count in ((scale.Direction.LEFT, self.left), (scale.Direction.RIGHT, self.right)):
            if count * LEAN_SHARE_DENOMINATOR >= self.total * LEAN_SHARE_NUMERATOR:
                return side
        return None


# A tag's coverage leans one way when at least two thirds of at least three
# rated articles under it lean to the same side.
LEAN_MIN_ARTICLES = 3
LEAN_SHARE_NUMERATOR, LEAN_SHARE_DENOMINATOR = 2, 3
TAGS_SHOWN = 30


def rating_distribution(published: QuerySet) -> tuple[list[Bar], list[TagLean]]:
    """How the current ratings of these (published) articles spread along the axis:
    one bar per point, and left / center / right counts for the most-covered tags.
    Counted by the database in two queries, whatever the number of articles."""
    rated = with_current_rating(published, fields=("position",)).filter(
        rating_position__isnull=False
    )
    counts = dict(
        rated.order_by()
        .values("rating_position")
        .annotate(n=Count("pk", distinct=True))
        .values_list("rating_position", "n")
    )
    bars = [Bar(point, scale.axis_label(point), counts.get(point, 0)) for point in scale.AXIS]
    by_tag: dict[str, dict] = {}
    rows = (
        rated.order_by()
        .values("tags__slug", "tags__name", "rating_position")
        .annotate(n=Count("pk", distinct=True))
        .filter(tags__slug__isnull=False)
    )
    for row in rows:
        tag = by_tag.setdefault(
            row["tags__slug"], {"name": row["tags__name"], "slug": row["tags__slug"]}
        )
        side = scale.lean(row["rating_position"]).value
        tag[side] = tag.get(side, 0) + row["n"]
    tags = [
        TagLean(
            name=tag["name"],
            slug=tag["slug"],
            left=tag.get("left", 0),
            center=tag.get("center", 0),
            right=tag.get("right", 0),
        )
        for tag in by_tag.values()
    ]
    tags.sort(key=lambda tag: (-tag.total, tag.name.lower()))
    return bars, tags[:TAGS_SHOWN]


def _open_for_rating(articles: QuerySet) -> QuerySet:
    """Articles in review or published whose rating is missing or due for re-review."""
    if "rating_label" not in articles.query.annotations:
        articles = with_rating_state(articles)
    return articles.filter(status__in=RATEABLE).filter(
        Q(rating_label__isnull=True) | Q(rating_needs_review=True)
    )


def awaiting_assessment(articles: QuerySet, user) -> QuerySet:
    """What this analyst still has to rate."""
    return _open_for_rating(with_assessment_by(articles, user)).filter(assessed_by_me=False)


def awaiting_sign_off(articles: QuerySet) -> QuerySet:
    """What the panel has rated and an editor has yet to sign off."""
    return _open_for_rating(articles).filter(assessment_count__gt=0)
