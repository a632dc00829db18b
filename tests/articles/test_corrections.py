"""Corrections and clarifications: chosen by the editor, marked on the article, listed at
/corrections/, carried in the article's JSON-LD and marked in feeds."""

import json
from datetime import timedelta

import feedparser
import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone

from articles import services
from articles.models import Article, Correction
from articles.services import WorkflowError
from newsroom.demo.loader import load_seed_article
from tests.factories import ArticleFactory, SectionFactory, staff_member
from tests.helpers import admin_save

pytestmark = pytest.mark.django_db

# The page of corrections: the count for the paginator, then the page's rows with their articles.
CORRECTIONS_PAGE_QUERIES = 2


@pytest.fixture
def editor():
    return staff_member("Editors", "editor")


def correct(article, editor, note, kind=Correction.Kind.CORRECTION):
    return services.article_add_correction(article=article, user=editor, note=note, kind=kind)


def soup_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def json_ld(soup) -> dict:
    [script] = soup.find_all("script", attrs={"type": "application/ld+json"})
    return json.loads(script.string)


# The service


def test_a_correction_is_the_default_and_a_clarification_is_chosen(editor):
    article = ArticleFactory()
    first = services.article_add_correction(article=article, user=editor, note="Wrong date.")
    second = correct(article, editor, "“Talks” meant the formal session.", "clarification")
    assert (first.kind, second.kind) == ("correction", "clarification")


def test_an_unknown_kind_is_refused_and_nothing_is_stored(editor):
    with pytest.raises(WorkflowError, match="correction or a clarification"):
        correct(ArticleFactory(), editor, "A note.", kind="retraction")
    assert not Correction.objects.exists()


def test_the_editor_chooses_the_kind_beside_the_correction_in_the_admin(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="correction_kind"' in page and 'value="clarification"' in page
    response = admin_save(
        client, article, correction="Named the wrong ministry.", correction_kind="clarification"
    )
    assert response.status_code == 302
    assert article.corrections.get().kind == Correction.Kind.CLARIFICATION


def test_an_edit_without_a_kind_appends_a_correction(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    assert admin_save(client, article, correction="The vote was on Tuesday.").status_code == 302
    assert article.corrections.get().kind == Correction.Kind.CORRECTION


# The article page


def test_the_article_marks_which_note_is_which(client, editor):
    article = ArticleFactory()
    SectionFactory(article=article)
    correct(article, editor, "The summit was on Friday.")
    correct(article, editor, "“Delegation” means the official one.", "clarification")
    soup = soup_of(client, article.get_absolute_url())
    section = soup.find("section", class_="corrections")
    assert section.h2.get_text() == "Corrections and clarifications"
    kinds = [item.find(class_="correction__kind").get_text() for item in section.find_all("li")]
    assert kinds == ["Correction", "Clarification"]
    assert section.find("a", href="/corrections/")


def test_an_article_with_clarifications_only_says_so(client, editor):
    article = ArticleFactory()
    correct(article, editor, "A plainer word.", "clarification")
    section = soup_of(client, article.get_absolute_url()).find("section", class_="corrections")
    assert section.h2.get_text() == "Clarifications"


def test_the_json_ld_carries_each_note_as_a_correction_comment(client, editor):
    article, _ = load_seed_article()
    note = correct(article, editor, "Rubio did not attend the first session.")
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        later = correct(article, editor, "Istanbul, not Ankara, hosts the talks.", "clarification")
        data = json_ld(soup_of(client, article.get_absolute_url()).head)
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Rubio did not attend the first session.",
            "datePublished": note.created_at.isoformat(),
        },
        {
            "@type": "CorrectionComment",
            "text": "Clarification: Istanbul, not Ankara, hosts the talks.",
            "datePublished": later.created_at.isoformat(),
        },
    ]
    # A note to readers is a change readers see: the article says it was modified then.
    assert data["dateModified"] == later.created_at.isoformat()


def test_an_article_without_notes_has_no_correction_in_its_json_ld(client):
    article, _ = load_seed_article()
    assert "correction" not in json_ld(soup_of(client, article.get_absolute_url()).head)


