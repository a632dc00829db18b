"""Markdown to safe HTML, done once when a section is saved, never per request.

The parser is markdown-it (CommonMark), whose running time grows in step with
the length of the text, whatever the text holds: no run of brackets, emphasis
or unclosed links makes it backtrack. Bodies are bounded in length and in how
deeply lists and quotes nest, so that the work one save causes is bounded too.
"""

from functools import lru_cache

import nh3
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# A long feature's section is some 10,000 characters; twice that is room enough.
MAX_LENGTH = 20_000
# Delegation notes are a few lines under a party's name.
NOTES_MAX_LENGTH = 5_000
# Lists and quotes inside lists and quotes: an outline three or four deep is
# already unusual in news copy.
MAX_DEPTH = 8
CONTAINERS = {"bullet_list_open", "ordered_list_open", "blockquote_open"}

# The parser stops nesting past its own limit, so even a text that skipped
# validation cannot recurse without end.
_parser = MarkdownIt("commonmark", {"maxNesting": 4 * MAX_DEPTH})


@deconstructible
class MarkdownValidator:
    """Refuse Markdown longer than `max_length` or nested too deeply to render within bounds."""

    def __init__(self, max_length: int = MAX_LENGTH):
        self.max_length = max_length

    def __call__(self, text: str) -> None:
        if len(text) > self.max_length:
            raise ValidationError(
                "Keep this to %(limit)s characters (it has %(length)s).",
                code="markdown_too_long",
                params={"limit": f"{self.max_length:,}", "length": f"{len(text):,}"},
            )
        _parse(text)

    def __eq__(self, other):
        return isinstance(other, MarkdownValidator) and other.max_length == self.max_length


# Validating a text and then rendering it on save parse it once.
@lru_cache(maxsize=32)
def _parse(text: str) -> tuple:
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            "Keep this to %(limit)s characters (it has %(length)s).",
            code="markdown_too_long",
            params={"limit": f"{MAX_LENGTH:,}", "length": f"{len(text):,}"},
        )
    tokens = _parser.parse(text)
    depth = deepest = 0
    for token in tokens:
        if token.type in CONTAINERS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type.replace("_close", "_open") in CONTAINERS:
            depth -= 1
    if deepest > MAX_DEPTH:
        raise ValidationError(
            "Lists and quotes nest at most %(limit)s levels deep (this text has %(depth)s).",
            code="markdown_too_deep",
            params={"limit": MAX_DEPTH, "depth": deepest},
        )
    return tuple(tokens)


def render_markdown(text: str) -> str:
    """Render an author's Markdown and keep only an allow-list of HTML.

    Raw HTML in the source survives only where it is on the list; scripts,
    event handlers, `style` attributes and `javascript:`/`data:` links are
    dropped, and every link gets rel="noopener noreferrer". A text over the
    bounds raises ValidationError instead of being rendered.
    """
    tokens = _parse(text or "")
    html = _parser.renderer.render(list(tokens), _parser.options, {}).strip()
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
