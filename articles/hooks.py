"""Where an app that builds on articles adds to them, without articles importing it.

The app registers its functions in its `AppConfig.ready()`; articles calls whatever
is registered, in the order it was. The bias app uses every hook here: its rating
is a requirement for publishing, shows on cards, pages and feeds, filters listings
by lean, and decides which articles analysts see.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


class Hook:
    """A named list of functions that other apps register."""

    def __init__(self, name: str, doc: str):
        self.name = name
        self.__doc__ = doc
        self._functions: list[Callable] = []

    def register(self, function: Callable) -> Callable:
        if function not in self._functions:
            self._functions.append(function)
        return function

    def __iter__(self) -> Iterator[Callable]:
        return iter(list(self._functions))


@dataclass(frozen=True)
class ListingFilter:
    """A way readers narrow a listing of articles (home, a tag) with a query parameter."""

    parameter: str
    values: tuple[str, ...]
    refusal: str  # said, with a 400, for a value not among `values`
    apply: Callable  # (articles, value) -> articles
    context: Callable  # (value) -> what the listing's template shows of the filter


@dataclass(frozen=True)
class FeedAdditions:
    """What a feed item carries besides the article: categories and summary lines."""

    categories: list[tuple[str, str]] = field(default_factory=list)  # (name, domain)
    lines: list[str] = field(default_factory=list)


publish_requirements = Hook(
    "publish_requirements",
    "(article) -> list[str]: what else the article needs before it may be published.",
)
annotate_articles = Hook(
    "annotate_articles",
    "(articles, *, detail: bool) -> articles: what cards (and, with detail, the article "
    "page and feeds) show besides the article, added inside the article query.",
)
page_context = Hook(
    "page_context",
    "(article) -> dict: more for the article page's template, from what was annotated.",
)
feed_additions = Hook("feed_additions", "(article) -> FeedAdditions, from what was annotated.")
feed_last_change = Hook(
    "feed_last_change",
    "(public: Q) -> {name: aggregate}: more times at which what feeds show changed, as "
    "aggregates over articles (public: the condition for a public article).",
)
listing_filters = Hook("listing_filters", "ListingFilter objects (registered, not called).")
visible_articles = Hook(
    "visible_articles",
    "(user) -> Q: more articles this person sees in the admin besides their own.",
)
scheduled_changes = Hook(
    "scheduled_changes",
    "() -> a query of the times to come at which something readers see is scheduled "
    "to change, besides articles going live.",
)
