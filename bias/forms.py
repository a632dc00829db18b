from django import forms

from articles.text import validate_visible, visible_or_blank
from bias import scale, services
from bias.models import AnalystProfile, Assessment
from bias.selectors import askable_analysts
from newsroom.admin import parse_pk
from newsroom.people import display_name


class AssessmentForm(forms.ModelForm):
    user = None  # set by the admin to whoever is assessing

    class Meta:
        model = Assessment
        fields = (
            "article",
            "direction",
            "strength",
            *Assessment.TONE_FIELDS,
            "rationale",
            "revision_reason",
        )
        widgets = {
            "direction": forms.RadioSelect,
            "strength": forms.RadioSelect,
            **dict.fromkeys(Assessment.TONE_FIELDS, forms.RadioSelect),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons need no empty "---------" choice: every answer is required, and
        # none is chosen in advance, so that nothing anchors the analyst.
        choices = {"direction": scale.Direction, "strength": scale.Strength}
        choices.update(dict.fromkeys(Assessment.TONE_FIELDS, scale.ToneLevel))
        for name, choice in choices.items():
            if name in self.fields:  # a read-only view has none
                self.fields[name].choices = choice.choices
                self.fields[name].required = True

    def clean(self):
        cleaned = super().clean()
        article = cleaned.get("article")
        if article is not None:
            refusal = services.assessment_refusal(
                article=article, user=self.user, assessment=self.instance
            )
            if refusal:
                raise forms.ValidationError(refusal)
        # A change of score after submitting is a revision: it needs its reason.
        score = (cleaned.get("direction"), cleaned.get("strength"))
        stored = (self.initial.get("direction"), self.initial.get("strength"))
        revising = self.instance.pk is not None and score != stored
        reason = visible_or_blank(cleaned.get("revision_reason", ""))
        if revising and not reason and "revision_reason" in self.fields:
            self.add_error(
                "revision_reason",
                "Say why you change your score: the first, blind one is kept beside it.",
            )
        return cleaned


class RatingPublishForm(forms.Form):
    """An editor's sign-off: the label (the panel's unless overridden) and the public "Why:"."""

    direction = forms.ChoiceField(choices=scale.Direction.choices, widget=forms.RadioSelect)
    strength = forms.TypedChoiceField(
        choices=scale.Strength.choices, coerce=int, widget=forms.RadioSelect
    )
    why = forms.CharField(
        label="Why:",
        max_length=2000,
        validators=[validate_visible],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to readers under the rating.",
    )
    panel_reason = forms.CharField(
        label="Reason to publish from this panel",
        required=False,
        max_length=2000,
        validators=[validate_visible],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when one analyst rated, or when no analyst of some lean did.",
    )
    override_reason = forms.CharField(
        label="Reason for a label other than the panel's",
        required=False,
        max_length=2000,
        validators=[validate_visible],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the label differs from the panel's, or when no analyst has rated.",
    )


class AnalystChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # Only ids a database column can hold reach the query: "Select a valid choice" else.
        for pk in value:
            if parse_pk(pk, AnalystProfile) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)

    def label_from_instance(self, profile):
        return f"{display_name(profile.user)} ({profile.get_lean_display().lower()})"


class AssessmentRequestForm(forms.Form):
    """Editors ask named analysts to assess an article (more of them, when a panel stays split)."""

    analysts = AnalystChoiceField(
        queryset=askable_analysts().select_related("user"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each sees the request first on their desk.",
    )
