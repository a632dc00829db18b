"""Anonymous readers' pages come from the cache, and every change readers can see
shows on the very next request. Staff, previews and POSTs never touch it."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from django.utils.http import parse_http_date

from articles import page_cache, services
from articles.comments import services as comment_services
from articles.models import Article, Comment
from bias import services as bias_services
from tests.factories import (
    ArticleFactory,
    AssessmentFactory,
    CommentFactory,
    ImageFactory,
    RatingFactory,
    SectionFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    # One test process shares its local cache, as every server process shares Redis.
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600


S = Article.Status


@pytest.fixture
def editor():
    return staff_member("Editors", "editor")


@pytest.fixture
def story():
    article = ArticleFactory(title="Talks resume", tags=["talks"], lead_image=ImageFactory())
    SectionFactory(article=article, body="First paragraph.")
    RatingFactory(article=article)
    return article


def text(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_a_second_anonymous_request_is_served_without_a_query(
    client, story, django_assert_num_queries
):
    urls = [story.get_absolute_url(), "/", "/tags/talks/", "/bias/", "/?lean=center",
            "/search/?q=talks", "/feeds/latest/", "/feeds/tags/talks/"]  # fmt: skip
    for url in urls:
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200
        assert strip_tokens(second.content) == strip_tokens(first.content), url


def strip_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_publishing_shows_at_once(client, editor, story):
    client.get("/")
    article = ArticleFactory(status=S.IN_REVIEW, published_at=None, title="Fresh report")
    SectionFactory(article=article)
    RatingFactory(article=article)
    client.get("/feeds/latest/")
    services.article_transition(article=article, target=S.PUBLISHED, user=editor)
    assert "Fresh report" in text(client, "/")[1]
    assert "Fresh report" in text(client, "/feeds/latest/")[1]


def test_an_edit_shows_at_once(client, editor, story):
    client.get(story.get_absolute_url())
    story.title = "Talks resume, without Putin"
    services.article_save(article=story, user=editor, expected_version=story.version)
    section = story.sections.get()
    section.body = "A rewritten paragraph."
    section.save()
    status, body = text(client, story.get_absolute_url())
    assert "Talks resume, without Putin" in body and "A rewritten paragraph." in body


def test_a_withdrawal_shows_at_once(client, editor, story):
    client.get(story.get_absolute_url())
    client.get("/")
    services.article_transition(article=story, target=S.ARCHIVED, user=editor)
    assert client.get(story.get_absolute_url()).status_code == 404
    assert "Talks resume" not in text(client, "/")[1]
    assert client.get("/tags/talks/").status_code == 404


def test_a_rating_change_shows_at_once(client, editor, story):
    Article.objects.filter(pk=story.pk).update(status=S.IN_REVIEW)
    AssessmentFactory(article=story, direction="right", strength=2)
    Article.objects.filter(pk=story.pk).update(status=S.PUBLISHED)
    right_bar = 'data-position="2" data-count="1"'
    for url in [story.get_absolute_url(), "/"]:
        assert "Moderately Right-Leaning" not in text(client, url)[1]
    assert right_bar not in text(client, "/bias/")[1]
    bias_services.rating_publish(
        article=story,
        user=editor,
        direction="right",
        strength=2,
        why="Framing shifted.",
        panel_reason="One analyst read the new version.",
    )
    for url in [story.get_absolute_url(), "/"]:
        assert "Moderately Right-Leaning" in text(client, url)[1], url
    assert "previously Moderately Center-Leaning" in text(client, story.get_absolute_url())[1]
    assert right_bar in text(client, "/bias/")[1]


def test_a_comment_approval_and_take_down_show_at_once(client, story):
    moderator = staff_member("Moderators", "moderator")
    comment = CommentFactory(article=story, status=Comment.Status.PENDING, body="Worth a read.")
    assert "Worth a read." not in text(client, story.get_absolute_url())[1]
    comment_services.comment_approve(comment=comment, user=moderator)
    assert "Worth a read." in text(client, story.get_absolute_url())[1]
    comment_services.comment_reject(comment=comment, user=moderator)
    assert "Worth a read." not in text(client, story.get_absolute_url())[1]


def test_a_new_pending_comment_leaves_the_cache_alone(client, story, django_assert_num_queries):
    client.get(story.get_absolute_url())
    CommentFactory(article=story, status=Comment.Status.PENDING)
    with django_assert_num_queries(0):
        client.get(story.get_absolute_url())


def test_tag_and_image_changes_show_at_once(client, story):
    from taggit.models import Tag

    client.get(story.get_absolute_url())
    tag = Tag.objects.get(name="talks")
    tag.name = "peace talks"
    tag.save()
    image = story.lead_image
    image.credit = "Another Photographer"
    services.image_save(image=image, file_changed=False)
    body = text(client, story.get_absolute_url())[1]
    assert "peace talks" in body and "Another Photographer" in body
    assert "peace talks" in text(client, "/feeds/latest/")[1]


def test_a_scheduled_article_goes_live_on_time_through_a_warm_cache(client, editor, story):
    at = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)
    article = ArticleFactory(status=S.IN_REVIEW, published_at=None, title="Embargoed report")
    SectionFactory(article=article)
    RatingFactory(article=article, published_at=timezone.now() - timedelta(days=1))
    services.article_transition(article=article, target=S.PUBLISHED, user=editor, publish_at=at)
    with time_machine.travel(at - timedelta(minutes=5), tick=False):
        assert "Embargoed report" not in text(client, "/")[1]
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assert "Embargoed report" in text(client, "/")[1]
        assert client.get(article.get_absolute_url()).status_code == 200


def test_staff_neither_read_nor_fill_the_cache(client, story, django_assert_num_queries):
    staff = Client()
    staff.force_login(staff_member("Editors", "editor"))
    staff.get(story.get_absolute_url())
    anonymous = client.get(story.get_absolute_url())  # a miss: the staff visit filled nothing
    assert anonymous.status_code == 200
    # A write that bypasses every hook leaves the anonymous copy stale; staff see the truth.
    Article.objects.filter(pk=story.pk).update(title="Quietly changed")
    assert "Quietly changed" not in text(client, story.get_absolute_url())[1]
    assert "Quietly changed" in text(staff, story.get_absolute_url())[1]


def test_private_pages_are_never_cached(client, editor):
    draft = ArticleFactory(status=S.DRAFT, published_at=None, title="Secret draft")
    SectionFactory(article=draft)
    staff = Client()
    staff.force_login(editor)
    preview = staff.get(f"/admin/articles/article/{draft.pk}/preview/")
    assert preview.status_code == 200 and "Secret draft" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Secret draft" not in text(client, "/")[1]


def test_a_post_never_reads_the_cache(client, story):
    client.get(story.get_absolute_url())
    response = client.post(f"{story.get_absolute_url()}comments/", {"author_name": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_each_reader_gets_a_working_csrf_token_from_a_cached_page(story):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for reader in (first, second):
        page = reader.get(story.get_absolute_url()).content.decode()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
    assert tokens[0] != tokens[1]
    response = second.post(
        f"{story.get_absolute_url()}comments/",
        {"author_name": "Ayşe", "author_email": "a@example.org", "body": "Clear.",
         "csrfmiddlewaretoken": tokens[1]},
    )  # fmt: skip
    assert response.status_code == 302
    assert story.comments.get().body == "Clear."
    # The token is for the reader's own cookie: another reader's does not pass.
    assert first.post(
        f"{story.get_absolute_url()}comments/",
        {"author_name": "B", "author_email": "b@example.org", "body": "Hi.",
         "csrfmiddlewaretoken": tokens[1]},
    ).status_code == 403  # fmt: skip


def test_the_thank_you_message_is_shown_not_a_cached_page(client, story):
    client.get(story.get_absolute_url())
    response = client.post(
        f"{story.get_absolute_url()}comments/",
        {"author_name": "Ayşe", "author_email": "a@example.org", "body": "Clear."},
        follow=True,
    )
    assert "awaiting moderation" in response.content.decode()


@pytest.mark.parametrize("url", ["article", "/", "/tags/talks/", "/bias/"])
def test_pages_answer_conditional_gets_with_304(client, story, editor, url):
    url = story.get_absolute_url() if url == "article" else url
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200
    # A change that shows on every one of these pages: a new title and a new rating.
    story.title = "Talks resume, and stall"
    services.article_save(article=story, user=editor, expected_version=story.version)
    RatingFactory(article=story, direction="left", strength=1)
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 200 and again["ETag"] != etag
    # Within the same second as the earlier copy, a date alone cannot prove it current.
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 200


def test_hosts_get_their_own_copies(client, story, settings):
    settings.ALLOWED_HOSTS = ["news.example.org", "other.example.org"]
    a = client.get(story.get_absolute_url(), HTTP_HOST="news.example.org")
    b = client.get(story.get_absolute_url(), HTTP_HOST="other.example.org")
    assert a.status_code == b.status_code == 200
    assert client.get(story.get_absolute_url(), HTTP_HOST="evil.example.com").status_code == 400


def test_caching_can_be_turned_off(client, story, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    client.get("/")
    response = client.get("/")
    assert "ETag" not in response


def test_a_date_answers_304_unless_an_earlier_copy_went_out_in_its_second(client, story, editor):
    def edit(title):
        article = Article.objects.get(pk=story.pk)
        article.title = title
        services.article_save(article=article, user=editor, expected_version=article.version)

    with time_machine.travel(datetime(2030, 5, 1, 12, 0, 0, 100_000, tzinfo=UTC), tick=False):
        edit("Talks resume at noon")
        first = client.get("/")
    with time_machine.travel(datetime(2030, 5, 1, 12, 0, 5, tzinfo=UTC), tick=False):
        response = client.get("/", headers={"if-modified-since": first["Last-Modified"]})
        assert response.status_code == 304
        edit("Talks resume at five past")
        served = client.get("/")  # a copy goes out in this second
        edit("Changed in the same second")
        stale = client.get("/", headers={"if-modified-since": served["Last-Modified"]})
        assert stale.status_code == 200 and "Changed in the same second" in stale.text
        assert stale["Last-Modified"] == served["Last-Modified"]
        latest = client.get("/")
        assert client.get("/", headers={"if-none-match": latest["ETag"]}).status_code == 304


PUBLIC_PAGES = ["article", "/", "/tags/talks/", "/search/?q=talks", "/bias/", "/feeds/latest/",
                "/feeds/tags/talks/"]  # fmt: skip


def address(url, story):
    return story.get_absolute_url() if url == "article" else url


def stored_keys() -> int:
    """How many entries the shared cache holds (local memory, or Redis with REDIS_URL)."""
    backend = cache._cache
    return backend.get_client().dbsize() if hasattr(backend, "get_client") else len(backend)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_parameters_a_page_does_not_use_share_its_one_copy(
    client, story, url, django_assert_num_queries
):
    url = address(url, story)
    joiner = "&" if "?" in url else "?"
    first = client.get(url)
    keys = stored_keys()
    for n in range(20):
        with django_assert_num_queries(0):
            response = client.get(f"{url}{joiner}utm_source=feed{n}&fbclid={n}")
        assert response.status_code == 200
        assert strip_tokens(response.content) == strip_tokens(first.content)
    assert stored_keys() == keys


@pytest.mark.parametrize(
    ("variant", "same_as"),
    [("/?page=01", "/?page=1"), ("/?page=1", "/"), ("/?lean=", "/"), ("/?page=+2", "/?page=2"),
     ("/search/?q=talks++", "/search/?q=talks"), ("/search/?q=talks&lean=left", "/search/?q=talks"),
     ("/?lean=left&page=2", "/?page=2&lean=left"), ("/?page=2&page=3", "/?page=3"),
     pytest.param("/search/?q=" + "x" * 200 + "tail", "/search/?q=" + "x" * 200, id="long-q")],
)  # fmt: skip
def test_spellings_of_one_page_share_its_copy(
    client, settings, variant, same_as, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_SIZE = 1
    for hours in range(3):
        ArticleFactory(
            title=f"Talks, hour {hours}", published_at=timezone.now() - timedelta(hours=hours + 1)
        )
        RatingFactory(article=Article.objects.latest("pk"), direction="left", strength=1)
    first = client.get(same_as)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        response = client.get(variant)
    assert strip_tokens(response.content) == strip_tokens(first.content)


def test_a_reply_link_gets_its_own_copy_and_a_made_up_one_the_plain_page(
    client, story, django_assert_num_queries
):
    parent = CommentFactory(article=story, author_name="Maria")
    url = story.get_absolute_url()
    plain = client.get(url)
    reply = client.get(f"{url}?reply_to={parent.pk}")
    assert "Reply to Maria" in reply.text and "Reply to Maria" not in plain.text
    with django_assert_num_queries(0):
        for made_up in ("abc", "-1", f"0{parent.pk}x", "", "%00"):
            assert client.get(f"{url}?reply_to={made_up}")["ETag"] == plain["ETag"]
        assert client.get(f"{url}?reply_to=0{parent.pk}")["ETag"] == reply["ETag"]


def test_a_parameter_the_page_does_not_use_never_shows_on_it(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 1
    for hours in range(3):
        ArticleFactory(published_at=timezone.now() - timedelta(hours=hours + 1))
    page = client.get('/?page=2&utm_source="planted"&next=//evil.example').content.decode()
    assert 'href="?page=3"' in page and 'href="?page=1"' in page
    assert "planted" not in page and "evil.example" not in page


def test_a_session_cookie_of_no_one_is_served_the_readers_copy(
    client, story, settings, django_assert_max_num_queries
):
    first = client.get(story.get_absolute_url())
    for forged in ("x", "k" * 32):
        reader = Client()
        reader.cookies[settings.SESSION_COOKIE_NAME] = forged
        with django_assert_max_num_queries(1):  # looking the session up, and nothing else
            response = reader.get(story.get_absolute_url())
        assert response.status_code == 200 and response["ETag"] == first["ETag"]


def test_a_forged_messages_cookie_is_served_the_readers_copy(
    client, story, django_assert_num_queries
):
    first = client.get(story.get_absolute_url())
    reader = Client()
    reader.cookies[CookieStorage.cookie_name] = "forged"
    with django_assert_num_queries(0):
        response = reader.get(story.get_absolute_url())
    assert response.status_code == 200 and response["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", ["/", "/feeds/latest/"])
@pytest.mark.parametrize("validator", ["if-modified-since", "if-none-match"])
def test_a_scheduled_article_going_live_ends_the_304s(client, editor, story, url, validator):
    at = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)
    article = ArticleFactory(status=S.IN_REVIEW, published_at=None, title="Embargoed report")
    SectionFactory(article=article)
    RatingFactory(article=article, published_at=timezone.now() - timedelta(days=1))
    services.article_transition(article=article, target=S.PUBLISHED, user=editor, publish_at=at)
    with time_machine.travel(at - timedelta(minutes=5), tick=False):
        before = client.get(url)
        held = before["Last-Modified"] if validator == "if-modified-since" else before["ETag"]
        assert "Embargoed report" not in before.text
        assert client.get(url, headers={validator: held}).status_code == 304
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        after = client.get(url, headers={validator: held})
        assert after.status_code == 200 and "Embargoed report" in after.text
        assert parse_http_date(after["Last-Modified"]) >= at.timestamp()
        assert after["ETag"] != before["ETag"]
        again = after["Last-Modified"] if validator == "if-modified-since" else after["ETag"]
        assert client.get(url, headers={validator: again}).status_code == 304


@pytest.mark.parametrize("cache_seconds", [600, 0])
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_pages_rendered_for_staff_are_private(story, editor, settings, url, cache_seconds):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = cache_seconds
    staff = Client()
    staff.force_login(editor)
    response = staff.get(address(url, story))
    assert response.status_code == 200
    assert "private" in response.get("Cache-Control", "")


def test_a_reply_link_to_no_published_comment_goes_to_the_plain_page(client, story):
    from django.core.cache import cache

    parent = CommentFactory(article=story, author_name="Maria")
    hidden = CommentFactory(article=story, status="pending")
    url = story.get_absolute_url()
    client.get(url)
    client.get(f"{url}?reply_to={parent.pk}")
    keys = len(cache._cache)
    for made_up in (hidden.pk, 10**6, 10**6 + 1, 2**70):
        response = client.get(f"{url}?reply_to={made_up}")
        assert response.status_code == 302 and response["Location"] == f"{url}#comments"
    assert len(cache._cache) == keys


def test_a_comment_published_as_it_is_posted_shows_at_once(client, story):
    # A moderator's own comment (or a known commenter's) is approved by the rules as it is
    # stored, with no moderation step after it.
    moderator = staff_member("Moderators", "moderator")
    client.get(story.get_absolute_url())
    comment = comment_services.comment_create(
        article=story,
        author_name="The desk",
        author_email="desk@example.com",
        body="Corrected figures are in the Outlook.",
        user=moderator,
    )
    assert comment.status == Comment.Status.APPROVED
    assert "Corrected figures are in the Outlook." in text(client, story.get_absolute_url())[1]


def cached_hit(client, url, django_assert_num_queries) -> str:
    """The page, asserting that it came from the cache (no query at all)."""
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    return response.text


def test_a_comment_on_one_article_leaves_another_articles_page_cached(
    client, story, django_assert_num_queries
):
    moderator = staff_member("Moderators", "moderator")
    other = ArticleFactory(title="Harvest report")
    SectionFactory(article=other)
    RatingFactory(article=other)
    for url in (story.get_absolute_url(), other.get_absolute_url(), "/"):
        client.get(url)
    comment = CommentFactory(article=story, status=Comment.Status.PENDING, body="On the talks.")
    comment_services.comment_approve(comment=comment, user=moderator)
    cached_hit(client, other.get_absolute_url(), django_assert_num_queries)
    assert "On the talks." in text(client, story.get_absolute_url())[1]
    # The front page counts the story's comments: it shows the new count at once.
    assert "1 comment" in text(client, "/")[1]


def test_an_edit_of_one_article_leaves_another_articles_page_cached(
    client, story, editor, django_assert_num_queries
):
    other = ArticleFactory(title="Harvest report")
    client.get(other.get_absolute_url())
    client.get(story.get_absolute_url())
    edited = Article.objects.get(pk=story.pk)
    edited.title = "Talks resume, with a mediator"
    services.article_save(article=edited, user=editor, expected_version=edited.version)
    cached_hit(client, other.get_absolute_url(), django_assert_num_queries)
    assert "Talks resume, with a mediator" in text(client, story.get_absolute_url())[1]


def test_a_new_address_drops_the_old_one(client, story, editor):
    old_url = story.get_absolute_url()
    assert client.get(old_url).status_code == 200
    edited = Article.objects.get(pk=story.pk)
    edited.slug = "talks-resume-with-a-mediator"
    services.article_save(article=edited, user=editor, expected_version=edited.version)
    assert client.get(old_url).status_code == 404
    assert client.get("/articles/talks-resume-with-a-mediator/").status_code == 200


def test_a_change_made_while_a_page_renders_is_on_the_next_request(client, story, monkeypatch):
    # The page is filed under the versions read before it rendered: one rendered from
    # data that changed meanwhile is not served again.
    from articles import views
    from articles.page_cache import article_dependency

    render = views.render_article_page
    rendered = []

    def render_while_it_changes(request, article, **kwargs):
        response = render(request, article, **kwargs)
        if not rendered:
            page_cache.changed(article_dependency(article.slug))
        rendered.append(article.pk)
        return response

    monkeypatch.setattr(views, "render_article_page", render_while_it_changes)
    client.get(story.get_absolute_url())
    client.get(story.get_absolute_url())
    assert len(rendered) == 2
    client.get(story.get_absolute_url())
    assert len(rendered) == 2


def test_twenty_readers_missing_one_page_at_once_cause_one_render(rf):
    import threading

    from articles.page_cache import cache_page_for_readers

    renders = []
    started = threading.Barrier(20)

    @cache_page_for_readers(depends=lambda request: ["hot-page"])
    def hot_page(request):
        renders.append(1)
        time.sleep(0.3)
        return HttpResponse("<p>The hot story</p>")

    page_cache.changed("hot-page")
    bodies = []

    def read():
        request = rf.get("/hot/")
        request.user = AnonymousUser()
        started.wait()
        bodies.append(hot_page(request).content)

    readers = [threading.Thread(target=read) for _ in range(20)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert len(renders) == 1
    assert bodies == [b"<p>The hot story</p>"] * 20
