"""Content Credentials (C2PA): the signed record of where a picture came from and what was
done to it, read from an upload before its original is re-encoded, which removes it.

The C2PA reference library (`c2pa-python`) validates the manifest store: its signature,
the signer's certificate against the trust anchors the site configures
(`NEWSROOM_C2PA_TRUST_ANCHORS`, a PEM file such as the C2PA trust list), and the hash of
the picture it was signed over. What readers and editors need of it is kept as a summary
on the image (`ContentCredentials.as_dict`), and the store itself, as the file carried it,
is kept beside the image (`manifest_store`), since the re-encoded original no longer holds
it. Nothing is fetched from the network: no remote manifest, no revocation check.

A store whose picture no longer matches its hash, or that cannot be read, is *invalid*
and never shown as verified; one whose signer is not among the trust anchors is
*unverified*, however well-formed.
"""

import io
import json
import logging
import struct
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger(__name__)

VERIFIED, UNVERIFIED, INVALID = "verified", "unverified", "invalid"
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# Bounds on what is kept of a store's claims: texts, actions, failure codes.
MAX_TEXT = 200
MAX_ITEMS = 20
# The IPTC digital source types (https://cv.iptc.org/newscodes/digitalsourcetype/) that
# say a picture was made, or partly made, by generative AI, or put together from others.
AI_GENERATED = {"trainedAlgorithmicMedia"}
AI_COMPOSITE = {"compositeWithTrainedAlgorithmicMedia", "compositeSynthetic"}
COMPOSITE = {"composite", "compositeCapture"}
# Failure codes that mean the picture changed after it was signed.
TAMPERED = ("assertion.dataHash.mismatch", "assertion.boxesHash.mismatch", "assertion.bmffHash")
CREATED_ACTIONS = {"c2pa.created", "c2pa.opened"}
STATE_LABELS = {VERIFIED: "verified", UNVERIFIED: "not verified", INVALID: "invalid"}
AI_LABELS = {
    "generated": "AI-generated: yes",
    "composite": "AI-generated: in part",
    "none": "AI-generated: no",
    "": "AI-generated: not stated",
}


@dataclass
class ContentCredentials:
    """What a picture's Content Credentials say, and whether they hold."""

    state: str  # VERIFIED, UNVERIFIED or INVALID
    signer: str = ""  # the signing certificate's common name
    issuer: str = ""  # its organization
    signed_at: str = ""  # ISO time from a time-stamp authority, when the signer had one
    claim_generator: str = ""  # the app that wrote the credentials ("Camera App 2.1")
    actions: list[str] = field(default_factory=list)  # "created", "color adjustments", …
    software: list[str] = field(default_factory=list)  # the apps that made the edits
    digital_source_type: str = ""  # the IPTC term, e.g. "digitalCapture"
    tampered: bool = False
    failures: list[str] = field(default_factory=list)  # validation codes that failed

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ContentCredentials":
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**{"state": INVALID, **known})

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, STATE_LABELS[INVALID])

    @property
    def reader_line(self) -> str:
        """What readers are told under the picture, after "Content Credentials: <state> · ".

        Invalid credentials say only that: none of their claims is repeated.
        """
        if self.state not in (VERIFIED, UNVERIFIED):
            if self.tampered:
                return "the picture was changed after it was signed"
            return "they could not be validated"
        parts = []
        if self.signer or self.issuer:
            who = self.signer or self.issuer
            if self.issuer and self.issuer != who:
                who = f"{who} ({self.issuer})"
            parts.append(f"signed by {who}")
        if self.software:
            parts.append(f"edited with {', '.join(self.software)}")
        elif self.claim_generator:
            parts.append(f"made with {self.claim_generator}")
        ai = AI_LABELS[self.ai]
        if self.digital_source_type in COMPOSITE:
            ai += " (a composite)"
        parts.append(ai)
        return " · ".join(parts)

    @property
    def ai(self) -> str:
        """ "generated", "composite" (partly generated), "none", or "" when not stated."""
        if not self.digital_source_type:
            return ""
        if self.digital_source_type in AI_GENERATED:
            return "generated"
        if self.digital_source_type in AI_COMPOSITE:
            return "composite"
        return "none"


def read_content_credentials(data: bytes, fmt: str) -> tuple[ContentCredentials | None, bytes]:
    """The Content Credentials of a picture's bytes (`fmt`: "jpeg", "png" or "webp") and its
    manifest store as embedded; (None, b"") when it carries none."""
    store = manifest_store(data, fmt)
    if not store:
        return None, b""
    import c2pa

    try:
        reader = c2pa.Reader(MIME_TYPES[fmt], io.BytesIO(data), context=_context())
        with reader:
            report = json.loads(reader.json())
    except c2pa.C2paError as error:
        logger.info("content credentials unreadable: %s", error)
        return ContentCredentials(state=INVALID, failures=["unreadable"]), store
    return summarise(report), store


