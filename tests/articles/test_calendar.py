"""The story calendar: a week of scheduled and published articles by day and hour, in the
newsroom's time zone, and an editor's new planned time for a scheduled one, which only
`article_reschedule` stores, for a still-scheduled article, at a time still to come."""

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
CALENDAR = "/admin/articles/article/calendar/"
# Wednesday 8 January 2031, 12:00 UTC: 07:00 in New York, in the week of Monday 6 January.
NOW = datetime(2031, 1, 8, 12, 0, tzinfo=UTC)
ZONE = "America/New_York"
# Queries the calendar costs an editor (session, user, permissions, the week), whatever
# the number of articles in it.
CALENDAR_QUERIES = 5


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


def days_of(response) -> dict[str, list[str]]:
    """Each day of the page's week ("Thursday 9 January"), with its articles' times and titles."""
    page = BeautifulSoup(response.content, "html.parser")
    days = {}
    for day in page.select(".story-calendar__day"):
        name = " ".join(day.select_one(".story-calendar__date").get_text(" ").split()[:3])
        days[name] = [
            f"{entry.select_one('time').text} {entry.select_one('.story-calendar__title').text}"
            for entry in day.select(".story-calendar__article")
        ]
    return days


def as_user(client, user) -> Client:
    client.force_login(user)
    return client


def reschedule(client, article, when: str, **extra):
    return client.post(CALENDAR, {"article": article.pk, "publish_at": when, **extra})


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


# The page


def test_the_week_is_grouped_by_day_in_the_newsrooms_time_zone(people, client):
    # 23:30 on Thursday in New York is 04:30 on Friday in UTC; the week's edges likewise.
    ArticleFactory(title="Late", published_at=local(2031, 1, 9, 23, 30))
    ArticleFactory(title="Early", published_at=local(2031, 1, 9, 0, 15))
    ArticleFactory(title="Monday live", published_at=local(2031, 1, 6, 0, 30))
    ArticleFactory(title="Sunday night", published_at=local(2031, 1, 12, 23, 30))
    ArticleFactory(title="Last week", published_at=local(2031, 1, 5, 23, 30))
    ArticleFactory(title="Next week", published_at=local(2031, 1, 13, 0, 30))
    ArticleFactory(title="Draft", status=S.DRAFT, published_at=local(2031, 1, 9, 10, 0))
    ArticleFactory(title="Withdrawn", status=S.ARCHIVED, published_at=local(2031, 1, 6, 10, 0))
    response = as_user(client, people["editor"]).get(CALENDAR)
    assert response.status_code == 200
    assert days_of(response) == {
        "Monday 6 January": ["00:30 Monday live"],
        "Tuesday 7 January": [],
        "Wednesday 8 January": [],
        "Thursday 9 January": ["00:15 Early", "23:30 Late"],
        "Friday 10 January": [],
        "Saturday 11 January": [],
        "Sunday 12 January": ["23:30 Sunday night"],
    }
    page = response.content.decode()
    assert "Times are given in America/New_York." in page
    assert page.count("No articles.") == 4
    assert "6–12 January 2031" in page


def test_scheduled_and_published_are_marked_and_today_too(people, client):
    ArticleFactory(title="Out this morning", published_at=local(2031, 1, 8, 6, 0))
    scheduled(title="Out tonight", at=local(2031, 1, 8, 20, 0))
    page = BeautifulSoup(as_user(client, people["editor"]).get(CALENDAR).content, "html.parser")
    entries = {
        entry.select_one(".story-calendar__title").text: entry
        for entry in page.select(".story-calendar__article")
    }
    assert entries["Out this morning"].select_one(".badge").text == "Published"
    assert entries["Out tonight"].select_one(".badge").text == "Scheduled"
    assert entries["Out this morning"].find("input", {"name": "publish_at"}) is None
    form_input = entries["Out tonight"].find("input", {"type": "datetime-local"})
    assert form_input["value"] == "2031-01-08T20:00" and form_input["min"] == "2031-01-08T07:00"
    today = page.select("[aria-current=date]")
    assert len(today) == 1 and "Wednesday" in today[0].h3.text and "Today" in today[0].h3.text


