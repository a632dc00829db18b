from django.conf import settings
from django.db import models

from newsroom.standards.models import Standard, StandardsPage

__all__ = ["MailPreference", "Standard", "StandardsPage"]


class MailPreference(models.Model):
    """Whether a member of staff is sent the desk's notifications by email (yes, unless
    they said otherwise)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    desk_mail = models.BooleanField(
        "email me about the desk",
        default=True,
        help_text="Articles submitted, returned or published; ratings to sign off; "
        "assessments asked of you.",
    )

    def __str__(self):
        return f"{self.user}: {'desk mail' if self.desk_mail else 'no desk mail'}"
