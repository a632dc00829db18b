"""How far the analysts agree, published: Krippendorff's alpha over their first, blind scores.

Each public article whose current rating was signed off from two or more analysts is a
unit; its values are the panel's first, blind positions on the axis (-3 to +3), as the
rating's snapshot kept them at sign-off — never a revision made after seeing the panel,
so that reconciliation cannot flatter the figure. Alpha counts agreement within units,
so which analyst gave which score does not enter it. It is computed at the interval
level (the positions are evenly spaced) and at the ordinal level (only their order
counts), by the `krippendorff` package.
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import krippendorff
import numpy
from django.utils import timezone
from taggit.models import TaggedItem

from articles.models import Article
from bias import scale
from bias.models import AnalystProfile, Assessment, Rating

# Readings of alpha, as Krippendorff gives them: data are reliable from 0.8; conclusions
# from 0.667 to 0.8 are tentative; below, the scores are not yet reliable.
RELIABLE = 0.8
TENTATIVE = 0.667
# A tag gets its own figure once this many of its articles are rated by a panel.
TAG_MIN_ARTICLES = 10


def alpha(units: Sequence[Sequence[float]], level: str) -> float | None:
    """Krippendorff's alpha of these units (each the values its coders gave) at this level
    of measurement ("nominal", "ordinal", "interval", "ratio"); None when it is not
    defined: no unit with two values, or no variation at all to disagree about."""
    units = [list(unit) for unit in units if len(unit) >= 2]
    if not units:
        return None
    slots = max(len(unit) for unit in units)
    matrix = numpy.full((slots, len(units)), numpy.nan)
    for column, unit in enumerate(units):
        matrix[: len(unit), column] = unit
    values = numpy.unique(matrix[~numpy.isnan(matrix)])
    if len(values) < 2:
        return None
    on_axis = level == "ordinal" and set(values) <= set(scale.AXIS)
    value = krippendorff.alpha(
        reliability_data=matrix,
        level_of_measurement=level,
        value_domain=list(scale.AXIS) if on_axis else None,
    )
    return None if math.isnan(value) else float(value)


def reading(value: float | None) -> str:
    if value is None:
        return "not enough ratings yet"
    if value >= RELIABLE:
        return "reliable"
    if value >= TENTATIVE:
        return "tentative"
    return "not yet reliable"


@dataclass(frozen=True)
class Reliability:
    interval: float | None
    ordinal: float | None
    articles: int
    analysts: int
    computed_at: datetime
    name: str = ""  # a tag's, for the figures per tag

    @property
    def reading(self) -> str:
        return reading(self.interval)


@dataclass(frozen=True)
class Panel:
    """One rated article's panel, as its current rating's snapshot kept it."""

    blind: list[float]
    analysts: frozenset[int]


def rated_panels(articles=None) -> dict[int, Panel]:
    """Each public article whose current rating came from two or more analysts, with its
    panel at sign-off. One query."""
    articles = Article.objects.published() if articles is None else articles
    ratings = (
        Rating.objects.in_force()
        .filter(article__in=articles)
        .order_by("article", "-published_at", "-pk")
        .values_list("article", "analyst_count", "panel_snapshot")
    )
    panels: dict[int, Panel] = {}
    seen: set[int] = set()
    for article, analyst_count, snapshot in ratings:
        if article in seen:
            continue  # an earlier rating of the article: history, not its current panel
        seen.add(article)
        blind = list(snapshot.get("blind", []))
        if analyst_count >= 2 and len(blind) >= 2:
            panels[article] = Panel(blind, frozenset(snapshot.get("analysts", [])))
    return panels


def measure(panels: list[Panel], *, name: str = "") -> Reliability:
    units = [panel.blind for panel in panels]
    return Reliability(
        interval=alpha(units, "interval"),
        ordinal=alpha(units, "ordinal"),
        articles=len(units),
        analysts=len(frozenset().union(*(panel.analysts for panel in panels))),
        computed_at=timezone.now(),
        name=name,
    )


def panel_reliability() -> tuple[Reliability, list[Reliability]]:
    """Alpha over every rated public article, and over each tag with at least
    TAG_MIN_ARTICLES of them, most-rated first. Two queries, whatever the number."""
    panels = rated_panels()
    tagged: dict[str, list[Panel]] = defaultdict(list)
    rows = TaggedItem.objects.filter(
        content_type__app_label="articles",
        content_type__model="article",
        object_id__in=Article.objects.published().values("pk"),
    ).values_list("object_id", "tag__name")
    for article, name in rows:
        if article in panels:
            tagged[name].append(panels[article])
    tags = [
        measure(tag_panels, name=name)
        for name, tag_panels in sorted(tagged.items(), key=lambda item: (-len(item[1]), item[0]))
        if len(tag_panels) >= TAG_MIN_ARTICLES
    ]
    return measure(list(panels.values())), tags


@dataclass(frozen=True)
class Calibration:
    """One analyst against the panels they sat on, by first, blind scores."""

    analyst: object  # the user
    lean: str
    assessments: int
    panels: int  # of two or more analysts
    mean_distance: float | None  # signed: below zero, to the left of the panel's median
    outside: int  # panels where the score fell outside the others' range

    @property
    def outside_share(self) -> float | None:
        return self.outside / self.panels if self.panels else None

    @property
    def mean_distance_text(self) -> str:
        """+0.50, -1.00, or a dash when the analyst sat on no panel."""
        return "—" if self.mean_distance is None else f"{self.mean_distance:+.2f}"


def calibration() -> list[Calibration]:
    """For editors: each analyst's number of assessments, the mean signed distance of
    their blind scores from their panels' medians (who leans which way against the
    panel), and how often they were outside the range of the other analysts' scores.
    Two queries, whatever the number of assessments."""
    rows = Assessment.objects.values_list("article", "analyst", "blind_direction", "blind_strength")
    by_article: dict[int, dict[int, int]] = defaultdict(dict)
    for article, analyst, direction, strength in rows:
        by_article[article][analyst] = scale.position(direction, strength)
    counts: dict[int, int] = defaultdict(int)
    distances: dict[int, list[float]] = defaultdict(list)
    outside: dict[int, int] = defaultdict(int)
    for unit in by_article.values():
        median = float(numpy.median(list(unit.values())))
        for analyst, score in unit.items():
            counts[analyst] += 1
            others = [value for who, value in unit.items() if who != analyst]
            if not others:
                continue
            distances[analyst].append(score - median)
            if not min(others) <= score <= max(others):
                outside[analyst] += 1
    profiles = AnalystProfile.objects.select_related("user").order_by("user__username")
    return [
        Calibration(
            analyst=profile.user,
            lean=profile.get_lean_display(),
            assessments=counts.get(profile.user_id, 0),
            panels=len(distances.get(profile.user_id, [])),
            mean_distance=(
                sum(distances[profile.user_id]) / len(distances[profile.user_id])
                if distances.get(profile.user_id)
                else None
            ),
            outside=outside.get(profile.user_id, 0),
        )
        for profile in profiles
    ]
