"""Every state-changing operation on articles and their images."""

import logging
import uuid

from django.db import transaction
from PIL import Image as PILImage

from articles.models import Image
from articles.renditions import build_renditions
from articles.validators import ALLOWED_IMAGE_FORMATS

logger = logging.getLogger(__name__)


@transaction.atomic
def image_save(*, image: Image, file_changed: bool) -> Image:
    """Validate and store an image; a new file gets a generated name and fresh renditions.

    The stored name never comes from the uploader, and renditions are made
    here, at save time, so that no page ever resizes while serving.
    """
    image.full_clean()
    if file_changed:
        image.file.name = _generated_name(image)
    image.save()
    if file_changed or not image.renditions.exists():
        _replace_renditions(image)
    logger.info("image %s saved (file changed: %s)", image.pk, file_changed)
    return image


def _generated_name(image: Image) -> str:
    stream = image.file.file
    stream.seek(0)
    with PILImage.open(stream) as picture:
        extension = ALLOWED_IMAGE_FORMATS[picture.format]
    stream.seek(0)
    return f"{uuid.uuid4().hex}.{extension}"


def _replace_renditions(image: Image) -> None:
    stale = list(image.renditions.all())
    stale_files = [rendition.file.name for rendition in stale]
    image.renditions.all().delete()
    for rendition in build_renditions(image):
        rendition.save()
    storage = image.file.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in stale_files])
