"""The moderation queue: Coral's queues (pending, reported, decided) in the Django admin.

Moderators decide with one click per row or in bulk; every decision goes
through `comment_services.comment_moderate`. What a reader wrote is shown,
never editable, so nobody can put words in a reader's mouth.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from articles import comment_services
from articles.models import Comment, CommentDecision, CommentReport, ModerationSettings

DECISION_LABELS = {
    Comment.Status.APPROVED: "Approve",
    Comment.Status.REJECTED: "Reject",
    Comment.Status.SPAM: "Spam",
}


def count_of(queryset, field: str):
    """A correlated COUNT, so that a page of rows costs one query, not one per row."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("pending", "Pending"),
            ("reported", "Reported"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("spam", "Spam"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "reported":
            return queryset.reported()
        if self.value() in Comment.Status.values:
            return queryset.filter(status=self.value())
        return queryset


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    fields = ("reason", "created_at", "resolved_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentDecisionInline(admin.TabularInline):
    model = CommentDecision
    fields = ("decided_at", "from_status", "to_status", "decided_by", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "decision"
    verbose_name_plural = "moderation history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by")


class CommentModerationForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            allowed = {*comment_services.DECISIONS, self.instance.status}
            self.fields["status"].choices = [
                (value, label) for value, label in Comment.Status.choices if value in allowed
            ]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if "status" in self.changed_data and status not in comment_services.DECISIONS:
            raise forms.ValidationError("Choose approved, rejected or spam.")
        return status


def with_queue_columns(queryset):
    """The commenter's history and the open reports of each row, inside the list's one query."""
    by_email = Comment.objects.filter(author_email=OuterRef("author_email"))
    approved = by_email.filter(status=Comment.Status.APPROVED)
    rejected = by_email.filter(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM])
    open_reports = CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    return queryset.annotate(
        commenter_approved=count_of(approved, "author_email"),
        commenter_rejected=count_of(rejected, "author_email"),
        open_reports=count_of(open_reports, "comment"),
    )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentModerationForm
    list_display = (
        "excerpt",
        "author",
        "article",
        "status",
        "moderation_reason",
        "commenter_history",
        "reports",
        "created_at",
        "moderated",
    )
    list_display_links = ("excerpt",)
    list_filter = (QueueFilter, "created_at")
    list_select_related = ("article", "moderated_by")
    search_fields = ("author_name", "author_email", "body", "article__title")
    actions = ["approve_selected", "reject_selected", "mark_selected_as_spam"]
    readonly_fields = (
        "article",
        "parent",
        "author_name",
        "author_email",
        "body",
        "user",
        "created_at",
        "moderation_reason",
        "commenter_history",
        "reports",
        "moderated_by",
        "moderated_at",
    )
    fieldsets = [
        ("Comment", {"fields": ("article", "parent", "author_name", "author_email", "user",
                                "created_at", "body")}),
        ("Moderation", {"fields": ("status", "moderation_reason", "commenter_history",
                                   "reports", "moderated_by", "moderated_at")}),
    ]  # fmt: skip
    inlines = [CommentDecisionInline, CommentReportInline]

    def get_queryset(self, request):
        return with_queue_columns(super().get_queryset(request))

    def get_ordering(self, request):
        # The queue reads like Coral's: what waits comes first, oldest first.
        pending_first = Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1))
        return [pending_first.asc(), "created_at", "pk"]

    def get_list_display(self, request):
        if self.has_moderate_permission(request):
            return (*self.list_display, "decide")
        return self.list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return self.has_moderate_permission(request) and super().has_change_permission(request, obj)

    def has_moderate_permission(self, request):
        return request.user.has_perm("articles.moderate_comment")

    def save_model(self, request, obj, form, change):
        # Only the status can change, and only through the service.
        if "status" in form.changed_data:
            comment_services.comment_moderate(comment=obj, status=obj.status, user=request.user)

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return Truncator(obj.body).chars(120)

    @admin.display(description="Commenter", ordering="author_name")
    def author(self, obj):
        staff = " (staff)" if obj.user_id else ""
        return format_html("{}{}<br><small>{}</small>", obj.author_name, staff, obj.author_email)

    @admin.display(description="History")
    def commenter_history(self, obj):
        return format_html(
            "{} approved · {} rejected or spam",
            getattr(obj, "commenter_approved", 0),
            getattr(obj, "commenter_rejected", 0),
        )

    @admin.display(description="Open reports", ordering="open_reports")
    def reports(self, obj):
        return getattr(obj, "open_reports", 0)

    @admin.display(description="Moderated", ordering="moderated_at")
    def moderated(self, obj):
        if obj.moderated_at is None:
            return "—"
        who = obj.moderated_by.get_username() if obj.moderated_by else "rules"
        # format_html makes each argument escaped text before formatting it, so a date
        # format spec would meet a string: the date goes in already formatted.
        when = date_format(timezone.localtime(obj.moderated_at), "j M Y, H:i")
        return format_html("{}<br><small>{}</small>", who, when)

    @admin.display(description="Decide")
    def decide(self, obj):
        # Buttons of the change-list form (which carries the CSRF token) sent to one row's URL.
        return format_html_join(
            " ",
            '<button type="submit" class="button" formaction="{}">{}</button>',
            (
                (reverse("admin:articles_comment_moderate", args=[obj.pk, status]), label)
                for status, label in DECISION_LABELS.items()
                if status != obj.status or (status == Comment.Status.APPROVED and obj.open_reports)
            ),
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/moderate/<str:status>/",
                self.admin_site.admin_view(self.moderate_view),
                name="articles_comment_moderate",
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, object_id, status):
        return require_POST(self._moderate)(request, object_id, status)

    def _moderate(self, request, object_id, status):
        if not self.has_moderate_permission(request) or status not in DECISION_LABELS:
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=object_id)
        comment_services.comment_moderate(comment=comment, status=status, user=request.user)
        self.message_user(request, f"Comment by “{comment.author_name}” is now {status}.")
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("admin:articles_comment_changelist")
        return HttpResponseRedirect(back)

    def _decide(self, request, queryset, status):
        count = 0
        for comment in queryset:
            comment_services.comment_moderate(comment=comment, status=status, user=request.user)
            count += 1
        self.message_user(request, f"{count} comment{'s' * (count != 1)} now {status}.",
                          messages.SUCCESS)  # fmt: skip

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self._decide(request, queryset, Comment.Status.APPROVED)

    @admin.action(description="Reject selected comments", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, Comment.Status.REJECTED)

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_selected_as_spam(self, request, queryset):
        self._decide(request, queryset, Comment.Status.SPAM)


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    """One page of settings: the list goes straight to it."""

    fieldsets = [
        ("Words", {"fields": ("banned_words", "suspect_words")}),
        ("Links", {"fields": ("max_links",)}),
        ("Known commenters", {"fields": ("auto_approve_known_commenters",
                                         "known_commenter_threshold")}),
    ]  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        settings_row = ModerationSettings.load()
        return HttpResponseRedirect(
            reverse("admin:articles_moderationsettings_change", args=[settings_row.pk])
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def queue_counts(user) -> dict:
    """What the admin index shows a moderator: how many comments wait, how many are reported."""
    if not user.has_perm("articles.moderate_comment"):
        return {}
    counts = Comment.objects.aggregate(pending=Count("pk", filter=Q(status=Comment.Status.PENDING)))
    return {
        "comments_pending": counts["pending"],
        "comments_reported": Comment.objects.reported().count(),
        "report_threshold": settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD,
    }
