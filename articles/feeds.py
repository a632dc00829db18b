"""RSS 2.0 feeds of the latest public articles, for the whole site and per tag."""

from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max, Prefetch, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.views.decorators.http import condition, require_safe
from taggit.models import Tag

from articles import hooks
from articles.metadata import last_modified
from articles.models import LAST_CHANGED, Article, Correction, public_q
from articles.page_cache import cache_page_for_readers
from articles.selectors import articles_for_listing, articles_tagged, with_details
from newsroom.release import fingerprint

MEDIA_NAMESPACE = "http://search.yahoo.com/mrss/"
# The domain of the category that marks a corrected item: the corrections page.
CORRECTIONS_DOMAIN = "corrections"
# The enclosure: the JPEG or PNG rendition closest to this width.
ENCLOSURE_WIDTH = 960


class NewsroomRssFeed(Rss201rev2Feed):
    """RSS 2.0 with Media RSS for the lead image, and categories with a domain (such as
    the bias label) that the apps registered in `hooks.feed_additions` give."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_NAMESPACE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, domain in item.get("domain_categories", []):
            handler.addQuickElement("category", name, {"domain": domain})
        media = item.get("media")
        if media:
            handler.startElement(
                "media:content",
                {
                    "url": media["url"],
                    "type": media["type"],
                    "medium": "image",
                    "width": str(media["width"]),
                    "height": str(media["height"]),
                },
            )
            handler.addQuickElement("media:description", media["alt"], {"type": "plain"})
            handler.addQuickElement("media:credit", media["credit"])
            handler.endElement("media:content")


@dataclass(frozen=True)
class FeedSource:
    """What one feed request is about: the request (for absolute URLs) and the tag, if any."""

    request: HttpRequest
    tag: Tag | None = None


class LatestArticlesFeed(Feed):
    feed_type = NewsroomRssFeed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The items' dates miss withdrawals and new ratings; last_modified() below sees them.
        response.headers.pop("Last-Modified", None)
        return response

    def get_object(self, request, *args, **kwargs):
        return FeedSource(request=request)

    def title(self, source):
        return settings.NEWSROOM_SITE_NAME

    def link(self, source):
        return reverse("articles:home")

    def description(self, source):
        return f"The latest articles published on {settings.NEWSROOM_SITE_NAME}."

    def feed_url(self, source):
        return source.request.path

    def articles(self, source):
        return articles_for_listing()

    def items(self, source):
        articles = with_details(self.articles(source)).prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "pk"))
        )
        articles = list(articles[: settings.NEWSROOM_FEED_SIZE])
        if source.tag is not None and not articles:
            # As on the tag page: a tag only unpublished articles carry stays hidden.
            raise Http404("No published articles carry this tag.")
        for article in articles:
            article.feed_additions = [add(article) for add in hooks.feed_additions]
            image = article.lead_image
            rendition = image.shareable_rendition(ENCLOSURE_WIDTH) if image else None
            article.feed_media = rendition and {
                "url": source.request.build_absolute_uri(rendition.file.url),
                "type": rendition.mime_type,
                "width": rendition.width,
                "height": rendition.height,
                "alt": image.alt_text,
                "credit": image.credit_line,
                "length": _file_size(rendition),
            }
        return articles

    # Titles and descriptions are HTML in RSS readers: author text is escaped for them.
    def item_title(self, article):
        return escape(article.title)

    def item_description(self, article):
        paragraphs = [article.summary]
        paragraphs += [line for added in article.feed_additions for line in added.lines]
        paragraphs += [
            f"{correction.get_kind_display()} ({date_format(correction.created_at, 'j F Y')}): "
            f"{correction.note}"
            for correction in article.corrections.all()
        ]
        return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return last_modified(article, list(article.corrections.all()))

    def item_author_name(self, article):
        return article.byline

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]

    def item_enclosures(self, article):
        media = article.feed_media
        if not media or media["length"] is None:
            return []
        return [Enclosure(media["url"], str(media["length"]), media["type"])]

    def item_extra_kwargs(self, article):
        return {
            "domain_categories": [
                *corrected_categories(article),
                *(category for added in article.feed_additions for category in added.categories),
            ],
            "media": article.feed_media,
        }


def corrected_categories(article) -> list[tuple[str, str]]:
    """The category that marks an item with notes to readers, under the domain
    "corrections": "Corrected", or "Clarified" when all its notes are clarifications."""
    kinds = {correction.kind for correction in article.corrections.all()}
    if not kinds:
        return []
    label = "Corrected" if Correction.Kind.CORRECTION in kinds else "Clarified"
    return [(label, CORRECTIONS_DOMAIN)]


class TagFeed(LatestArticlesFeed):
    """The latest public articles with one tag; an unknown tag answers 404."""

    def get_object(self, request, slug):
        return FeedSource(request=request, tag=get_object_or_404(Tag, slug=slug))

    def title(self, source):
        return f"{source.tag.name} | {settings.NEWSROOM_SITE_NAME}"

    def link(self, source):
        return reverse("articles:tag", kwargs={"slug": source.tag.slug})

    def description(self, source):
        return f"The latest articles tagged {source.tag.name} on {settings.NEWSROOM_SITE_NAME}."

    def articles(self, source):
        return articles_tagged(tag_slug=source.tag.slug)


def _file_size(rendition) -> int | None:
    try:
        return rendition.file.size
    except OSError:
        return None


def feeds_last_modified(request, *args, **kwargs):
    """When anything a feed shows last changed, in one query.

    An edit or a publication (a scheduled one counts from its time), a correction or
    its amendment, a withdrawal,
    which removes an item, or what the apps registered in `hooks.feed_last_change`
    add (a rating coming into force). Every feed shares it: an article leaving a
    tag is a change to that tag's feed too.
    """
    if not hasattr(request, "_feeds_last_modified"):
        public = public_q()
        latest = {
            "published": Max(LAST_CHANGED, filter=public),
            "corrected": Max("corrections__created_at", filter=public),
            "amended": Max("corrections__amended_at", filter=public),
            "withdrawn": Max(
                "status_changes__created_at",
                filter=Q(status_changes__from_status=Article.Status.PUBLISHED),
            ),
        }
        for more in hooks.feed_last_change:
            latest.update(more(public))
        times = Article.objects.aggregate(**latest)
        request._feeds_last_modified = max(filter(None, times.values()), default=None)
    return request._feeds_last_modified


def feeds_etag(request, *args, **kwargs):
    last_modified = feeds_last_modified(request)
    if last_modified is None:
        return None
    key = (
        f"{fingerprint()}|{request.path}|{last_modified.isoformat()}|{settings.NEWSROOM_FEED_SIZE}"
    )
    return sha256(key.encode()).hexdigest()[:32]


# Both answer 304 Not Modified when nothing has changed since the reader's copy.
fresh = condition(etag_func=feeds_etag, last_modified_func=feeds_last_modified)
latest_feed = require_safe(cache_page_for_readers(fresh(LatestArticlesFeed())))
tag_feed = require_safe(cache_page_for_readers(fresh(TagFeed())))
