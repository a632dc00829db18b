"""What an upload says of itself, read before it is stored without it: the credits in its
IPTC, XMP and EXIF fill the image's blank credit fields for the uploader to confirm, and
its Content Credentials (C2PA) are validated, shown to readers and editors as they are
(verified, not verified, invalid), and kept."""

import io
import json

import c2pa
import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags
from PIL import Image as PILImage

from articles import services
from articles.images import credentials
from articles.images.credits import read_credits
from articles.models import Image, License
from tests.factories import ArticleFactory, SectionFactory, staff_member
from tests.helpers import image_post
from tests.images import (
    AI_GENERATED,
    TestSigner,
    image_bytes,
    jpeg_with_metadata,
    tampered,
    xmp_packet,
)

pytestmark = pytest.mark.django_db

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def upload(content: bytes, name="photo.jpg", **fields) -> Image:
    """An upload through the service, with only alt text given unless told otherwise."""
    image = Image(file=ContentFile(content, name=name), alt_text="Delegates", **fields)
    return services.image_save(image=image, file_changed=True)


def exif(**tags) -> PILImage.Exif:
    data = PILImage.Exif()
    for name, value in tags.items():
        data[ExifTags.Base[name]] = value
    return data


# Credits from the file: one test per field


def test_the_credit_line_fills_the_credit():
    image = upload(jpeg_with_metadata(iptc={(2, 80): "Jane Doe", (2, 110): "Reuters/Jane Doe"}))
    assert image.credit == "Reuters/Jane Doe"
    assert "credit" in image.prefilled_from_file


def test_without_a_credit_line_the_creator_fills_the_credit():
    content = jpeg_with_metadata(
        xmp=xmp_packet(
            "<dc:creator><rdf:Seq><rdf:li>Olena Kovalenko</rdf:li></rdf:Seq></dc:creator>"
        )
    )
    assert upload(content).credit == "Olena Kovalenko"


def test_exif_artist_is_the_last_resort_for_the_credit():
    assert upload(jpeg_with_metadata(exif=exif(Artist="Petro Camera"))).credit == "Petro Camera"


def test_a_creative_commons_web_statement_sets_the_licence():
    content = jpeg_with_metadata(
        xmp=xmp_packet(f"<xmpRights:WebStatement>{CC_BY}</xmpRights:WebStatement>")
    )
    image = upload(content)
    assert image.license == License.CC_BY_4
    assert "license" in image.prefilled_from_file


def test_a_creative_commons_licence_element_sets_the_licence():
    content = jpeg_with_metadata(
        xmp=xmp_packet(
            '<cc:license rdf:resource="https://creativecommons.org/publicdomain/zero/1.0/"/>'
        )
    )
    assert upload(content).license == License.CC0


def test_a_public_domain_notice_sets_the_licence():
    content = jpeg_with_metadata(iptc={(2, 116): "Public domain, U.S. Government work"})
    image = upload(content)
    assert image.license == License.PUBLIC_DOMAIN


def test_the_copyright_notice_is_kept_and_all_rights_stay_reserved():
    image = upload(jpeg_with_metadata(iptc={(2, 116): "© 2025 Reuters"}))
    assert image.copyright_notice == "© 2025 Reuters"
    assert image.license == License.ALL_RIGHTS_RESERVED


def test_exif_copyright_is_the_last_resort_for_the_notice():
    image = upload(jpeg_with_metadata(exif=exif(Copyright="(c) Petro Camera 2025")))
    assert image.copyright_notice == "(c) Petro Camera 2025"


def test_the_source_fills_the_source():
    assert upload(jpeg_with_metadata(iptc={(2, 115): "Associated Press"})).source == (
        "Associated Press"
    )


def test_the_licensor_url_fills_the_source_url():
    content = jpeg_with_metadata(
        xmp=xmp_packet(
            "<plus:Licensor><rdf:Seq><rdf:li rdf:parseType='Resource'>"
            "<plus:LicensorURL>https://pictures.example.org/license/4521</plus:LicensorURL>"
            "</rdf:li></rdf:Seq></plus:Licensor>"
        )
    )
    image = upload(content)
    assert image.source_url == "https://pictures.example.org/license/4521"
    assert "source_url" in image.prefilled_from_file


