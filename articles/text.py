"""Text a person must write: required fields count only characters a reader can see."""

import unicodedata

from django.core.exceptions import ValidationError

# Spaces, controls, format marks (zero-width space, word joiner, soft hyphen…),
# combining marks with nothing to sit on, private and unassigned code points.
INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"}
# Letters and symbols that are drawn as blank space.
BLANK_CHARACTERS = {"\u115f", "\u1160", "\u17b4", "\u17b5", "\u180e", "\u2800", "\u3164", "\uffa0"}


def has_visible_text(text: str) -> bool:
    return any(
        character not in BLANK_CHARACTERS
        and unicodedata.category(character) not in INVISIBLE_CATEGORIES
        for character in text
    )


def visible_or_blank(text: str) -> str:
    """The text without surrounding whitespace, or "" when nothing in it can be seen."""
    text = (text or "").strip()
    return text if has_visible_text(text) else ""


def validate_visible(text: str) -> None:
    if text and not has_visible_text(text):
        raise ValidationError(
            "Write this with letters, digits or signs a reader can see: spaces and "
            "invisible characters alone count as empty.",
            code="invisible_text",
        )