def summarise(report: dict) -> ContentCredentials:
    """The reader's report (its JSON) in the newsroom's terms."""
    manifest = report.get("manifests", {}).get(report.get("active_manifest") or "", {})
    results = (report.get("validation_results") or {}).get("activeManifest") or {}
    failures = [_text(item.get("code")) for item in results.get("failure", []) if item.get("code")][
        :MAX_ITEMS
    ]
    state = {"Trusted": VERIFIED, "Valid": UNVERIFIED}.get(report.get("validation_state"), INVALID)
    if not manifest:
        state = INVALID
    signature = manifest.get("signature_info") or {}
    actions = _actions(manifest)
    source_types = [
        action["digitalSourceType"].rstrip("/").rsplit("/", 1)[-1]
        for action in actions
        if isinstance(action.get("digitalSourceType"), str)
    ]
    return ContentCredentials(
        state=state,
        signer=_text(signature.get("common_name")),
        issuer=_text(signature.get("issuer")),
        signed_at=_text(signature.get("time")),
        claim_generator=_generator(manifest),
        actions=[_action_name(action) for action in actions][:MAX_ITEMS],
        software=_software(actions),
        digital_source_type=_text(source_types[0]) if source_types else "",
        tampered=any(code.startswith(TAMPERED) for code in failures),
        failures=failures,
    )


def _actions(manifest: dict) -> list[dict]:
    found = []
    for assertion in manifest.get("assertions") or []:
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            found += [
                a for a in (assertion.get("data") or {}).get("actions", []) if isinstance(a, dict)
            ]
    return found


def _action_name(action: dict) -> str:
    """ "c2pa.color_adjustments" -> "color adjustments"."""
    return _text(str(action.get("action", "")).removeprefix("c2pa.").replace("_", " "))


def _software(actions: list[dict]) -> list[str]:
    names = []
    for action in actions:
        if action.get("action") in CREATED_ACTIONS:
            continue
        agent = action.get("softwareAgent")
        name = agent.get("name") if isinstance(agent, dict) else agent
        if isinstance(name, str) and _text(name) and _text(name) not in names:
            names.append(_text(name))
    return names[:MAX_ITEMS]


def _generator(manifest: dict) -> str:
    info = manifest.get("claim_generator_info") or []
    if info and isinstance(info[0], dict):
        return _text(" ".join(filter(None, (info[0].get("name"), info[0].get("version")))))
    return _text(manifest.get("claim_generator"))


def _text(value) -> str:
    if not isinstance(value, str):
        return ""
    text = "".join(" " if ord(char) < 32 else char for char in value)
    return " ".join(text.split())[:MAX_TEXT]


@lru_cache(maxsize=1)
def _context():
    """The reader's settings: the site's trust anchors, and no network."""
    import c2pa

    verify = {"verify_trust": True, "remote_manifest_fetch": False, "ocsp_fetch": False}
    config: dict = {"verify": verify}
    anchors = settings.NEWSROOM_C2PA_TRUST_ANCHORS
    if anchors:
        with open(anchors, encoding="ascii") as pem:
            config["trust"] = {"trust_anchors": pem.read()}
    return c2pa.Context.from_dict(config)


def forget_settings() -> None:
    """Read the trust anchors again on next use (tests change them)."""
    _context.cache_clear()


# The manifest store, as embedded: JUMBF in a JPEG's APP11 segments (ISO 19566-5), a PNG's
# caBX chunk or a WebP's C2PA chunk (C2PA 2.1, "Embedding manifests into assets").


def manifest_store(data: bytes, fmt: str) -> bytes:
    """The C2PA manifest store embedded in a picture's bytes, or b"" when there is none."""
    try:
        if fmt == "jpeg":
            return _from_jpeg(data)
        if fmt == "png":
            return _from_chunks(data, 8, b"caBX", big_endian=True)
        if fmt == "webp":
            return _from_chunks(data, 12, b"C2PA", big_endian=False)
    except (IndexError, struct.error):  # a damaged container: as if it held none
        return b""
    return b""


def _from_jpeg(data: bytes) -> bytes:
    """Reassemble the JUMBF box spread over APP11 segments: each segment holds "JP", the
    box instance, its sequence number and a piece of the box, the first with the box's
    header and the others with a copy of it to skip."""
    boxes: dict[int, list[tuple[int, bytes]]] = {}
    position = 2  # after SOI
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        if marker in (0xDA, 0xD9):  # the picture itself, or its end: no more headers
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position + 4 : position + 2 + length]
        if marker == 0xEB and segment[:2] == b"JP" and len(segment) >= 16:
            instance, sequence = struct.unpack(">HI", segment[2:8])
            piece = segment[8:] if sequence == 1 else segment[16:]
            boxes.setdefault(instance, []).append((sequence, piece))
        position += 2 + length
    for pieces in boxes.values():
        box = b"".join(piece for _, piece in sorted(pieces))
        if _is_c2pa(box):
            return box
    return b""


def _from_chunks(data: bytes, start: int, name: bytes, *, big_endian: bool) -> bytes:
    """A PNG chunk (length, type, data, CRC) or a RIFF chunk (type, length, data, padding)."""
    position = start
    while position + 8 <= len(data):
        if big_endian:
            (length,) = struct.unpack(">I", data[position : position + 4])
            kind, body = data[position + 4 : position + 8], position + 8
            after = body + length + 4
        else:
            kind = data[position : position + 4]
            (length,) = struct.unpack("<I", data[position + 4 : position + 8])
            body = position + 8
            after = body + length + (length & 1)
        if kind == name:
            box = data[body : body + length]
            return box if _is_c2pa(box) else b""
        position = after
    return b""


def _is_c2pa(box: bytes) -> bool:
    """A JUMBF superbox ("jumb") whose description box is labelled "c2pa"."""
    return box[4:8] == b"jumb" and b"c2pa" in box[8:64]
