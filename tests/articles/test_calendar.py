"""An editor's new planned time for a scheduled article, which only `article_reschedule`
stores, for a still-scheduled article, at a time still to come."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from articles import events, page_cache, services
from articles.models import Article, StatusChange
from tests.factories import ArticleFactory, RatingFactory, SectionFactory, staff_member

pytestmark = pytest.mark.django_db

S = Article.Status
# Wednesday 8 January 2031, 12:00 UTC: 07:00 in New York, in the week of Monday 6 January.
NOW = datetime(2031, 1, 8, 12, 0, tzinfo=UTC)
ZONE = "America/New_York"


@pytest.fixture(autouse=True)
def wednesday(settings):
    settings.TIME_ZONE = ZONE
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people():
    return {
        "editor": staff_member("Editors", "editor"),
        "author": staff_member("Journalists", "author"),
        "other": staff_member("Journalists", "other"),
        "analyst": staff_member("Bias analysts", "analyst"),
        "moderator": staff_member("Moderators", "moderator"),
    }


def local(*args) -> datetime:
    """A time on the newsroom's clock (New York)."""
    return timezone.make_aware(datetime(*args))


def scheduled(at=None, **kwargs) -> Article:
    return ArticleFactory(published_at=at or local(2031, 1, 9, 8, 0), **kwargs)


def as_user(client, user) -> Client:
    client.force_login(user)
    return client


# The service


def test_an_editor_moves_a_scheduled_article_and_the_move_is_logged(people):
    article = scheduled(at=local(2031, 1, 9, 8, 0))
    version = article.version
    moved = services.article_reschedule(
        article=article, user=people["editor"], publish_at=local(2031, 1, 10, 9, 30)
    )
    stored = Article.objects.get(pk=article.pk)
    assert stored.published_at == moved.published_at == local(2031, 1, 10, 9, 30)
    assert stored.status == S.PUBLISHED and stored.is_scheduled
    assert stored.version == version + 1 and stored.updated_by == people["editor"]
    change = StatusChange.objects.get(article=article)
    assert (change.from_status, change.to_status) == (S.PUBLISHED, S.PUBLISHED)
    assert change.publish_at == local(2031, 1, 10, 9, 30) and change.user == people["editor"]
    # In the newsroom's time zone, as the desk reads it.
    assert change.note == "Rescheduled from 9 January 2031, 08:00"


def test_the_move_shows_in_the_articles_workflow_log(people, client):
    article = scheduled()
    services.article_reschedule(
        article=article, user=people["editor"], publish_at=local(2031, 1, 10, 9, 30)
    )
    page = as_user(client, people["editor"]).get(f"/admin/articles/article/{article.pk}/change/")
    log = BeautifulSoup(page.content, "html.parser").select_one(".workflow-log").get_text(" ")
    assert "Rescheduled from 9 January 2031, 08:00" in log and "10 Jan 2031, 09:30" in log


@pytest.mark.parametrize("role", ["author", "other", "analyst", "moderator"])
def test_only_editors_reschedule(people, role):
    article = scheduled(author=people["author"])
    with pytest.raises(services.WorkflowError, match="Only editors"):
        services.article_reschedule(
            article=article, user=people[role], publish_at=local(2031, 1, 10, 9, 0)
        )
    stored = Article.objects.get(pk=article.pk)
    assert stored.published_at == article.published_at and stored.version == article.version
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    ("status", "published_at", "said"),
    [
        (S.PUBLISHED, NOW - timedelta(hours=1), "it is already live"),
        (S.DRAFT, None, "it is a draft"),
        (S.IN_REVIEW, None, "it is in review"),
        (S.ARCHIVED, NOW - timedelta(days=1), "it was withdrawn"),
    ],
)
def test_only_a_still_scheduled_article_is_rescheduled(people, status, published_at, said):
    article = ArticleFactory(status=status, published_at=published_at)
    with pytest.raises(services.WorkflowError, match=said):
        services.article_reschedule(
            article=article, user=people["editor"], publish_at=local(2031, 1, 10, 9, 0)
        )
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.published_at) == (status, published_at)
    assert not StatusChange.objects.exists()


