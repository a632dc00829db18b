"""Staff sign-in: the admin's sign-in form, and the username the sign-in throttle records."""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing a username longer than any account's.

    Django sizes the username box to the User model but does not check the
    length, so an over-long name would reach the password check and be
    recorded by the sign-in throttle. Refused here, it is neither.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


def throttled_username(request, credentials) -> str | None:
    """The username django-axes counts a sign-in under: as given, cut to the
    length of the column that stores it.

    Sign-ins that do not pass through the admin's form (`client.login`, any
    other view that calls `authenticate`) may carry a longer one, which
    PostgreSQL would refuse to store. No account has a name that long, so the
    cut never merges two people's attempts.
    """
    from axes.models import AccessAttempt

    source = credentials or getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
