"""Readers' side of comments: the form, posting, display, counts, reports, floods."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from articles.comments import services as comment_services
from articles.models import Article, Comment, CommentReport
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    DelegationFactory,
    DelegationMemberFactory,
    ImageFactory,
    RatingFactory,
    SectionFactory,
    UserFactory,
)
from tests.helpers import ARTICLE_PAGE_QUERIES, LISTING_PAGE_QUERIES

pytestmark = pytest.mark.django_db

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<svg onload=alert(3)>"]


def comment_url(article) -> str:
    return f"/articles/{article.slug}/comments/"


def form_data(**overrides) -> dict:
    return {
        "author_name": "Ayşe Reader",
        "author_email": "ayse@example.org",
        "body": "Thank you for the clear timeline.",
        **overrides,
    }


def comments_section(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser").find(id="comments")


@pytest.fixture
def article():
    return ArticleFactory()


def test_posting_stores_a_pending_comment_and_says_so(client, article):
    response = client.post(comment_url(article), form_data(), follow=True)
    assert response.redirect_chain == [(f"{article.get_absolute_url()}#comment-form", 302)]
    # Told at the form, where the reader is, not above the comments they scrolled past.
    form = comments_section(response).find(id="comment-form")
    assert "Thanks — your comment is awaiting moderation" in form.get_text()
    assert len(comments_section(response).select(".message")) == 1
    comment = Comment.objects.get()
    assert (comment.status, comment.author_name, comment.author_email) == (
        "pending", "Ayşe Reader", "ayse@example.org"
    )  # fmt: skip
    assert "Thank you for the clear timeline." not in comments_section(response).get_text()


def test_the_form_works_without_javascript(client, article):
    soup = comments_section(client.get(article.get_absolute_url()))
    form = soup.find("form", id="comment-form")
    assert form["method"] == "post" and form["action"] == comment_url(article)
    names = {field["name"] for field in form.find_all(["input", "textarea"])}
    assert {"csrfmiddlewaretoken", "author_name", "author_email", "body", "parent",
            "website"} <= names  # fmt: skip
    assert form.find("textarea")["maxlength"] == "3000"


def test_email_is_never_shown(client, article):
    CommentFactory(article=article, author_email="secret.address@example.org")
    assert "secret.address" not in client.get(article.get_absolute_url()).content.decode()


def test_invalid_input_shows_the_form_again_with_what_was_typed(client, article):
    response = client.post(comment_url(article), form_data(author_email="not-an-email"))
    assert response.status_code == 400
    form = comments_section(response).find("form", id="comment-form")
    assert form.find("input", {"name": "author_name"})["value"] == "Ayşe Reader"
    assert form.find("textarea").get_text().strip() == "Thank you for the clear timeline."
    assert "Enter a valid email address." in form.get_text()
    assert not Comment.objects.exists()


def test_a_1_mb_body_is_a_form_error_not_a_500(client, article):
    response = client.post(comment_url(article), form_data(body="x" * 1_000_000))
    assert response.status_code == 400
    assert "Ensure this value has at most 3000 characters" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_body_past_the_upload_limit_is_a_400_not_a_500(client, article):
    response = client.post(comment_url(article), form_data(body="x" * 3_000_000))
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize("field", ["author_name", "author_email", "body"])
def test_a_nul_byte_is_a_form_error_not_a_500(client, article, field):
    response = client.post(comment_url(article), form_data(**{field: "a\x00b@example.org"}))
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"parent": "abc"},
        {"parent": "99999999999999999999999"},
        {"parent": "-1"},
        {"author_name": ""},
        {"body": "   "},
        {"author_email": "a" * 250 + "@example.org"},
    ],
    ids=["parent-text", "parent-huge", "parent-negative", "no-name", "blank-body", "long-email"],
)
def test_bad_input_never_gives_a_500(client, article, data):
    response = client.post(comment_url(article), form_data(**data))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_body_counts_browser_line_ends_as_one_character(client, article):
    body = "line\r\n" * 500  # 3,000 characters as sent, 2,500 as typed
    assert client.post(comment_url(article), form_data(body=body)).status_code == 302
    assert Comment.objects.get().body == ("line\n" * 500).strip()


def test_four_byte_emoji_round_trip(client, article):
    client.post(comment_url(article), form_data(author_name="Olha 🌻", body="Peace 🕊️🇺🇦 now 🙏"))
    comment = Comment.objects.get()
    assert (comment.author_name, comment.body) == ("Olha 🌻", "Peace 🕊️🇺🇦 now 🙏")
    comment.status = Comment.Status.APPROVED
    comment.save()
    text = comments_section(client.get(article.get_absolute_url())).get_text()
    assert "Olha 🌻" in text and "Peace 🕊️🇺🇦 now 🙏" in text


def test_a_post_without_csrf_token_is_refused(article):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(comment_url(article), form_data())
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_posted_form_carries_a_working_csrf_token(article):
    csrf_client = Client(enforce_csrf_checks=True)
    page = csrf_client.get(article.get_absolute_url())
    token = comments_section(page).find("input", {"name": "csrfmiddlewaretoken"})["value"]
    response = csrf_client.post(comment_url(article), form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_the_honeypot_stores_nothing_yet_looks_like_success(client, article):
    response = client.post(comment_url(article), form_data(website="http://spam.example"),
                           follow=True)  # fmt: skip
    assert response.status_code == 200
    assert "Thanks — your comment is awaiting moderation" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("status", "published_at"),
    [
        (Article.Status.DRAFT, None),
        (Article.Status.IN_REVIEW, timezone.now() - timedelta(days=1)),
        (Article.Status.ARCHIVED, timezone.now() - timedelta(days=1)),
        (Article.Status.PUBLISHED, timezone.now() + timedelta(days=1)),
    ],
    ids=["draft", "in-review", "archived", "scheduled"],
)
def test_unpublished_articles_cannot_be_commented_on(client, status, published_at):
    hidden = ArticleFactory(status=status, published_at=published_at)
    assert client.post(comment_url(hidden), form_data()).status_code == 404
    assert client.post("/articles/no-such-article/comments/", form_data()).status_code == 404
    assert not Comment.objects.exists()


def test_the_comments_address_takes_get_and_post_only(client, article):
    assert client.put(comment_url(article)).status_code == 405
    assert client.delete(comment_url(article)).status_code == 405
    # Its first page is the article's own.
    response = client.get(comment_url(article))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"


@pytest.mark.parametrize(
    "fields",
    [{"comments_enabled": False}, {"published_at": timezone.now() - timedelta(days=31)}],
    ids=["disabled", "too-old"],
)
def test_closed_comments_show_no_form_and_refuse_posts(client, settings, fields):
    settings.NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS = 30
    article = ArticleFactory(**fields)
    CommentFactory(article=article, body="Earlier comment stays visible")
    section = comments_section(client.get(article.get_absolute_url()))
    assert section.find("form", id="comment-form") is None
    assert "Comments are closed." in section.get_text()
    assert "Earlier comment stays visible" in section.get_text()
    response = client.post(comment_url(article), form_data())
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()
    assert Comment.objects.count() == 1


def test_approved_comments_show_oldest_first_with_replies_under_their_parent(client, article):
    now = timezone.now()
    first = CommentFactory(article=article, body="Posted first, dated later")
    second = CommentFactory(article=article, body="Posted second, dated earlier")
    CommentFactory(article=article, parent=first, body="Reply to first")
    CommentFactory(article=article, parent=second, body="Reply to second")
    dates = {"Posted first, dated later": 5, "Posted second, dated earlier": 10,
             "Reply to first": 1, "Reply to second": 2}  # fmt: skip
    for body, minutes_ago in dates.items():
        Comment.objects.filter(body=body).update(created_at=now - timedelta(minutes=minutes_ago))
    hidden_parent = CommentFactory(article=article, body="Pending top", status="pending")
    CommentFactory(article=article, parent=hidden_parent, body="Orphaned reply")
    section = comments_section(client.get(article.get_absolute_url()))
    bodies = [p.get_text() for p in section.select(".comment__body")]
    assert bodies == [
        "Posted second, dated earlier", "Reply to second", "Posted first, dated later",
        "Reply to first",
    ]  # fmt: skip
    reply = section.find(id=f"comment-{first.pk}").select_one(".comment__replies .comment__body")
    assert reply.get_text() == "Reply to first"
    assert "(4)" in section.find("h2").get_text()


def test_unapproved_comments_appear_nowhere_public(client, article):
    article.tags.add("talks")
    for status in ("pending", "rejected", "spam"):
        CommentFactory(article=article, body=f"{status} words", author_name=f"{status} name")
    Comment.objects.update(status=Comment.Status.PENDING)
    Comment.objects.filter(body="rejected words").update(status="rejected")
    Comment.objects.filter(body="spam words").update(status="spam")
    for url in (article.get_absolute_url(), "/", "/tags/talks/"):
        body = client.get(url).content.decode()
        for status in ("pending", "rejected", "spam"):
            assert f"{status} words" not in body and f"{status} name" not in body
        assert "1 comment" not in body and "3 comments" not in body
    assert "No comments yet." in comments_section(client.get(article.get_absolute_url())).text


def test_cards_show_the_approved_comment_count(client, article):
    article.tags.add("talks")
    top = CommentFactory(article=article)
    CommentFactory(article=article, parent=top)
    CommentFactory(article=article, status="pending")
    pending_top = CommentFactory(article=article, status="pending")
    CommentFactory(article=article, parent=pending_top)  # approved, but not shown
    for url in ("/", "/tags/talks/"):
        card = BeautifulSoup(client.get(url).content, "html.parser").select_one(".card__meta")
        assert "2 comments" in card.get_text()


@pytest.mark.parametrize("where", ["author_name", "body"])
def test_markup_in_comments_is_escaped_on_the_article_page(client, article, where):
    for attack in XSS:
        CommentFactory(article=article, **{where: attack})
    body = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body and "<svg onload" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;svg onload=alert(3)&gt;" in body


def test_markup_typed_into_a_failed_form_is_escaped(client, article):
    response = client.post(comment_url(article), form_data(author_name=XSS[0], author_email="x"))
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.content.decode()


def test_reply_link_prefills_the_parent_and_the_reply_is_stored_under_it(client, article):
    parent = CommentFactory(article=article, author_name="Maria")
    page = client.get(f"{article.get_absolute_url()}?reply_to={parent.pk}")
    form = comments_section(page).find("form", id="comment-form")
    assert form.find("input", {"name": "parent"})["value"] == str(parent.pk)
    assert "Reply to Maria" in form.get_text()
    client.post(comment_url(article), form_data(parent=str(parent.pk)))
    assert Comment.objects.get(status="pending").parent == parent


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_replying_to_an_unpublished_comment_is_a_form_error(client, article, status):
    parent = CommentFactory(article=article, status=status)
    response = client.post(comment_url(article), form_data(parent=str(parent.pk)))
    assert response.status_code == 400
    assert "not published" in response.content.decode()
    assert Comment.objects.count() == 1


def test_replying_across_articles_is_a_form_error(client, article):
    elsewhere = CommentFactory()
    response = client.post(comment_url(article), form_data(parent=str(elsewhere.pk)))
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_staff_comments_get_a_badge(client, article):
    journalist = UserFactory(username="jo", is_staff=True, email="jo@newsroom.example")
    journalist.groups.add(Group.objects.get(name="Journalists"))
    client.force_login(journalist)
    page = client.get(article.get_absolute_url())
    form = comments_section(page).find("form", id="comment-form")
    assert form.find("input", {"name": "author_email"})["value"] == "jo@newsroom.example"
    client.post(comment_url(article), form_data(author_name="Jo", body="Correction noted."))
    moderator = UserFactory(username="mod", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    comment_services.comment_approve(comment=Comment.objects.get(), user=moderator)
    client.logout()
    # A reader typing a staff member's name and email gets no badge.
    CommentFactory(article=article, author_name="Jo", author_email="jo@newsroom.example")
    section = comments_section(client.get(article.get_absolute_url()))
    badges = section.select(".badge--staff")
    assert len(badges) == 1
    assert "Correction noted." in badges[0].find_parent("article").get_text()


def test_a_moderators_comment_is_published_at_once(client, article):
    moderator = UserFactory(username="mod", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    response = client.post(comment_url(article), form_data(body="Please keep it civil."),
                           follow=True)  # fmt: skip
    assert "your comment is published" in response.content.decode()
    assert "Please keep it civil." in comments_section(response).get_text()


def test_the_same_comment_twice_within_a_minute_is_stored_once(client, article):
    first = client.post(comment_url(article), form_data())
    second = client.post(comment_url(article), form_data(author_email="AYSE@example.org"))
    assert first.status_code == second.status_code == 302
    assert Comment.objects.count() == 1


def test_rate_limit_per_ip_answers_429_and_stores_nothing(client, settings, article):
    settings.NEWSROOM_COMMENTS_RATE_LIMIT = 3
    for n in range(3):
        response = client.post(comment_url(article), form_data(author_email=f"r{n}@example.org"))
        assert response.status_code == 302
    response = client.post(comment_url(article), form_data(author_email="r9@example.org"))
    assert response.status_code == 429
    assert "Too many comments" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Comment.objects.count() == 3
    other_reader = Client(REMOTE_ADDR="198.51.100.7")
    assert other_reader.post(comment_url(article), form_data(body="Mine")).status_code == 302


def test_rate_limit_per_email_holds_across_addresses(settings, article):
    settings.NEWSROOM_COMMENTS_RATE_LIMIT = 2
    for n in range(2):
        reader = Client(REMOTE_ADDR=f"198.51.100.{n}")
        assert reader.post(comment_url(article), form_data(body=f"Try {n}")).status_code == 302
    reader = Client(REMOTE_ADDR="198.51.100.99")
    assert reader.post(comment_url(article), form_data(body="Try 9")).status_code == 429
    assert Comment.objects.count() == 2


def test_rate_limit_reads_the_proxy_header_when_configured(settings, article):
    settings.NEWSROOM_COMMENTS_RATE_LIMIT = 1
    settings.NEWSROOM_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    a = Client(HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.1")
    b = Client(HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.2")
    assert a.post(comment_url(article), form_data(author_email="a@example.org")).status_code == 302
    assert b.post(comment_url(article), form_data(author_email="b@example.org")).status_code == 302
    assert a.post(comment_url(article), form_data(author_email="c@example.org")).status_code == 429


def report_url(comment) -> str:
    return f"/articles/{comment.article.slug}/comments/{comment.pk}/report/"


def test_a_reader_reports_a_comment_once(client, article):
    comment = CommentFactory(article=article)
    response = client.post(report_url(comment), {"reason": "abusive"}, follow=True)
    assert "a moderator will look at this comment" in response.content.decode()
    response = client.post(report_url(comment), {"reason": "spam"}, follow=True)
    assert "already reported" in response.content.decode()
    report = CommentReport.objects.get()
    assert report.reason == "abusive" and "127.0.0.1" not in report.reporter_key
    Client(REMOTE_ADDR="198.51.100.5").post(report_url(comment), {"reason": "nonsense"})
    assert CommentReport.objects.count() == 2


def test_reported_comments_stay_visible_until_a_moderator_decides(settings, article):
    settings.NEWSROOM_COMMENTS_REPORT_THRESHOLD = 2
    comment = CommentFactory(article=article, body="Contested opinion")
    for n in range(3):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(report_url(comment), {"reason": "abusive"})
    assert list(Comment.objects.reported()) == [comment]
    assert "Contested opinion" in Client().get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_unpublished_comments_cannot_be_reported(client, article, status):
    comment = CommentFactory(article=article, status=status)
    assert client.post(report_url(comment), {"reason": "spam"}).status_code == 404
    assert client.post(f"/articles/{article.slug}/comments/9999999999999999999/report/",
                       {"reason": "spam"}).status_code == 404  # fmt: skip
    assert not CommentReport.objects.exists()


def test_article_page_queries_do_not_grow_with_comments(
    client, settings, django_assert_num_queries
):
    settings.NEWSROOM_COMMENTS_PER_PAGE = 100
    counts = []
    image = ImageFactory()
    for size in (0, 200):
        article = ArticleFactory(lead_image=image, tags=["talks"])
        SectionFactory(article=article)
        DelegationMemberFactory(delegation=DelegationFactory(article=article))
        RatingFactory(article=article)
        tops = CommentFactory.create_batch(size // 2, article=article)
        for top in tops:
            CommentFactory(article=article, parent=top)
        with django_assert_num_queries(ARTICLE_PAGE_QUERIES) as captured:
            response = client.get(article.get_absolute_url())
        assert len(comments_section(response).select(".comment__body")) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_listing_queries_do_not_grow_with_comments(client, settings, django_assert_num_queries):
    settings.NEWSROOM_PAGE_SIZE = 30
    for article in ArticleFactory.create_batch(30, lead_image=ImageFactory(), tags=["talks"]):
        CommentFactory.create_batch(5, article=article)
    with django_assert_num_queries(LISTING_PAGE_QUERIES):
        response = client.get("/")
    assert response.content.decode().count("5 comments") == 30


def test_refused_posts_do_not_silence_the_commenter_whose_email_they_carry(settings, article):
    settings.NEWSROOM_COMMENTS_RATE_LIMIT = 2
    victim = "ayse@example.org"
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    # Past its own limit, every further post from the attacker's address is refused...
    for n in range(6):
        attacker.post(
            comment_url(article), form_data(author_email=f"a{n}@example.org", body=f"{n}")
        )
    for n in range(6):
        response = attacker.post(comment_url(article), form_data(body=f"In her name {n}"))
        assert response.status_code == 429
    # ...and double-clicks and closed threads store nothing either.
    other = Client(REMOTE_ADDR="203.0.113.67")
    for _ in range(3):
        other.post(comment_url(article), form_data(body="Same words twice"))
    assert Comment.objects.filter(author_email=victim).count() == 1
    # So the reader still has her one remaining comment of the period.
    reader = Client(REMOTE_ADDR="198.51.100.20")
    assert reader.post(comment_url(article), form_data(body="My own view")).status_code == 302
    assert Comment.objects.filter(author_email=victim).count() == 2
    assert reader.post(comment_url(article), form_data(body="And more")).status_code == 429


def test_a_report_is_confirmed_beside_the_comment_reported(client, article):
    comments = [CommentFactory(article=article, body=f"Comment {n}") for n in range(30)]
    reported = comments[25]
    response = client.post(report_url(reported), {"reason": "abusive"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#comment-{reported.pk}")
    section = comments_section(response)
    notice = section.select(".message")
    assert len(notice) == 1
    assert notice[0].find_parent("article")["id"] == f"comment-{reported.pk}"
    assert "a moderator will look at this comment" in notice[0].get_text()
    again = client.post(report_url(reported), {"reason": "spam"}, follow=True)
    notice = comments_section(again).select(".message")
    assert [n.find_parent("article")["id"] for n in notice] == [f"comment-{reported.pk}"]
    assert "already reported" in notice[0].get_text()


def test_a_reply_reported_is_confirmed_beside_the_reply(client, article):
    parent = CommentFactory(article=article)
    reply = CommentFactory(article=article, parent=parent, body="A reply")
    response = client.post(report_url(reply), {"reason": "spam"}, follow=True)
    notice = comments_section(response).select(".message")
    assert [n.find_parent("article")["id"] for n in notice] == [f"comment-{reply.pk}"]
