"""Who may do what with articles, images and comments: every check of a right is made here.

Roles are auth groups holding Django permissions (see the roles data migration);
services and admin pages ask these functions, never `has_perm` with a string.
"""

from articles.models import Article

PUBLISH_ARTICLE = "articles.publish_article"
MODERATE_COMMENT = "articles.moderate_comment"


def can_view_articles(user) -> bool:
    return user.has_perm("articles.view_article")


def can_change_articles(user) -> bool:
    """Change articles at all (which ones: `can_edit_article`)."""
    return user.has_perm("articles.change_article")


def can_write(user) -> bool:
    """Start new articles: journalists and editors."""
    return user.has_perm("articles.add_article")


def can_publish(user) -> bool:
    """Publish, schedule, withdraw and correct articles, and edit any of them: editors."""
    return user.has_perm(PUBLISH_ARTICLE)


def can_moderate(user) -> bool:
    """Decide on comments and act on commenters: moderators."""
    return user.has_perm(MODERATE_COMMENT)


def can_edit_article(user, article: Article) -> bool:
    """Whoever can publish edits any article; a journalist edits only their own,
    and only while it is a draft."""
    if not can_change_articles(user):
        return False
    if can_publish(user):
        return True
    return article.author_id == user.pk and article.status == Article.Status.DRAFT


def can_share_preview(user, article: Article) -> bool:
    """Share an unpublished article with people without an account, and revoke the link:
    editors for any article, a journalist for their own."""
    if not can_change_articles(user):
        return False
    return can_publish(user) or article.author_id == user.pk


def can_delete_article(user) -> bool:
    return user.has_perm("articles.delete_article")


def can_delete_comment(user) -> bool:
    return user.has_perm("articles.delete_comment")


def can_edit_image(user, image) -> bool:
    """Editors change any image; others only the images they uploaded."""
    if not user.has_perm("articles.change_image"):
        return False
    return can_publish(user) or image.uploaded_by_id == user.pk
