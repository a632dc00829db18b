"""Who made a picture and on what terms, as the file itself says: read before the stored
original is re-encoded without its metadata (`renditions.clean_original`).

Photo agencies and cameras write the IPTC Photo Metadata fields twice, as IPTC IIM (in a
JPEG's Photoshop block) and as XMP; EXIF Artist and Copyright are the camera's fallbacks.
Read here, with Pillow and a hardened XML parser (defusedxml):

| IPTC field                | XMP                          | IIM     | EXIF      |
| ------------------------- | ---------------------------- | ------- | --------- |
| Creator                   | dc:creator                   | 2:80    | Artist    |
| Credit Line               | photoshop:Credit             | 2:110   |           |
| Source                    | photoshop:Source             | 2:115   |           |
| Copyright Notice          | dc:rights                    | 2:116   | Copyright |
| Web Statement of Rights   | xmpRights:WebStatement       |         |           |
| Licensor URL              | plus:Licensor/plus:LicensorURL |       |           |

The person uploading sees what was read and confirms or corrects it.
"""

import re
from dataclasses import asdict, dataclass, fields

from defusedxml import DefusedXmlException, ElementTree
from PIL import ExifTags, IptcImagePlugin

# What a field may hold once read: as long as the longest of the image's own fields.
MAX_TEXT = 300
# An XMP packet is a few kilobytes; past this it is not read (a JPEG's holds 64 KB at most).
MAX_XMP_BYTES = 256 * 1024
# Creators, or languages of a title, that one property lists before the rest are ignored.
MAX_ITEMS = 20

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "cc": "http://creativecommons.org/ns#",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IIM = {"creator": (2, 80), "credit_line": (2, 110), "source": (2, 115), "copyright": (2, 116)}

# Licence deeds as their addresses name them -> our License values.
LICENSE_ADDRESSES = [
    (re.compile(r"creativecommons\.org/licenses/by-sa/4\.0", re.I), "cc_by_sa_4"),
    (re.compile(r"creativecommons\.org/licenses/by/4\.0", re.I), "cc_by_4"),
    (re.compile(r"creativecommons\.org/publicdomain/zero/1\.0", re.I), "cc0"),
    (re.compile(r"creativecommons\.org/publicdomain/mark/1\.0", re.I), "public_domain"),
]
PUBLIC_DOMAIN = re.compile(r"\bpublic domain\b", re.I)
HTTP_URL = re.compile(r"^https?://[^\s<>\"]+$", re.I)


@dataclass(frozen=True)
class FileCredits:
    """The credit fields a picture's metadata holds (empty where it holds none)."""

    creator: str = ""
    credit_line: str = ""
    source: str = ""
    copyright_notice: str = ""
    web_statement: str = ""
    licensor_url: str = ""
    license_url: str = ""  # cc:license, where Creative Commons tools put the deed

    def __bool__(self) -> bool:
        return any(asdict(self).values())

    def as_dict(self) -> dict[str, str]:
        """The fields that hold something, for keeping beside the image."""
        return {name: value for name, value in asdict(self).items() if value}

    @property
    def license(self) -> str:
        """The licence the file names, as a License value, or "" when it names none.

        A deed's address decides; failing one, a notice that says "public domain"; failing
        that, a copyright notice means all rights are reserved.
        """
        for address in (self.license_url, self.web_statement, self.licensor_url):
            for pattern, value in LICENSE_ADDRESSES:
                if pattern.search(address):
                    return value
        if PUBLIC_DOMAIN.search(self.copyright_notice):
            return "public_domain"
        return "all_rights_reserved" if self.copyright_notice else ""

    @property
    def source_url(self) -> str:
        """Where to license the picture: the licensor's address, else the web statement of
        rights when that is a page about this picture rather than a licence deed."""
        for address in (self.licensor_url, self.web_statement):
            if HTTP_URL.match(address) and not any(p.search(address) for p, _ in LICENSE_ADDRESSES):
                return address
        return ""

    def prefill(self) -> dict[str, str]:
        """The image's credit fields as the file would fill them (empty ones left out)."""
        values = {
            "credit": self.credit_line or self.creator,
            "license": self.license,
            "source": self.source,
            "source_url": self.source_url,
            "copyright_notice": self.copyright_notice,
        }
        return {name: value for name, value in values.items() if value}