def test_the_stored_article_decides_not_the_copy_in_hand(people):
    # Scheduled when the page was opened, live by the time the editor posts.
    article = scheduled()
    Article.objects.filter(pk=article.pk).update(published_at=NOW - timedelta(minutes=1))
    with pytest.raises(services.WorkflowError, match="already live"):
        services.article_reschedule(
            article=article, user=people["editor"], publish_at=local(2031, 1, 10, 9, 0)
        )


@pytest.mark.parametrize("past", [NOW - timedelta(minutes=1), NOW])
def test_a_time_that_has_passed_is_refused_and_publish_is_named(people, past):
    article = scheduled()
    with pytest.raises(services.WorkflowError, match="use Publish"):
        services.article_reschedule(article=article, user=people["editor"], publish_at=past)
    assert Article.objects.get(pk=article.pk).published_at == article.published_at


def test_the_same_time_is_no_move(people):
    article = scheduled()
    with pytest.raises(services.WorkflowError, match="already planned"):
        services.article_reschedule(
            article=article, user=people["editor"], publish_at=article.published_at
        )
    assert not StatusChange.objects.exists()


def test_only_the_planned_time_is_written(people):
    article = scheduled(title="Stored title")
    Article.objects.filter(pk=article.pk).update(summary="A colleague’s summary.")
    article.title = "Typed, never saved"
    with CaptureQueriesContext(connection) as queries:
        services.article_reschedule(
            article=article, user=people["editor"], publish_at=local(2031, 1, 10, 9, 0)
        )
    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.summary) == ("Stored title", "A colleague’s summary.")
    update = next(q["sql"] for q in queries if q["sql"].startswith('UPDATE "articles_article"'))
    written = set(re.findall(r'"(\w+)" = ', update.split(" WHERE ")[0]))
    assert written == {"published_at", "updated_by_id", "version", "updated_at"}


def test_a_reschedule_records_no_revision_and_leaves_the_rating_alone(people):
    article = scheduled()
    RatingFactory(article=article)
    texts = []
    events.article_text_changed.connect(lambda sender, **kw: texts.append(kw), weak=False,
                                        dispatch_uid="test-calendar-text")  # fmt: skip
    try:
        services.article_reschedule(
            article=article, user=people["editor"], publish_at=local(2031, 1, 10, 9, 0)
        )
    finally:
        events.article_text_changed.disconnect(dispatch_uid="test-calendar-text")
    assert texts == []
    assert not Version.objects.get_for_object(article).exists()
    assert not article.ratings.get().needs_review


def test_a_reschedule_moves_the_page_caches_next_go_live(
    people, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    article = scheduled(at=local(2031, 1, 9, 8, 0))
    version = article.content_version
    page_cache.schedule_changed()
    assert cache.get(page_cache.EPOCH_KEY).until == local(2031, 1, 9, 8, 0).timestamp()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_reschedule(
            article=article, user=people["editor"], publish_at=local(2031, 1, 8, 9, 0)
        )
    assert cache.get(page_cache.EPOCH_KEY).until == local(2031, 1, 8, 9, 0).timestamp()
    assert Article.objects.get(pk=article.pk).content_version > version


def test_an_article_brought_forward_goes_live_on_time_through_a_warm_cache(
    people, client, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    story = ArticleFactory(title="Already out")
    SectionFactory(article=story)
    RatingFactory(article=story)
    article = scheduled(at=local(2031, 1, 20, 8, 0), title="Embargoed report")
    SectionFactory(article=article)
    RatingFactory(article=article, published_at=NOW - timedelta(days=1))
    assert "Embargoed report" not in client.get("/").text  # the home page, cached
    services.article_reschedule(
        article=article, user=people["editor"], publish_at=local(2031, 1, 8, 9, 0)
    )
    with time_machine.travel(local(2031, 1, 8, 8, 55), tick=False):
        assert "Embargoed report" not in client.get("/").text
    with time_machine.travel(local(2031, 1, 8, 9, 0, 1), tick=False):
        assert "Embargoed report" in client.get("/").text
        assert client.get(article.get_absolute_url()).status_code == 200
