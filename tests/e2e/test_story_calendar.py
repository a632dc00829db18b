"""The story calendar as an editor uses it: from the desk to a week of articles by day and
hour, and a scheduled article moved to another day with its "Reschedule" form."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.e2e.conftest import admin_login
from tests.factories import ArticleFactory, staff_member

pytestmark = pytest.mark.e2e

ZONE = "Europe/Istanbul"
MOVED = "Istanbul talks: second round set for the Dolmabahçe Palace"
REPORTERS = [("a.yilmaz", "Ayşe", "Yılmaz"), ("o.kovalenko", "Olena", "Kovalenko"),
             ("m.petrova", "Maria", "Petrova")]  # fmt: skip


@pytest.fixture
def week_ahead(settings, staff):
    """A week two weeks ahead with scheduled stories, and this week's published ones; times
    on the newsroom's clock (Istanbul)."""
    settings.TIME_ZONE = ZONE
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    ahead = monday + timedelta(days=14)
    reporters = []
    for username, first, last in REPORTERS:
        reporter = staff_member("Journalists", username)
        reporter.first_name, reporter.last_name = first, last
        reporter.save(update_fields=["first_name", "last_name"])
        reporters.append(reporter)

    def at(day, hour, minute=0):
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    planned = [
        (ahead, 7, 30, "Morning briefing: what the delegations want from the second round"),
        (ahead + timedelta(days=1), 9, 0, MOVED),
        (ahead + timedelta(days=1), 14, 15, "Grain corridor: insurers return to Odesa"),
        (ahead + timedelta(days=3), 11, 30, "Analysis: why Ankara wants to host again"),
        (ahead + timedelta(days=4), 18, 0, "Weekend read: the interpreters in the room"),
    ]
    for n, (day, hour, minute, title) in enumerate(planned):
        ArticleFactory(title=title, published_at=at(day, hour, minute), author=reporters[n % 3])
    now = timezone.localtime()
    for n in range(1, 4):  # published earlier today and on the days before
        ArticleFactory(
            title=f"Live coverage, day {n}",
            published_at=now - timedelta(days=n - 1, hours=2),
            author=reporters[n % 3],
        )
    return ahead


def day_column(page, day):
    """The calendar's column (or, on a phone, block) of one day."""
    return page.locator(".story-calendar__day").filter(
        has=page.locator(f'.story-calendar__date time[datetime="{day.isoformat()}"]')
    )


def test_an_editor_moves_a_scheduled_story_to_another_day(staff, open_browser, week_ahead):
    editor = open_browser("editor")
    admin_login(editor, staff("Editors"))
    page = editor.page

    # From the desk, this week first: today is marked, the time zone named.
    page.get_by_role("link", name="Scheduled · Story calendar").click()
    page.get_by_role("heading", name="Story calendar").wait_for()
    assert "Times are given in Europe/Istanbul." in page.inner_text("#content")
    assert "Today" in page.locator("[aria-current=date]").inner_text()
    editor.screenshot("this-week-1280")

    for _ in range(2):
        page.get_by_role("link", name="Next week →").click()
    tuesday = week_ahead + timedelta(days=1)
    saturday = week_ahead + timedelta(days=5)
    story = page.locator(".story-calendar__article", has_text=MOVED)
    assert day_column(page, tuesday).get_by_text(MOVED).count() == 1
    assert story.locator("time").inner_text() == "09:00"
    assert story.locator(".badge").inner_text() == "Scheduled"
    editor.screenshot("week-ahead-1280")

    story.get_by_text("Reschedule…").click()
    story.get_by_label("New time").fill(f"{saturday.isoformat()}T16:45")
    editor.screenshot("reschedule-form-1280")
    story.get_by_role("button", name="Reschedule").click()

    page.get_by_text("is rescheduled for").wait_for()
    moved = day_column(page, saturday).locator(".story-calendar__article", has_text=MOVED)
    assert moved.locator("time").inner_text() == "16:45"
    assert day_column(page, tuesday).get_by_text(MOVED).count() == 0
    stored = Article.objects.get(title=MOVED)
    assert (
        timezone.localtime(stored.published_at)
        .isoformat()
        .startswith(f"{saturday.isoformat()}T16:45")
    )
    assert stored.status_changes.get().note.startswith("Rescheduled from ")
    editor.screenshot("moved-1280")
    moved.get_by_text("Reschedule…").click()  # a weekend's form opens leftwards, on the page
    editor.screenshot("reschedule-form-weekend-1280")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    # A time that has passed (the browser's own check set aside) is refused beside the story.
    other = page.locator(".story-calendar__article", has_text="insurers")
    other.get_by_text("Reschedule…").click()
    field = other.get_by_label("New time")
    field.evaluate("input => input.removeAttribute('min')")
    field.fill("2020-01-01T09:00")
    other.get_by_role("button", name="Reschedule").click()
    refusal = page.locator(".story-calendar__error")
    refusal.wait_for()
    assert "has passed" in refusal.inner_text() and "use Publish" in refusal.inner_text()
    editor.screenshot("refused-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    editor.screenshot("moved-390")
    page.locator(".story-calendar__article", has_text="insurers").get_by_text("Reschedule…").click()
    editor.screenshot("reschedule-form-390")
    widest = page.evaluate("document.documentElement.scrollWidth")
    assert widest <= 390, f"the page scrolls sideways on a phone: {widest}px wide"
