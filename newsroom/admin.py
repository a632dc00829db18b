from functools import wraps

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection
from django.shortcuts import render
from django.urls import reverse

from newsroom.signin import AdminSignInForm


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
        if getattr(obj, "needs_credit", False):
            # Chosen now, it would stop the article at the publish gate: say so here.
            result["needs_credit"] = True
            result["text"] = f"{result['text']} (needs a credit before publishing)"
        return result


def parse_pk(value, model) -> int | None:
    """`value` as a primary key of `model`, or None if it is not a whole number its id column holds.

    SQLite refuses to compare with a number past its 64 bits, so an id from a
    request is checked before any query that is not a plain `pk=` (which
    Django checks itself), such as `pk__in`.
    """
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    low, high = connection.ops.integer_field_range(model._meta.pk.get_internal_type())
    return number if low <= number <= high else None


class ValidInitialMixin:
    """Prefill from the query string (?article=12) only with an object this person could choose.

    Django's autocomplete widget looks its initial value up by primary key, so
    `?lead_image=abc`, or an id too large for the column, would otherwise end in
    a 500 instead of an empty field; and an id the chooser would not offer
    (another journalist's draft, for an analyst) would show its title.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.concrete or not (field.many_to_one or field.one_to_one):
                continue
            if not self.may_choose(request, field, initial[name]):
                del initial[name]
        return initial

    def may_choose(self, request, field, value: str) -> bool:
        """Whether `value` names an object the field's chooser offers this person."""
        if "\0" in value:  # PostgreSQL cannot even compare text holding one
            return False
        try:
            value = field.target_field.to_python(value)
        except ValidationError:
            return False
        # An id past the column's range matches nothing: Django's `=` lookup checks the range.
        return self.choosable(request, field).filter(**{field.target_field.name: value}).exists()

    def choosable(self, request, field):
        """The objects the field's chooser offers this person, as its autocomplete does."""
        related = field.related_model
        if not self.admin_site.is_registered(related):
            choices = related._default_manager.all()
        else:
            related_admin = self.admin_site.get_model_admin(related)
            if not related_admin.has_view_permission(request):
                return related._default_manager.none()
            choices = related_admin.get_queryset(request)
        return choices.complex_filter(field.get_limit_choices_to())


# The admin views that search and filter with what the query string says.
SEARCHING_VIEWS = {"changelist_view", "autocomplete_view"}


def refuse_unusable_searches(view):
    """A 400 for a search or filter the database cannot run, rather than a 500.

    PostgreSQL refuses a null character in any text, even to compare with, so
    none in the query string reaches a query: not a search term, a filter's
    value or name. Django's change list turns a filter value it cannot use into
    its error page, but not a date too large for Python (OverflowError).
    """

    @wraps(view)
    def checked(request, *args, **kwargs):
        if any("\0" in part for key, values in request.GET.lists() for part in (key, *values)):
            message = "A search or filter cannot hold a null character."
            return render(request, "400.html", {"message": message}, status=400)
        try:
            return view(request, *args, **kwargs)
        except OverflowError:
            message = "A number in this search or filter is too large."
            return render(request, "400.html", {"message": message}, status=400)

    return checked


def editorial_desk(user) -> list[dict]:
    """The counts on the admin's front page: the person's drafts (for those who write),
    and what awaits review and what is scheduled (the story calendar) among the articles
    they see."""
    from articles.models import Article
    from articles.permissions import can_publish, can_view_articles, can_write
    from articles.selectors import articles_visible_to, returned_to

    if not can_view_articles(user):
        return []
    changelist = reverse("admin:articles_article_changelist")
    desk = []
    if can_write(user):
        desk.append(
            {
                "label": "Returned to me",
                "count": returned_to(user).count(),
                "url": f"{changelist}?status__exact=draft&returned=me",
            }
        )
        drafts = Article.objects.filter(author=user, status=Article.Status.DRAFT)
        desk.append(
            {
                "label": "My drafts",
                "count": drafts.count(),
                "url": f"{changelist}?status__exact=draft&author__id__exact={user.pk}",
            }
        )
    in_review = articles_visible_to(user).filter(status=Article.Status.IN_REVIEW)
    desk.append(
        {
            "label": "Awaiting review",
            "count": in_review.count(),
            "url": f"{changelist}?status__exact=in_review",
        }
    )
    # The week's plan: what is scheduled to go live, on the story calendar.
    scheduled = articles_visible_to(user, Article.objects.scheduled())
    desk.append(
        {
            "label": "Scheduled · Story calendar",
            "count": scheduled.count(),
            "url": reverse("admin:articles_article_calendar"),
        }
    )
    ratings = bias_desk(user, changelist)
    # An analyst's own work comes first, what they were asked to rate before all.
    return ratings + desk if ratings and not can_publish(user) else desk + ratings


def bias_desk(user, changelist: str) -> list[dict]:
    """Ratings work waiting: what an analyst was asked to rate (first), what else they may
    rate, and an editor's ratings to sign off."""
    from articles.models import Article
    from bias import selectors
    from bias.permissions import can_assess, can_sign_off

    desk = []
    if can_assess(user):
        desk.append(
            {
                "label": "Requested of me",
                "count": selectors.requested_of(Article.objects.all(), user).count(),
                "url": f"{changelist}?rating=requested_of_me",
            }
        )
        desk.append(
            {
                "label": "Awaiting my assessment",
                "count": selectors.awaiting_assessment(Article.objects.all(), user).count(),
                "url": f"{changelist}?rating=awaiting_me",
            }
        )
    if can_sign_off(user):
        desk.append(
            {
                "label": "Ratings to sign off",
                "count": selectors.awaiting_sign_off(Article.objects.all()).count(),
                "url": f"{changelist}?rating=to_sign_off",
            }
        )
    return desk


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Editorial desk"
    login_form = AdminSignInForm

    def admin_view(self, view, cacheable=False):
        # Every admin page is wrapped here, so the check covers the change list
        # of every ModelAdmin, Django's and other apps' too, not only ours.
        if getattr(view, "__name__", None) in SEARCHING_VIEWS:
            view = refuse_unusable_searches(view)
        return super().admin_view(view, cacheable)

    def get_urls(self):
        from django.urls import path

        return [
            path("mail/", self.admin_view(self.mail_view), name="mail_preferences"),
            *super().get_urls(),
        ]

    def mail_view(self, request):
        """Each member of staff says whether the desk emails them."""
        from django import forms
        from django.contrib import messages
        from django.http import HttpResponseRedirect
        from django.template.response import TemplateResponse

        from newsroom.models import MailPreference

        preference, _ = MailPreference.objects.get_or_create(user=request.user)
        form = forms.modelform_factory(MailPreference, fields=["desk_mail"])(
            request.POST if request.method == "POST" else None, instance=preference
        )
        if request.method == "POST" and form.is_valid():
            form.save()
            said = "You will be" if preference.desk_mail else "You will not be"
            messages.success(request, f"{said} emailed about the desk.")
            return HttpResponseRedirect(request.path)
        context = {**self.each_context(request), "title": "Email from the desk", "form": form}
        return TemplateResponse(request, "admin/mail_preferences.html", context)

    def autocomplete_view(self, request):
        return ChooserAutocompleteJsonView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        from articles.comments.admin import queue_counts

        return super().index(
            request,
            {
                "desk": editorial_desk(request.user),
                **queue_counts(request.user),
                **(extra_context or {}),
            },
        )
