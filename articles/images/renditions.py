"""What Pillow makes of an uploaded image when it is saved: a clean original and resized copies."""

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageOps

from articles.images.formats import PILLOW_FORMATS
from articles.models import Image, Rendition

SAVE_OPTIONS = {
    Rendition.Format.WEBP: {"format": "WEBP", "quality": 80, "method": 4},
    Rendition.Format.JPEG: {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    Rendition.Format.PNG: {"format": "PNG", "optimize": True},
}


# The stored original is re-encoded at a quality close to the upload's.
ORIGINAL_SAVE_OPTIONS = {
    Rendition.Format.WEBP: {"format": "WEBP", "quality": 95, "method": 4},
    Rendition.Format.JPEG: {"format": "JPEG", "quality": 95},
    Rendition.Format.PNG: {"format": "PNG", "optimize": True},
}
ORIGINAL_EXTENSIONS = {
    Rendition.Format.WEBP: "webp",
    Rendition.Format.JPEG: "jpg",
    Rendition.Format.PNG: "png",
}


def clean_original(stream) -> ContentFile:
    """The uploaded picture re-encoded from its pixels alone, under a generated name.

    EXIF (with GPS), XMP, IPTC, comments and text chunks are left behind, so a
    photo never tells where or with what it was taken; so is anything appended
    after the picture (a script in a polyglot file). The EXIF orientation is
    applied to the pixels first, so the picture still stands the right way up.
    The colour profile is kept. A camera's MPO keeps its first frame, as a JPEG.
    """
    stream.seek(0)
    with PILImage.open(stream) as picture:
        fmt = Rendition.Format(PILLOW_FORMATS[picture.format])
        icc_profile = picture.info.get("icc_profile")
        upright = ImageOps.exif_transpose(picture)
    transparency = upright.info.get("transparency")
    upright.info = {}
    options = dict(ORIGINAL_SAVE_OPTIONS[fmt])
    if icc_profile:
        options["icc_profile"] = icc_profile
    if transparency is not None and fmt == Rendition.Format.PNG:
        options["transparency"] = transparency
    buffer = io.BytesIO()
    upright.save(buffer, **options)
    stream.seek(0)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{ORIGINAL_EXTENSIONS[fmt]}")


def rendition_widths(original_width: int) -> list[int]:
    """The configured widths narrower than the original, plus the original (capped)."""
    widths = settings.NEWSROOM_RENDITION_WIDTHS
    chosen = {width for width in widths if width < original_width}
    chosen.add(min(original_width, max(widths)))
    return sorted(chosen)


def build_renditions(image: Image) -> list[Rendition]:
    """Unsaved renditions of `image`: each width in WebP and in the original's format."""
    storage = image.file.storage
    with storage.open(image.file.name, "rb") as stream, PILImage.open(stream) as picture:
        original_format = Rendition.Format(PILLOW_FORMATS[picture.format])
        picture = _normalised(ImageOps.exif_transpose(picture))
        picture.info = {}  # nothing of the original's metadata reaches a copy
        formats = [Rendition.Format.WEBP]
        if original_format != Rendition.Format.WEBP:
            formats.append(original_format)
        renditions = []
        for width in rendition_widths(picture.width):
            height = max(1, round(picture.height * width / picture.width))
            resized = picture.resize((width, height), PILImage.Resampling.LANCZOS)
            for fmt in formats:
                renditions.append(_encode(image, resized, width, height, fmt))
        return renditions


def _normalised(picture):
    """RGB or RGBA, so that resizing is smooth (palette images would resize pixelated)
    and every encoder accepts the result (CMYK, 16-bit and palette modes vary)."""
    if picture.mode in ("RGB", "RGBA"):
        return picture
    return picture.convert("RGBA" if picture.has_transparency_data else "RGB")


def _encode(image: Image, picture, width: int, height: int, fmt: str) -> Rendition:
    if fmt == Rendition.Format.JPEG and picture.mode != "RGB":
        picture = _flatten(picture)
    buffer = io.BytesIO()
    picture.save(buffer, **SAVE_OPTIONS[fmt])
    extension = "jpg" if fmt == Rendition.Format.JPEG else fmt
    name = f"{uuid.uuid4().hex}-{width}w.{extension}"
    return Rendition(
        image=image,
        width=width,
        height=height,
        format=fmt,
        file=ContentFile(buffer.getvalue(), name=name),
    )


def _flatten(picture):
    """Put transparent pixels on white: JPEG has no alpha channel."""
    rgba = picture.convert("RGBA")
    background = PILImage.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
