"""The Tone & Political Bias scale, and how a panel of analysts adds up on it.

A rating is a direction (Left, Center, Right) and a strength (Slightly,
Moderately, Strongly): "Moderately Center-Leaning". On the left–right axis it
sits at -strength for Left, +strength for Right and 0 for Center, so that
meters, charts and the panel's median all share one number line from -3 to +3.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models

AXIS = range(-3, 4)


class Direction(models.TextChoices):
    LEFT = "left", "Left"
    CENTER = "center", "Center"
    RIGHT = "right", "Right"


class Strength(models.IntegerChoices):
    SLIGHTLY = 1, "Slightly"
    MODERATELY = 2, "Moderately"
    STRONGLY = 3, "Strongly"


class ToneLevel(models.TextChoices):
    NONE = "none", "None"
    SOME = "some", "Some"
    HEAVY = "heavy", "Heavy"


class Confidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


def label(direction: str, strength: int) -> str:
    """ "Moderately Center-Leaning": what readers see."""
    return f"{Strength(strength).label} {Direction(direction).label}-Leaning"


def position(direction: str, strength: int) -> int:
    """Where a rating sits on the left–right axis, from -3 to +3."""
    if direction == Direction.CENTER:
        return 0
    return -strength if direction == Direction.LEFT else strength


def lean(position: int) -> str:
    """The direction a position on the axis leans: left, center or right."""
    if position < 0:
        return Direction.LEFT
    return Direction.RIGHT if position > 0 else Direction.CENTER


def axis_label(position: int) -> str:
    """The label of a point on the axis; the center point reads simply "Center"."""
    if position == 0:
        return Direction.CENTER.label
    return f"{Strength(abs(position)).label} {Direction(lean(position)).label}"


@dataclass(frozen=True)
class Vote:
    """One analyst's score, with the analyst's own lean ("" when not known)."""

    direction: str
    strength: int
    lean: str = ""

    @property
    def position(self) -> int:
        return position(self.direction, self.strength)


LEANS = (Direction.LEFT, Direction.CENTER, Direction.RIGHT)


@dataclass(frozen=True)
class Panel:
    """What a set of analysts' assessments of one article add up to."""

    size: int
    median: float
    spread: int
    confidence: str
    disagrees: bool
    direction: str
    strength: int
    # The analysts' own leans, left to right, each once; balanced: one of each at least.
    leans: tuple[str, ...] = ()
    balanced: bool = False

    @property
    def missing_leans(self) -> tuple[str, ...]:
        return tuple(lean for lean in LEANS if lean not in self.leans)

    @property
    def label(self) -> str:
        return label(self.direction, self.strength)

    @property
    def position(self) -> int:
        return position(self.direction, self.strength)

    def get_confidence_display(self) -> str:
        return Confidence(self.confidence).label


def confidence(size: int, spread: int, balanced: bool) -> str:
    """High: a balanced panel (an analyst of each lean) of three or more, within one
    point; Medium: two or more analysts within two points; Low otherwise."""
    if balanced and size >= 3 and spread <= 1:
        return Confidence.HIGH
    if size >= 2 and spread <= 2:
        return Confidence.MEDIUM
    return Confidence.LOW


def aggregate(votes: Sequence[Vote]) -> Panel | None:
    """The panel's rating: the median position, how far apart the analysts are, whether
    it is balanced, and how sure that makes us. None when nobody has rated.

    A median halfway between two points (an even panel) is taken toward the
    center, the more cautious reading. The panel's direction is the side of the
    median; its strength is the median's distance from center, or, for a
    Center rating, the median strength of the analysts who chose Center.
    """
    if not votes:
        return None
    leans = tuple(lean for lean in LEANS if any(vote.lean == lean for vote in votes))
    balanced = len(leans) == len(LEANS)
    positions = [vote.position for vote in votes]
    median = statistics.median(positions)
    spread = max(positions) - min(positions)
    point = int(median)  # toward the center
    if point == 0:
        centrists = [vote.strength for vote in votes if vote.direction == Direction.CENTER]
        strength = int(statistics.median_low(centrists)) if centrists else Strength.SLIGHTLY
    else:
        strength = abs(point)
    return Panel(
        size=len(votes),
        median=median,
        spread=spread,
        confidence=confidence(len(votes), spread, balanced),
        disagrees=spread >= 3,
        direction=lean(point),
        strength=strength,
        leans=leans,
        balanced=balanced,
    )
