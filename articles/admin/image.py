"""The image library: uploads with their credit and licence, and the chooser's thumbnails."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

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


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ("thumbnail", "alt_text", "credit_line", "license", "dimensions", "created_at")
    list_filter = ("license",)
    search_fields = ("alt_text", "caption", "credit", "source")
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        # The uploader's file name is replaced by a generated one, so its length is no matter.
        models.ImageField: {"max_length": None},
    }
    readonly_fields = ("preview", "credit_line_preview", "dimensions")
    fieldsets = [
        (None, {"fields": ("file", "preview", "alt_text", "caption")}),
        (
            "Credit and licence",
            {"fields": ("credit", "license", "source", "source_url", "credit_line_preview")},
        ),
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

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return can_edit_image(request.user, obj)

    def save_model(self, request, obj, form, change):
        services.image_save(image=obj, file_changed="file" in form.changed_data, user=request.user)

    def delete_model(self, request, obj):
        services.image_delete(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset.prefetch_related("renditions"):
            services.image_delete(image=image)
