"""The scale's labels and positions, and how a panel adds up: worked examples."""

import pytest

from bias import scale
from bias.scale import Vote, aggregate

NINE = [
    ("left", 1, "Slightly Left-Leaning", -1),
    ("left", 2, "Moderately Left-Leaning", -2),
    ("left", 3, "Strongly Left-Leaning", -3),
    ("center", 1, "Slightly Center-Leaning", 0),
    ("center", 2, "Moderately Center-Leaning", 0),
    ("center", 3, "Strongly Center-Leaning", 0),
    ("right", 1, "Slightly Right-Leaning", 1),
    ("right", 2, "Moderately Right-Leaning", 2),
    ("right", 3, "Strongly Right-Leaning", 3),
]


@pytest.mark.parametrize(("direction", "strength", "label", "position"), NINE)
def test_direction_and_strength_make_label_and_position(direction, strength, label, position):
    assert scale.label(direction, strength) == label
    assert scale.position(direction, strength) == position


def test_the_seed_label_is_exact():
    assert scale.label(scale.Direction.CENTER, scale.Strength.MODERATELY) == (
        "Moderately Center-Leaning"
    )


def test_an_unknown_direction_or_strength_is_refused():
    with pytest.raises(ValueError):
        scale.label("up", 2)
    with pytest.raises(ValueError):
        scale.label("left", 4)


LEANS_IN_TURN = ("left", "center", "right")


def votes(*pairs, leans=None):
    """Votes of analysts whose own leans come in turn (left, center, right, left…) unless
    given: panels of three or more are balanced."""
    leans = leans or [LEANS_IN_TURN[n % 3] for n in range(len(pairs))]
    pairs_and_leans = zip(pairs, leans, strict=True)
    return [Vote(direction, strength, lean) for (direction, strength), lean in pairs_and_leans]


# (votes, median, spread, confidence, disagrees, panel label)
WORKED = [
    # The seed: two moderate centrists and one slight right; the centrists set the strength.
    (
        votes(("center", 2), ("center", 2), ("right", 1)),
        0, 1, "high", False, "Moderately Center-Leaning",
    ),
    # Three analysts one point apart around -2.
    (
        votes(("left", 2), ("left", 1), ("left", 2)),
        -2, 1, "high", False, "Moderately Left-Leaning",
    ),
    # Two analysts two points apart: Medium; the half-point median is read toward center.
    (votes(("right", 1), ("right", 3)), 2, 2, "medium", False, "Moderately Right-Leaning"),
    (votes(("left", 1), ("center", 1)), -0.5, 1, "medium", False, "Slightly Center-Leaning"),
    # Three analysts two points apart: not High, but Medium.
    (
        votes(("center", 1), ("right", 1), ("right", 2)),
        1, 2, "medium", False, "Slightly Right-Leaning",
    ),
    # One analyst alone is Low, however sure.
    (votes(("right", 3)), 3, 0, "low", False, "Strongly Right-Leaning"),
    # Three points apart: Low, and the panel disagrees.
    (
        votes(("left", 2), ("center", 2), ("right", 1)),
        0, 3, "low", True, "Moderately Center-Leaning",
    ),
    # Left and right with no centrist: Center, Slightly; the panel disagrees.
    (
        votes(("left", 3), ("right", 3), ("right", 1), ("left", 1)),
        0, 6, "low", True, "Slightly Center-Leaning",
    ),
    # The seed's scores from three centrist analysts: close, but not balanced, so Medium.
    (
        votes(("center", 2), ("center", 2), ("right", 1), leans=["center"] * 3),
        0, 1, "medium", False, "Moderately Center-Leaning",
    ),
    # Five analysts in agreement, none of them right-leaning: Medium.
    (
        votes(*[("left", 1)] * 5, leans=["left", "center", "left", "center", "left"]),
        -1, 0, "medium", False, "Slightly Left-Leaning",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("panel_votes", "median", "spread", "confidence", "disagrees", "label"), WORKED
)
def test_aggregation_worked_examples(panel_votes, median, spread, confidence, disagrees, label):
    panel = aggregate(panel_votes)
    assert (panel.size, panel.median, panel.spread) == (len(panel_votes), median, spread)
    assert (panel.confidence, panel.disagrees, panel.label) == (confidence, disagrees, label)


def test_no_votes_is_no_panel():
    assert aggregate([]) is None


@pytest.mark.parametrize(
    ("size", "spread", "balanced", "confidence"),
    [(3, 0, True, "high"), (3, 1, True, "high"), (5, 1, True, "high"),
     (3, 0, False, "medium"), (5, 1, False, "medium"), (3, 2, True, "medium"),
     (2, 0, False, "medium"), (2, 2, False, "medium"), (2, 3, False, "low"),
     (1, 0, False, "low"), (4, 3, True, "low"), (3, 3, True, "low")],
)  # fmt: skip
def test_confidence_thresholds(size, spread, balanced, confidence):
    assert scale.confidence(size, spread, balanced) == confidence


@pytest.mark.parametrize(
    ("leans", "balanced", "missing"),
    [(["left", "center", "right"], True, ()), (["left", "left", "right", "center"], True, ()),
     (["center", "center", "right"], False, ("left",)), (["right"], False, ("left", "center")),
     (["", "", ""], False, ("left", "center", "right"))],
)  # fmt: skip
def test_a_panel_is_balanced_with_an_analyst_of_each_lean(leans, balanced, missing):
    panel = aggregate(votes(*[("center", 2)] * len(leans), leans=leans))
    assert (panel.balanced, panel.missing_leans) == (balanced, missing)
