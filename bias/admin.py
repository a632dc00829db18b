from django.contrib import admin

from bias.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("article", "label", "position", "published_at", "published_by")
    list_select_related = ("article", "published_by")
    search_fields = ("article__title", "label", "why")
    raw_id_fields = ("article",)
    readonly_fields = ("published_by",)

    # Publishing a rating needs bias.publish_rating; a published rating is
    # history, so a change is a new rating, never an edit.
    def has_add_permission(self, request):
        return request.user.has_perm("bias.publish_rating") and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.published_by = request.user
        super().save_model(request, obj, form, change)
