from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage

from articles.images.formats import PILLOW_FORMATS

# WebP renditions cannot be taller or wider than this.
MAX_SIDE_PIXELS = 16383


def validate_image_upload(value) -> None:
    """Accept only JPEG, PNG and WebP that Pillow itself recognises and decodes.

    The type comes from the file's content, never its name. The pixel count is
    read from the header and checked before any decoding, so a decompression
    bomb is refused without being expanded in memory. Files already stored are
    not re-checked.
    """
    if getattr(value, "_committed", True):
        return
    max_bytes = settings.NEWSROOM_IMAGE_MAX_BYTES
    if value.size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; images can be at most %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(value.size), "limit": filesizeformat(max_bytes)},
        )
    stream = value.file
    stream.seek(0)
    try:
        with PILImage.open(stream) as picture:
            if picture.format not in PILLOW_FORMATS:
                raise ValidationError(
                    "This is a %(format)s file. Upload a JPEG, PNG or WebP image.",
                    code="image_format",
                    params={"format": picture.format or "unknown"},
                )
            width, height = picture.size
            check_pixel_count(width, height)
            picture.load()
    except PILImage.DecompressionBombError as error:
        raise ValidationError(
            "This image has too many pixels to be processed safely.", code="image_too_many_pixels"
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "This file is not an image that can be read. Upload a JPEG, PNG or WebP image.",
            code="invalid_image",
        ) from error
    finally:
        stream.seek(0)


def check_pixel_count(width: int, height: int) -> None:
    if max(width, height) > MAX_SIDE_PIXELS:
        raise ValidationError(
            "This image is %(width)s × %(height)s pixels; no side can be longer than %(limit)s.",
            code="image_side_too_long",
            params={"width": width, "height": height, "limit": MAX_SIDE_PIXELS},
        )
    max_pixels = settings.NEWSROOM_IMAGE_MAX_PIXELS
    if width * height > max_pixels:
        raise ValidationError(
            "This image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels.",
            code="image_too_many_pixels",
            params={"width": width, "height": height, "limit": max_pixels // 1_000_000},
        )
