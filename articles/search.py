"""Full-text search over public articles.

On PostgreSQL each article keeps a weighted search vector (title A, summary B,
sections, delegations' parties and notes, and their members' names and roles C) in a
GIN-indexed column, matched with `websearch_to_tsquery`, so
that any punctuation a reader types is plain input rather than query syntax.
Elsewhere (SQLite) a plain case-insensitive match stands in.
"""

import re
import unicodedata
from functools import reduce
from operator import and_

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Delegation, DelegationMember, Section

MAX_QUERY_LENGTH = 200
# The SQLite fallback matches at most this many words, each one a LIKE over the title, the
# summary, the sections, the delegations and their members.
MAX_FALLBACK_TERMS = 8
# Markers around highlighted words, chosen so that no escaping touches them.
START_MARK = "\x02"
STOP_MARK = "\x03"
HIGHLIGHT = re.compile(f"{START_MARK}([^{START_MARK}{STOP_MARK}]*){STOP_MARK}")
# Markdown syntax that a snippet of section text would otherwise show as is.
MARKDOWN_LINE_START = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)]|#{1,6}|>)[ \t]+", re.MULTILINE)
MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|`|(?<!\w)\*(?=\w)|(?<=\w)\*(?!\w)")
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def clean_query(raw: str) -> str:
    """What a reader typed, made safe to search for: control characters, NUL
    bytes and lone surrogates removed, spaces collapsed, at most 200 characters."""
    kept = "".join(" " if unicodedata.category(char) in {"Cc", "Cs"} else char for char in raw)
    return " ".join(kept.split())[:MAX_QUERY_LENGTH].strip()


def _sections_text():
    """One article's section headings and bodies, in page order, as one text (a subquery)."""
    return Coalesce(
        Subquery(
            Section.objects.filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(
                text=StringAgg(
                    Concat("heading", Value("\n"), "body", output_field=TextField()),
                    delimiter="\n",
                    order_by=("position", "pk"),
                )
            )
            .values("text")
        ),
        Value(""),
        output_field=TextField(),
    )


def _joined(rows: QuerySet, text, order_by: tuple) -> Coalesce:
    """The `text` of each of these rows of one article, in page order, as one text (a subquery)."""
    return Coalesce(
        Subquery(
            rows.order_by()
            .values("article")
            .annotate(text=StringAgg(text, delimiter="\n", order_by=order_by))
            .values("text")
        ),
        Value(""),
        output_field=TextField(),
    )


def _delegations_text():
    """One article's delegations: each party's name and notes, in page order (a subquery)."""
    return _joined(
        Delegation.objects.filter(article=OuterRef("pk")),
        Concat("party", Value("\n"), "notes", output_field=TextField()),
        ("position", "pk"),
    )


def _members_text():
    """The names and roles of the members of one article's delegations (a subquery)."""
    members = DelegationMember.objects.filter(delegation__article=OuterRef("pk")).annotate(
        article=F("delegation__article")
    )
    return _joined(
        members,
        Concat("name", Value(", "), "role", output_field=TextField()),
        ("delegation__position", "position", "pk"),
    )


def search_vector():
    """The weighted vector of an article, as an expression for UPDATE ... SET."""
    config = settings.NEWSROOM_SEARCH_CONFIG
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector(_sections_text(), weight="C", config=config)
        + SearchVector(_delegations_text(), weight="C", config=config)
        + SearchVector(_members_text(), weight="C", config=config)
    )


def refresh_search_vectors(articles: QuerySet) -> int:
    """Recompute the stored vector of these articles; nothing to do off PostgreSQL."""
    if not uses_full_text():
        return 0
    return articles.order_by().update(search_vector=search_vector())


def search_articles(*, query: str) -> QuerySet:
    """Public articles matching `query`, best first, each with a `search_snippet` source."""
    articles = Article.objects.published().select_related("author")
    if not query:
        return articles.none()
    if uses_full_text():
        return _full_text(articles, query)
    return _fallback(articles, query)


def _full_text(articles: QuerySet, query: str) -> QuerySet:
    config = settings.NEWSROOM_SEARCH_CONFIG
    search_query = SearchQuery(query, search_type="websearch", config=config)
    return (
        articles.filter(search_vector=search_query)
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            search_snippet=SearchHeadline(
                Concat(
                    "summary",
                    Value("\n"),
                    _sections_text(),
                    Value("\n"),
                    _delegations_text(),
                    Value("\n"),
                    _members_text(),
                    output_field=TextField(),
                ),
                search_query,
                config=config,
                start_sel=START_MARK,
                stop_sel=STOP_MARK,
                max_fragments=2,
                max_words=30,
                min_words=12,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def _terms(query: str) -> list[str]:
    return query.split()[:MAX_FALLBACK_TERMS]


def _fallback(articles: QuerySet, query: str) -> QuerySet:
    terms = _terms(query)

    def anywhere(term):
        in_sections = Exists(Section.objects.filter(article=OuterRef("pk"), body__icontains=term))
        in_delegations = Exists(
            Delegation.objects.filter(
                Q(party__icontains=term) | Q(notes__icontains=term), article=OuterRef("pk")
            )
        )
        in_members = Exists(
            DelegationMember.objects.filter(
                Q(name__icontains=term) | Q(role__icontains=term),
                delegation__article=OuterRef("pk"),
            )
        )
        return (
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | in_sections
            | in_delegations
            | in_members
        )

    in_title = reduce(and_, (Q(title__icontains=term) for term in terms))
    return (
        articles.filter(reduce(and_, (anywhere(term) for term in terms)))
        .annotate(title_match=Case(When(in_title, then=Value(0)), default=Value(1)))
        .order_by("title_match", "-published_at", "-pk")
    )


def marked_summary(text: str, query: str) -> str:
    """`text` with the query's words between the highlight markers (the SQLite fallback)."""
    terms = [re.escape(term) for term in _terms(query) if term]
    if not terms:
        return text
    pattern = re.compile("|".join(terms), re.IGNORECASE)
    return pattern.sub(lambda match: f"{START_MARK}{match.group(0)}{STOP_MARK}", text)


def plain_snippet(snippet: str) -> str:
    """A snippet of Markdown source as a reader would read it: no list markers,
    emphasis marks or link targets, on one line."""
    text = MARKDOWN_LINE_START.sub("", snippet)
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = MARKDOWN_EMPHASIS.sub("", text)
    return " ".join(text.split())


def highlighted(marked: str) -> SafeString:
    """Escape a snippet, then turn only the highlight markers into <mark> elements.

    The snippet holds what authors wrote; escaping it first means that nothing
    in it can become markup, and every <mark> opened is closed.
    """
    escaped = escape(marked)
    html = HIGHLIGHT.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(html.replace(START_MARK, "").replace(STOP_MARK, ""))  # noqa: S308


def add_snippets(articles, *, query: str) -> None:
    """Give each article on a results page a `snippet`: safe HTML with <mark>ed words."""
    for article in articles:
        source = getattr(article, "search_snippet", None)
        if source is None:
            source = marked_summary(article.summary, query)
        article.snippet = highlighted(plain_snippet(source))