def test_a_web_statement_about_the_picture_fills_the_source_url():
    statement = "https://pictures.example.org/rights/4521"
    content = jpeg_with_metadata(
        xmp=xmp_packet(f'<rdf:Description xmpRights:WebStatement="{statement}"/>')
    )
    assert upload(content).source_url == statement


def test_what_the_uploader_typed_is_never_replaced():
    content = jpeg_with_metadata(
        iptc={(2, 110): "Reuters", (2, 115): "Reuters"},
        xmp=xmp_packet(f"<xmpRights:WebStatement>{CC_BY}</xmpRights:WebStatement>"),
    )
    image = upload(content, credit="Our own photographer", source="Staff", license=License.CC0)
    assert (image.credit, image.source, image.license) == ("Our own photographer", "Staff", "cc0")
    assert image.prefilled_from_file == []
    # What the file said is kept beside it all the same, for the editor to compare.
    assert image.credits_in_file["credit_line"] == "Reuters"


def test_a_value_that_does_not_fit_a_field_is_left_out():
    content = jpeg_with_metadata(
        xmp=xmp_packet("<plus:LicensorURL>javascript:alert(1)</plus:LicensorURL>"),
        iptc={(2, 110): "\u200b\u200b"},  # nothing a reader could see
    )
    image = upload(content)
    assert image.source_url == "" and image.credit == ""


def test_xml_with_entities_is_not_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>'
    )
    image = upload(jpeg_with_metadata(xmp=bomb))
    assert image.credits_in_file == {}


def test_png_and_webp_carry_xmp_credits_too():
    for fmt in ("PNG", "WEBP"):
        buffer = io.BytesIO()
        options = {"xmp": xmp_packet("<photoshop:Credit>AFP</photoshop:Credit>")}
        if fmt == "PNG":
            from PIL import PngImagePlugin

            info = PngImagePlugin.PngInfo()
            info.add_itxt("XML:com.adobe.xmp", options.pop("xmp").decode())
            options["pnginfo"] = info
        PILImage.new("RGB", (400, 300), (1, 2, 3)).save(buffer, format=fmt, **options)
        with PILImage.open(io.BytesIO(buffer.getvalue())) as picture:
            assert read_credits(picture).credit_line == "AFP", fmt


def test_a_photo_with_gps_and_credits_is_credited_and_stored_with_no_metadata():
    gps = exif(Artist="Petro Camera", Make="PhoneMaker")
    location = gps.get_ifd(ExifTags.IFD.GPSInfo)
    location[ExifTags.GPS.GPSLatitudeRef], location[ExifTags.GPS.GPSLatitude] = (
        "N",
        (50.0, 27.0, 0.0),
    )
    content = jpeg_with_metadata(
        exif=gps,
        iptc={(2, 110): "Kyiv Agency"},
        xmp=xmp_packet('<rdf:Description exif:GPSLatitude="50,27.0N"/>'),
    )
    assert b"GPS" in content and b"Photoshop 3.0" in content and b"xmpmeta" in content
    image = upload(content)
    assert image.credit == "Kyiv Agency"
    for file in [image.file, *(rendition.file for rendition in image.renditions.all())]:
        with file.storage.open(file.name, "rb") as stream:
            data = stream.read()
        for telltale in (b"GPS", b"Photoshop 3.0", b"xmpmeta", b"Exif\x00\x00", b"Kyiv"):
            assert telltale not in data, (file.name, telltale)
        with PILImage.open(io.BytesIO(data)) as picture:
            assert not picture.getexif()


def test_the_uploader_is_asked_to_confirm_what_the_file_filled_in(client):
    client.force_login(staff_member("Journalists", "journalist"))
    content = jpeg_with_metadata(iptc={(2, 110): "Reuters/Jane Doe", (2, 116): "© 2025 Reuters"})
    post = image_post(SimpleUploadedFile("photo.jpg", content, "image/jpeg"), credit="", source="")
    response = client.post("/admin/articles/image/add/", post, follow=True)
    image = Image.objects.get()
    assert response.redirect_chain[-1][0] == f"/admin/articles/image/{image.pk}/change/"
    page = response.content.decode()
    assert "Filled in from the file&#x27;s metadata: credit and copyright notice" in page
    assert 'value="Reuters/Jane Doe"' in page
    assert "In the file&#x27;s metadata" in page and "Credit line" in page


