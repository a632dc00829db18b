"""Image bytes made with Pillow for tests."""

import io

from PIL import Image as PILImage


def image_bytes(width=800, height=450, fmt="JPEG", mode="RGB", color=(200, 80, 40)) -> bytes:
    picture = PILImage.new(mode, (width, height), color)
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt)
    return buffer.getvalue()


# Pictures with the metadata agencies and cameras write: IPTC IIM, XMP, EXIF


def iptc_segment(datasets: dict[tuple[int, int], str]) -> bytes:
    """A JPEG APP13 segment holding IPTC IIM, as Photoshop writes it (UTF-8 declared)."""
    iim = b"\x1c\x01\x5a\x00\x03\x1b\x25\x47"  # 1:90 coded character set: UTF-8
    for (record, dataset), value in datasets.items():
        data = value.encode("utf-8")
        iim += bytes([0x1C, record, dataset]) + len(data).to_bytes(2, "big") + data
    resource = b"8BIM" + (0x0404).to_bytes(2, "big") + b"\x00\x00" + len(iim).to_bytes(4, "big")
    resource += iim + (b"\x00" if len(iim) % 2 else b"")
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload


def xmp_packet(properties: str, namespaces: str = "") -> bytes:
    """An XMP packet whose rdf:Description holds `properties` (XML, in the usual prefixes)."""
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        'xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" '
        'xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" '
        'xmlns:cc="http://creativecommons.org/ns#" '
        'xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        f"{namespaces}>{properties}</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def jpeg_with_metadata(*, exif=None, xmp: bytes | None = None, iptc: dict | None = None) -> bytes:
    """A JPEG carrying the EXIF (a PIL Exif), XMP packet and IPTC datasets given."""
    buffer = io.BytesIO()
    options = {}
    if exif is not None:
        options["exif"] = exif
    if xmp is not None:
        options["xmp"] = xmp
    PILImage.new("RGB", (900, 500), (40, 90, 160)).save(buffer, format="JPEG", **options)
    data = buffer.getvalue()
    if iptc:
        data = data[:2] + iptc_segment(iptc) + data[2:]  # right after SOI
    return data


# Content Credentials (C2PA), signed with a certificate made for the test

DIGITAL_CAPTURE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
AI_GENERATED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


class TestSigner:
    """A test root CA and a photographer's certificate under it, to sign pictures with
    c2pa's Builder as a camera or an editing app would."""

    __test__ = False  # not a test class

    def __init__(self, common_name="Jane Photographer", organization="Test Photo Agency"):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        ca_key, key = (
            ec.generate_private_key(ec.SECP256R1()),
            ec.generate_private_key(ec.SECP256R1()),
        )
        ca = _certificate("Test Root CA", organization, ca_key, ca_key, issuer=None)
        certificate = _certificate(common_name, organization, key, ca_key, issuer=ca)
        pem = serialization.Encoding.PEM
        self.root_pem = ca.public_bytes(pem)
        self.chain_pem = certificate.public_bytes(pem) + self.root_pem
        self.key_pem = key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def sign(
        self,
        content: bytes,
        mime_type="image/jpeg",
        *,
        source_type=DIGITAL_CAPTURE,
        edited_with: str | None = "Photo Editor Pro",
    ) -> bytes:
        """`content` with Content Credentials: created (of `source_type`), then, when
        `edited_with` names an app, a colour adjustment made with it."""
        import c2pa

        actions = [{"action": "c2pa.created", "digitalSourceType": source_type}]
        if edited_with:
            actions.append(
                {"action": "c2pa.color_adjustments", "softwareAgent": {"name": edited_with}}
            )
        manifest = {
            "claim_generator_info": [{"name": "Test Camera App", "version": "2.1"}],
            "title": "photo",
            "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}],
        }
        info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, self.chain_pem, self.key_pem, None)
        with c2pa.Signer.from_info(info) as signer, c2pa.Builder(manifest) as builder:
            signed = io.BytesIO()
            builder.sign(signer, mime_type, io.BytesIO(content), signed)
        return signed.getvalue()


def _certificate(common_name, organization, key, signing_key, *, issuer):
    """A CA certificate (issuer None: self-signed) or, under `issuer`, a signing certificate
    with the key usages C2PA asks of one."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
    ])  # fmt: skip
    is_ca = issuer is None
    usages = {
        "digital_signature": not is_ca, "content_commitment": False, "key_encipherment": False,
        "data_encipherment": False, "key_agreement": False, "key_cert_sign": is_ca,
        "crl_sign": is_ca, "encipher_only": False, "decipher_only": False,
    }  # fmt: skip
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject if is_ca else issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**usages), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if not is_ca:
        email = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION])
        issuer_key = x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key())
        builder = builder.add_extension(email, critical=False).add_extension(
            issuer_key, critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


def tampered(signed: bytes) -> bytes:
    """The signed picture with one byte of its pixels changed, as an edit after signing would."""
    changed = bytearray(signed)
    changed[-100] ^= 0xFF
    return bytes(changed)
