from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from taggit import admin as taggit_admin
from taggit.models import Tag

from articles import events
from newsroom.admin import parse_pk


class TagAdmin(taggit_admin.TagAdmin):
    """django-taggit's tag admin, with its "merge tags" step limited to who may change and
    delete tags, and to tags that exist.

    taggit's own view checks no permission and reads the tag ids straight from the
    post, so anyone with a view of the tag list could merge tags across every article.
    """

    @admin.action(description="Merge selected tags", permissions=["change", "delete"])
    def render_tag_form(self, request, queryset):
        request.session["selected_tag_ids"] = ",".join(
            str(pk) for pk in queryset.values_list("pk", flat=True)
        )
        return HttpResponseRedirect(reverse("admin:taggit_tag_merge_tags"))

    def merge_tags_view(self, request):
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        chosen = [
            parse_pk(pk, Tag) for pk in request.session.get("selected_tag_ids", "").split(",")
        ]
        existing = Tag.objects.filter(pk__in=[pk for pk in chosen if pk is not None])
        request.session["selected_tag_ids"] = ",".join(
            str(pk) for pk in existing.values_list("pk", flat=True)
        )
        if not request.session["selected_tag_ids"]:
            self.message_user(
                request, "Choose the tags to merge in the list first.", messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:taggit_tag_changelist"))
        response = super().merge_tags_view(request)
        if request.method == "POST" and response.status_code == 302:
            merged = Tag.objects.filter(name=request.POST.get("new_tag_name", ""))
            events.tags_changed.send(sender=Tag, tags=list(merged))
        return response


admin.site.unregister(Tag)
admin.site.register(Tag, TagAdmin)
