from django import template

from newsroom.people import display_name as person_name

register = template.Library()


@register.filter
def display_name(user, fallback: str = "—") -> str:
    """A staff member as the site names them; `fallback` when there is nobody."""
    return person_name(user) or fallback
