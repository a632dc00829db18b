"""The moderation queue in the admin (articles/comment_admin.py)."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.comments.services import comment_report
from articles.models import Comment, ModerationSettings
from newsroom.people import display_name
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
    return [card.get_text(strip=True) for card in soup.select(".queue-card .queue-card__body")]


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
    assert client.post(f"{CHANGELIST}{comment.pk}/moderate/pending/").status_code == 404
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
    card = soup.select_one(".queue-card")
    assert card.select_one(".queue-card__meta a").get_text() == "Talks in Istanbul"
    facts = [li.get_text(" ", strip=True) for li in card.select(".queue-card__facts li")]
    assert "Rule: Suspect word: “traitor”." in facts
    assert any(f.startswith("Commenter: 2 approved · 1 rejected · 1 spam") for f in facts)
    # The whole comment is on the card, beside its decisions.
    assert card.select_one(".queue-card__body").get_text(strip=True) == "x" * 500
    main = card.select_one(".queue-card__main")
    assert [b.get_text(" ", strip=True) for b in main.select(".queue-card__decide button")] == [
        "Approve a", "Reject r", "Spam s"
    ]  # fmt: skip


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

    from articles.comments import services as comment_services

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
    from articles.comments import services as comment_services

    comment = comment_services.comment_approve(comment=CommentFactory(status="pending"),
                                               user=moderator)  # fmt: skip
    soup = BeautifulSoup(client.get(CHANGELIST).content, "html.parser")
    facts = [li.get_text(" ", strip=True) for li in soup.select(".queue-card__facts li")]
    when = timezone.localtime(comment.moderated_at)
    who = display_name(moderator)
    assert f"Decided {when.day} {when:%b %Y}, {when:%H:%M} by {who}" in facts


def card_of(response, comment):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find(id=f"queue-comment-{comment.pk}")


def test_a_reply_shows_what_it_replies_to(client, moderator):
    parent = CommentFactory(author_name="Maria", body="The talks will fail.")
    reply = CommentFactory(article=parent.article, parent=parent, status="pending", body="Why?")
    card = card_of(client.get(CHANGELIST + "?queue=pending"), reply)
    assert card.select_one(".queue-card__parent").get_text(" ", strip=True) == (
        "In reply to Maria: The talks will fail."
    )


def report(comment, *reasons):
    from articles.comments import services as comment_services

    for n, reason in enumerate(reasons):
        comment_services.comment_report(
            comment=comment,
            reporter_key=comment_services.reporter_key(ip_address=f"192.0.2.{n}"),
            reason=reason,
        )


@pytest.mark.parametrize(("action", "status"), [("keep", "approved"), ("take_down", "rejected")])
def test_the_reported_queue_keeps_up_or_takes_down(client, moderator, settings, action, status):
    settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD = 2
    comment = CommentFactory(body="Contested words")
    report(comment, "abusive", "abusive", "spam")
    page = client.get(CHANGELIST + "?queue=reported")
    card = card_of(page, comment)
    facts = [li.get_text(" ", strip=True) for li in card.select(".queue-card__facts li")]
    assert "Reported: Abusive or offensive ×2, Spam or advertising ×1" in facts
    assert "3 open reports" in card.select_one(".queue-card__head").get_text(" ", strip=True)
    buttons = {b.get_text(" ", strip=True): b["formaction"] for b in card.select("button")}
    assert list(buttons) == ["Keep up a", "Take down r", "Spam s"]
    label = "Keep up a" if action == "keep" else "Take down r"
    response = client.post(
        buttons[label], HTTP_REFERER=f"http://testserver{CHANGELIST}?queue=reported"
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == status
    decision = comment.decisions.get()
    assert decision.decided_by == moderator and "after 3 reports" in decision.reason
    assert not comment.reports.filter(resolved_at__isnull=True).exists()
    after = client.get(CHANGELIST + "?queue=reported")
    assert card_of(after, comment) is None
    assert "nothing readers flagged is waiting" in after.content.decode()


@pytest.mark.parametrize(
    ("queue", "words"),
    [("pending", "No comments are waiting for a moderator"), ("spam", "No comments marked as spam"),
     ("approved", "No approved comments yet")],
)  # fmt: skip
def test_an_empty_queue_says_so_in_words(client, moderator, queue, words):
    assert words in client.get(f"{CHANGELIST}?queue={queue}").content.decode()


def test_the_commenter_page_lists_their_comments_and_bans_them(client, moderator):
    from articles.comments import services as comment_services

    theirs = [CommentFactory(author_email="troll@example.org", body=f"Rant {n}") for n in range(3)]
    CommentFactory(author_email="other@example.org", body="Someone else")
    page = client.get(f"{CHANGELIST}{theirs[0].pk}/commenter/")
    text = page.content.decode()
    assert all(f"Rant {n}" in text for n in range(3)) and "Someone else" not in text
    assert "troll@example.org" in text
    response = client.post(
        f"{CHANGELIST}{theirs[0].pk}/commenter/",
        {"standing": "banned", "note": "Threats, three times.", "reason": "threats"},
    )
    assert response.status_code == 302
    page = client.get(f"{CHANGELIST}{theirs[0].pk}/commenter/").content.decode()
    assert "Threats, three times." in page and "Restore good standing" in page
    # The next comment is held as spam, by the service, whatever the page shows.
    next_one = comment_services.comment_create(
        article=theirs[0].article, author_name="T", author_email="troll@example.org", body="Again"
    )
    assert (next_one.status, next_one.moderation_reason) == ("spam", "Banned commenter.")
    assert Comment.objects.filter(author_email="troll@example.org").count() == 4
    queue = client.get(CHANGELIST)
    card = card_of(queue, next_one)
    assert "Banned" in card.select_one(".queue-card__head").get_text()
    assert "Threats, three times." in card.get_text()
    client.post(f"{CHANGELIST}{theirs[0].pk}/commenter/", {"standing": "good", "note": ""})
    assert comment_services.commenter_standing(email="troll@example.org") == "good"


@pytest.mark.parametrize("role", ["Journalists", "Editors", "Bias analysts"])
def test_only_moderators_open_or_act_on_a_commenter(client, role):
    comment = CommentFactory(author_email="reader@example.org")
    client.force_login(staff_member(role))
    url = f"{CHANGELIST}{comment.pk}/commenter/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"standing": "banned"}).status_code == 403
    from articles.models import Commenter

    assert not Commenter.objects.exists()


def test_the_queue_costs_the_same_queries_for_5_and_50_cards(client, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.comments import services as comment_services

    def queries_for(count):
        Comment.objects.all().delete()
        article = ArticleFactory()
        parent = CommentFactory(article=article)
        for n in range(count):
            email = f"r{n % 4}@example.org"
            comment = CommentFactory(
                article=article, author_email=email, parent=parent if n % 2 else None
            )
            report(comment, "spam")
            comment_services.commenter_update(email=email, note=f"note {n}", user=moderator)
            if n % 3 == 0:
                comment_services.comment_reject(comment=comment, user=moderator)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CHANGELIST)
        assert (
            len(BeautifulSoup(response.content, "html.parser").select(".queue-card")) == count + 1
        )
        return len(captured)

    assert queries_for(5) == queries_for(50)
