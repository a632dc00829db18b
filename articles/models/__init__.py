from .article import Article, ArticleQuerySet
from .comment import Comment
from .delegation import Delegation, DelegationMember
from .image import Image, License, Rendition
from .section import Section
from .workflow import Correction, StatusChange

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Comment",
    "Correction",
    "Delegation",
    "DelegationMember",
    "Image",
    "License",
    "Rendition",
    "Section",
    "StatusChange",
]