def read_credits(picture) -> FileCredits:
    """The credits an open Pillow image carries: XMP first, IPTC IIM, then EXIF."""
    found: dict[str, str] = {}
    for source in (_from_xmp(picture), _from_iim(picture), _from_exif(picture)):
        for name, value in source.items():
            if value and not found.get(name):
                found[name] = value
    names = {field.name for field in fields(FileCredits)}
    return FileCredits(**{name: _clean(value) for name, value in found.items() if name in names})


def _clean(value: str) -> str:
    """One line of visible text, without the NULs and control characters files carry."""
    text = "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in value)
    return " ".join(text.split())[:MAX_TEXT]


def _from_exif(picture) -> dict[str, str]:
    exif = picture.getexif()
    return {
        "creator": _text(exif.get(ExifTags.Base.Artist)),
        "copyright_notice": _text(exif.get(ExifTags.Base.Copyright)),
    }


def _from_iim(picture) -> dict[str, str]:
    if picture.format not in ("JPEG", "MPO"):
        return {}
    try:
        iim = IptcImagePlugin.getiptcinfo(picture) or {}
    except (SyntaxError, ValueError, OSError):  # a damaged block: as if there were none
        return {}
    found = {}
    for name, key in IIM.items():
        value = iim.get(key)
        if isinstance(value, list):  # repeated, as By-line is for several creators
            value = b"; ".join(value)
        found["copyright_notice" if name == "copyright" else name] = _text(value)
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")
    return str(value)


def _from_xmp(picture) -> dict[str, str]:
    packet = picture.info.get("xmp") or picture.info.get("XML:com.adobe.xmp") or b""
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    if not packet or len(packet) > MAX_XMP_BYTES:
        return {}
    try:
        root = ElementTree.fromstring(packet.strip(b"\x00 \r\n\t"))
    except (ElementTree.ParseError, DefusedXmlException):  # malformed, or entities and DTDs
        return {}
    return {
        "creator": "; ".join(_values(root, "dc", "creator")),
        "credit_line": _first(root, "photoshop", "Credit"),
        "source": _first(root, "photoshop", "Source"),
        "copyright_notice": _first(root, "dc", "rights"),
        "web_statement": _first(root, "xmpRights", "WebStatement"),
        "licensor_url": _first(root, "plus", "LicensorURL"),
        "license_url": _first(root, "cc", "license"),
    }


def _first(root, prefix: str, name: str) -> str:
    return next(iter(_values(root, prefix, name)), "")


def _values(root, prefix: str, name: str) -> list[str]:
    """The values of one property, whether written as an attribute of an rdf:Description,
    an element's text, its rdf:resource, or the items of its rdf:Seq, rdf:Bag or rdf:Alt
    (the x-default language first). At most MAX_ITEMS, each read once: the items are the
    property's own, never those of a property nested inside one, so that a packet nested
    deep costs what its size does."""
    rdf = NS["rdf"]
    tag = f"{{{NS[prefix]}}}{name}"
    containers = {f"{{{rdf}}}{kind}" for kind in ("Seq", "Bag", "Alt")}
    values = []
    for description in root.iter(f"{{{rdf}}}Description"):
        if tag in description.attrib:
            values.append(description.attrib[tag])
    for element in root.iter(tag):
        if len(values) >= MAX_ITEMS:
            break
        items = [
            item
            for container in element
            if container.tag in containers
            for item in container
            if item.tag == f"{{{rdf}}}li"
        ]
        if items:
            items.sort(key=lambda item: item.get(XML_LANG) != "x-default")
            values += [item.text or "" for item in items[:MAX_ITEMS]]
        elif element.get(f"{{{rdf}}}resource"):
            values.append(element.get(f"{{{rdf}}}resource"))
        elif element.text and element.text.strip():
            values.append(element.text)
    kept = [value[: MAX_TEXT * 2].strip() for value in values[:MAX_ITEMS]]
    return [value for value in kept if value]
