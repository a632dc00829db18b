"""A stored image tells nothing but its pixels: no EXIF, GPS, XMP, IPTC or trailing payload."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, ImageCms, PngImagePlugin
from PIL import Image as PILImage

from articles import services
from articles.models import Image
from tests.factories import staff_member
from tests.helpers import image_post
from tests.images import image_bytes

pytestmark = pytest.mark.django_db

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="50,27.0N"/></rdf:RDF></x:xmpmeta>'
)
# Strings only the metadata holds: none may survive anywhere in a stored file.
TELLTALES = [b"Exif\x00\x00", b"GPS", b"xmpmeta", b"ns.adobe.com", b"Photoshop 3.0", b"Kyiv"]


def camera_exif(orientation: int = 1) -> PILImage.Exif:
    """EXIF as a phone writes it: make, model, orientation and where the photo was taken."""
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Kyiv Special"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 27.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (30.0, 31.0, 0.0)
    return exif


def jpeg_with_gps(width=1000, height=600, orientation=1) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (30, 120, 200)).save(
        buffer,
        format="JPEG",
        exif=camera_exif(orientation),
        xmp=XMP,
        comment=b"Taken in Kyiv",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return buffer.getvalue()


def png_with_text_and_exif() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "Kyiv, 50.45N 30.52E")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    PILImage.new("RGBA", (700, 400), (10, 200, 10, 128)).save(
        buffer, format="PNG", pnginfo=info, exif=camera_exif()
    )
    return buffer.getvalue()


def webp_with_exif() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (700, 400), (200, 10, 10)).save(
        buffer, format="WEBP", exif=camera_exif(), xmp=XMP
    )
    return buffer.getvalue()


def mpo_with_gps() -> bytes:
    frames = [PILImage.new("RGB", (640, 480), c) for c in ((200, 0, 0), (0, 0, 200))]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="MPO", save_all=True, append_images=frames[1:], exif=camera_exif()
    )
    return buffer.getvalue()


def stored(image: Image) -> list[tuple[str, bytes]]:
    """The stored original and every rendition, read back from storage."""
    files = [image.file, *(rendition.file for rendition in image.renditions.all())]
    result = []
    for file in files:
        with file.storage.open(file.name, "rb") as stream:
            result.append((file.name, stream.read()))
    return result


def assert_no_metadata(name: str, data: bytes):
    with PILImage.open(io.BytesIO(data)) as picture:
        assert not picture.getexif(), name
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "Location"} & set(picture.info)
        assert not getattr(picture, "text", {}), name
    for telltale in TELLTALES:
        assert telltale not in data, (name, telltale)


def upload(content: bytes, name: str) -> Image:
    return services.image_save(
        image=Image(file=ContentFile(content, name=name), alt_text="A street", credit="Jane"),
        file_changed=True,
    )


@pytest.mark.parametrize(
    ("content", "name", "extension"),
    [
        (jpeg_with_gps(), "photo.jpg", ".jpg"),
        (png_with_text_and_exif(), "chart.png", ".png"),
        (webp_with_exif(), "photo.webp", ".webp"),
        (mpo_with_gps(), "stereo.jpg", ".jpg"),
    ],
    ids=["jpeg-gps-xmp-comment", "png-text-exif", "webp-exif-xmp", "mpo-gps"],
)
def test_stored_original_and_every_rendition_carry_no_metadata(content, name, extension):
    # The uploads really do carry it, or this test would prove nothing.
    assert any(telltale in content for telltale in TELLTALES)
    image = upload(content, name)
    files = stored(image)
    assert image.file.name.endswith(extension)
    assert len(files) > 2
    for stored_name, data in files:
        assert_no_metadata(stored_name, data)


def test_a_camera_mpo_is_stored_as_a_plain_jpeg():
    image = upload(mpo_with_gps(), "stereo.jpg")
    with image.file.open("rb") as stream, PILImage.open(stream) as picture:
        assert picture.format == "JPEG"
        assert getattr(picture, "n_frames", 1) == 1


def test_the_colour_profile_is_kept():
    image = upload(jpeg_with_gps(), "photo.jpg")
    with image.file.open("rb") as stream, PILImage.open(stream) as picture:
        assert picture.info.get("icc_profile")


def test_a_sideways_photo_is_stored_the_right_way_up():
    # Orientation 6: the camera was turned; viewers rotate the picture 90° clockwise.
    image = upload(jpeg_with_gps(1000, 600, orientation=6), "portrait.jpg")
    assert (image.width, image.height) == (600, 1000)
    with image.file.open("rb") as stream, PILImage.open(stream) as picture:
        assert picture.size == (600, 1000)
    assert {(r.width, r.height) for r in image.renditions.all() if r.width == 320} == {(320, 533)}


def test_transparency_of_a_palette_png_survives():
    buffer = io.BytesIO()
    PILImage.new("P", (300, 200), 0).save(buffer, format="PNG", transparency=0)
    image = upload(buffer.getvalue(), "logo.png")
    with image.file.open("rb") as stream, PILImage.open(stream) as picture:
        assert picture.info.get("transparency") == 0


PAYLOAD = b"<?php system($_GET['c']); ?><script>alert(document.cookie)</script>"


@pytest.fixture
def editor_client(client):
    client.force_login(staff_member("Editors"))
    return client


def test_a_jpeg_with_trailing_html_and_php_is_stored_without_them(editor_client):
    polyglot = SimpleUploadedFile("photo.jpg", image_bytes() + PAYLOAD, "image/jpeg")
    response = editor_client.post("/admin/articles/image/add/", image_post(polyglot))
    assert response.status_code == 302
    for name, data in stored(Image.objects.get()):
        assert b"<?php" not in data and b"<script" not in data, name


def test_a_gif_that_is_also_javascript_is_refused(editor_client, media_files):
    # GIF89a followed by JavaScript: a classic polyglot.
    gif_js = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;alert(1);" + b"\x00" * 20
    upload_file = SimpleUploadedFile("innocent.jpg", gif_js, "image/jpeg")
    response = editor_client.post("/admin/articles/image/add/", image_post(upload_file))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert Image.objects.count() == 0 and media_files() == []


def test_a_png_named_jpg_is_stored_as_the_png_it_is(editor_client):
    renamed = SimpleUploadedFile("photo.jpg", image_bytes(fmt="PNG"), "image/jpeg")
    response = editor_client.post("/admin/articles/image/add/", image_post(renamed))
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".png")
    with image.file.open("rb") as stream, PILImage.open(stream) as picture:
        assert picture.format == "PNG"


def test_a_text_file_named_jpg_is_refused(editor_client, media_files):
    renamed = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>")
    response = editor_client.post("/admin/articles/image/add/", image_post(renamed))
    assert response.status_code == 200
    assert "Upload a valid image" in str(response.context["adminform"].form.errors["file"])
    assert Image.objects.count() == 0 and media_files() == []
