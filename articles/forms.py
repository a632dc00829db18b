from django import forms
from django.core.exceptions import ValidationError
from nested_admin.formsets import NestedInlineFormSet
from taggit.models import Tag

from articles.models import Article, DelegationMember


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "tags", "lead_image",
            "status", "published_at", "comments_enabled",
        ]  # fmt: skip

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        unusable = [name for name in names if not Tag().slugify(name)]
        if unusable:
            raise ValidationError(
                "Each tag needs at least one letter or digit: %(tags)s.",
                code="tag_without_slug",
                params={"tags": ", ".join(f"“{name}”" for name in unusable)},
            )
        return names


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