def test_an_upload_whose_credits_were_all_typed_goes_back_to_the_list(client):
    client.force_login(staff_member("Journalists", "journalist"))
    post = image_post(SimpleUploadedFile("photo.jpg", image_bytes(), "image/jpeg"))
    response = client.post("/admin/articles/image/add/", post)
    assert response.status_code == 302 and response["Location"] == "/admin/articles/image/"


# Content Credentials (C2PA)


@pytest.fixture(scope="module")
def signer():
    return TestSigner()


@pytest.fixture
def trusted(signer, settings, tmp_path):
    """The site trusts the test's root certificate, as it would the C2PA trust list."""
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(signer.root_pem)
    settings.NEWSROOM_C2PA_TRUST_ANCHORS = str(anchors)
    credentials.forget_settings()
    yield
    credentials.forget_settings()


@pytest.fixture(autouse=True)
def untrusted_by_default(settings):
    settings.NEWSROOM_C2PA_TRUST_ANCHORS = ""
    credentials.forget_settings()
    yield
    credentials.forget_settings()


def figure_credentials(client, image) -> str | None:
    article = ArticleFactory(lead_image=image)
    SectionFactory(article=article)
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    found = soup.select_one("figure .credentials")
    return " ".join(found.get_text().split()) if found else None


def test_signed_by_a_trusted_signer_shows_as_verified(client, signer, trusted):
    image = upload(signer.sign(image_bytes()), credit="Jane Photographer")
    summary = image.credentials
    assert summary.state == "verified"
    assert (summary.signer, summary.issuer) == ("Jane Photographer", "Test Photo Agency")
    assert summary.claim_generator == "Test Camera App 2.1"
    assert summary.actions == ["created", "color adjustments"]
    assert summary.digital_source_type == "digitalCapture"
    assert figure_credentials(client, image) == (
        "Content Credentials: verified · signed by Jane Photographer (Test Photo Agency) · "
        "edited with Photo Editor Pro · AI-generated: no"
    )


def test_a_signer_the_site_does_not_trust_is_not_verified(client, signer):
    image = upload(signer.sign(image_bytes()), credit="Jane Photographer")
    assert image.credentials.state == "unverified"
    assert "signingCredential.untrusted" in image.credentials.failures
    assert figure_credentials(client, image) == (
        "Content Credentials: not verified · signed by Jane Photographer (Test Photo Agency) · "
        "edited with Photo Editor Pro · AI-generated: no"
    )


def test_a_picture_changed_after_signing_is_invalid_never_verified(client, signer, trusted):
    image = upload(tampered(signer.sign(image_bytes())), credit="Jane Photographer")
    assert image.credentials.state == "invalid" and image.credentials.tampered
    shown = figure_credentials(client, image)
    assert shown == ("Content Credentials: invalid · the picture was changed after it was signed")
    assert "verified" not in shown and "signed by" not in shown


def test_credentials_that_cannot_be_read_are_invalid(client):
    # A JUMBF box labelled c2pa in an APP11 segment, holding nothing C2PA can read.
    box = b"\x00\x00\x00\x1ejumb\x00\x00\x00\x16jumdc2pa" + b"\x00" * 14
    segment = b"JP\x00\x01\x00\x00\x00\x01" + box
    content = image_bytes()
    content = (
        content[:2] + b"\xff\xeb" + (len(segment) + 2).to_bytes(2, "big") + segment + content[2:]
    )
    image = upload(content, credit="Someone")
    assert image.credentials.state == "invalid" and not image.credentials.tampered
    assert figure_credentials(client, image) == (
        "Content Credentials: invalid · they could not be validated"
    )


def test_a_picture_without_credentials_shows_none(client):
    image = upload(image_bytes(), credit="Jane Photographer")
    assert image.content_credentials is None and not image.manifest_store
    assert figure_credentials(client, image) is None


def test_ai_generated_pictures_say_so(client, signer, trusted):
    image = upload(signer.sign(image_bytes(), source_type=AI_GENERATED, edited_with=None),
                   credit="Generated")  # fmt: skip
    assert figure_credentials(client, image) == (
        "Content Credentials: verified · signed by Jane Photographer (Test Photo Agency) · "
        "made with Test Camera App 2.1 · AI-generated: yes"
    )


