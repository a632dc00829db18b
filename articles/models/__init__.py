from .article import Article, ArticleQuerySet
from .comment import Comment
from .delegation import Delegation, DelegationMember
from .image import Image, License, Rendition
from .moderation import CommentDecision, CommentReport, ModerationSettings
from .section import Section

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Comment",
    "CommentDecision",
    "CommentReport",
    "Delegation",
    "DelegationMember",
    "Image",
    "License",
    "ModerationSettings",
    "Rendition",
    "Section",
]
