"""The public pages that the accessibility and HTML checks walk, and the content they show."""

import pytest

from articles.models import Comment
from newsroom.demo import seed
from tests.factories import CommentFactory

# One line per page; both checks run over every one.
PUBLIC_PATHS = [
    "/",
    f"/articles/{seed.SLUG}/",
    "/tags/diplomacy/",
    "/?lean=center",
    "/bias/",
    "/search/?q=Medinsky",
]


@pytest.fixture
def public_site(seed_article):
    """The seed article with a published comment and a reply, so that threads are checked too."""
    comment = CommentFactory(article=seed_article, author_name="Olena K.")
    CommentFactory(article=seed_article, parent=comment, body="Agreed, and thanks.")
    CommentFactory(article=seed_article, status=Comment.Status.PENDING, body="Not shown.")
    return seed_article
