from .article import LAST_CHANGED, Article, ArticleQuerySet, public_q
from .autosave import Autosave
from .comment import (
    Comment,
    CommentDecision,
    Commenter,
    CommenterStandingChange,
    CommentReport,
    ModerationSettings,
)
from .delegation import Delegation, DelegationMember
from .image import Image, License, Rendition
from .section import Section
from .sharing import PreviewLink
from .workflow import Correction, CorrectionAmendment, StatusChange

__all__ = [
    "LAST_CHANGED",
    "Article",
    "ArticleQuerySet",
    "Autosave",
    "Comment",
    "Correction",
    "CorrectionAmendment",
    "CommentDecision",
    "Commenter",
    "CommenterStandingChange",
    "CommentReport",
    "Delegation",
    "DelegationMember",
    "Image",
    "License",
    "ModerationSettings",
    "PreviewLink",
    "Rendition",
    "Section",
    "StatusChange",
    "public_q",
]