# /corrections/


def test_the_corrections_page_lists_every_public_note_newest_first(client, editor):
    older, newer = ArticleFactory(title="Older story"), ArticleFactory(title="Newer story")
    correct(older, editor, "First note.")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        correct(newer, editor, "Second note.", "clarification")
    soup = soup_of(client, "/corrections/")
    entries = soup.select(".correction-entry")
    assert [entry.find(class_="correction-entry__note").get_text() for entry in entries] == [
        "Second note.",
        "First note.",
    ]
    assert entries[0].find(class_="correction__kind").get_text() == "Clarification"
    assert entries[0].a["href"] == f"{newer.get_absolute_url()}#corrections-heading"
    assert soup.find("a", href="/standards/corrections/")


def test_notes_of_articles_that_are_not_public_are_not_listed(client, editor):
    shown, withdrawn = ArticleFactory(), ArticleFactory(title="Withdrawn story")
    correct(shown, editor, "Still public.")
    correct(withdrawn, editor, "Taken down with it.")
    services.article_transition(article=withdrawn, target=Article.Status.ARCHIVED, user=editor)
    page = client.get("/corrections/").content.decode()
    assert "Still public." in page
    assert "Taken down with it." not in page and "Withdrawn story" not in page


def test_the_corrections_page_is_paginated(client, editor, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    article = ArticleFactory()
    for number in range(5):
        correct(article, editor, f"Note {number}.")
    assert len(soup_of(client, "/corrections/?page=3").select(".correction-entry")) == 1
    assert client.get("/corrections/?page=4").status_code == 404


def test_the_footer_links_to_the_corrections_page(client):
    soup = soup_of(client, "/")
    assert soup.find("footer").find("a", href="/corrections/")


def test_with_nothing_corrected_the_page_says_so(client):
    assert "No correction or clarification" in client.get("/corrections/").content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_the_corrections_page_costs_the_same_queries_however_many_notes(
    client, editor, settings, django_assert_num_queries, count
):
    settings.NEWSROOM_PAGE_SIZE = 12
    for number in range(count):
        correct(ArticleFactory(), editor, f"Note {number}.")
    with django_assert_num_queries(CORRECTIONS_PAGE_QUERIES):
        response = client.get("/corrections/")
    assert len(BeautifulSoup(response.content, "html.parser").select(".correction-entry")) == min(
        count, 12
    )


def test_a_new_note_shows_through_a_warm_page_cache(client, editor, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    article = ArticleFactory()
    client.get("/corrections/")
    client.get(article.get_absolute_url())
    correct(article, editor, "Shown at once.")
    assert "Shown at once." in client.get("/corrections/").content.decode()
    assert "Shown at once." in client.get(article.get_absolute_url()).content.decode()


# Feeds


def test_feeds_mark_corrected_items(client, editor):
    corrected, plain = ArticleFactory(title="Corrected story"), ArticleFactory(title="Plain story")
    correct(corrected, editor, "The figure was 40, not 14.")
    feed = feedparser.parse(client.get("/feeds/latest/").content)
    entries = {entry.title: entry for entry in feed.entries}
    marked = entries["Corrected story"]
    assert {"term": "Corrected", "scheme": "corrections", "label": None} in marked.tags
    assert "Correction (" in marked.summary and "The figure was 40, not 14." in marked.summary
    assert "Corrected" not in {tag.term for tag in entries["Plain story"].get("tags", [])}
    assert plain.pk


def test_an_item_with_clarifications_only_is_marked_clarified(client, editor):
    correct(ArticleFactory(title="Clarified story"), editor, "Plainer.", "clarification")
    [entry] = feedparser.parse(client.get("/feeds/latest/").content).entries
    assert "Clarified" in {tag.term for tag in entry.tags}


def test_a_correction_ends_the_feeds_304s(client, editor, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=2))
    first = client.get("/feeds/latest/")
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        correct(article, editor, "Later note.")
        again = client.get("/feeds/latest/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and "Later note." in again.content.decode()
