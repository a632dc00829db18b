"""The editorial workflow as data: which moves exist and who may make them."""

from collections.abc import Callable
from dataclasses import dataclass

from articles import permissions
from articles.models import Article

Status = Article.Status

# Articles past their author's draft: in review or published. Readers' text is
# settled enough here for review (and for the bias panel to rate it).
SUBMITTED = (Status.IN_REVIEW, Status.PUBLISHED)


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str  # what the button says
    # Who may make the move; None: the article's author, or anyone who may publish.
    allowed: Callable | None
    # What the article's history calls the revision the move leaves.
    label: str
    note_required: bool = False


PUBLISHERS = permissions.can_publish

TRANSITIONS = [
    Transition(Status.DRAFT, Status.IN_REVIEW, "Submit for review", None, "Submitted"),
    Transition(
        Status.IN_REVIEW,
        Status.DRAFT,
        "Return to the author",
        PUBLISHERS,
        "Returned",
        note_required=True,
    ),
    Transition(Status.DRAFT, Status.PUBLISHED, "Publish or schedule", PUBLISHERS, "Published"),
    Transition(Status.IN_REVIEW, Status.PUBLISHED, "Publish or schedule", PUBLISHERS, "Published"),
    Transition(Status.PUBLISHED, Status.ARCHIVED, "Withdraw", PUBLISHERS, "Withdrawn"),
    Transition(Status.ARCHIVED, Status.DRAFT, "Reopen as a draft", PUBLISHERS, "Reopened"),
]
# A publication whose time is still to come.
SCHEDULED = "Scheduled"
_BY_MOVE = {(t.source, t.target): t for t in TRANSITIONS}


def find_transition(source: str, target: str) -> Transition | None:
    return _BY_MOVE.get((source, target))


def user_may(user, transition: Transition, article: Article) -> bool:
    if not permissions.can_change_articles(user):
        return False
    if transition.allowed is None:
        return article.author_id == user.pk or permissions.can_publish(user)
    return transition.allowed(user)


def allowed_transitions(user, article: Article) -> list[Transition]:
    """The moves this user may make on this article now, in table order."""
    return [t for t in TRANSITIONS if t.source == article.status and user_may(user, t, article)]
