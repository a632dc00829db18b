"""Sitemaps for search engines: every public article and tag, and Google News' recent ones."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article

# URLs per sitemap page; /sitemap.xml is the index naming every page.
SITEMAP_PAGE_SIZE = 5000
# Google News lists articles published in the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "updated_at", "published_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.last_changed

    def get_latest_lastmod(self):
        # For the index, in one query rather than by reading every article.
        return Article.objects.published().last_changed()


class TagSitemap(Sitemap):
    """Tags that published articles carry; a tag only drafts carry stays out."""

    limit = SITEMAP_PAGE_SIZE

    def items(self):
        latest = (
            Article.objects.published()
            .filter(tags__id=OuterRef("pk"))
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return (
            Tag.objects.annotate(latest_published_at=Subquery(latest))
            .filter(latest_published_at__isnull=False)
            .order_by("name", "pk")
        )

    def location(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def lastmod(self, tag):
        return tag.latest_published_at

    def get_latest_lastmod(self):
        return (
            Article.objects.published()
            .filter(tags__isnull=False)
            .aggregate(latest=Max("published_at"))["latest"]
        )


def news_language(language_code: str) -> str:
    """ISO 639 as Google News wants it: "en" for "en-us", but "zh-cn" and "zh-tw" stay whole."""
    code = language_code.lower()
    return code if code in {"zh-cn", "zh-tw"} else code.split("-")[0]


class NewsSitemap(ArticleSitemap):
    """Articles published in the last 48 hours, in the Google News sitemap format."""

    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("slug", "title", "updated_at", "published_at")
            .order_by("-published_at", "-pk")[:NEWS_LIMIT]
        )

    def get_urls(self, *args, **kwargs):
        publication = {
            "name": settings.NEWSROOM_SITE_NAME,
            "language": news_language(settings.LANGUAGE_CODE),
        }
        return [{**url, "publication": publication} for url in super().get_urls(*args, **kwargs)]


SITEMAPS = {"articles": ArticleSitemap, "tags": TagSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}
