"""Storing images: a clean original under a generated name, and its renditions."""

import logging

from django.db import transaction

from articles import events
from articles.images.renditions import build_renditions, clean_original
from articles.models import Image
from articles.permissions import can_edit_image
from articles.services.errors import WorkflowError

logger = logging.getLogger(__name__)


@transaction.atomic
def image_save(*, image: Image, file_changed: bool, user=None) -> Image:
    """Validate and store an image; a new file is stored clean, under a generated name,
    with fresh renditions.

    The stored file is re-encoded without metadata (no EXIF, GPS, XMP or IPTC),
    its name never comes from the uploader, and renditions are made
    here, at save time, so that no page ever resizes while serving.
    """
    if image.pk is None:
        image.uploaded_by = user
    elif user is not None and not can_edit_image(user, image):
        raise WorkflowError("You can change only the images you uploaded.")
    image.full_clean()
    replaced_file = None
    if file_changed:
        if image.pk is not None:
            replaced_file = Image.objects.filter(pk=image.pk).values_list("file", flat=True).first()
        image.file = clean_original(image.file.file)
    stored: list[str] = []  # files this save wrote, removed again if it fails
    try:
        image.save()
        if file_changed:
            stored.append(image.file.name)
        if file_changed or not image.renditions.exists():
            _replace_renditions(image, stored)
    except Exception:
        for name in stored:
            image.file.storage.delete(name)
        raise
    if replaced_file:
        _delete_after_commit(image.file.storage, [replaced_file])
    for article in image.lead_of_articles.all():
        events.article_changed.send(sender=Image, article=article)  # its credit, its picture
    logger.info("image %s saved (file changed: %s)", image.pk, file_changed)
    return image


@transaction.atomic
def image_delete(*, image: Image) -> None:
    """Delete an image, its renditions and their files.

    Articles that led with it keep everything else: their lead image is unset.
    """
    names = [image.file.name, *(rendition.file.name for rendition in image.renditions.all())]
    storage = image.file.storage
    image_id = image.pk
    leading = list(image.lead_of_articles.all())
    image.delete()
    for article in leading:
        article.lead_image = None
        events.article_changed.send(sender=Image, article=article)
    _delete_after_commit(storage, [name for name in names if name])
    logger.info("image %s deleted with %d files", image_id, len(names))


def _replace_renditions(image: Image, stored: list[str]) -> None:
    stale_files = [rendition.file.name for rendition in image.renditions.all()]
    image.renditions.all().delete()
    for rendition in build_renditions(image):
        rendition.save()
        stored.append(rendition.file.name)
    _delete_after_commit(image.file.storage, stale_files)


def _delete_after_commit(storage, names: list[str]) -> None:
    """Files go only once the rows that named them are gone for good."""

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
