"""An article's comments in pages: the first on the article, the rest at
/articles/<slug>/comments/?page=N, oldest or newest first; one report page per comment."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import CommentReport
from tests.factories import ArticleFactory, CommentFactory, staff_member

pytestmark = pytest.mark.django_db

PER_PAGE = 5


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.NEWSROOM_COMMENTS_PER_PAGE = PER_PAGE


@pytest.fixture
def article():
    return ArticleFactory(slug="talks")


def threads(article, count: int, **kwargs) -> list:
    """`count` top-level comments, an hour apart, the first the oldest."""
    start = timezone.now() - timedelta(days=2)
    made = []
    for n in range(count):
        comment = CommentFactory(article=article, body=f"Thread {n}", **kwargs)
        type(comment).objects.filter(pk=comment.pk).update(created_at=start + timedelta(hours=n))
        made.append(comment)
    return made


def shown(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [body.get_text(strip=True) for body in soup.select("#comments .comment__body")]


def test_the_article_shows_the_first_page_and_links_to_the_next(client, article):
    made = threads(article, 12)
    CommentFactory(article=article, parent=made[0], body="A reply to the first")
    response = client.get("/articles/talks/")
    assert shown(response) == [
        "Thread 0",
        "A reply to the first",
        *(f"Thread {n}" for n in (1, 2, 3, 4)),
    ]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".comments__count").get_text() == "(13)"  # every public comment
    assert soup.select_one(".comments__pages .pagination__current").get_text() == "Page 1 of 3"
    assert soup.select_one(".comments__pages a[rel=next]")["href"] == (
        "/articles/talks/comments/?page=2#comments"
    )


def test_further_pages_and_the_last(client, article):
    threads(article, 12)
    second = client.get("/articles/talks/comments/?page=2")
    assert second.status_code == 200
    assert shown(second) == [f"Thread {n}" for n in range(5, 10)]
    assert second["X-Robots-Tag"] == "noindex, follow"
    soup = BeautifulSoup(second.content, "html.parser")
    assert soup.select_one('meta[name="robots"]')["content"] == "noindex, follow"
    assert soup.select_one(".comments__pages a[rel=prev]")["href"] == "/articles/talks/#comments"
    last = client.get("/articles/talks/comments/?page=3")
    assert shown(last) == ["Thread 10", "Thread 11"]
    assert not BeautifulSoup(last.content, "html.parser").select(".comments__pages a[rel=next]")


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "2.0", "99999999999999999999999"])
def test_pages_that_do_not_exist_are_404(client, article, page):
    threads(article, 12)
    assert client.get(f"/articles/talks/comments/?page={page}").status_code == 404


def test_the_first_page_is_the_article_itself(client, article):
    threads(article, 12)
    response = client.get("/articles/talks/comments/?page=1")
    assert response.status_code == 302 and response["Location"] == "/articles/talks/#comments"
    newest = client.get("/articles/talks/comments/?order=newest")
    assert newest["Location"] == "/articles/talks/?order=newest#comments"


def test_an_article_without_comments_has_one_empty_page(client, article):
    response = client.get("/articles/talks/")
    assert "No comments yet." in response.text
    assert not BeautifulSoup(response.content, "html.parser").select(".comments__pages")
    assert client.get("/articles/talks/comments/?page=2").status_code == 404


def test_newest_first_as_the_reader_picks(client, article):
    made = threads(article, 12)
    CommentFactory(article=article, parent=made[11], body="A reply to the newest")
    response = client.get("/articles/talks/?order=newest")
    assert shown(response)[:3] == ["Thread 11", "A reply to the newest", "Thread 10"]
    assert shown(client.get("/articles/talks/comments/?page=3&order=newest")) == [
        "Thread 1",
        "Thread 0",
    ]
    assert client.get("/articles/talks/?order=sideways").status_code == 404


def test_pages_show_only_public_comments(client, article):
    made = threads(article, 6)
    threads(article, 3, status="pending")
    CommentFactory(article=article, parent=made[5], status="spam", body="Spam reply")
    hidden_parent = CommentFactory(article=article, status="rejected")
    CommentFactory(article=article, parent=hidden_parent, body="Orphaned reply")
    second = client.get("/articles/talks/comments/?page=2")
    assert shown(second) == ["Thread 5"]
    assert "(6)" in client.get("/articles/talks/").text


def test_unpublished_articles_have_no_comment_pages(client):
    draft = ArticleFactory(status="draft", published_at=None)
    threads(draft, 12)
    assert client.get(f"/articles/{draft.slug}/comments/?page=2").status_code == 404


def test_a_page_of_comments_costs_the_same_queries_however_many_there_are(
    client, django_assert_num_queries
):
    counts = []
    for size, slug in ((12, "small"), (300, "large")):
        article = ArticleFactory(slug=slug)
        threads(article, size)
        with django_assert_num_queries(4) as captured:
            response = client.get(f"/articles/{slug}/comments/?page=2")
        assert len(shown(response)) == PER_PAGE
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_a_report_has_a_page_of_its_own_and_comes_back_to_the_comment(client, article):
    made = threads(article, 12)
    page = client.get(f"/articles/talks/comments/{made[11].pk}/report/")
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex, nofollow"
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("form.report-form input[name=csrfmiddlewaretoken]")
    assert [o["value"] for o in soup.select("select[name=reason] option")] == [
        "abusive", "spam", "off_topic", "other"
    ]  # fmt: skip
    response = client.post(
        f"/articles/talks/comments/{made[11].pk}/report/", {"reason": "abusive"}, follow=True
    )
    assert response.redirect_chain == [
        (f"/articles/talks/comments/?page=3#comment-{made[11].pk}", 302)
    ]
    notice = BeautifulSoup(response.content, "html.parser").select_one(
        f"#comment-{made[11].pk} .comment__notice"
    )
    assert notice.get_text() == "Thanks — a moderator will look at this comment."
    assert CommentReport.objects.get().reason == "abusive"


def test_no_comment_carries_a_form_of_its_own(client, article):
    threads(article, 3)
    soup = BeautifulSoup(client.get("/articles/talks/").content, "html.parser")
    assert not soup.select("#comments .comment form")
    assert [a["href"] for a in soup.select(".comment__report")] == [
        f"/articles/talks/comments/{pk}/report/"
        for pk in article.comments.order_by("created_at").values_list("pk", flat=True)
    ]


def test_a_comment_published_at_once_is_shown_on_its_page(client, article):
    threads(article, 12)
    client.force_login(staff_member("Moderators", "moderator"))
    response = client.post(
        "/articles/talks/comments/",
        {"author_name": "The desk", "author_email": "desk@example.org", "body": "Thanks, all."},
    )
    latest = article.comments.latest("created_at")
    assert response["Location"] == f"/articles/talks/comments/?page=3#comment-{latest.pk}"
