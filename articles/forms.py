from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from nested_admin.formsets import NestedInlineFormSet
from taggit.models import Tag

from articles import workflow
from articles.models import Article, DelegationMember
from articles.services import conflict_message


class ArticleAdminForm(forms.ModelForm):
    """The article's text, plus the workflow move to make when it is saved.

    The admin sets `user` on a subclass per request, so that the form offers
    only the moves that person may make; the services check them again.
    """

    user = None

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    transition = forms.ChoiceField(
        label="Then",
        required=False,
        help_text="A move through the workflow, made after your changes are saved.",
    )
    publish_at = forms.SplitDateTimeField(
        label="Publish at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="With “Publish or schedule”: leave empty to publish now; "
        "a future time schedules the article.",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the workflow log; required when returning an article to its author.",
    )
    correction = forms.CharField(
        label="Append a correction",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown, dated, at the end of the published article. It cannot be removed.",
    )

    class Meta:
        model = Article
        fields = ["title", "slug", "summary", "tags", "lead_image", "comments_enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        article = self.instance
        if article.pk is None:
            article.author_id = article.author_id or getattr(self.user, "pk", None)
        else:
            self.fields["loaded_version"].initial = article.version
        self.fields["transition"].choices = [("", "Save only")] + [
            (t.target, t.action) for t in workflow.allowed_transitions(self.user, article)
        ]

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        unusable = [name for name in names if not Tag().slugify(name)]
        if unusable:
            raise ValidationError(
                "Each tag needs at least one letter or digit: %(tags)s.",
                code="tag_without_slug",
                params={"tags": ", ".join(f"“{name}”" for name in unusable)},
            )
        limit = Tag._meta.get_field("name").max_length
        if too_long := [name for name in names if len(name) > limit]:
            raise ValidationError(
                "A tag can be at most %(limit)s characters: %(tags)s.",
                code="tag_too_long",
                params={"limit": limit, "tags": ", ".join(f"“{n[:40]}…”" for n in too_long)},
            )
        return names

    def clean(self):
        cleaned = super().clean()
        article = self.instance
        if article.pk is not None:
            # Locked until this save commits, so a second save waits and then sees the conflict.
            stored = (
                Article.objects.select_for_update(of=("self",))
                .select_related("updated_by")
                .get(pk=article.pk)
            )
            if cleaned.get("loaded_version") != stored.version:
                raise ValidationError(conflict_message(stored), code="edit_conflict")
        target = cleaned.get("transition")
        move = workflow.find_transition(article.status, target) if target else None
        if move and move.note_required and not cleaned.get("note", "").strip():
            self.add_error("note", "Say what needs to change: the author sees this note.")
        if cleaned.get("publish_at") and target != Article.Status.PUBLISHED:
            self.add_error("publish_at", "A publication time goes only with “Publish or schedule”.")
        return cleaned


class DelegationMemberForm(forms.ModelForm):
    class Meta:
        model = DelegationMember
        fields = ["name", "role", "is_head", "position"]

    def validate_unique(self):
        # "One head per delegation" is checked across all members by the
        # formset: row by row against the database, a swap of heads in one
        # save would look like two heads.
        self.instance.validate_unique(exclude=self._get_validation_exclusions())


class DelegationMemberFormSet(NestedInlineFormSet):
    def clean(self):
        super().clean()
        heads = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_head") and not self._should_delete_form(form)
        ]
        if len(heads) > 1:
            raise ValidationError(
                "A delegation has one head. Untick “head of delegation” for all but one member.",
                code="several_heads",
            )

    def save(self, commit=True):
        if commit:
            # Step the old head down first, so that the database never holds two.
            outgoing = [
                form.instance.pk
                for form in self.initial_forms
                if form.initial.get("is_head") and not form.cleaned_data.get("is_head")
            ]
            DelegationMember.objects.filter(pk__in=outgoing).update(is_head=False)
        return super().save(commit=commit)
