from dataclasses import dataclass

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from nested_admin.formsets import NestedInlineFormSet
from taggit.models import Tag

from articles import workflow
from articles.models import Article, Correction, Delegation, DelegationMember, Section
from articles.services import (
    MAX_BODY_LENGTH,
    DelegationRow,
    EditConflict,
    MemberRow,
    SectionRow,
    article_lock_for_edit,
)
from articles.text import validate_visible, visible_or_blank
from newsroom.admin import parse_pk

# Enough to file any story; few enough that one save writes a bounded number of rows.
MAX_TAGS = 20


class ArticleAdminForm(forms.ModelForm):
    """The article's text, plus the workflow move to make when it is saved.

    The admin sets `user` on a subclass per request, so that the form offers
    only the moves that person may make; the services check them again.
    """

    user = None
    # The editor's autosave, when the form shows it again: checked, never saved by opening it.
    resumed = None

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
        validators=[validate_visible],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown, dated, at the end of the published article and on the corrections "
        "page. It cannot be removed.",
    )
    correction_kind = forms.ChoiceField(
        label="Kind of note",
        choices=Correction.Kind.choices,
        initial=Correction.Kind.CORRECTION,
        required=False,
        widget=forms.RadioSelect,
        help_text="A correction says the article was wrong; a clarification, that it could "
        "be misread.",
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "article_type",
            "summary",
            "backstory",
            "tags",
            "lead_image",
            "comments_enabled",
        ]
        widgets = {"backstory": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        article = self.instance
        if article.pk is None:
            article.author_id = article.author_id or getattr(self.user, "pk", None)
        else:
            self.fields["loaded_version"].initial = article.version
        # A post without a type keeps the article's (a new one's is reporting).
        if "article_type" in self.fields:  # not in a read-only view
            self.fields["article_type"].required = False
        self.fields["transition"].choices = [("", "Save only")] + [
            (t.target, t.action) for t in workflow.allowed_transitions(self.user, article)
        ]

    def is_valid(self):
        return super().is_valid() and self.resumed is None

    def show_conflict(self, cleaned) -> None:
        """Someone saved since this edit began: keep what was typed, set the form to their
        version, and list the fields that differ, theirs beside this editor's."""
        stored = Article.objects.get(pk=self.instance.pk)
        self.conflict = [
            ConflictRow(
                field,
                self.fields[field].label or field.replace("_", " ").capitalize(),
                _shown(field, _stored_value(stored, field)),
                _shown(field, cleaned.get(field)),
            )
            for field in RESOLVABLE
            if field in self.fields
            and _shown(field, _stored_value(stored, field)) != _shown(field, cleaned.get(field))
        ]
        self.data = self.data.copy()
        self.data["loaded_version"] = str(stored.version)

    def apply_resolutions(self, cleaned, stored: Article) -> None:
        """After a conflict, the fields where the editor chose to take their colleague's."""
        for field in RESOLVABLE:
            if field in self.fields and self.data.get(f"resolve_{field}") == "theirs":
                cleaned[field] = _stored_value(stored, field)

    def clean_article_type(self):
        return self.cleaned_data.get("article_type") or self.instance.article_type

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        if len(names) > MAX_TAGS:
            raise ValidationError(
                "An article has at most %(limit)s tags (this has %(count)s).",
                code="too_many_tags",
                params={"limit": MAX_TAGS, "count": len(names)},
            )
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
            # Refused here, as a form error, so that the editor keeps what they typed.
            try:
                stored = article_lock_for_edit(
                    article=article, expected_version=cleaned.get("loaded_version")
                )
            except EditConflict as conflict:
                self.show_conflict(cleaned)
                raise ValidationError(
                    f"{conflict.changed} Nothing was saved. Their version is shown beside "
                    "yours above: choose what to keep, then save again.",
                    code="edit_conflict",
                ) from conflict
            self.apply_resolutions(cleaned, stored)
        target = cleaned.get("transition")
        move = workflow.find_transition(article.status, target) if target else None
        if move and move.note_required and not visible_or_blank(cleaned.get("note", "")):
            self.add_error("note", "Say what needs to change: the author sees this note.")
        if cleaned.get("publish_at") and target != Article.Status.PUBLISHED:
            self.add_error("publish_at", "A publication time goes only with “Publish or schedule”.")
        return cleaned


# The article's own fields an editor may resolve, one by one, after a refused stale save.
RESOLVABLE = (
    "title",
    "slug",
    "summary",
    "article_type",
    "backstory",
    "tags",
    "lead_image",
    "comments_enabled",
)


def _shown(field: str, value) -> str:
    if field == "tags":
        return ", ".join(sorted(value or [], key=str.lower))
    if field == "comments_enabled":
        return "open" if value else "closed"
    if field == "article_type" and value in Article.Type.values:
        return Article.Type(value).label
    return "" if value is None else str(value)


@dataclass(frozen=True)
class ConflictRow:
    field: str
    label: str
    theirs: str
    yours: str


def _stored_value(stored: Article, field: str):
    if field == "tags":
        return list(stored.tags.names())
    return getattr(stored, field)


class DelegationMemberForm(forms.ModelForm):
    class Meta:
        model = DelegationMember
        fields = ["name", "role", "is_head", "position"]

    def validate_unique(self):
        # "One head per delegation" is checked across all members by the
        # formset: row by row against the database, a swap of heads in one
        # save would look like two heads.
        self.instance.validate_unique(exclude=self._get_validation_exclusions())


class ArticleRowsFormSet(NestedInlineFormSet):
    """An inline's rows, looked up only among the rows of the article being edited.

    nested_admin finds a posted row by its id among every article's rows (so that
    a member can be dragged from one delegation to another). Here an id names a
    row of this article or nothing: a foreign id is "Select a valid choice", and
    any foreign id in the post, even on a row marked for deletion, refuses the
    whole formset, so nothing is saved. The service checks the same again.
    """

    # The lookup from a row to its article, and the parent's field holding the article's id.
    article_lookup = "article_id"
    parent_article_attribute = "pk"

    def article_pk(self):
        return getattr(self.instance, self.parent_article_attribute, None)

    def owned_rows(self):
        manager = self.model._default_manager
        if self.article_pk() is None:
            return manager.none()
        return manager.filter(**{self.article_lookup: self.article_pk()})

    def get_queryset(self):
        if not self.is_bound:
            return super().get_queryset()  # the parent's own rows, as Django lists them
        if not hasattr(self, "_owned_queryset"):
            posted, _ = self._posted_ids()
            self._owned_queryset = self.owned_rows().filter(pk__in=posted)
        return self._owned_queryset

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[self.model._meta.pk.name].queryset = self.owned_rows()

    def clean(self):
        super().clean()
        posted, unreadable = self._posted_ids()
        owned = set(self.owned_rows().filter(pk__in=posted).values_list("pk", flat=True))
        if unreadable or posted - owned:
            raise ValidationError(
                "This form was sent with a row that is not part of this article, so nothing "
                "was saved. Reload the page and make your change again.",
                code="foreign_row",
            )

    def _posted_ids(self) -> tuple[set[int], bool]:
        """The row ids in the post, and whether any was not an id at all."""
        pk_name = self.model._meta.pk.name
        posted, unreadable, count = set(), False, 0
        for i in range(self.total_form_count()):
            raw = self.data.get(f"{self.add_prefix(i)}-{pk_name}")
            if raw in (None, ""):
                continue
            row_id = parse_pk(raw, self.model)
            if row_id is None:
                unreadable = True
            else:
                posted.add(row_id)
                count += 1
        # One row sent twice is as wrong as a foreign one.
        return posted, unreadable or count != len(posted)


class SectionFormSet(ArticleRowsFormSet):
    def clean(self):
        super().clean()
        length = sum(
            len(form.cleaned_data.get("body", ""))
            for form in self.forms
            if not self._should_delete_form(form)
        )
        if length > MAX_BODY_LENGTH:
            raise ValidationError(
                "The sections hold %(length)s characters together; the most is %(limit)s. "
                "Split the article, or shorten it.",
                code="body_too_long",
                params={"length": f"{length:,}", "limit": f"{MAX_BODY_LENGTH:,}"},
            )


class DelegationFormSet(ArticleRowsFormSet):
    pass


class DelegationMemberFormSet(ArticleRowsFormSet):
    # A member may move between the delegations of one article, never to another article.
    article_lookup = "delegation__article_id"
    parent_article_attribute = "article_id"

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


def body_rows(formsets) -> dict:
    """The article's sections and delegations as the admin's inline formsets hold them,
    in the rows `services.article_save_body` takes."""
    rows = {"sections": [], "delegations": []}
    for formset in formsets:
        if formset.model is Section:
            rows["sections"] = [
                SectionRow(**_row(formset, form, "kind", "heading", "body", "position"))
                for form in _sent_forms(formset)
            ]
        elif formset.model is Delegation:
            rows["delegations"] = [
                DelegationRow(
                    **_row(formset, form, "party", "notes", "position"),
                    members=tuple(
                        MemberRow(**_row(members, member, "name", "role", "is_head", "position"))
                        for members in getattr(form, "nested_formsets", [])
                        for member in _sent_forms(members)
                    ),
                )
                for form in _sent_forms(formset)
            ]
    return rows


def _sent_forms(formset):
    """Forms for rows that exist, and the new rows the editor filled in."""
    initial = formset.initial_form_count()
    for index, form in enumerate(formset.forms):
        is_new = index >= initial or form.instance.pk is None
        if is_new and (not form.has_changed() or formset._should_delete_form(form)):
            continue
        yield form


def _row(formset, form, *names) -> dict:
    deleting = formset._should_delete_form(form)
    data = form.cleaned_data
    values = {name: data.get(name, getattr(form.instance, name)) for name in names}
    values["position"] = values["position"] or 0
    return {"id": form.instance.pk, **values, "delete": deleting}
