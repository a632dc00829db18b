"""Server-rendered SVG for the bias scale: the meter under a rating, the chart on /bias/.

The geometry is worked out here; the templates draw it. Each figure carries
its own text alternative, so the numbers never live in the picture alone.
"""

from django import template

from bias import scale

register = template.Library()

METER_WIDTH, METER_PAD = 280, 14
CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 560, 240, 24, 200


def _axis_x(point: int, width: int, pad: int) -> float:
    step = (width - 2 * pad) / (len(scale.AXIS) - 1)
    return round(pad + (point - scale.AXIS[0]) * step, 1)


@register.inclusion_tag("includes/bias/meter.html")
def bias_meter(position: int, label: str):
    """A left–right axis from -3 to +3 with the rating's point marked."""
    return {
        "width": METER_WIDTH,
        "ticks": [
            {"x": _axis_x(point, METER_WIDTH, METER_PAD), "point": point} for point in scale.AXIS
        ],
        "marker_x": _axis_x(position, METER_WIDTH, METER_PAD),
        "center_x": _axis_x(0, METER_WIDTH, METER_PAD),
        "lean": scale.lean(position),
        "position": position,
        "label": label,
        "left_x": METER_PAD,
        "right_x": METER_WIDTH - METER_PAD,
    }


@register.inclusion_tag("includes/bias/chart.html")
def bias_chart(bars, chart_id: str = "bias-chart"):
    """One bar per point of the axis, as tall as the number of ratings there."""
    tallest = max((bar.count for bar in bars), default=0) or 1
    slot = CHART_WIDTH / len(bars)
    drawn = []
    for index, bar in enumerate(bars):
        height = round((CHART_BOTTOM - CHART_TOP) * bar.count / tallest, 1)
        drawn.append(
            {
                "bar": bar,
                "lean": scale.lean(bar.position),
                "x": round(index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(CHART_BOTTOM - height, 1),
                "height": height,
                "centre": round(index * slot + slot / 2, 1),
                "count_y": round(CHART_BOTTOM - height - 6, 1),
            }
        )
    return {
        "chart_id": chart_id,
        "bars": drawn,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_BOTTOM,
        "label_y": CHART_BOTTOM + 18,
        "total": sum(bar.count for bar in bars),
    }


@register.filter
def signed(position: int) -> str:
    """+2, 0, −1: positions as the scale prints them."""
    if position > 0:
        return f"+{position}"
    return f"−{-position}" if position < 0 else "0"


@register.filter
def lean(position) -> str:
    """left, center or right: the side a position on the axis leans."""
    return scale.lean(int(position)).value
