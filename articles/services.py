"""Every state-changing operation on articles and their images."""

import logging
import uuid

from django.db import transaction
from PIL import Image as PILImage

from articles.models import Article, Image
from articles.renditions import build_renditions
from articles.validators import ALLOWED_IMAGE_FORMATS

logger = logging.getLogger(__name__)


def article_can_edit(*, user, article: Article) -> bool:
    """Who may change an article: whoever can publish edits any article;
    a journalist edits only their own, and only while it is a draft."""
    if not user.has_perm("articles.change_article"):
        return False
    if user.has_perm("articles.publish_article"):
        return True
    return article.author_id == user.pk and article.status == Article.Status.DRAFT


@transaction.atomic
def image_save(*, image: Image, file_changed: bool) -> Image:
    """Validate and store an image; a new file gets a generated name and fresh renditions.

    The stored name never comes from the uploader, and renditions are made
    here, at save time, so that no page ever resizes while serving.
    """
    image.full_clean()
    replaced_file = None
    if file_changed:
        if image.pk is not None:
            replaced_file = Image.objects.filter(pk=image.pk).values_list("file", flat=True).first()
        image.file.name = _generated_name(image)
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
    image.delete()
    _delete_after_commit(storage, [name for name in names if name])
    logger.info("image %s deleted with %d files", image_id, len(names))


def _generated_name(image: Image) -> str:
    stream = image.file.file
    stream.seek(0)
    with PILImage.open(stream) as picture:
        extension = ALLOWED_IMAGE_FORMATS[picture.format]
    stream.seek(0)
    return f"{uuid.uuid4().hex}.{extension}"


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
