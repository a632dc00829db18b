"""What each event changes: the counts of changes on the article that conditional requests
and kept page parts go by, and the cached pages that show it (`articles.page_cache`).

Connected once, in `ArticlesConfig.ready()`.
"""

from django.db.models import F
from django.db.models.signals import post_save, pre_delete
from taggit.models import Tag

from articles import events, page_cache
from articles.models import Article
from articles.page_cache import LISTING, article_dependency, comments_dependency


def _touch(article_id: int, field: str) -> None:
    Article.objects.filter(pk=article_id).update(**{field: F(field) + 1})


def article_changed(sender, *, article, slug_before=None, **kwargs) -> None:
    _touch(article.pk, "content_version")
    if article.status == Article.Status.PUBLISHED:  # public, or will be at its time
        slugs = {article.slug, slug_before} - {None}
        page_cache.changed(LISTING, *(article_dependency(slug) for slug in slugs))


def article_published_or_withdrawn(sender, *, article, **kwargs) -> None:
    _touch(article.pk, "content_version")
    page_cache.changed(LISTING, article_dependency(article.slug))
    page_cache.schedule_changed()


def comment_published_or_withdrawn(sender, *, comment, **kwargs) -> None:
    # The article's page shows the comment; every listing shows its comment count.
    _touch(comment.article_id, "comments_version")
    slug = Article.objects.filter(pk=comment.article_id).values_list("slug", flat=True).first()
    if slug is not None:
        page_cache.changed(LISTING, comments_dependency(slug))


def tags_changed(sender, *, tags, **kwargs) -> None:
    # The articles that carry the tags show them (their kept parts go), and every page
    # moves on, as any of them may show them.
    Article.objects.filter(tags__in=tags).update(content_version=F("content_version") + 1)
    page_cache.changed(page_cache.EPOCH)


def tag_saved_or_deleted(sender, *, instance, **kwargs) -> None:
    # A tag renamed or deleted in django-taggit's own change and delete pages.
    tags_changed(sender, tags=[instance])


def connect() -> None:
    events.article_changed.connect(article_changed, dispatch_uid="receivers-article-changed")
    events.article_published.connect(
        article_published_or_withdrawn, dispatch_uid="receivers-article-published"
    )
    events.article_withdrawn.connect(
        article_published_or_withdrawn, dispatch_uid="receivers-article-withdrawn"
    )
    events.comment_published.connect(
        comment_published_or_withdrawn, dispatch_uid="receivers-comment-published"
    )
    events.comment_withdrawn.connect(
        comment_published_or_withdrawn, dispatch_uid="receivers-comment-withdrawn"
    )
    events.tags_changed.connect(tags_changed, dispatch_uid="receivers-tags-changed")
    post_save.connect(tag_saved_or_deleted, sender=Tag, dispatch_uid="receivers-tag-saved")
    # Before the tag goes, while its articles can still be found by it.
    pre_delete.connect(tag_saved_or_deleted, sender=Tag, dispatch_uid="receivers-tag-deleted")
