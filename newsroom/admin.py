from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.urls import reverse


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


class ValidInitialMixin:
    """Prefill from the query string (?article=12) only with values the field accepts.

    Django's autocomplete widget looks its initial value up by primary key, so
    `?lead_image=abc` would otherwise end in a 500 instead of an empty field.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.many_to_many:
                continue
            try:
                field.target_field.to_python(initial[name])
            except ValidationError:
                del initial[name]
        return initial


def editorial_desk(user) -> list[dict]:
    """The counts on the admin's front page: the person's drafts, and what awaits review."""
    from articles.models import Article

    if not user.has_perm("articles.view_article"):
        return []
    changelist = reverse("admin:articles_article_changelist")
    drafts = Article.objects.filter(author=user, status=Article.Status.DRAFT)
    in_review = Article.objects.filter(status=Article.Status.IN_REVIEW)
    if not user.has_perm("articles.publish_article"):
        in_review = in_review.filter(author=user)
    desk = [
        {
            "label": "My drafts",
            "count": drafts.count(),
            "url": f"{changelist}?status__exact=draft&author__id__exact={user.pk}",
        },
        {
            "label": "Awaiting review",
            "count": in_review.count(),
            "url": f"{changelist}?status__exact=in_review",
        },
    ]
    return desk + bias_desk(user, changelist)


def bias_desk(user, changelist: str) -> list[dict]:
    """Ratings work waiting: an analyst's articles to rate, an editor's ratings to sign off."""
    from articles.models import Article
    from bias import selectors

    desk = []
    if user.has_perm("bias.add_assessment"):
        desk.append(
            {
                "label": "Awaiting my assessment",
                "count": selectors.awaiting_assessment(Article.objects.all(), user).count(),
                "url": f"{changelist}?rating=awaiting_me",
            }
        )
    if user.has_perm("bias.publish_rating"):
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

    def autocomplete_view(self, request):
        return ChooserAutocompleteJsonView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        from articles.comment_admin import queue_counts

        return super().index(
            request,
            {
                "desk": editorial_desk(request.user),
                **queue_counts(request.user),
                **(extra_context or {}),
            },
        )
