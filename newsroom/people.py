"""How the site names a member of staff: in bylines, logs, history and the moderation queue."""


def display_name(user) -> str:
    """The person's full name, or their username when they gave none; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
