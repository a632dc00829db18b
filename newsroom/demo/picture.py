"""A lead picture drawn with Pillow, so the demo needs no download."""

import io

from PIL import Image, ImageDraw


def skyline_jpeg(width: int = 1600, height: int = 900) -> bytes:
    """A dusk skyline of domes and minarets over water, as JPEG bytes."""
    picture = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    horizon = int(height * 0.68)
    top, bottom = (32, 46, 92), (236, 142, 88)
    for y in range(horizon):
        t = y / horizon
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    water_top, water_bottom = (44, 58, 96), (18, 24, 44)
    for y in range(horizon, height):
        t = (y - horizon) / (height - horizon)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(
                round(a + (b - a) * t) for a, b in zip(water_top, water_bottom, strict=True)
            ),
        )
    draw.ellipse([width * 0.70, height * 0.36, width * 0.78, height * 0.50], fill=(250, 214, 150))
    silhouette = (22, 26, 40)
    unit = width / 100
    # (centre x, dome radius, base height) in percent of the width.
    mosques = [(18, 7, 12), (47, 9, 15), (80, 6, 10)]
    for centre, radius, base in mosques:
        cx, r, b = centre * unit, radius * unit, base * unit
        draw.rectangle([cx - r * 1.4, horizon - b, cx + r * 1.4, horizon], fill=silhouette)
        draw.pieslice([cx - r, horizon - b - r, cx + r, horizon - b + r], 180, 360, fill=silhouette)
        for side in (-1, 1):
            mx = cx + side * r * 2.1
            draw.rectangle(
                [mx - unit * 0.5, horizon - b - r * 2.6, mx + unit * 0.5, horizon], fill=silhouette
            )
            draw.polygon(
                [(mx - unit * 0.6, horizon - b - r * 2.6), (mx + unit * 0.6, horizon - b - r * 2.6),
                 (mx, horizon - b - r * 3.3)],
                fill=silhouette,
            )  # fmt: skip
    draw.rectangle([0, horizon - unit * 2, width, horizon], fill=silhouette)
    for x in range(0, width, int(unit * 3)):
        draw.line(
            [(x, horizon + unit * 2), (x + unit * 1.5, horizon + unit * 2)], fill=(120, 110, 120)
        )
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()
