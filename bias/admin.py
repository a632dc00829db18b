from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import selectors as article_selectors
from articles.admin.article import ArticleAdmin
from articles.models import Article
from bias import reliability, scale, selectors, services
from bias.forms import AssessmentForm, AssessmentRequestForm, RatingPublishForm
from bias.models import AnalystProfile, Assessment, Rating
from bias.permissions import can_assess, can_sign_off
from newsroom.admin import ValidInitialMixin, parse_pk
from newsroom.people import display_name


class RatingStateFilter(admin.SimpleListFilter):
    """Where each article stands with its Tone & Political Bias rating."""

    title = "bias rating"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        choices = [("unrated", "Not rated"), ("needs_review", "Needs re-review")]
        if can_assess(request.user):
            choices.append(("requested_of_me", "Requested of me"))
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
            case "requested_of_me":
                return selectors.requested_of(queryset, request.user)
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
    readonly_fields = ("analyst", "first_score", "submitted_at", "updated_at")

    change_form_template = "admin/bias/assessment/change_form.html"

    def get_fieldsets(self, request, obj=None):
        record = ["analyst", "first_score", "submitted_at", "updated_at"] if obj else []
        revision = [("After seeing the panel", {"fields": ["revision_reason"]})] if obj else []
        return [
            (None, {"fields": ["article"]}),
            ("Lean", {"fields": ["direction", "strength"]}),
            ("Tone", {"fields": list(Assessment.TONE_FIELDS)}),
            (None, {"fields": ["rationale"]}),
            *revision,
            *([("Record", {"fields": record})] if record else []),
        ]

    @admin.display(description="First score, given blind")
    def first_score(self, obj):
        return f"{obj.blind_label} ({obj.blind_position:+d})" if obj.pk else "—"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The article's text beside the form, as readers read it.
        article = obj.article if obj is not None else None
        if article is None:
            initial = context["adminform"].form.initial.get("article")
            article = Article.objects.filter(pk=parse_pk(initial, Article)).first()
        if article is not None and selectors.may_read_for_assessment(request.user, article):
            context["article_text"] = article_selectors.article_page_context(
                Article.objects.for_page().get(pk=article.pk)
            )
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

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
        self.message_user(
            request,
            f"Your assessment of “{obj.article}” is saved: the panel is open to you now.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:bias_assessment_panel", args=[obj.article_id]))

    def response_change(self, request, obj):
        self.message_user(request, "Your assessment is saved.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:bias_assessment_panel", args=[obj.article_id]))

    def get_urls(self):
        panel = self.admin_site.admin_view(self.panel_view)
        return [
            path("panel/<int:article_id>/", panel, name="bias_assessment_panel"),
            *super().get_urls(),
        ]

    def panel_view(self, request, article_id):
        """The panel side by side: the analysts' scores (first, blind, and as revised), the
        balance of their leans, the discussion when they disagree, asking more analysts,
        and the editor's sign-off."""
        article = get_object_or_404(Article, pk=article_id)
        if not selectors.may_see_panel(request.user, article):
            return self.blind_refusal(request, article)
        may_publish = can_sign_off(request.user)
        if request.method == "POST" and not may_publish:
            raise PermissionDenied
        assessments, panel = selectors.panel_for(article)
        current = Rating.objects.current_for(article)
        form = request_form = None
        if may_publish:
            request_form = AssessmentRequestForm(
                request.POST if request.POST.get("action") == "request" else None
            )
            if request.POST.get("action") in ("request", "suggest"):
                return self.ask_analysts(request, article, request_form)
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
        mine = next((a for a in assessments if a.analyst_id == request.user.pk), None)
        context = {
            **self.admin_site.each_context(request),
            "opts": Article._meta,  # the panel is one of the article's own pages
            "original": article,
            "title": f"Bias panel: “{article}”",
            "article": article,
            "assessments": assessments,
            "panel": panel,
            "blind_panel": scale.aggregate([a.blind_vote for a in assessments]),
            "warning": services.panel_warning(panel) if panel else "",
            "reconciled": any(a.revised for a in assessments),
            "ratings": list(article.ratings.select_related("published_by")),
            "current": current,
            "form": form,
            "request_form": request_form,
            "requested": list(
                article.assessment_requests.select_related("analyst").order_by("requested_at")
            ),
            "suggested": selectors.suggested_panel(article) if may_publish else [],
            "mine": mine,
            "may_edit_mine": mine is not None and self.has_change_permission(request, mine),
        }
        return TemplateResponse(request, "admin/bias/panel.html", context)

    def ask_analysts(self, request, article, request_form):
        """Ask named analysts, or the suggested balanced panel, to assess the article."""
        if request.POST.get("action") == "suggest":
            analysts = [profile.user for profile in selectors.suggested_panel(article)]
        elif request_form.is_valid():
            analysts = [profile.user for profile in request_form.cleaned_data["analysts"]]
        else:
            self.message_user(request, "Choose the analysts to ask.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        try:
            made = services.assessments_request(
                article=article, analysts=analysts, user=request.user
            )
        except services.RatingError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            names = ", ".join(display_name(r.analyst) for r in made) or "nobody new"
            self.message_user(request, f"Asked to assess: {names}.", messages.SUCCESS)
        return HttpResponseRedirect(request.path)

    def blind_refusal(self, request, article):
        """The panel is blind until one's own assessment is in: a page that says so."""
        may_assess = (
            can_assess(request.user)
            and article.status in selectors.RATEABLE
            and selectors.assessment_is_open(article)
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": Article._meta,
            "original": article,
            "title": "The panel is blind",
            "article": article,
            "may_assess": may_assess,
        }
        return TemplateResponse(request, "admin/bias/blind.html", context, status=403)


@admin.register(AnalystProfile)
class AnalystProfileAdmin(admin.ModelAdmin):
    """Analysts' own leans, managed by editors who sign off ratings; never shown to readers."""

    list_display = ("user", "lean", "active")
    list_filter = ("lean", "active")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)

    # The roles migration gives editors the model's rights; only those who sign off
    # ratings use them.
    def has_module_permission(self, request):
        return can_sign_off(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_sign_off(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return can_sign_off(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return can_sign_off(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # an analyst who stops is made inactive: their assessments stay theirs

    def get_urls(self):
        view = self.admin_site.admin_view(self.calibration_view)
        return [
            path("calibration/", view, name="bias_analystprofile_calibration"),
            *super().get_urls(),
        ]

    def calibration_view(self, request):
        """For editors: how each analyst's first, blind scores sit against their panels."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Calibration of the analysts",
            "rows": reliability.calibration(),
        }
        return TemplateResponse(request, "admin/bias/calibration.html", context)


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
