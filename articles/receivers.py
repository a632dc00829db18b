"""What each event changes: the times on the article that conditional requests and fragments
go by, and the cached pages that show it (`articles.page_cache`).

Connected once, in `ArticlesConfig.ready()`.
"""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from taggit.models import Tag

from articles import events, page_cache
from articles.models import Article
from articles.page_cache import LISTING, article_dependency, comments_dependency


def _touch(article_id: int, field: str) -> None:
    Article.objects.filter(pk=article_id).update(**{field: timezone.now()})


def article_changed(sender, *, article, slug_before=None, **kwargs) -> None:
    _touch(article.pk, "content_changed_at")
    if article.status == Article.Status.PUBLISHED:  # public, or will be at its time
        slugs = {article.slug, slug_before} - {None}
        page_cache.changed(LISTING, *(article_dependency(slug) for slug in slugs))


def article_published_or_withdrawn(sender, *, article, **kwargs) -> None:
    _touch(article.pk, "content_changed_at")
    page_cache.changed(LISTING, article_dependency(article.slug))
    page_cache.schedule_changed()


def comment_published_or_withdrawn(sender, *, comment, **kwargs) -> None:
    # The article's page shows the comment; every listing shows its comment count.
    _touch(comment.article_id, "comments_changed_at")
    slug = Article.objects.filter(pk=comment.article_id).values_list("slug", flat=True).first()
    if slug is not None:
        page_cache.changed(LISTING, comments_dependency(slug))


def tag_changed(sender, **kwargs) -> None:
    # Tags are renamed, merged or deleted in django-taggit's own admin, which sends no
    # event of ours: a change there moves every page on, as it may show on any of them.
    page_cache.changed(page_cache.EPOCH)


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
    post_save.connect(tag_changed, sender=Tag, dispatch_uid="receivers-tag-saved")
    post_delete.connect(tag_changed, sender=Tag, dispatch_uid="receivers-tag-deleted")
