"""The image library: uploads with their credit and licence, and the chooser's thumbnails."""

from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import get_text_list

from articles import services
from articles.models import Image
from articles.permissions import can_edit_image


def image_tag(image: Image, *, width: int):
    url = image.thumbnail_url
    if not url:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" class="admin-thumbnail">', url, image.alt_text, width
    )


class NeedsCreditFilter(admin.SimpleListFilter):
    """Pictures an article could not be published leading with, until someone credits them."""

    title = "credit"
    parameter_name = "credit"

    def lookups(self, request, model_admin):
        return [("needed", "Needs a credit or licence")]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.filter(models.Q(credit__regex=r"^\s*$") | models.Q(license=""))
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = (
        "thumbnail",
        "alt_text",
        "credit_line",
        "license",
        "credentials_state",
        "dimensions",
        "created_at",
    )
    list_filter = (NeedsCreditFilter, "license")
    search_fields = ("alt_text", "caption", "credit", "source")
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        # The uploader's file name is replaced by a generated one, so its length is no matter.
        models.ImageField: {"max_length": None},
    }
    readonly_fields = (
        "preview",
        "credit_line_preview",
        "dimensions",
        "file_credits",
        "content_credentials_report",
    )
    fieldsets = [
        (None, {"fields": ("file", "preview", "alt_text", "caption")}),
        (
            "Credit and licence",
            {
                "description": "Fields left blank are filled in from the file's own metadata "
                "(IPTC, XMP, EXIF) when it is uploaded: check them before the image is used.",
                "fields": (
                    "credit",
                    "license",
                    "source",
                    "source_url",
                    "copyright_notice",
                    "credit_line_preview",
                    "file_credits",
                ),
            },
        ),
        ("Content Credentials", {"fields": ("content_credentials_report",)}),
        ("File", {"fields": ("dimensions",)}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    @admin.display(description="Image")
    def thumbnail(self, obj):
        return image_tag(obj, width=80)

    @admin.display(description="Preview")
    def preview(self, obj):
        return image_tag(obj, width=320) if obj.pk else "Shown after saving."

    @admin.display(description="Credit line as it will print")
    def credit_line_preview(self, obj):
        return obj.credit_line_html if obj.pk else "Shown after saving."

    @admin.display(description="Size")
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description="Content Credentials")
    def credentials_state(self, obj):
        credentials = obj.credentials
        return credentials.state_label.capitalize() if credentials else "—"

    @admin.display(description="In the file's metadata")
    def file_credits(self, obj):
        return render_to_string(
            "admin/articles/image/file_credits.html", {"credits": obj.credits_in_file}
        )

    @admin.display(description="Content Credentials (C2PA)")
    def content_credentials_report(self, obj):
        return render_to_string(
            "admin/articles/image/content_credentials.html",
            {"credentials": obj.credentials, "image": obj},
        )

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return can_edit_image(request.user, obj)

    def save_model(self, request, obj, form, change):
        services.image_save(image=obj, file_changed="file" in form.changed_data, user=request.user)

    def delete_model(self, request, obj):
        services.image_delete(image=obj)

    def response_add(self, request, obj, post_url_continue=None):
        if self._prefilled(request, obj):
            return HttpResponseRedirect(reverse("admin:articles_image_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._prefilled(request, obj):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _prefilled(self, request, obj) -> bool:
        """Fields the file's metadata filled in: the uploader is shown them to confirm."""
        names = getattr(obj, "prefilled_from_file", [])
        if names:
            labels = [str(Image._meta.get_field(name).verbose_name) for name in names]
            self.message_user(
                request,
                f"Filled in from the file's metadata: {get_text_list(labels, 'and')}. "
                "Check them, correct them if need be, and save.",
                messages.WARNING,
            )
        return bool(names)

    def delete_queryset(self, request, queryset):
        for image in queryset.prefetch_related("renditions"):
            services.image_delete(image=image)
