"""The public pages that the accessibility and HTML checks walk, and the content they show."""

import pytest

from articles.models import Comment
from newsroom.demo import seed
from tests.factories import CommentFactory

# One line per page; both checks run over every one, with {comment} filled in by public_site.
PUBLIC_PATHS = [
    "/",
    f"/articles/{seed.SLUG}/",
    "/tags/diplomacy/",
    "/?lean=center",
    "/bias/",
    f"/bias/articles/{seed.SLUG}/",
    "/search/?q=Medinsky",
    f"/articles/{seed.SLUG}/comments/?page=2",
    f"/articles/{seed.SLUG}/comments/{{comment}}/report/",
]


@pytest.fixture
def public_site(seed_article, settings):
    """The seed article with published comments in two pages and a reply, so that threads and
    the further pages of comments are checked too; what fills the paths' blanks."""
    settings.NEWSROOM_COMMENTS_PER_PAGE = 1
    comment = CommentFactory(article=seed_article, author_name="Olena K.")
    CommentFactory(article=seed_article, parent=comment, body="Agreed, and thanks.")
    CommentFactory(article=seed_article, author_name="Marko P.", body="On the second page.")
    CommentFactory(article=seed_article, status=Comment.Status.PENDING, body="Not shown.")
    return {"comment": comment.pk}
