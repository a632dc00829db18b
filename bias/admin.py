from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles.models import Article
from bias import selectors, services
from bias.forms import AssessmentForm, RatingPublishForm
from bias.models import Assessment, Rating
from newsroom.admin import ValidInitialMixin


@admin.register(Assessment)
class AssessmentAdmin(ValidInitialMixin, admin.ModelAdmin):
    """Analysts' assessments, blind: see selectors.assessments_visible_to."""

    form = AssessmentForm
    list_display = ("article", "analyst", "label", "position", "submitted_at", "updated_at")
    list_filter = ("direction", "strength")
    search_fields = ("article__title",)
    autocomplete_fields = ("article",)
    readonly_fields = ("analyst", "submitted_at", "updated_at")

    def get_fieldsets(self, request, obj=None):
        record = ["analyst", "submitted_at", "updated_at"] if obj else []
        return [
            (None, {"fields": ["article"]}),
            ("Lean", {"fields": ["direction", "strength"]}),
            ("Tone", {"fields": list(Assessment.TONE_FIELDS)}),
            (None, {"fields": ["rationale", *record]}),
        ]

    def get_queryset(self, request):
        return selectors.assessments_visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        # Another analyst's assessment is not there at all until one's own is in:
        # its change, history and delete pages answer 404 rather than a redirect.
        assessment = super().get_object(request, object_id, from_field)
        if assessment is None:
            raise Http404("No such assessment.")
        return assessment

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return (
            obj.analyst_id == request.user.pk
            and super().has_change_permission(request, obj)
            and selectors.assessment_is_open(obj.article)
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        services.assessment_save(assessment=obj, user=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:bias_assessment_panel", args=[obj.article_id]))

    def response_change(self, request, obj):
        return HttpResponseRedirect(reverse("admin:bias_assessment_panel", args=[obj.article_id]))

    def get_urls(self):
        panel = self.admin_site.admin_view(self.panel_view)
        return [
            path("panel/<int:article_id>/", panel, name="bias_assessment_panel"),
            *super().get_urls(),
        ]

    def panel_view(self, request, article_id):
        """The panel side by side, with the editor's sign-off form."""
        article = get_object_or_404(Article, pk=article_id)
        if not selectors.may_see_panel(request.user, article):
            raise PermissionDenied
        may_publish = request.user.has_perm("bias.publish_rating")
        assessments, panel = selectors.panel_for(article)
        form = None
        if may_publish:
            initial = {"direction": panel.direction, "strength": panel.strength} if panel else {}
            if current := Rating.objects.current_for(article):
                initial["why"] = current.why  # a re-review often keeps the words
            form = RatingPublishForm(request.POST or None, initial=initial)
            if request.method == "POST" and form.is_valid():
                try:
                    rating = services.rating_publish(
                        article=article, user=request.user, **form.cleaned_data
                    )
                except services.RatingError as error:
                    form.add_error(None, str(error))
                else:
                    self.message_user(
                        request, f"Published the rating “{rating.label}”.", messages.SUCCESS
                    )
                    return HttpResponseRedirect(request.path)
        elif request.method == "POST":
            raise PermissionDenied
        mine = next((a for a in assessments if a.analyst_id == request.user.pk), None)
        context = {
            **self.admin_site.each_context(request),
            "opts": Article._meta,  # the panel is one of the article's own pages
            "original": article,
            "title": f"Bias panel: “{article}”",
            "article": article,
            "assessments": assessments,
            "panel": panel,
            "ratings": list(article.ratings.select_related("published_by")),
            "form": form,
            "mine": mine,
            "may_edit_mine": mine is not None and self.has_change_permission(request, mine),
        }
        return TemplateResponse(request, "admin/bias/panel.html", context)


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Published ratings are history: read here, published from the bias panel, never edited."""

    list_display = (
        "article",
        "label",
        "position",
        "confidence",
        "needs_review",
        "published_at",
        "published_by",
    )
    list_filter = ("needs_review", "direction", "confidence")
    list_select_related = ("article", "published_by")
    search_fields = ("article__title", "label", "why")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
