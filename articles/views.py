import hashlib

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition, require_safe
from django.views.generic import ListView
from taggit.models import Tag

from articles import fragments, hooks, metadata, preview, search, selectors
from articles.comments import selectors as comment_selectors
from articles.comments import services as comment_services
from articles.comments.forms import CommentForm
from articles.comments.markup import threads_html
from articles.comments.notices import has_messages, placed_notices
from articles.comments.selectors import CommentPage
from articles.models import Article
from articles.page_cache import article_page_dependencies, cache_page_for_readers
from newsroom.release import fingerprint


def article_etag(request, slug, **kwargs) -> str | None:
    """The validator of a page of the article, from its change counts: what a page shows
    changes only with them, the address, the release, whether comments are still open,
    and who signed in. None for a page a reader's message is shown on. The article read
    for it is the one the page then shows: one query for both."""
    if has_messages(request):
        return None
    article = request.article_read = selectors.article_for_reading(slug=slug, or_404=False)
    if article is None:
        return None  # the view answers 404
    open_ = comment_services.comments_open(article=article)
    who = request.user.pk if request.user.is_authenticated else None
    times = (article.updated_at, article.content_version, article.comments_version)
    parts = (fingerprint(), request.get_host(), request.get_full_path(), who, open_, *times)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@require_safe
@cache_page_for_readers(query=("reply_to", "order"), depends=article_page_dependencies)
@condition(etag_func=article_etag)
def article_detail(request, slug):
    article = getattr(request, "article_read", None) or selectors.article_for_reading(slug=slug)
    return render_article_page(request, article)


COMMENT_ORDERS = {"oldest": False, "newest": True}


def newest_first(request) -> bool:
    """The order the reader chose for comments (`?order=newest`); oldest first by default."""
    try:
        return COMMENT_ORDERS[request.GET.get("order") or "oldest"]
    except KeyError:
        raise Http404("Comments are shown oldest or newest first.") from None


def comments_context(request, article: Article, *, number: int = 1, open_: bool) -> dict:
    """A page of the article's comments, as markup, with its place among the pages.

    The page is rendered once per change of the comments (`fragments.kept`), unless
    the reader has a message to be shown beside one of them.
    """
    order = newest_first(request)

    def render(notices: dict | None = None) -> tuple[str, CommentPage, int]:
        page = comment_selectors.comment_page(article=article, number=number, newest_first=order)
        if notices is not None:
            notices.update(placed_notices(request, page.threads))  # shown in the markup
        markup = threads_html(
            page.threads, article=article, can_reply=open_, site_name=settings.NEWSROOM_SITE_NAME
        )
        page.threads = []  # kept as markup; the page keeps only its place
        return markup, page, comment_selectors.public_count(article=article)

    notices = {}
    if has_messages(request):
        comments_html, page, count = render(notices)
    else:
        parts = ("comments", article.pk, article.comments_version, number, order, open_)
        comments_html, page, count = fragments.kept(parts, render)
    return {
        **notices,
        "comment_page": page,
        "comments_html": comments_html,
        "comment_count": count,
        "article_url": article.get_absolute_url(),
        "comments_url": comments_address(article),
    }


def comments_address(article: Article) -> str:
    """The article's further pages of comments: "comments/" under its own address (urls.py)."""
    return f"{article.get_absolute_url()}comments/"


def render_article_page(request, article: Article, *, form: CommentForm | None = None, status=200):
    """The article page with the first page of its comments and the comment form (bound
    after a failed post). The article's head and body are rendered once per change
    (`fragments.article_parts`); only the comment form is made for each reader."""
    reply_to = form.data.get("parent") if form is not None else request.GET.get("reply_to")
    replying_to = comment_selectors.thread_to_reply_to(article=article, pk=reply_to)
    if form is None and reply_to and replying_to is None:
        # A reply link to no published comment of this article (taken down, or made up):
        # the plain page, at its one address, so made-up numbers make no page of their own.
        return redirect(f"{article.get_absolute_url()}#comments")
    fields_html = None
    if form is None:
        form = CommentForm(
            article=article, initial=CommentForm.initial_for(request.user, replying_to)
        )
        if not request.user.is_authenticated:
            # A reader's empty form is the same for every reader (the token apart).
            reply = replying_to.pk if replying_to else None
            fields_html = fragments.kept(
                ("comment-form-fields", reply),
                lambda: render_to_string(COMMENT_FIELDS, {"comment_form": form}),
            )
    open_ = comment_services.comments_open(article=article)
    comments = comments_context(request, article, open_=open_)
    parts = fragments.article_parts(request, article)
    context = {
        "article": article,
        "head_html": parts["head_html"],
        "body_html": with_comment_count(parts["body_html"], comments["comment_count"]),
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        **comments,
        "comments_open": open_,
        "comment_form": form,
        "comment_fields_html": fields_html,
        "replying_to": replying_to,
    }
    return render(request, "articles/article_detail.html", context, status=status)


