from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from articles.text import validate_visible
from newsroom.people import display_name


def public_q(prefix: str = "") -> models.Q:
    """The one definition of public, as a condition: published, and its time has come.

    A future `published_at` is a scheduled article; it turns public by itself when
    the clock passes it, with no job to run. `prefix` applies it across a relation
    ("article__"). `Article.is_public` says the same of one article in memory.
    """
    return models.Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}published_at__lte": timezone.now(),
        }
    )


# When an article last changed for a reader: its last edit, or its publication
# if that came later (a scheduled article goes public after its last edit).
LAST_CHANGED = Greatest("updated_at", "published_at")


@lru_cache(maxsize=1)
def _address_of_articles() -> str:
    """Where article pages live ("/articles/"), from the URL patterns, worked out once: an
    address is asked for on every card, feed item and sitemap entry."""
    marker = "slug"
    address = reverse("articles:detail", kwargs={"slug": marker})
    return address.removesuffix(f"{marker}/")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The articles readers may see: `public_q()`."""
        return self.filter(public_q())

    def scheduled(self):
        """Published with a time still to come: they turn public by themselves."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def last_changed(self):
        """When the latest of these articles last changed for a reader (see `Article.last_changed`),
        in one query; None when there are none."""
        return self.aggregate(latest=models.Max(LAST_CHANGED))["latest"]

    def for_listing(self):
        """What a card needs, in a fixed number of queries whatever the page size."""
        return (
            self.select_related("author", "lead_image")
            .prefetch_related("tags", "lead_image__renditions")
            .with_comment_count()
        )

    def with_comment_count(self):
        """`approved_comment_count`: the comments readers see, counted inside the same query."""
        from .comment import Comment

        public = (
            Comment.objects.public()
            .filter(article=models.OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            approved_comment_count=Coalesce(models.Subquery(public), models.Value(0))
        )

    def for_page(self):
        """What the article page needs, in a fixed number of queries."""
        from .delegation import Delegation, DelegationMember
        from .section import Section
        from .workflow import Correction

        return self.for_listing().prefetch_related(
            models.Prefetch("sections", queryset=Section.objects.order_by("position", "pk")),
            models.Prefetch(
                "corrections", queryset=Correction.objects.order_by("created_at", "pk")
            ),
            models.Prefetch(
                "delegations",
                queryset=Delegation.objects.order_by("position", "pk").prefetch_related(
                    models.Prefetch(
                        "members", queryset=DelegationMember.objects.order_by("position", "pk")
                    )
                ),
            ),
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    class Type(models.TextChoices):
        """What kind of journalism the article is, labelled on its page (the Trust Project's
        "type of work"); each is a schema.org type of NewsArticle (`schema_type`)."""

        REPORTAGE = "reportage", "Reporting"
        ANALYSIS = "analysis", "Analysis"
        BACKGROUND = "background", "Background"
        OPINION = "opinion", "Opinion"
        REVIEW = "review", "Review"

        @property
        def schema_type(self) -> str:
            return f"{self.name.capitalize()}NewsArticle"

    title = models.CharField(max_length=200, validators=[validate_visible])
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the article's address: /articles/this-slug/",
    )
    summary = models.TextField(
        max_length=600,
        help_text="One or two sentences for cards, feeds and search results.",
        validators=[validate_visible],
    )
    article_type = models.CharField(
        "type of article",
        max_length=20,
        choices=Type,
        default=Type.REPORTAGE,
        help_text="Labelled above the title: reporting of facts, analysis, background, "
        "opinion or a review.",
    )
    backstory = models.TextField(
        "how we reported this",
        max_length=2000,
        blank=True,
        help_text="Optional: how and why the story was reported, whom we spoke to, what we "
        "could not confirm. Shown to readers under “How we reported this”.",
        validators=[validate_visible],
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When the article goes public. A time in the future schedules it.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles"
    )
    lead_image = models.ForeignKey(
        "articles.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_of_articles",
    )
    tags = TaggableManager(blank=True)
    comments_enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Counts of the changes to what readers see on the article's page, its comments apart
    # (text, image, tags, corrections, rating), and to its comments: raised by
    # articles.receivers on each event. Conditional requests and kept page parts go by them.
    content_version = models.PositiveIntegerField(default=0, editable=False)
    comments_version = models.PositiveIntegerField(default=0, editable=False)
    # Raised by every save; an edit made from an older version is a conflict.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Title, summary and sections, weighted for full-text search on PostgreSQL
    # (GIN-indexed there); kept in sync by services.article_index_for_search.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_public_idx")]
        permissions = [("publish_article", "Can publish, schedule and withdraw articles")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{_address_of_articles()}{self.slug}/"

    @property
    def is_public(self) -> bool:
        """`Article.objects.published()`, said of one article in memory."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        """Published, with a time that has not come yet (`Article.objects.scheduled()`)."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and not self.is_public
        )

    @property
    def last_changed(self):
        """`LAST_CHANGED`, for one article in memory."""
        return max(self.updated_at, self.published_at or self.updated_at)

    @property
    def byline(self) -> str:
        return display_name(self.author)