def test_the_title_links_to_the_article_and_the_author_is_named(people, client):
    article = scheduled(author=people["author"])
    page = as_user(client, people["editor"]).get(CALENDAR).content.decode()
    assert f'href="/admin/articles/article/{article.pk}/change/"' in page
    assert "Alex Writer" in page  # the author's full name, as the desk names staff


def test_weeks_before_and_after_are_linked(people, client):
    scheduled(title="Next week's story", at=local(2031, 1, 14, 8, 0))
    as_user(client, people["editor"])
    page = BeautifulSoup(client.get(CALENDAR, {"week": "2031-01-09"}).content, "html.parser")
    links = {a.text: a["href"] for a in page.select(".story-calendar__weeks a")}
    assert links == {
        "← Previous week": "?week=2030-12-30",
        "This week": "?week=2031-01-06",
        "Next week →": "?week=2031-01-13",
    }
    following = client.get(CALENDAR + links["Next week →"])
    assert days_of(following)["Tuesday 14 January"] == ["08:00 Next week's story"]
    assert 'aria-current="date"' not in following.content.decode()  # today is not in it


@pytest.mark.parametrize(
    "week",
    ["nonsense", "2031-13-01", "2031-02-30", "2031-1-6", "20310106", "2031-W02", "0001-01-01",
     "9999-12-31", "99999-01-01", "2031-01-06\x00", "\x00", "9" * 5000],
)  # fmt: skip
def test_a_week_that_is_no_date_is_a_400_with_a_message(people, client, week):
    response = as_user(client, people["editor"]).get(CALENDAR, {"week": week})
    assert response.status_code == 400
    page = response.content.decode()
    assert "errornote" in page and ("is not a date" in page or "shows the years" in page)
    assert "Open this week’s calendar" in page


def test_who_opens_the_calendar_and_what_they_see(people, client):
    own = scheduled(title="Mine, scheduled", author=people["author"])
    scheduled(title="By another writer", author=people["other"])
    ArticleFactory(title="Mine, out", author=people["author"], published_at=local(2031, 1, 7, 9))
    as_user(client, people["author"])
    page = client.get(CALENDAR).content.decode()
    assert "Mine, scheduled" in page and "Mine, out" in page
    assert "By another writer" not in page
    assert 'name="publish_at"' not in page and "Reschedule" not in page
    # Analysts read what they may rate: submitted and published articles, without the form.
    page = as_user(client, people["analyst"]).get(CALENDAR).content.decode()
    assert "Mine, scheduled" in page and "By another writer" in page
    assert 'name="publish_at"' not in page
    assert as_user(client, people["moderator"]).get(CALENDAR).status_code == 403
    client.logout()
    assert client.get(CALENDAR)["Location"].startswith("/admin/login/")
    assert Article.objects.get(pk=own.pk).published_at == own.published_at


def test_the_week_costs_the_same_queries_for_thirty_articles(
    people, client, django_assert_num_queries
):
    as_user(client, people["editor"])
    authors = [staff_member("Journalists", f"writer{n}") for n in range(5)]
    for n in range(3):
        scheduled(at=local(2031, 1, 9, 8 + n, 0), author=authors[n])
    with django_assert_num_queries(CALENDAR_QUERIES):
        few = client.get(CALENDAR)
    for n in range(27):
        at = local(2031, 1, 6, 6, 0) + timedelta(hours=5 * n + 1)
        ArticleFactory(published_at=at, author=authors[n % 5])
    with django_assert_num_queries(CALENDAR_QUERIES):
        many = client.get(CALENDAR)
    assert sum(map(len, days_of(few).values())) == 3
    assert sum(map(len, days_of(many).values())) == 30


# Rescheduling from the page


