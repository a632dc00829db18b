"""The moderation queue: Coral's queues (pending, reported, decided) in the Django admin.

Moderators decide with one click per row or in bulk; every decision goes
through `services.comment_moderate`. What a reader wrote is shown,
never editable, so nobody can put words in a reader's mouth.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from articles.comments import selectors, services
from articles.models import (
    Comment,
    CommentDecision,
    Commenter,
    CommenterStandingChange,
    CommentReport,
    ModerationSettings,
)
from articles.permissions import can_moderate
from newsroom.people import display_name

KEEP, TAKE_DOWN = "keep", "take_down"


@dataclass(frozen=True)
class Decision:
    """One button on a queue card: what it does, what it says, and its key."""

    action: str  # a status, or KEEP / TAKE_DOWN for a reported comment
    label: str
    key: str  # the keyboard shortcut the queue's script presses it for
    style: str

    @property
    def shortcut(self) -> str:
        return {"a": "approve", "r": "reject", "s": "spam"}[self.key]


APPROVE = Decision(Comment.Status.APPROVED, "Approve", "a", "approve")
REJECT = Decision(Comment.Status.REJECTED, "Reject", "r", "reject")
SPAM = Decision(Comment.Status.SPAM, "Spam", "s", "spam")
KEEP_UP = Decision(KEEP, "Keep up", "a", "approve")
TAKE_OFF = Decision(TAKE_DOWN, "Take down", "r", "reject")


def decisions_for(comment: Comment) -> list[Decision]:
    """The moves a moderator may make on this comment now, in the order of the keys."""
    if comment.status == Comment.Status.APPROVED and getattr(comment, "open_reports", 0):
        return [KEEP_UP, TAKE_OFF, SPAM]
    return [d for d in (APPROVE, REJECT, SPAM) if d.action != comment.status]


EMPTY_QUEUES = {
    "pending": "No comments are waiting for a moderator. New ones appear here as readers "
    "post them.",
    "reported": "No reported comments: nothing readers flagged is waiting for a decision.",
    "approved": "No approved comments yet.",
    "rejected": "No rejected comments.",
    "spam": "No comments marked as spam.",
    None: "No comments yet.",
}


class QueueChangeList(ChangeList):
    """The comment list as the moderation queue shows it: each row with what its card needs."""

    def get_results(self, request):
        super().get_results(request)
        comments = list(self.result_list)
        selectors.queue_details(comments)
        moderator = can_moderate(request.user)
        for comment in comments:
            comment.decision_buttons = [
                (
                    decision,
                    reverse("admin:articles_comment_moderate", args=[comment.pk, decision.action]),
                )
                for decision in (decisions_for(comment) if moderator else [])
            ]
        self.result_list = comments
        self.queue = request.GET.get(QueueFilter.parameter_name)
        if self.query:
            self.empty_message = f"No comments match “{self.query}”."
        else:
            self.empty_message = EMPTY_QUEUES.get(self.queue, EMPTY_QUEUES[None])
        created = self.list_display.index("created_at")
        self.sort_links = [
            ("Oldest first", self.get_query_string({ORDER_VAR: str(created)})),
            ("Newest first", self.get_query_string({ORDER_VAR: f"-{created}"})),
        ]


def count_of(queryset, field: str):
    """A correlated COUNT, so that a page of rows costs one query, not one per row."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    QUEUES = [
        ("pending", "Pending"),
        ("reported", "Reported"),
        ("approved", "Approved"),
        ("rejected", "Rejected"),
        ("spam", "Spam"),
    ]

    def lookups(self, request, model_admin):
        return self.QUEUES

    def queryset(self, request, queryset):
        if self.value() == "reported":
            return queryset.reported()
        if self.value() in Comment.Status.values:
            return queryset.filter(status=self.value())
        return queryset