COMMENT_FIELDS = "includes/comments/form_fields.html"


def with_comment_count(body_html: str, count: int):
    count_html = f"{count} comment{'' if count == 1 else 's'}"
    return mark_safe(body_html.replace(fragments.COUNT_HOLE, count_html))  # noqa: S308 - a number


def render_preview(request, article, *, text: dict | None = None, banner: str = ""):
    """The public article page for an unpublished article, or for a text of it that is not
    stored (`text`, an `articles.unsaved` context): never indexed, never cached."""
    open_ = False
    if article.pk is None:  # a new article, not yet saved: no comments to show
        comments = {
            "comment_page": CommentPage([], 1, 1, False),
            "comments_html": "",
            "comment_count": 0,
        }
    else:
        comments = comments_context(request, article, open_=open_)
    parts = fragments.render_article(request, article, preview=True, context=text)
    context = {
        "article": article,
        "preview": True,
        "preview_banner": banner,
        "head_html": parts["head_html"],
        "body_html": with_comment_count(parts["body_html"], comments["comment_count"]),
        **comments,
        "comments_open": open_,
    }
    response = render(request, "articles/article_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    return response


@require_safe
def shared_preview(request, token):
    article_id = preview.article_id_from_token(token)
    if article_id is None:
        raise Http404("This preview link is not valid or has expired.")
    return render_preview(request, selectors.article_for_preview(pk=article_id))


def listing_query() -> tuple[str, ...]:
    """The query parameters a listing's page uses: its filters', then the page number."""
    return (*(f.parameter for f in hooks.listing_filters), "page")


class ArticleListView(ListView):
    """A paginated page of public article cards, which readers may narrow with the
    filters other apps register (`hooks.listing_filters`: by lean, for one)."""

    context_object_name = "articles"
    http_method_names = ["get", "head"]
    # Pages that search engines index name their own address.
    canonical = True
    filterable = True
    # Cards, each kept once rendered (articles.fragments.with_cards).
    cards = True

    def get(self, request, *args, **kwargs):
        self.filters = []
        for listing_filter in hooks.listing_filters if self.filterable else []:
            value = request.GET.get(listing_filter.parameter, "")
            if value and value not in listing_filter.values:
                return render(request, "400.html", {"message": listing_filter.refusal}, status=400)
            self.filters.append((listing_filter, value))
        return super().get(request, *args, **kwargs)

    @property
    def filtered(self) -> bool:
        return any(value for _, value in self.filters)

    def filter_listing(self, articles):
        for listing_filter, value in self.filters:
            if value:
                articles = listing_filter.apply(articles, value)
        return articles

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_PAGE_SIZE

    def get_context_data(self, **kwargs):
        for listing_filter, value in self.filters:
            kwargs.update(listing_filter.context(value))
        context = super().get_context_data(**kwargs)
        if self.cards:
            context["articles"] = fragments.with_cards(context["articles"])
        if self.canonical:
            page = context["page_obj"]
            context["canonical_url"] = metadata.listing_canonical_url(self.request, page)
        return context


@method_decorator(cache_page_for_readers(query=listing_query), name="dispatch")
class HomeView(ArticleListView):
    template_name = "articles/home.html"

    def get_queryset(self):
        return self.filter_listing(selectors.articles_for_listing())

    def get_context_data(self, **kwargs):
        # The site as a news organization, with the address of each of its policies.
        return super().get_context_data(organization=metadata.organization(self.request), **kwargs)


@method_decorator(cache_page_for_readers(query=listing_query), name="dispatch")
class TagView(ArticleListView):
    """Public articles with one tag; a tag with none answers 404, so drafts' tags stay hidden."""

    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        self.tagged = selectors.articles_tagged(tag_slug=self.tag.slug)
        return self.filter_listing(self.tagged)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        if context["paginator"].count == 0 and not (self.filtered and self.tagged.exists()):
            raise Http404("No published articles carry this tag.")
        return context


@method_decorator(cache_page_for_readers(query=("q", "page")), name="dispatch")
class SearchView(ArticleListView):
    """Full-text search over public articles; an empty query shows only the form."""

    template_name = "articles/search.html"
    canonical = False  # result pages are not indexed
    filterable = False
    cards = False  # results are a list of their own, with snippets of the query

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q", ""))
        return search.search_articles(query=self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        search.add_snippets(context["articles"], query=self.query)
        return context


@method_decorator(cache_page_for_readers(query=("page",)), name="dispatch")
class CorrectionsView(ListView):
    """Every correction and clarification of a public article, newest first, paginated.

    Adding one sends `article_changed` for a published article, which moves the listings on;
    so does a withdrawal, which takes the article's corrections off this page.
    """

    template_name = "articles/corrections.html"
    context_object_name = "corrections"
    http_method_names = ["get", "head"]

    def get_queryset(self):
        return selectors.corrections_for_listing()

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["canonical_url"] = metadata.listing_canonical_url(self.request, context["page_obj"])
        return context