def test_an_editor_reschedules_from_the_calendar_and_sees_it_move(people, client):
    article = scheduled(title="Summit date set", at=local(2031, 1, 9, 8, 0))
    as_user(client, people["editor"])
    response = reschedule(client, article, "2031-01-14T10:45", week="2031-01-06")
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?week=2031-01-13#article-{article.pk}"
    assert Article.objects.get(pk=article.pk).published_at == local(2031, 1, 14, 10, 45)
    following = client.get(response["Location"])
    assert "“Summit date set” is rescheduled for 14 January 2031, 10:45." in following.text
    assert days_of(following)["Tuesday 14 January"] == ["10:45 Summit date set"]
    assert "Summit date set" not in client.get(CALENDAR).text


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "Give the new time"),
        ("tomorrow", "not a date and time"),
        ("2031-02-30T10:00", "not a date and time"),
        ("2031-01-10T25:00", "not a date and time"),
        ("99999-01-01T10:00", "not a date and time"),
        ("2031-01-10T10:00\x00", "not a date and time"),
        ("9999-12-31T23:59", "between the years"),
        ("0001-01-01T00:00", "between the years"),
        # The clocks go forward in New York at 02:00 on 9 March 2031: no such time.
        ("2031-03-09T02:30", "America/New_York"),
        ("2031-01-08T06:59", "use Publish"),
    ],
)
def test_a_time_that_cannot_be_used_is_a_400_beside_the_article(people, client, typed, said):
    article = scheduled(title="Summit date set")
    response = reschedule(as_user(client, people["editor"]), article, typed, week="2031-01-06")
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    entry = page.select_one(f"#article-{article.pk}")
    assert said in entry.select_one(".story-calendar__error").text
    assert entry.select_one("details").has_attr("open")
    assert "Nothing was changed" in page.select_one(".errornote").text
    assert entry.find("input", {"name": "publish_at"})["value"] == typed.replace("\x00", "")[:40]
    stored = Article.objects.get(pk=article.pk)
    assert stored.published_at == article.published_at and stored.version == article.version
    assert not StatusChange.objects.exists()


def test_an_article_no_longer_scheduled_is_refused_with_its_reason(people, client):
    live = ArticleFactory(title="Out already", published_at=local(2031, 1, 7, 9, 0))
    draft = ArticleFactory(title="Not ready", status=S.DRAFT, published_at=None)
    as_user(client, people["editor"])
    response = reschedule(client, live, "2031-01-10T10:00", week="2031-01-06")
    assert response.status_code == 400
    said = BeautifulSoup(response.content, "html.parser").select_one(f"#article-{live.pk}").text
    assert "it is already live" in said
    # Not in the week shown: its reason is said above the days.
    response = reschedule(client, draft, "2031-01-10T10:00", week="2031-01-06")
    assert response.status_code == 400 and "it is a draft" in response.text
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("posted", ["", "abc", "0", "99999999", str(2**63), "1e3", "\x00", "-1"])
def test_an_article_id_that_names_no_article_is_a_404(people, client, posted):
    article = scheduled()
    response = as_user(client, people["editor"]).post(
        CALENDAR, {"article": posted, "publish_at": "2031-01-10T10:00"}
    )
    assert response.status_code == 404
    assert Article.objects.get(pk=article.pk).published_at == article.published_at


@pytest.mark.parametrize("role", ["author", "other", "analyst"])
def test_a_forged_post_by_someone_who_may_not_reschedule_is_refused(people, client, role):
    article = scheduled(author=people["author"])
    response = reschedule(as_user(client, people[role]), article, "2031-01-10T10:00")
    assert response.status_code == 403
    stored = Article.objects.get(pk=article.pk)
    assert stored.published_at == article.published_at and stored.version == article.version
    assert not StatusChange.objects.exists()


def test_a_bad_week_in_the_post_falls_back_to_the_articles_week(people, client):
    article = scheduled(title="Summit date set", at=local(2031, 1, 9, 8, 0))
    response = reschedule(as_user(client, people["editor"]), article, "", week="\x00x")
    assert response.status_code == 400
    assert days_of(response)["Thursday 9 January"] == ["08:00 Summit date set"]


# Where the desk finds it


def test_the_desk_links_the_calendar_with_the_count_of_scheduled_articles(people, client):
    scheduled(author=people["author"])
    scheduled(author=people["other"])
    ArticleFactory()  # live
    for role, count in (("editor", 2), ("author", 1)):
        desk = {d["label"]: d for d in as_user(client, people[role]).get("/admin/").context["desk"]}
        item = desk["Scheduled · Story calendar"]
        assert (item["count"], item["url"]) == (count, CALENDAR)
    index = as_user(client, people["moderator"]).get("/admin/")
    assert "Story calendar" not in index.content.decode()


def test_the_article_list_links_the_calendar(people, client):
    page = as_user(client, people["editor"]).get("/admin/articles/article/")
    tools = BeautifulSoup(page.content, "html.parser").select_one(".object-tools")
    assert tools.find("a", string="Story calendar")["href"] == CALENDAR
