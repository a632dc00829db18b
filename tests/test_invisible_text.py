"""Required texts need characters a reader can see: zero-width spaces, word joiners and the
like count as empty, in every form and in every service behind it."""

import pytest

from articles import services
from articles.comments import services as comment_services
from articles.models import Article, Comment, Correction
from articles.text import has_visible_text
from bias import services as bias_services
from bias.forms import RatingPublishForm
from bias.models import Rating
from tests.factories import ArticleFactory, SectionFactory, staff_member
from tests.helpers import assess, in_review, publish

pytestmark = pytest.mark.django_db

INVISIBLE = [
    "\u200b\u200b",  # zero-width spaces
    "\u2060",  # word joiner
    "\ufeff \u00ad",  # byte-order mark, soft hyphen
    "\u3164\u115f",  # Hangul fillers
    "\u2800",  # blank braille pattern
    "\u0301\u20dd",  # combining marks with nothing to sit on
    "\U000e0041\U000e0042",  # tag characters
    "\u00a0\u2003\u3000",  # no-break, em and ideographic spaces
]


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_characters_are_not_text(text):
    assert not has_visible_text(text)


@pytest.mark.parametrize("text", ["a", "١", "٫", "—", "😀", "e\u0301", "\u200bx\u200b", "中"])
def test_any_visible_character_is_text(text):
    assert has_visible_text(text)


@pytest.mark.parametrize("text", INVISIBLE)
def test_a_why_of_invisible_characters_publishes_no_rating(text):
    editor = staff_member("Editors", "editor")
    article = in_review()
    with pytest.raises(bias_services.RatingError, match="Write the public “Why:”"):
        publish(article, editor, why=text)
    assert not Rating.objects.exists()
    assert not RatingPublishForm(
        data={"direction": "center", "strength": 2, "why": text}
    ).is_valid()


def test_an_invisible_override_reason_is_no_reason():
    editor = staff_member("Editors", "editor")
    article = in_review()
    for lean in ("left", "center", "right"):
        assess(article, staff_member("Bias analysts", f"analyst-{lean}", lean=lean), "center", 2)
    with pytest.raises(bias_services.RatingError, match="give the reason"):
        publish(article, editor, "left", 3, why="Loaded words.", override_reason="\u2060")
    assert not Rating.objects.exists()


def test_an_invisible_panel_reason_is_no_reason():
    editor = staff_member("Editors", "editor")
    article = in_review()
    assess(article, staff_member("Bias analysts", "analyst"), "center", 2)
    with pytest.raises(bias_services.RatingError, match="Give the reason"):
        publish(article, editor, "center", 2, why="Plain.", panel_reason="\u200b\u2060")
    assert not Rating.objects.exists()


def test_an_invisible_rationale_is_no_assessment():
    article = in_review()
    with pytest.raises(bias_services.RatingError):
        assess(article, staff_member("Bias analysts", "analyst"), rationale="\u200b\u200b")
    assert not article.assessments.exists()


def test_returning_an_article_needs_a_visible_note():
    editor = staff_member("Editors", "editor")
    article = in_review()
    with pytest.raises(services.WorkflowError, match="Add a note"):
        services.article_transition(
            article=article, target=Article.Status.DRAFT, user=editor, note="\u200b\u2060"
        )
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_a_title_or_summary_of_invisible_characters_cannot_be_published(settings):
    settings.NEWSROOM_REQUIRE_BIAS_RATING = False
    article = ArticleFactory(
        title="\u200b", summary="\u2060", status=Article.Status.DRAFT, published_at=None
    )
    SectionFactory(article=article)
    assert services.article_publish_gate(article) == ["a title", "a summary"]


def test_an_invisible_correction_is_refused():
    editor = staff_member("Editors", "editor")
    article = ArticleFactory()
    with pytest.raises(Exception, match="visible|letters"):
        services.article_add_correction(article=article, user=editor, note="\u200b\u200b")
    assert not Correction.objects.exists()


@pytest.mark.parametrize("field", ["author_name", "body"])
def test_an_invisible_comment_or_name_is_a_form_error(client, field):
    article = ArticleFactory()
    data = {"author_name": "Ada", "author_email": "ada@example.org", "body": "Clear report."}
    data[field] = "\u200b\u200b\u2060"
    response = client.post(f"/articles/{article.slug}/comments/", data)
    assert response.status_code == 400
    assert "a reader can see" in response.content.decode()
    assert not Comment.objects.exists()
    with pytest.raises(Exception, match="can see"):
        comment_services.comment_create(
            article=article,
            **{"author_name": "Ada", "author_email": "ada@example.org", "body": "Fine"}
            | {field: data[field]},
        )


def test_an_invisible_title_is_a_form_error_in_the_admin(client):
    from tests.helpers import article_post_data

    client.force_login(staff_member("Editors", "editor"))
    response = client.post(
        "/admin/articles/article/add/", article_post_data(title="\u200b\u200b", slug="x")
    )
    assert response.status_code == 200
    assert "a reader can see" in response.content.decode()
    assert not Article.objects.exists()
