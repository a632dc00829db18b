from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.generic import ListView
from taggit.models import Tag

from articles import comment_views, selectors


@require_safe
def article_detail(request, slug):
    article = selectors.article_for_page(slug=slug)
    return comment_views.render_article_page(request, article)


class ArticleListView(ListView):
    """A paginated page of public article cards."""

    context_object_name = "articles"
    http_method_names = ["get", "head"]

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_PAGE_SIZE


class HomeView(ArticleListView):
    template_name = "articles/home.html"

    def get_queryset(self):
        return selectors.articles_for_listing()


class TagView(ArticleListView):
    """Public articles with one tag; a tag with none answers 404, so drafts' tags stay hidden."""

    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return selectors.articles_tagged(tag_slug=self.tag.slug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        if context["paginator"].count == 0:
            raise Http404("No published articles carry this tag.")
        return context
