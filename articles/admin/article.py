import copy

import nested_admin
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format

from articles import selectors, services, workflow
from articles.admin import views as article_admin_views
from articles.admin.image import image_tag
from articles.forms import (
    ArticleAdminForm,
    DelegationFormSet,
    DelegationMemberForm,
    DelegationMemberFormSet,
    SectionFormSet,
    body_rows,
)
from articles.models import Article, Correction, Delegation, DelegationMember, Section
from articles.permissions import can_edit_article, can_publish
from newsroom.admin import ValidInitialMixin


class BoundedInlineMixin:
    """An inline that refuses more rows than `max_num`, however many are posted."""

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)


class DelegationMemberInline(BoundedInlineMixin, nested_admin.NestedTabularInline):
    model = DelegationMember
    form = DelegationMemberForm
    formset = DelegationMemberFormSet
    fields = ("name", "role", "is_head", "position")
    sortable_field_name = "position"
    extra = 0
    max_num = services.MAX_MEMBERS


class DelegationInline(BoundedInlineMixin, nested_admin.NestedStackedInline):
    model = Delegation
    formset = DelegationFormSet
    fields = ("party", "notes", "position")
    sortable_field_name = "position"
    inlines = [DelegationMemberInline]
    extra = 0
    max_num = services.MAX_DELEGATIONS


class SectionInline(BoundedInlineMixin, nested_admin.NestedStackedInline):
    model = Section
    formset = SectionFormSet
    fields = ("kind", "heading", "body", "position")
    sortable_field_name = "position"
    extra = 0
    max_num = services.MAX_SECTIONS


