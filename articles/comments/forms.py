from django import forms

from articles.models import Article, Comment, CommentReport
from articles.text import validate_visible
from newsroom.people import display_name

BODY_MAX_LENGTH = Comment._meta.get_field("body").max_length


class PlainTextField(forms.CharField):
    """Text as the reader typed it, with browsers' CRLF line ends counted as one character."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class CommentForm(forms.Form):
    """A reader's comment. Plain text only: it is escaped wherever it is shown."""

    author_name = forms.CharField(label="Name", max_length=80, validators=[validate_visible])
    author_email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="Never shown. Used only to recognise you and to contact you.",
    )
    body = PlainTextField(
        label="Comment",
        max_length=BODY_MAX_LENGTH,
        validators=[validate_visible],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Plain text, up to {BODY_MAX_LENGTH:,} characters.",
    )
    parent = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    # Left empty by people; bots that fill in every field give themselves away.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, article: Article, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.article = article
        self.fields["author_name"].widget.attrs["autocomplete"] = "name"
        self.fields["author_email"].widget.attrs["autocomplete"] = "email"
        self.fields["body"].widget.attrs["maxlength"] = BODY_MAX_LENGTH

    @staticmethod
    def initial_for(user, replying_to: Comment | None) -> dict:
        """A reply names its parent; signed-in staff find their name and email filled in."""
        initial = {"parent": replying_to.pk if replying_to else None}
        if user.is_authenticated and user.is_staff:
            initial["author_name"] = display_name(user)
            initial["author_email"] = user.email
        return initial

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = (
            Comment.objects.public()
            .filter(article=self.article, pk=parent_id)
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                "The comment you replied to is not published; post a new comment instead.",
                code="bad_parent",
            )
        return parent

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class CommentReportForm(forms.Form):
    reason = forms.ChoiceField(choices=CommentReport.Reason, initial=CommentReport.Reason.OTHER)
