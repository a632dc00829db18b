import nested_admin
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles import services
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
from articles.models import Article, Delegation, DelegationMember, Section
from bias import selectors as bias_selectors
from bias.selectors import RATEABLE
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


class RatingStateFilter(admin.SimpleListFilter):
    """Where each article stands with its Tone & Political Bias rating."""

    title = "bias rating"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        choices = [("unrated", "Not rated"), ("needs_review", "Needs re-review")]
        if request.user.has_perm("bias.add_assessment"):
            choices.append(("awaiting_me", "Awaiting my assessment"))
        if request.user.has_perm("bias.publish_rating"):
            choices.append(("to_sign_off", "To sign off"))
        return choices

    def queryset(self, request, queryset):
        match self.value():
            case "unrated":
                return queryset.filter(rating_label__isnull=True)
            case "needs_review":
                return queryset.filter(rating_needs_review=True)
            case "awaiting_me":
                return bias_selectors.awaiting_assessment(queryset, request.user)
            case "to_sign_off":
                return bias_selectors.awaiting_sign_off(queryset)
        return queryset


@admin.register(Article)
class ArticleAdmin(ValidInitialMixin, nested_admin.NestedModelAdmin):
    form = ArticleAdminForm
    list_display = ("title", "publication", "bias_rating", "author", "published_at", "updated_at")
    list_filter = (
        "status",
        RatingStateFilter,
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
        "bias_rating",
        "created_at",
        "updated_at",
    )
    inlines = [SectionInline, DelegationInline]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/image-chooser.js"]

    def get_fieldsets(self, request, obj=None):
        workflow_fields = ["publication", "transition", "publish_at", "note"]
        may_correct = request.user.has_perm("articles.publish_article")
        if obj is not None and obj.status == Article.Status.PUBLISHED and may_correct:
            workflow_fields.append("correction")
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
                        "summary",
                        "tags",
                        "comments_enabled",
                        "loaded_version",
                    ]
                },
            ),
            ("Lead image", {"fields": ["lead_image", "lead_image_preview"]}),
            ("Workflow", {"fields": workflow_fields}),
            *([("Tone & Political Bias", {"fields": ["bias_rating"]})] if obj else []),
            ("Record", {"fields": record}),
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_queryset(self, request):
        # Naming select_related here makes the change list skip list_select_related.
        queryset = (
            super().get_queryset(request).select_related("author", "lead_image", "updated_by")
        )
        queryset = bias_selectors.with_rating_state(queryset)
        if request.user.has_perm("articles.publish_article"):
            return queryset
        if request.user.has_perm("bias.add_assessment"):
            # Analysts read what they may rate, and see which they have rated.
            queryset = bias_selectors.with_assessment_by(queryset, request.user)
            return queryset.filter(status__in=RATEABLE)
        # Journalists see their own articles only.
        return queryset.filter(author=request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return services.article_can_edit(user=request.user, article=obj)

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

    @admin.display(description="Bias rating")
    def bias_rating(self, obj):
        label = getattr(obj, "rating_label", None)
        count = getattr(obj, "assessment_count", None) or 0
        parts = [label or "Not rated"]
        if getattr(obj, "rating_needs_review", False):
            parts.append("needs re-review")
        parts.append(f"{count} assessment{'' if count == 1 else 's'}")
        rating_open = label is None or getattr(obj, "rating_needs_review", False)
        if getattr(obj, "assessed_by_me", None) is False and rating_open:
            parts.append("awaiting yours")
        return " · ".join(parts)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["bias_panel_visible"] = bias_selectors.may_see_panel(request.user, obj)
            context["may_assess"] = (
                request.user.has_perm("bias.add_assessment")
                and obj.status in RATEABLE
                and bias_selectors.assessment_is_open(obj)
            )
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

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
            "admin/articles/article/corrections.html", {"corrections": obj.corrections.all()}
        )

    def save_model(self, request, obj, form, change):
        services.article_save(
            article=obj, user=request.user, expected_version=form.cleaned_data.get("loaded_version")
        )

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        article = form.instance
        # The body goes through its service, which checks every row id again.
        form.body_changes = services.article_save_body(
            article=article, user=request.user, **body_rows(formsets)
        )
        services.article_index_for_search(article=article)
        services.article_record_revision(
            article=article, user=request.user, comment="Changed" if change else "Created"
        )
        try:
            if correction := form.cleaned_data.get("correction", "").strip():
                services.article_add_correction(article=article, user=request.user, note=correction)
            if target := form.cleaned_data.get("transition"):
                moved = services.article_transition(
                    article=article,
                    target=target,
                    user=request.user,
                    note=form.cleaned_data.get("note", ""),
                    publish_at=form.cleaned_data.get("publish_at"),
                )
                self.message_user(request, f"“{moved}”: {self.publication(moved)}.")
        except services.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
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
        return super().response_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as error:
            # A conflict found while saving (after the form checked) writes nothing.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)


def _logged(row) -> dict:
    return {"name": str(row._meta.verbose_name), "object": str(row)}
