"""The public pages that the accessibility and HTML checks walk, and the content they show."""

import pytest
from django.core.files.base import ContentFile

from articles import events, services
from articles.models import Article, Comment, Correction, Image, License
from newsroom.demo import seed
from tests.factories import CommentFactory, staff_member
from tests.images import TestSigner, image_bytes

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
    "/corrections/",
    "/standards/",
    "/standards/ethics/",
    "/standards/corrections/",
]


@pytest.fixture
def public_site(seed_article, settings):
    """The seed article with published comments in two pages and a reply, so that threads and
    the further pages of comments are checked too, a correction and a clarification, a
    backstory, and a lead picture with Content Credentials; what fills the paths' blanks."""
    settings.NEWSROOM_COMMENTS_PER_PAGE = 1
    editor = staff_member("Editors", "e2e-editor")
    services.article_add_correction(
        article=seed_article, user=editor, note="Rubio arrived a day after the talks opened."
    )
    services.article_add_correction(
        article=seed_article,
        user=editor,
        note="“Delegation” means the official negotiating team.",
        kind=Correction.Kind.CLARIFICATION,
    )
    picture = Image(
        file=ContentFile(TestSigner().sign(image_bytes(1600, 900)), name="signed.jpg"),
        alt_text=seed.IMAGE_ALT,
        credit=seed.IMAGE_CREDIT,
        license=License.PUBLIC_DOMAIN,
        source=seed.IMAGE_SOURCE,
        source_url=seed.IMAGE_SOURCE_URL,
    )
    services.image_save(image=picture, file_changed=True)
    Article.objects.filter(pk=seed_article.pk).update(
        lead_image=picture, backstory="Our reporter covered the talks from Istanbul."
    )
    events.article_changed.send(sender=Article, article=seed_article)
    comment = CommentFactory(article=seed_article, author_name="Olena K.")
    CommentFactory(article=seed_article, parent=comment, body="Agreed, and thanks.")
    CommentFactory(article=seed_article, author_name="Marko P.", body="On the second page.")
    CommentFactory(article=seed_article, status=Comment.Status.PENDING, body="Not shown.")
    return {"comment": comment.pk}
