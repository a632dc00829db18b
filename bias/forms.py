from django import forms

from articles.text import validate_visible
from bias import scale, services
from bias.models import Assessment


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
        )
        widgets = {
            "direction": forms.RadioSelect,
            "strength": forms.RadioSelect,
            **dict.fromkeys(Assessment.TONE_FIELDS, forms.RadioSelect),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons need no empty "---------" choice: the field is required.
        for name, choices in (("direction", scale.Direction), ("strength", scale.Strength)):
            if name in self.fields:  # a read-only view has none
                self.fields[name].choices = choices.choices

    def clean(self):
        cleaned = super().clean()
        article = cleaned.get("article")
        if article is not None:
            refusal = services.assessment_refusal(
                article=article, user=self.user, assessment=self.instance
            )
            if refusal:
                raise forms.ValidationError(refusal)
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
    override_reason = forms.CharField(
        label="Reason for a label other than the panel's",
        required=False,
        max_length=2000,
        validators=[validate_visible],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the label differs from the panel's, or when no analyst has rated.",
    )
