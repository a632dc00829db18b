"""The editorial workflow as data: which moves exist and who may make them."""

from dataclasses import dataclass

from articles.models import Article

Status = Article.Status
PUBLISH = "articles.publish_article"


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str  # what the button says
    permission: str | None  # None: the author may, as may anyone who can publish
    note_required: bool = False


TRANSITIONS = [
    Transition(Status.DRAFT, Status.IN_REVIEW, "Submit for review", None),
    Transition(Status.IN_REVIEW, Status.DRAFT, "Return to the author", PUBLISH, note_required=True),
    Transition(Status.DRAFT, Status.PUBLISHED, "Publish or schedule", PUBLISH),
    Transition(Status.IN_REVIEW, Status.PUBLISHED, "Publish or schedule", PUBLISH),
    Transition(Status.PUBLISHED, Status.ARCHIVED, "Withdraw", PUBLISH),
    Transition(Status.ARCHIVED, Status.DRAFT, "Reopen as a draft", PUBLISH),
]
_BY_MOVE = {(t.source, t.target): t for t in TRANSITIONS}


def find_transition(source: str, target: str) -> Transition | None:
    return _BY_MOVE.get((source, target))


def user_may(user, transition: Transition, article: Article) -> bool:
    if not user.has_perm("articles.change_article"):
        return False
    if transition.permission is None:
        return article.author_id == user.pk or user.has_perm(PUBLISH)
    return user.has_perm(transition.permission)


def allowed_transitions(user, article: Article) -> list[Transition]:
    """The moves this user may make on this article now, in table order."""
    return [t for t in TRANSITIONS if t.source == article.status and user_may(user, t, article)]