@pytest.mark.parametrize(("fmt", "mime_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"),
                                                ("WEBP", "image/webp")])  # fmt: skip
def test_the_manifest_store_is_kept_beside_the_image_as_the_file_carried_it(
    signer, trusted, fmt, mime_type
):
    original = signer.sign(image_bytes(fmt=fmt), mime_type)
    image = upload(original, name=f"photo.{fmt.lower()}", credit="Jane")
    with image.manifest_store.open("rb") as stream:
        store = stream.read()
    assert image.manifest_store.name.endswith(".c2pa")
    # The kept store validates against the picture it was signed over, whole.
    with c2pa.Reader(mime_type, io.BytesIO(original), store, context=credentials._context()) as r:
        assert r.get_validation_state() == "Trusted"
    # The stored original holds none of it.
    with image.file.open("rb") as stream:
        assert c2pa.Reader.try_create(mime_type, io.BytesIO(stream.read())) is None


def test_replacing_or_deleting_the_image_removes_its_store(
    signer, media_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = upload(signer.sign(image_bytes()), credit="Jane")
    first_store = image.manifest_store.name
    with django_capture_on_commit_callbacks(execute=True):
        image.file = ContentFile(image_bytes(color=(1, 2, 3)), name="plain.jpg")
        services.image_save(image=image, file_changed=True)
    assert first_store not in media_files() and not image.manifest_store
    assert image.content_credentials is None
    with django_capture_on_commit_callbacks(execute=True):
        image = upload(signer.sign(image_bytes()), credit="Jane")
        services.image_delete(image=image)
    assert not [name for name in media_files() if name.endswith(".c2pa")]


def test_the_signing_time_is_kept_when_a_time_stamp_authority_gave_one():
    report = {
        "active_manifest": "urn:1",
        "manifests": {
            "urn:1": {
                "claim_generator_info": [{"name": "Camera", "version": "1"}],
                "signature_info": {"common_name": "Jane", "issuer": "Agency",
                                   "time": "2025-05-16T07:00:00+00:00"},
                "assertions": [],
            }
        },
        "validation_state": "Trusted",
    }  # fmt: skip
    summary = credentials.summarise(report)
    assert summary.signed_at == "2025-05-16T07:00:00+00:00"
    assert summary.state == "verified" and summary.ai == ""
    assert summary.reader_line.endswith("AI-generated: not stated")


def test_a_report_without_its_active_manifest_is_invalid():
    report = {"active_manifest": "urn:gone", "manifests": {}, "validation_state": "Trusted"}
    assert credentials.summarise(report).state == "invalid"


def test_the_admin_shows_the_credentials_as_they_are(client, signer):
    client.force_login(staff_member("Editors", "editor"))
    good = upload(signer.sign(image_bytes()), credit="Jane")
    bad = upload(tampered(signer.sign(image_bytes())), credit="Jane")
    page = client.get(f"/admin/articles/image/{good.pk}/change/").content.decode()
    assert "Not verified" in page and "Photo Editor Pro" in page and ".c2pa" in page
    page = client.get(f"/admin/articles/image/{bad.pk}/change/").content.decode()
    assert "Invalid" in page and "changed after it was signed" in page
    assert "assertion.dataHash.mismatch" in page
    assert json.dumps(bad.content_credentials)  # kept as plain JSON


def test_a_deeply_nested_xmp_packet_is_read_for_what_its_size_allows():
    """Thousands of creators nested one inside another's list: each property's own items
    only, at most MAX_ITEMS of them (reading every nested item under every creator took
    tens of seconds and gigabytes)."""
    from PIL import PngImagePlugin

    from articles.images.credits import MAX_ITEMS, MAX_XMP_BYTES

    head = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description>'
    )
    tail = "</rdf:Description></rdf:RDF></x:xmpmeta>"
    opening, closing = "<dc:creator><rdf:Seq><rdf:li>a", "</rdf:li></rdf:Seq></dc:creator>"
    depth = (MAX_XMP_BYTES - len(head) - len(tail) - 100) // (len(opening) + len(closing))
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", head + opening * depth + closing * depth + tail)
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(buffer, format="PNG", pnginfo=info)
    with PILImage.open(io.BytesIO(buffer.getvalue())) as picture:
        assert read_credits(picture).creator == "; ".join(["a"] * MAX_ITEMS)
