from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.html import format_html

from articles.images.credentials import ContentCredentials
from articles.images.validators import validate_image_upload
from articles.text import validate_visible, visible_or_blank


class License(models.TextChoices):
    PUBLIC_DOMAIN = "public_domain", "Public domain"
    CC0 = "cc0", "CC0 1.0"
    CC_BY_4 = "cc_by_4", "CC BY 4.0"
    CC_BY_SA_4 = "cc_by_sa_4", "CC BY-SA 4.0"
    ALL_RIGHTS_RESERVED = "all_rights_reserved", "All rights reserved"
    WITH_PERMISSION = "with_permission", "Used with permission"

    @property
    def url(self) -> str:
        return LICENSE_URLS.get(self, "")


LICENSE_URLS = {
    License.PUBLIC_DOMAIN: "https://creativecommons.org/publicdomain/mark/1.0/",
    License.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    License.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    License.CC_BY_SA_4: "https://creativecommons.org/licenses/by-sa/4.0/",
}

http_url = URLValidator(schemes=["http", "https"])


class Image(models.Model):
    file = models.ImageField(
        upload_to="images/%Y/%m/",
        max_length=255,
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
        help_text="JPEG, PNG or WebP. Resized copies are made when you save.",
    )
    alt_text = models.CharField(
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it.",
        validators=[validate_visible],
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Photographer or agency, e.g. “Reuters/Jane Doe”.",
        validators=[validate_visible],
    )
    license = models.CharField(max_length=40, choices=License, default=License.ALL_RIGHTS_RESERVED)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where it was found, e.g. “Wikimedia Commons”."
    )
    source_url = models.URLField(
        blank=True,
        validators=[http_url],
        help_text="Where the picture can be licensed, or where it was found.",
    )
    copyright_notice = models.CharField(
        max_length=300,
        blank=True,
        help_text="As the rights holder words it, e.g. “© 2025 Reuters”. Blank for public domain.",
    )
    # What the upload's own metadata said of its credit (IPTC, XMP, EXIF), as read before the
    # file was stored without it (articles.images.credits.FileCredits.as_dict).
    credits_in_file = models.JSONField(default=dict, blank=True, editable=False)
    # The upload's Content Credentials (C2PA), summarised (articles.images.credentials), and
    # its manifest store as the file carried it: the stored original no longer holds it.
    content_credentials = models.JSONField(null=True, blank=True, editable=False)
    manifest_store = models.FileField(
        upload_to="credentials/%Y/%m/", max_length=255, blank=True, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.alt_text

    @property
    def license_choice(self) -> License:
        return License(self.license)

    @property
    def credit_line(self) -> str:
        """e.g. "Presidential Communications Office, Public domain, via Wikimedia Commons"."""
        parts = [part for part in (self.credit, self.license_choice.label) if part]
        if self.source:
            parts.append(f"via {self.source}")
        return ", ".join(parts)

    @property
    def credit_line_html(self) -> str:
        """The credit line with the licence and the source linked where they have URLs."""
        license_html = self.license_choice.label
        if self.license_choice.url:
            license_html = format_html(
                '<a href="{}" rel="license">{}</a>', self.license_choice.url, license_html
            )
        source_html = self.source
        # The form allows only http(s) addresses; a row written some other way
        # still never gets a javascript: or data: link.
        if self.source and self.source_url.lower().startswith(("https://", "http://")):
            source_html = format_html('<a href="{}">{}</a>', self.source_url, self.source)
        if self.credit and source_html:
            return format_html("{}, {}, via {}", self.credit, license_html, source_html)
        if self.credit:
            return format_html("{}, {}", self.credit, license_html)
        if source_html:
            return format_html("{}, via {}", license_html, source_html)
        return format_html("{}", license_html)

    @property
    def credentials(self) -> ContentCredentials | None:
        """The upload's Content Credentials, or None when it carried none."""
        if not self.content_credentials:
            return None
        return ContentCredentials.from_dict(self.content_credentials)

    def renditions_by_format(self) -> dict[str, list["Rendition"]]:
        """Renditions grouped by format, narrowest first; uses prefetched rows."""
        grouped: dict[str, list[Rendition]] = {}
        for rendition in sorted(self.renditions.all(), key=lambda r: r.width):
            grouped.setdefault(rendition.format, []).append(rendition)
        return grouped

    def shareable_rendition(self, width: int) -> "Rendition | None":
        """The JPEG or PNG rendition closest to `width`, for feeds and link previews,
        whose readers do not all take WebP; uses prefetched rows."""
        renditions = [r for r in self.renditions.all() if r.format != Rendition.Format.WEBP]
        return min(renditions, key=lambda r: abs(r.width - width), default=None)

    @property
    def needs_credit(self) -> bool:
        """An article may not be published leading with it until it has a credit and a
        licence (the publish gate's rule)."""
        return not (visible_or_blank(self.credit) and self.license)

    @property
    def thumbnail_url(self) -> str:
        renditions = sorted(self.renditions.all(), key=lambda r: (r.width, r.format != "webp"))
        return renditions[0].file.url if renditions else ""


class Rendition(models.Model):
    """One resized copy of an image, made when the image is saved."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=10, choices=Format)
    file = models.FileField(upload_to="renditions/%Y/%m/", max_length=255)

    class Meta:
        ordering = ["width", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "width", "format"], name="unique_rendition_per_size"
            )
        ]

    def __str__(self):
        return f"{self.image_id} {self.width}w {self.format}"

    @property
    def mime_type(self) -> str:
        return f"image/{self.format}"
