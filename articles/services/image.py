"""Storing images: a clean original under a generated name, and its renditions; what the
upload said of its credit and provenance is read first, as the clean original drops it."""

import io
import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage

from articles import events
from articles.images.credentials import read_content_credentials
from articles.images.credits import read_credits
from articles.images.formats import PILLOW_FORMATS
from articles.images.renditions import build_renditions, clean_original
from articles.models import Image, License
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

    Before that, a new file's metadata is read: its credit, licence, source and copyright
    notice fill those of the image's fields left blank (`image.prefilled_from_file` names
    them, for the uploader to confirm), and its Content Credentials (C2PA) are validated,
    summarised on the image, and their manifest store kept beside it.
    """
    if image.pk is None:
        image.uploaded_by = user
    elif user is not None and not can_edit_image(user, image):
        raise WorkflowError("You can change only the images you uploaded.")
    image.full_clean()
    image.prefilled_from_file = []
    replaced_files = []
    store = b""
    if file_changed:
        if image.pk is not None:
            previous = Image.objects.filter(pk=image.pk).values_list("file", "manifest_store")
            replaced_files = [name for name in previous.first() or () if name]
        store = _read_provenance(image)
        image.file = clean_original(image.file.file)
        image.manifest_store = None
    stored: list[str] = []  # files this save wrote, removed again if it fails
    try:
        if store:
            image.manifest_store.save(f"{uuid.uuid4().hex}.c2pa", ContentFile(store), save=False)
            stored.append(image.manifest_store.name)
        image.save()
        if file_changed:
            stored.append(image.file.name)
        if file_changed or not image.renditions.exists():
            _replace_renditions(image, stored)
    except Exception:
        for name in stored:
            image.file.storage.delete(name)
        raise
    if replaced_files:
        _delete_after_commit(image.file.storage, replaced_files)
    for article in image.lead_of_articles.all():
        events.article_changed.send(sender=Image, article=article)  # its credit, its picture
    logger.info("image %s saved (file changed: %s)", image.pk, file_changed)
    return image


@transaction.atomic
def image_delete(*, image: Image) -> None:
    """Delete an image, its renditions and their files.

    Articles that led with it keep everything else: their lead image is unset.
    """
    names = [
        image.file.name,
        image.manifest_store.name,
        *(rendition.file.name for rendition in image.renditions.all()),
    ]
    storage = image.file.storage
    image_id = image.pk
    leading = list(image.lead_of_articles.all())
    image.delete()
    for article in leading:
        article.lead_image = None
        events.article_changed.send(sender=Image, article=article)
    _delete_after_commit(storage, [name for name in names if name])
    logger.info("image %s deleted with %d files", image_id, len(names))


def _read_provenance(image: Image) -> bytes:
    """Read what the uploaded file says of itself before it is re-encoded: its credits fill
    the blank credit fields (the licence only while it is the default), its Content
    Credentials are summarised on the image. Returns the manifest store to keep (or b"")."""
    stream = image.file.file
    stream.seek(0)
    data = stream.read()  # bounded: the upload was checked against NEWSROOM_IMAGE_MAX_BYTES
    stream.seek(0)
    with PILImage.open(io.BytesIO(data)) as picture:
        fmt = PILLOW_FORMATS[picture.format]
        credits = read_credits(picture)
    image.credits_in_file = credits.as_dict()
    for name, value in credits.prefill().items():
        current = getattr(image, name)
        blank = current == License.ALL_RIGHTS_RESERVED if name == "license" else not current
        if not blank or value == current:
            continue
        setattr(image, name, value)
        try:
            image.clean_fields(exclude=[f.name for f in Image._meta.fields if f.name != name])
        except ValidationError:
            setattr(image, name, current)  # what the file says does not fit: left as it was
            continue
        image.prefilled_from_file.append(name)
    credentials, store = read_content_credentials(data, fmt)
    image.content_credentials = credentials.as_dict() if credentials else None
    return store


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
