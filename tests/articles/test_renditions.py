import pytest
from django.core.files.base import ContentFile
from PIL import Image as PILImage

from articles.images.renditions import rendition_widths
from tests.factories import ImageFactory
from tests.images import image_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("original", "widths"),
    [
        (200, [200]),
        (320, [320]),
        (700, [320, 640, 700]),
        (1920, [320, 640, 960, 1280, 1920]),
        (4000, [320, 640, 960, 1280, 1920]),
    ],
)
def test_rendition_widths_never_upscale(original, widths):
    assert rendition_widths(original) == widths


def test_webp_original_gets_webp_renditions_only():
    image = ImageFactory(file=ContentFile(image_bytes(700, 400, fmt="WEBP"), name="a.webp"))
    assert sorted((r.width, r.format) for r in image.renditions.all()) == [
        (320, "webp"), (640, "webp"), (700, "webp"),
    ]  # fmt: skip


def test_renditions_are_real_images_of_the_stated_size():
    image = ImageFactory(file=ContentFile(image_bytes(1000, 500), name="a.jpg"))
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as stream, PILImage.open(stream) as picture:
            assert picture.size == (rendition.width, rendition.height)
            assert picture.format == rendition.format.upper()
            assert rendition.height == round(500 * rendition.width / 1000)


def test_transparent_png_keeps_its_alpha_in_webp():
    image = ImageFactory(
        file=ContentFile(image_bytes(400, 200, fmt="PNG", mode="RGBA", color=(0, 0, 0, 0)), "t.png")
    )
    webp = image.renditions.filter(format="webp").first()
    with webp.file.open("rb") as stream, PILImage.open(stream) as picture:
        assert picture.mode == "RGBA"


@pytest.mark.parametrize(
    ("fmt", "mode", "color"),
    [
        ("PNG", "P", 3),
        ("PNG", "LA", (10, 128)),
        ("PNG", "I;16", 40000),
        ("PNG", "1", 1),
        ("JPEG", "CMYK", (0, 60, 200, 10)),
        ("JPEG", "L", 90),
    ],
)
def test_unusual_colour_modes_get_renditions(fmt, mode, color):
    image = ImageFactory(
        file=ContentFile(image_bytes(400, 300, fmt=fmt, mode=mode, color=color), "u")
    )
    renditions = list(image.renditions.all())
    assert {r.width for r in renditions} == {320, 400}
    for rendition in renditions:
        with rendition.file.open("rb") as stream, PILImage.open(stream) as picture:
            assert picture.mode in ("RGB", "RGBA")
