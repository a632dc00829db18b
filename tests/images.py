"""Image bytes made with Pillow for tests."""

import io

from PIL import Image as PILImage


def image_bytes(width=800, height=450, fmt="JPEG", mode="RGB", color=(200, 80, 40)) -> bytes:
    picture = PILImage.new(mode, (width, height), color)
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt)
    return buffer.getvalue()
