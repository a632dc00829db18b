"""The standards pages in the admin: editors rewrite their text; the set and the addresses
are fixed, so nothing is added or deleted here."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from newsroom.standards import services
from newsroom.standards.models import StandardsPage


@admin.register(StandardsPage)
class StandardsPageAdmin(admin.ModelAdmin):
    list_display = ("title", "address", "updated_at")
    fields = ("address", "summary", "body", "updated_at")
    readonly_fields = ("address", "updated_at")

    @admin.display(description="Standards page")
    def title(self, obj):
        return obj.title

    @admin.display(description="Address")
    def address(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.standards_page_save(page=obj, user=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StandardsError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)