class ReturnedFilter(admin.SimpleListFilter):
    """A writer's drafts that came back from review, with an editor's note to act on."""

    title = "returned"
    parameter_name = "returned"

    def lookups(self, request, model_admin):
        return [("me", "Returned to me")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return selectors.returned_to(request.user, queryset)
        return queryset


@admin.register(Article)
class ArticleAdmin(ValidInitialMixin, nested_admin.NestedModelAdmin):
    """The article's page in the admin: its text, body, image and workflow, for every role.

    Apps that build on articles extend it by registering a subclass in its place
    (the bias app adds the rating's column, filter, fieldset and panel links).
    """

    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ("title", "publication", "author", "published_at", "updated_at")
    list_filter = (
        "status",
        ReturnedFilter,
        "comments_enabled",
        ("author", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "summary", "slug")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("lead_image",)
    readonly_fields = (
        "author",
        "publication",
        "lead_image_preview",
        "workflow_log",
        "corrections_list",
        "created_at",
        "updated_at",
    )
    inlines = [SectionInline, DelegationInline]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/image-chooser.js", "js/article-desk.js"]

    def get_fieldsets(self, request, obj=None):
        workflow_fields = ["publication"]
        moves = workflow.allowed_transitions(request.user, obj or Article(author=request.user))
        if moves and self.has_change_permission(request, obj):
            workflow_fields += ["transition", "note"]
            # A time goes with publishing, which only those who may publish do.
            if any(move.target == Article.Status.PUBLISHED for move in moves):
                workflow_fields.insert(2, "publish_at")
        if obj is not None and obj.status == Article.Status.PUBLISHED and can_publish(request.user):
            workflow_fields.append(("correction", "correction_kind"))  # side by side
        record = ["author", "created_at", "updated_at"]
        if obj is not None:
            record = ["workflow_log", "corrections_list", *record]
        return [
            (
                None,
                {
                    "fields": [
                        "title",
                        "slug",
                        "article_type",
                        "summary",
                        "backstory",
                        "tags",
                        "comments_enabled",
                        "loaded_version",
                    ]
                },
            ),
            ("Lead image", {"fields": ["lead_image", "lead_image_preview"]}),
            ("Workflow", {"fields": workflow_fields}),
            ("Record", {"fields": record}),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["autosave"] = getattr(request, "resumed_autosave", None)
            context["returned"] = selectors.last_return(obj)
            context["can_amend_corrections"] = can_publish(request.user) and (
                obj.corrections.exists()
            )
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def view_on_site(self, obj):
        # A draft, a scheduled or a withdrawn article has no page on the site yet: its
        # preview is the link that works.
        return obj.get_absolute_url() if obj.is_public else None

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        resumed = getattr(request, "resumed_autosave", None)
        return type(form.__name__, (form,), {"user": request.user, "resumed": resumed})

    def get_queryset(self, request):
        # Naming select_related here makes the change list skip list_select_related.
        queryset = (
            super().get_queryset(request).select_related("author", "lead_image", "updated_by")
        )
        return selectors.articles_visible_to(request.user, queryset)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return can_edit_article(request.user, obj)

    def get_urls(self):
        return article_admin_views.urls(self) + super().get_urls()

    @admin.display(description="Status", ordering="status")
    def publication(self, obj):
        if obj.pk is None:
            return "Draft (new)"
        if obj.is_scheduled:
            return (
                f"Scheduled for {date_format(timezone.localtime(obj.published_at), 'j F Y, H:i')}"
            )
        if obj.status == Article.Status.PUBLISHED:
            return f"Published {date_format(timezone.localtime(obj.published_at), 'j F Y, H:i')}"
        return obj.get_status_display()

    @admin.display(description="Preview")
    def lead_image_preview(self, obj):
        if obj.lead_image is None:
            return "No lead image"
        return image_tag(obj.lead_image, width=240)

    @admin.display(description="Workflow log")
    def workflow_log(self, obj):
        changes = obj.status_changes.select_related("user")
        return render_to_string("admin/articles/article/workflow_log.html", {"changes": changes})

    @admin.display(description="Corrections")
    def corrections_list(self, obj):
        return render_to_string(
            "admin/articles/article/corrections.html",
            {"corrections": obj.corrections.all()},
        )

    def save_model(self, request, obj, form, change):
        services.article_save(
            article=obj, user=request.user, expected_version=form.cleaned_data.get("loaded_version")
        )

    def delete_model(self, request, obj):
        services.article_delete(article=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, user=request.user)

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        # The body goes through the service, which checks every row id again.
        outcome = services.article_edit(
            article=form.instance,
            user=request.user,
            created=not change,
            **body_rows(formsets),
            correction=form.cleaned_data.get("correction", ""),
            correction_kind=form.cleaned_data.get("correction_kind") or Correction.Kind.CORRECTION,
            target=form.cleaned_data.get("transition", ""),
            note=form.cleaned_data.get("note", ""),
            publish_at=form.cleaned_data.get("publish_at"),
        )
        form.body_changes = outcome.body
        if outcome.moved is not None:
            self.message_user(request, f"“{outcome.moved}”: {self.publication(outcome.moved)}.")
        if outcome.refused:
            self.message_user(request, outcome.refused, messages.ERROR)
            request.workflow_refused = True

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, [], add)
        changes = getattr(form, "body_changes", None)
        if changes is None:
            return message
        for verb, rows in (("added", changes.added), ("deleted", changes.deleted)):
            message += [{verb: _logged(row)} for row in rows]
        message += [
            {"changed": {**_logged(row), "fields": fields}} for row, fields in changes.changed
        ]
        return message

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "workflow_refused", False):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "workflow_refused", False):
            return HttpResponseRedirect(request.path)
        stored = Article.objects.get(pk=obj.pk)  # as the save and its move left it
        if "_continue" in request.POST and not self.has_change_permission(request, stored):
            # Saved, and now out of this person's hands (submitted for review): say so,
            # rather than "You may edit it again below" above a page they can only read.
            self.message_user(request, f"“{obj}” is saved: {self.publication(stored).lower()}.")
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and object_id is not None:
            resumed = self.resume_autosave(request, object_id, form_url, extra_context)
            if resumed is not None:
                return resumed
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as error:
            # A conflict found while saving (after the form checked) writes nothing.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def resume_autosave(self, request, object_id, form_url, extra_context):
        """The article's page with this editor's autosaved changes in its form, as if they
        had just posted it and not saved: every field as they left it, checked as a save
        would check it (a colleague's save since shows beside theirs). None when there is
        nothing to resume, or the article is no longer theirs to edit."""
        object_id = unquote(object_id)
        kept = selectors.autosave_of_id(object_id, request.user)  # rarely one: asked first
        if kept is None:
            return None
        article = self.get_object(request, object_id)
        if article is None or not can_edit_article(request.user, article):
            return None
        posted = copy.copy(request)
        posted.method = "POST"
        posted.POST, posted._files = kept.as_form_data(), MultiValueDict()
        posted.resumed_autosave = kept
        # Not through changeform_view: its CSRF check is for posts the browser made.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return self._changeform_view(posted, object_id, form_url, extra_context)


def _logged(row) -> dict:
    return {"name": str(row._meta.verbose_name), "object": str(row)}