class HistoryInline(admin.TabularInline):
    """Rows that record what happened: shown, never added, changed or deleted by hand."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentReportInline(HistoryInline):
    model = CommentReport
    fields = ("reason", "created_at", "resolved_at")


class CommentDecisionInline(HistoryInline):
    model = CommentDecision
    fields = ("decided_at", "from_status", "to_status", "decided_by", "reason")
    verbose_name = "decision"
    verbose_name_plural = "moderation history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by")


class CommentModerationForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            allowed = {*services.DECISIONS, self.instance.status}
            self.fields["status"].choices = [
                (value, label) for value, label in Comment.Status.choices if value in allowed
            ]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if "status" in self.changed_data and status not in services.DECISIONS:
            raise forms.ValidationError("Choose approved, rejected or spam.")
        return status


class CommenterForm(forms.Form):
    """A moderator's note on a commenter, or a new standing with its reason."""

    standing = forms.ChoiceField(choices=Commenter.Standing.choices, required=False)
    note = forms.CharField(
        label="Note for moderators",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Never shown to readers.",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=255,
        help_text="Kept with a change of standing, e.g. “threats in three comments”.",
    )

    def __init__(self, *args, commenter: Commenter | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.commenter = commenter
        self.fields["note"].initial = commenter.note if commenter else ""

    def changes(self) -> dict:
        changes = {"note": self.cleaned_data["note"]}
        if self.cleaned_data["standing"]:
            changes.update(
                standing=self.cleaned_data["standing"], reason=self.cleaned_data["reason"]
            )
        return changes

    def done_message(self) -> str:
        standing = self.cleaned_data["standing"]
        if not standing:
            return "The note is saved."
        return f"The commenter is now: {Commenter.Standing(standing).label.lower()}."


def with_queue_columns(queryset):
    """The commenter's history and the open reports of each row, inside the list's one query."""
    by_email = Comment.objects.filter(author_email=OuterRef("author_email"))
    open_reports = CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    return queryset.annotate(
        commenter_approved=count_of(
            by_email.filter(status=Comment.Status.APPROVED), "author_email"
        ),
        commenter_rejected=count_of(
            by_email.filter(status=Comment.Status.REJECTED), "author_email"
        ),
        commenter_spam=count_of(by_email.filter(status=Comment.Status.SPAM), "author_email"),
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
    list_select_related = ("article", "moderated_by", "parent")
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
        "commenter_link",
    )
    fieldsets = [
        ("Comment", {"fields": ("article", "parent", "author_name", "author_email", "user",
                                "created_at", "body")}),
        ("Moderation", {"fields": ("status", "moderation_reason", "commenter_history",
                                   "commenter_link", "reports", "moderated_by",
                                   "moderated_at")}),
    ]  # fmt: skip
    inlines = [CommentDecisionInline, CommentReportInline]

    change_list_template = "admin/articles/comment/change_list.html"

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/moderation-queue.js"]

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def changelist_view(self, request, extra_context=None):
        queue = dict(QueueFilter.QUEUES).get(request.GET.get(QueueFilter.parameter_name))
        title = f"Comments: {queue.lower()}" if queue else "Comments: all queues"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

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
        return can_moderate(request.user)

    def delete_model(self, request, obj):
        services.comment_delete(comment=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for comment in queryset:
            services.comment_delete(comment=comment, user=request.user)

    def save_model(self, request, obj, form, change):
        # Only the status can change, and only through the service.
        if "status" in form.changed_data:
            services.comment_moderate(comment=obj, status=obj.status, user=request.user)

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
            "{} approved · {} rejected · {} spam",
            getattr(obj, "commenter_approved", 0),
            getattr(obj, "commenter_rejected", 0),
            getattr(obj, "commenter_spam", 0),
        )

    @admin.display(description="Open reports", ordering="open_reports")
    def reports(self, obj):
        return getattr(obj, "open_reports", 0)

    @admin.display(description="Moderated", ordering="moderated_at")
    def moderated(self, obj):
        if obj.moderated_at is None:
            return "—"
        who = display_name(obj.moderated_by) or "rules"
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
                (reverse("admin:articles_comment_moderate", args=[obj.pk, d.action]), d.label)
                for d in decisions_for(obj)
            ),
        )

    @admin.display(description="Commenter's record")
    def commenter_link(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">All comments by this commenter, notes, ban or pre-moderate</a>',
            reverse("admin:articles_comment_commenter", args=[obj.pk]),
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/moderate/<str:status>/",
                self.admin_site.admin_view(self.moderate_view),
                name="articles_comment_moderate",
            ),
            path(
                "<int:object_id>/commenter/",
                self.admin_site.admin_view(self.commenter_view),
                name="articles_comment_commenter",
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, object_id, status):
        return require_POST(self._moderate)(request, object_id, status)

    def _moderate(self, request, object_id, status):
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        if status not in (*services.DECISIONS, KEEP, TAKE_DOWN):
            raise Http404("No such decision.")
        comment = get_object_or_404(Comment, pk=object_id)
        try:
            if status == KEEP:
                services.comment_keep(comment=comment, user=request.user)
                done = "is kept up; its reports are resolved"
            elif status == TAKE_DOWN:
                services.comment_take_down(comment=comment, user=request.user)
                done = "is taken down"
            else:
                services.comment_moderate(comment=comment, status=status, user=request.user)
                done = f"is now {status}"
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, f"Comment by “{comment.author_name}” {done}.")
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("admin:articles_comment_changelist")
        return HttpResponseRedirect(back)

    def commenter_view(self, request, object_id):
        """Coral's user drawer, as a page: everything one commenter wrote, what moderators
        noted, and their standing, which a moderator may change here."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=object_id)
        email = comment.author_email
        form = CommenterForm(request.POST or None, commenter=selectors.commenter(email))
        if request.method == "POST" and form.is_valid():
            services.commenter_update(email=email, user=request.user, **form.changes())
            self.message_user(request, form.done_message())
            return HttpResponseRedirect(request.path)
        record = selectors.commenter_record(email)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Commenter: {comment.author_name}",
            "comment": comment,
            "email": email,
            "form": form,
            **record,
        }
        return TemplateResponse(request, "admin/articles/comment/commenter.html", context)

    def _decide(self, request, queryset, status):
        count = 0
        for comment in queryset:
            services.comment_moderate(comment=comment, status=status, user=request.user)
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


class CommenterStandingChangeInline(HistoryInline):
    model = CommenterStandingChange
    fields = ("changed_at", "from_standing", "to_standing", "changed_by", "reason")
    verbose_name_plural = "changes of standing"


@admin.register(Commenter)
class CommenterAdmin(admin.ModelAdmin):
    """The commenters moderators have noted, banned or put on pre-moderation."""

    list_display = ("email", "standing", "note", "updated_at")
    list_filter = ("standing",)
    search_fields = ("email", "note")
    fields = ("email", "standing", "note")
    readonly_fields = ("email",)
    inlines = [CommenterStandingChangeInline]

    def has_add_permission(self, request):
        # A commenter is known from their comments; moderators act on them from there.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        moderator = can_moderate(request.user)
        return moderator and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.commenter_update(
            email=obj.email,
            user=request.user,
            standing=obj.standing if "standing" in form.changed_data else None,
            note=obj.note,
        )

    def save_related(self, request, form, formsets, change):
        pass  # the standing history is written by the service, never by a form


def queue_counts(user) -> dict:
    """What the admin index shows a moderator: how many comments wait, how many are reported."""
    if not can_moderate(user):
        return {}
    counts = Comment.objects.aggregate(pending=Count("pk", filter=Q(status=Comment.Status.PENDING)))
    return {
        "comments_pending": counts["pending"],
        "comments_reported": Comment.objects.reported().count(),
        "report_threshold": settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD,
    }
