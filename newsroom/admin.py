from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class ChooserAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results that carry a thumbnail when the model has one.

    Lets the lead-image chooser show pictures, not just names, while keeping
    Django's permission checks and search.
    """

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        thumbnail_url = getattr(obj, "thumbnail_url", None)
        if thumbnail_url:
            result["thumbnail"] = thumbnail_url
        return result


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Editorial desk"

    def autocomplete_view(self, request):
        return ChooserAutocompleteJsonView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        from articles.comment_admin import queue_counts

        return super().index(request, {**queue_counts(request.user), **(extra_context or {})})
