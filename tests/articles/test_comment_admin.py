"""The moderation queue in the admin (articles/comment_admin.py)."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.comment_services import comment_report
from articles.models import Comment, ModerationSettings
from tests.factories import ArticleFactory, CommentFactory, staff_member

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/comment/"


@pytest.fixture
def moderator(client):
    user = staff_member("Moderators")
    client.force_login(user)
    return user


# The read-only inlines' management forms, as the change form sends them.
INLINES = {f"{prefix}-{name}": "0" for prefix in ("decisions", "reports")
           for name in ("TOTAL_FORMS", "INITIAL_FORMS")}  # fmt: skip


def rows(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [cell.get_text() for cell in soup.select("#result_list .field-excerpt")]


def test_queue_shows_pending_first_then_oldest_first(client, moderator):
    now = timezone.now()
    for body, status, minutes_ago in [
        ("old approved", "approved", 50), ("new pending", "pending", 5),
        ("old pending", "pending", 40), ("new spam", "spam", 1),
    ]:  # fmt: skip
        comment = CommentFactory(body=body, status=status)
        created_at = now - timedelta(minutes=minutes_ago)
        Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
    expected = ["old pending", "new pending", "old approved", "new spam"]
    assert rows(client.get(CHANGELIST)) == expected
    assert rows(client.get(CHANGELIST + "?queue=pending")) == ["old pending", "new pending"]


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve_selected", "approved"), ("reject_selected", "rejected"),
     ("mark_selected_as_spam", "spam")],
)  # fmt: skip
def test_bulk_actions_go_through_the_service(client, moderator, action, status):
    comments = CommentFactory.create_batch(3, status="pending")
    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in comments[:2]]},
    )
    assert response.status_code == 302
    decided = Comment.objects.filter(status=status, moderated_by=moderator)
    assert sorted(decided.values_list("pk", flat=True)) == [comments[0].pk, comments[1].pk]
    assert Comment.objects.get(pk=comments[2].pk).status == "pending"


@pytest.mark.parametrize("status", ["approved", "rejected", "spam"])
def test_one_click_decision_per_row(client, moderator, status):
    comment = CommentFactory(status="pending")
    page = BeautifulSoup(client.get(CHANGELIST).content, "html.parser")
    url = f"/admin/articles/comment/{comment.pk}/moderate/{status}/"
    # Inside the change-list form, whose CSRF token it sends: no JavaScript needed.
    assert page.find(id="changelist-form").find("button", attrs={"formaction": url}) is not None
    response = client.post(url, HTTP_REFERER=f"http://testserver{CHANGELIST}?queue=pending")
    assert response.status_code == 302 and response["Location"].endswith("?queue=pending")
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (status, moderator)


def test_one_click_decisions_need_post_and_a_real_decision(client, moderator):
    comment = CommentFactory(status="pending")
    assert client.get(f"{CHANGELIST}{comment.pk}/moderate/approved/").status_code == 405
    assert client.post(f"{CHANGELIST}{comment.pk}/moderate/pending/").status_code == 403
    assert client.post(f"{CHANGELIST}999999/moderate/approved/").status_code == 404
    comment.refresh_from_db()
    assert comment.status == "pending"


@pytest.mark.parametrize("role", ["Journalists", "Editors", "Bias analysts"])
def test_other_roles_cannot_moderate_in_the_admin(client, role):
    client.force_login(staff_member(role))
    comment = CommentFactory(status="pending")
    client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [comment.pk]})
    client.post(f"{CHANGELIST}{comment.pk}/moderate/approved/")
    client.post(f"{CHANGELIST}{comment.pk}/change/", {"status": "approved"})
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_journalists_do_not_see_the_queue(client):
    client.force_login(staff_member("Journalists"))
    assert client.get(CHANGELIST).status_code == 403


def test_moderators_cannot_edit_articles(client, moderator):
    article = ArticleFactory()
    assert client.get("/admin/articles/article/add/").status_code == 403
    assert client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 403
    assert client.get("/admin/articles/article/").status_code == 403


def test_moderators_cannot_change_what_a_reader_wrote(client, moderator):
    comment = CommentFactory(status="pending", author_name="Reader", body="Original words")
    response = client.post(
        f"{CHANGELIST}{comment.pk}/change/",
        {"author_name": "Someone else", "body": "Edited words", "author_email": "x@example.org",
         "status": "approved", **INLINES},
    )  # fmt: skip
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.author_name, comment.body) == ("Reader", "Original words")
    assert (comment.status, comment.moderated_by) == ("approved", moderator)
    form = BeautifulSoup(client.get(f"{CHANGELIST}{comment.pk}/change/").content, "html.parser")
    assert form.find(attrs={"name": "body"}) is None
    assert form.find(attrs={"name": "author_name"}) is None


def test_the_change_form_refuses_sending_back_to_pending(client, moderator):
    comment = CommentFactory(status="approved")
    response = client.post(
        f"{CHANGELIST}{comment.pk}/change/",
        {"status": "pending", **INLINES},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "approved"
    options = BeautifulSoup(response.content, "html.parser").select("select[name=status] option")
    assert [option["value"] for option in options] == ["approved", "rejected", "spam"]


def test_rows_show_article_reason_and_commenter_history(client, moderator):
    article = ArticleFactory(title="Talks in Istanbul")
    CommentFactory.create_batch(2, author_email="known@example.org", status="approved")
    CommentFactory(author_email="known@example.org", status="spam")
    CommentFactory(author_email="known@example.org", status="rejected")
    CommentFactory(
        article=article, author_email="known@example.org", status="pending",
        moderation_reason="Suspect word: “traitor”.", body="x" * 500,
    )  # fmt: skip
    soup = BeautifulSoup(client.get(CHANGELIST + "?queue=pending").content, "html.parser")
    row = soup.select_one("#result_list tbody tr")
    assert row.select_one(".field-article").get_text() == "Talks in Istanbul"
    assert row.select_one(".field-moderation_reason").get_text() == "Suspect word: “traitor”."
    history = row.select_one(".field-commenter_history").get_text()
    assert history == "2 approved · 2 rejected or spam"
    assert len(row.select_one(".field-excerpt").get_text()) <= 120


def test_queue_queries_do_not_grow_with_rows(client, moderator, django_assert_num_queries):
    def queries_for(count):
        Comment.objects.all().delete()
        for n in range(count):
            comment = CommentFactory(author_email=f"r{n % 3}@example.org")
            comment_report(comment=comment, reporter_key=f"k{n}", reason="spam")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(CHANGELIST).status_code == 200
        return len(captured)

    assert queries_for(3) == queries_for(40)


def test_reported_queue_lists_comments_at_the_threshold(client, moderator, settings):
    settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD = 2
    once = CommentFactory(body="reported once")
    twice = CommentFactory(body="reported twice")
    comment_report(comment=once, reporter_key="a", reason="spam")
    for key in "ab":
        comment_report(comment=twice, reporter_key=key, reason="abusive")
    assert rows(client.get(CHANGELIST + "?queue=reported")) == ["reported twice"]
    client.post(f"{CHANGELIST}{twice.pk}/moderate/approved/")
    assert rows(client.get(CHANGELIST + "?queue=reported")) == []
    twice.refresh_from_db()
    assert twice.status == "approved"


def test_admin_index_shows_the_pending_count_to_moderators(client, moderator):
    CommentFactory.create_batch(3, status="pending")
    CommentFactory(status="approved")
    summary = BeautifulSoup(client.get("/admin/").content, "html.parser").find(
        id="moderation-summary"
    )
    assert "3 comments awaiting moderation" in summary.get_text()
    client.force_login(staff_member("Journalists"))
    assert b"moderation-summary" not in client.get("/admin/").content


@pytest.mark.parametrize("attack", ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>",
                                    "<svg onload=alert(3)>"])  # fmt: skip
def test_markup_in_comments_is_escaped_in_the_admin(client, moderator, attack):
    comment = CommentFactory(author_name=attack, body=attack, status="pending")
    for url in (CHANGELIST, f"{CHANGELIST}{comment.pk}/change/"):
        body = client.get(url).content.decode()
        assert attack not in body
        assert attack.replace("<", "&lt;").replace(">", "&gt;") in body


def test_moderators_edit_the_moderation_settings(client, moderator):
    response = client.get("/admin/articles/moderationsettings/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/articles/moderationsettings/1/change/"
    response = client.post(
        "/admin/articles/moderationsettings/1/change/",
        {"banned_words": "casino", "suspect_words": "", "max_links": "3",
         "known_commenter_threshold": "2", "auto_approve_known_commenters": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    rules = ModerationSettings.load()
    assert (rules.banned_words, rules.max_links, rules.auto_approve_known_commenters) == (
        "casino", 3, True
    )  # fmt: skip
    assert client.get("/admin/articles/moderationsettings/add/").status_code == 403


def test_journalists_cannot_change_moderation_settings(client):
    client.force_login(staff_member("Journalists"))
    assert client.get("/admin/articles/moderationsettings/1/change/").status_code == 403


def test_the_change_page_shows_the_moderation_history(client, moderator):
    comment = CommentFactory(status="pending")
    client.post(f"{CHANGELIST}{comment.pk}/moderate/spam/")
    client.post(f"{CHANGELIST}{comment.pk}/moderate/approved/")
    soup = BeautifulSoup(client.get(f"{CHANGELIST}{comment.pk}/change/").content, "html.parser")
    history = soup.find(id="decisions-group").get_text(" ", strip=True)
    assert history.count(moderator.username) == 2
    assert history.index("Spam") < history.index("Approved")


def decide_comments_through_the_services(moderator):
    """What the queue holds an hour after launch: each decision, by a moderator and by the rules,
    a reply, and a published comment readers reported past the threshold."""
    from django.conf import settings

    from articles import comment_services

    rules = ModerationSettings.load()
    rules.banned_words = "casino"
    rules.save()
    article = ArticleFactory()

    def post(body, parent=None):
        return comment_services.comment_create(
            article=article, author_name="Reader", author_email="reader@example.org",
            body=body, parent=parent,
        )  # fmt: skip

    for body, status in [("Clear and fair.", "approved"), ("Off topic.", "rejected"),
                         ("Buy followers.", "spam")]:  # fmt: skip
        comment_services.comment_moderate(comment=post(body), status=status, user=moderator)
    post("Win at the casino.")  # spam by the banned-words rule: moderated, by nobody
    reported = comment_services.comment_approve(comment=post("Strong words."), user=moderator)
    post("A reply, waiting.", parent=reported)
    for key in range(settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD):
        comment_report(comment=reported, reporter_key=f"reader-{key}", reason="abusive")


def comment_changelist_urls(user) -> list[str]:
    """The change list, each choice of each of its filters, and each column sorted both ways."""
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry[Comment]
    request = RequestFactory().get(CHANGELIST)
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    urls = {CHANGELIST}
    for spec in changelist.filter_specs:
        urls.update(CHANGELIST + choice["query_string"] for choice in spec.choices(changelist))
    for number, name in enumerate(changelist.list_display):
        if changelist.get_ordering_field(name) is not None:
            urls.update(f"{CHANGELIST}?o={sign}{number}" for sign in ("", "-"))
    return sorted(urls)


@pytest.mark.parametrize("role", ["Moderators", "Editors"])
def test_every_queue_opens_once_comments_are_decided(client, role):
    decide_comments_through_the_services(staff_member("Moderators", "deciding-moderator"))
    viewer = staff_member(role, "viewer")
    client.force_login(viewer)
    urls = comment_changelist_urls(viewer)
    assert {f"{CHANGELIST}?queue={queue}" for queue in Comment.Status.values} <= set(urls)
    failures = {}
    for url in urls:
        try:
            status = client.get(url).status_code
        except Exception as error:  # the test client re-raises what the view raised
            status = f"{type(error).__name__}: {error}"
        if status != 200:
            failures[url] = status
    assert not failures, "\n".join(f"{url}: {status}" for url, status in failures.items())


def test_the_moderated_column_says_who_decided_and_when(client, moderator):
    from articles import comment_services

    comment = comment_services.comment_approve(comment=CommentFactory(status="pending"),
                                               user=moderator)  # fmt: skip
    soup = BeautifulSoup(client.get(CHANGELIST).content, "html.parser")
    cell = soup.select_one("#result_list .field-moderated").get_text(" ", strip=True)
    when = timezone.localtime(comment.moderated_at)
    assert cell == f"{moderator.username} {when.day} {when:%b %Y}, {when:%H:%M}"
