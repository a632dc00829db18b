"""Editors amend a correction's kind or words; each earlier wording is kept, readers are
told it was amended, and a correction of another article is refused."""

import pytest

from articles import services
from articles.models import Article, Correction, CorrectionAmendment
from tests.factories import ArticleFactory, SectionFactory, staff_member

pytestmark = pytest.mark.django_db

CLARIFICATION = Correction.Kind.CLARIFICATION


@pytest.fixture
def people():
    return {
        "editor": staff_member("Editors", "editor"),
        "journalist": staff_member("Journalists", "journalist"),
    }


@pytest.fixture
def corrected(people):
    article = ArticleFactory(status=Article.Status.PUBLISHED)
    SectionFactory(article=article)
    note = services.article_add_correction(
        article=article, user=people["editor"], note="The minister was named wrongly."
    )
    return article, note


def amend(article, correction, user, **changes):
    fields = {"note": correction.note, "kind": correction.kind, "reason": "A typo in the name."}
    return services.article_amend_correction(
        article=article, correction_id=correction.pk, user=user, **{**fields, **changes}
    )


def test_an_amendment_keeps_the_earlier_wording_and_dates_the_change(people, corrected, client):
    article, note = corrected
    amend(article, note, people["editor"], note="The minister's name was misspelled.")
    note.refresh_from_db()
    amend(article, note, people["editor"], kind=CLARIFICATION, reason="Not an error of fact.")
    note.refresh_from_db()
    assert (note.kind, note.note) == (CLARIFICATION, "The minister's name was misspelled.")
    assert note.amended_at is not None
    history = list(note.amendments.values_list("kind", "note", "reason"))
    assert history == [
        ("correction", "The minister's name was misspelled.", "Not an error of fact."),
        ("correction", "The minister was named wrongly.", "A typo in the name."),
    ]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "The minister&#x27;s name was misspelled." in page and "(amended" in page
    assert "The minister was named wrongly." not in page
    assert "(amended" in client.get("/corrections/").content.decode()


def test_only_editors_amend_and_only_this_articles_notes(people, corrected):
    article, note = corrected
    with pytest.raises(services.WorkflowError, match="Only editors"):
        amend(article, note, people["journalist"], note="Changed.")
    other = ArticleFactory(status=Article.Status.PUBLISHED)
    for bad in (note.pk, "x", "", "-1"):
        with pytest.raises(services.ForeignRow):
            services.article_amend_correction(
                article=other, correction_id=bad, user=people["editor"],
                note="Changed.", kind="correction", reason="Because.",
            )  # fmt: skip
    note.refresh_from_db()
    assert note.note == "The minister was named wrongly." and not note.amendments.exists()


def test_an_amendment_needs_a_reason_a_change_and_visible_words(people, corrected):
    article, note = corrected
    refusals = [
        ({"note": "Changed.", "reason": "  "}, "Say why"),
        ({}, "Nothing to amend"),
        ({"note": "\u200b"}, "visible"),
        ({"kind": "retraction", "note": "Changed."}, "correction or a clarification"),
    ]
    for changes, message in refusals:
        with pytest.raises(Exception, match=message):
            amend(article, note, people["editor"], **changes)
    assert not CorrectionAmendment.objects.exists()


def test_the_corrections_page_amends_and_keeps_what_was_typed_on_refusal(people, corrected, client):
    article, note = corrected
    client.force_login(people["editor"])
    url = f"/admin/articles/article/{article.pk}/corrections/"
    change = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert url in change
    refused = client.post(
        url, {"correction": note.pk, "kind": "correction", "note": "New words.", "reason": ""}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Say why the note is amended" in page and "New words." in page
    done = client.post(
        url,
        {"correction": note.pk, "kind": "clarification", "note": "New words.", "reason": "Why."},
        follow=True,
    )
    assert "Earlier wordings" in done.content.decode()
    assert "The minister was named wrongly." in done.content.decode()
    other_note = services.article_add_correction(
        article=ArticleFactory(status=Article.Status.PUBLISHED),
        user=people["editor"],
        note="Elsewhere.",
    )
    foreign = {"correction": other_note.pk, "kind": "correction", "note": "X", "reason": "Y"}
    assert client.post(url, foreign).status_code == 404
    client.force_login(people["journalist"])
    assert client.get(url).status_code in (403, 404)
    assert url not in client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
