import nested_admin
from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from articles import services
from articles.forms import ArticleAdminForm, DelegationMemberForm, DelegationMemberFormSet
from articles.models import Article, Delegation, DelegationMember, Image, Section


class DelegationMemberInline(nested_admin.NestedTabularInline):
    model = DelegationMember
    form = DelegationMemberForm
    formset = DelegationMemberFormSet
    fields = ("name", "role", "is_head", "position")
    sortable_field_name = "position"
    extra = 0


class DelegationInline(nested_admin.NestedStackedInline):
    model = Delegation
    fields = ("party", "notes", "position")
    sortable_field_name = "position"
    inlines = [DelegationMemberInline]
    extra = 0


class SectionInline(nested_admin.NestedStackedInline):
    model = Section
    fields = ("kind", "heading", "body", "position")
    sortable_field_name = "position"
    extra = 0


@admin.register(Article)
class ArticleAdmin(nested_admin.NestedModelAdmin):
    form = ArticleAdminForm
    list_display = ("title", "status", "author", "published_at", "updated_at")
    list_filter = ("status", "comments_enabled", ("author", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("author",)
    search_fields = ("title", "summary", "slug")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("lead_image",)
    readonly_fields = ("author", "lead_image_preview", "created_at", "updated_at")
    fieldsets = [
        (None, {"fields": ("title", "slug", "summary", "tags")}),
        ("Lead image", {"fields": ("lead_image", "lead_image_preview")}),
        ("Publication", {"fields": ("status", "published_at", "comments_enabled")}),
        ("Record", {"fields": ("author", "created_at", "updated_at"), "classes": ["collapse"]}),
    ]
    inlines = [SectionInline, DelegationInline]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/image-chooser.js"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("articles.publish_article"):
            readonly += ["status", "published_at"]
        return readonly

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_image")

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return services.article_can_edit(user=request.user, article=obj)

    @admin.display(description="Preview")
    def lead_image_preview(self, obj):
        if obj.lead_image is None:
            return "No lead image"
        return image_tag(obj.lead_image, width=240)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


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

    def save_model(self, request, obj, form, change):
        services.image_save(image=obj, file_changed="file" in form.changed_data)

    def delete_model(self, request, obj):
        services.image_delete(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset.prefetch_related("renditions"):
            services.image_delete(image=image)


# The moderation queue lives in its own module; importing it registers it.
from articles import comment_admin  # noqa: E402, F401
