from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles.admin.article import ArticleAdmin
from articles.models import Article
from bias import selectors, services
from bias.forms import AssessmentForm, RatingPublishForm
from bias.models import Assessment, Rating
from bias.permissions import can_assess, can_sign_off
from newsroom.admin import ValidInitialMixin


class RatingStateFilter(admin.SimpleListFilter):
    """Where each article stands with its Tone & Political Bias rating."""

    title = "bias rating"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        choices = [("unrated", "Not rated"), ("needs_review", "Needs re-review")]
        if can_assess(request.user):
            choices.append(("awaiting_me", "Awaiting my assessment"))
        if can_sign_off(request.user):
            choices.append(("to_sign_off", "To sign off"))
        return choices

    def queryset(self, request, queryset):
        match self.value():
            case "unrated":
                return queryset.filter(rating_label__isnull=True)
            case "needs_review":
                return queryset.filter(rating_needs_review=True)
            case "awaiting_me":
                return selectors.awaiting_assessment(queryset, request.user)
            case "to_sign_off":
                return selectors.awaiting_sign_off(queryset)
        return queryset


class RatedArticleAdmin(ArticleAdmin):
    """The article admin with the rating beside each article: a column and a filter on
    the list, a fieldset on the page, and links to the panel or to assess."""

    change_form_template = "admin/bias/article_change_form.html"
    list_display = (*ArticleAdmin.list_display[:2], "bias_rating", *ArticleAdmin.list_display[2:])
    list_filter = (*ArticleAdmin.list_filter[:1], RatingStateFilter, *ArticleAdmin.list_filter[1:])
    readonly_fields = (*ArticleAdmin.readonly_fields, "bias_rating")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        # Just before the record of who did what.
        return [
            *fieldsets[:-1],
            ("Tone & Political Bias", {"fields": ["bias_rating"]}),
            fieldsets[-1],
        ]

    def get_queryset(self, request):
        queryset = selectors.with_rating_state(super().get_queryset(request))
        if can_assess(request.user) and not can_sign_off(request.user):
            # Analysts see which of the articles they read they have rated.
            queryset = selectors.with_assessment_by(queryset, request.user)
        return queryset

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
            context["bias_panel_visible"] = selectors.may_see_panel(request.user, obj)
            context["may_assess"] = (
                can_assess(request.user)
                and obj.status in selectors.RATEABLE
                and selectors.assessment_is_open(obj)
            )
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )


admin.site.unregister(Article)
admin.site.register(Article, RatedArticleAdmin)


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
        may_publish = can_sign_off(request.user)
        assessments, panel = selectors.panel_for(article)
        current = Rating.objects.current_for(article)
        form = None
        if may_publish:
            initial = {"direction": panel.direction, "strength": panel.strength} if panel else {}
            if current is not None:
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
            "current": current,
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
