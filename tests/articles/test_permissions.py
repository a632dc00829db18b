"""Who may do what with articles and images: articles.permissions, asked directly."""

import pytest

from articles import permissions
from articles.models import Article, Image
from tests.factories import ArticleFactory, ImageFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.mark.parametrize(
    ("role", "view", "change", "write", "publish", "moderate"),
    [
        ("Journalists", True, True, True, False, False),
        ("Editors", True, True, True, True, False),
        ("Moderators", False, False, False, False, True),
        ("Bias analysts", True, False, False, False, False),
        (None, False, False, False, False, False),
    ],
)
def test_rights_by_role(role, view, change, write, publish, moderate):
    user = staff_member(role, "someone")
    assert permissions.can_view_articles(user) is view
    assert permissions.can_change_articles(user) is change
    assert permissions.can_write(user) is write
    assert permissions.can_publish(user) is publish
    assert permissions.can_moderate(user) is moderate


@pytest.mark.parametrize("status", S.values)
def test_editors_edit_every_article_in_every_state(status):
    editor = staff_member("Editors", "editor")
    article = ArticleFactory(author=staff_member("Journalists", "author"), status=status)
    assert permissions.can_edit_article(editor, article)


@pytest.mark.parametrize(("status", "may"), [(S.DRAFT, True), *((s, False) for s in S.values[1:])])
def test_a_journalist_edits_their_own_article_while_it_is_a_draft(status, may):
    journalist = staff_member("Journalists", "author")
    assert (
        permissions.can_edit_article(journalist, ArticleFactory(author=journalist, status=status))
        is may
    )


def test_a_journalist_never_edits_anothers_draft():
    journalist = staff_member("Journalists", "author")
    draft = ArticleFactory(author=staff_member("Journalists", "other"), status=S.DRAFT)
    assert not permissions.can_edit_article(journalist, draft)


@pytest.mark.parametrize("role", ["Moderators", "Bias analysts", None])
def test_an_author_without_the_right_to_change_articles_edits_nothing(role):
    # Say a journalist who moved to the moderation desk: their old drafts are not theirs to edit.
    user = staff_member(role, "former-journalist")
    assert not permissions.can_edit_article(user, ArticleFactory(author=user, status=S.DRAFT))


def uploaded_by(user):
    image = ImageFactory()
    Image.objects.filter(pk=image.pk).update(uploaded_by=user)
    return Image.objects.get(pk=image.pk)


def test_editors_change_any_image_and_journalists_their_own():
    editor = staff_member("Editors", "editor")
    journalist = staff_member("Journalists", "journalist")
    theirs = uploaded_by(journalist)
    others = uploaded_by(UserFactory())
    assert permissions.can_edit_image(editor, theirs) and permissions.can_edit_image(editor, others)
    assert permissions.can_edit_image(journalist, theirs)
    assert not permissions.can_edit_image(journalist, others)


@pytest.mark.parametrize("role", ["Moderators", "Bias analysts", None])
def test_an_uploader_without_the_right_to_change_images_changes_none(role):
    user = staff_member(role, "uploader")
    assert not permissions.can_edit_image(user, uploaded_by(user))
