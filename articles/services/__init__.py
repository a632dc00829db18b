"""Every state-changing operation on articles, their bodies and images.

Views, admin pages and commands call these; each checks rights, validates, writes
inside a transaction and logs what happened. Comments have their own services in
`articles.comments.services`.
"""

from articles.services.article import (
    EditOutcome,
    article_add_correction,
    article_amend_correction,
    article_delete,
    article_edit,
    article_lock_for_edit,
    article_publish_gate,
    article_record_revision,
    article_restore_revision,
    article_save,
    article_transition,
    conflict_message,
)
from articles.services.autosave import article_autosave, article_discard_autosave
from articles.services.body import (
    MAX_BODY_LENGTH,
    MAX_DELEGATIONS,
    MAX_MEMBERS,
    MAX_SECTIONS,
    BodyChanges,
    DelegationRow,
    MemberRow,
    SectionRow,
    article_replace_body,
    article_save_body,
)
from articles.services.errors import EditConflict, ForeignRow, WorkflowError
from articles.services.image import image_delete, image_save
from articles.services.index import article_index_for_search, articles_reindex_for_search
from articles.services.schedule import article_reschedule
from articles.services.sharing import preview_link_revoke, preview_link_share

__all__ = [
    "MAX_BODY_LENGTH",
    "MAX_DELEGATIONS",
    "MAX_MEMBERS",
    "MAX_SECTIONS",
    "BodyChanges",
    "DelegationRow",
    "EditConflict",
    "EditOutcome",
    "ForeignRow",
    "MemberRow",
    "SectionRow",
    "WorkflowError",
    "article_add_correction",
    "article_amend_correction",
    "article_autosave",
    "article_delete",
    "article_discard_autosave",
    "article_edit",
    "article_index_for_search",
    "article_lock_for_edit",
    "article_publish_gate",
    "article_record_revision",
    "article_replace_body",
    "article_reschedule",
    "article_restore_revision",
    "article_save",
    "article_save_body",
    "preview_link_revoke",
    "preview_link_share",
    "article_transition",
    "articles_reindex_for_search",
    "conflict_message",
    "image_delete",
    "image_save",
]
