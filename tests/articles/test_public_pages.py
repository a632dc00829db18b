import re
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import Article
from newsroom.demo import seed
from tests.articles.unpublished import unpublished_states
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    DelegationFactory,
    DelegationMemberFactory,
    ImageFactory,
    RatingFactory,
    SectionFactory,
    staff_member,
)
from tests.helpers import (
    ARTICLE_PAGE_QUERIES,
    ARTICLE_PAGE_QUERIES_KEPT,
    LISTING_PAGE_QUERIES,
    TAG_PAGE_QUERIES,
)
from tests.images import image_bytes

pytestmark = pytest.mark.django_db

SEED_FILE = Path(__file__).parent / "data" / "istanbul-peace-talks.txt"
SHARED_SEED_FILE = Path(__file__).resolve().parents[3] / "shared/seed/istanbul-peace-talks.txt"


def squash(text: str) -> str:
    return " ".join(text.replace("•", " ").split())


def page_text(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    # Like a reader's copy of the page: inline markup joins, source whitespace separates.
    return squash(soup.body.get_text())


def seed_lines() -> list[str]:
    lines = [squash(line) for line in SEED_FILE.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and line not in {"top of page", "bottom of page"}]


@pytest.mark.skipif(not SHARED_SEED_FILE.exists(), reason="shared seed not beside the checkout")
def test_seed_copy_matches_the_shared_seed():
    assert SEED_FILE.read_bytes() == SHARED_SEED_FILE.read_bytes()


def test_demo_article_page_holds_every_seed_line_in_order(client):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = client.get(f"/articles/{seed.SLUG}/")
    assert response.status_code == 200
    text = page_text(response)
    lines = seed_lines()
    assert len(lines) == 30
    position = 0
    for line in lines:
        found = text.find(line, position)
        assert found != -1, f"missing, or out of order: {line!r}"
        position = found + len(line)
    soup = BeautifulSoup(response.content, "html.parser")
    assert [h1.get_text(strip=True) for h1 in soup.find_all("h1")] == [seed.TITLE]


def test_home_lists_the_demo_article(client):
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = client.get("/")
    assert response.status_code == 200
    assert seed.TITLE in response.content.decode()
    assert f'href="/articles/{seed.SLUG}/"' in response.content.decode()


@unpublished_states
def test_unpublished_articles_do_not_leak(client, status, published_at):
    public = ArticleFactory(title="Public story", tags=["talks"])
    hidden = ArticleFactory(
        title="Embargoed story", status=status, published_at=published_at, tags=["talks"]
    )
    assert client.get(hidden.get_absolute_url()).status_code == 404
    for url in ("/", "/tags/talks/"):
        body = client.get(url).content.decode()
        assert public.title in body
        assert hidden.title not in body
        assert hidden.slug not in body


def test_scheduled_article_goes_live_when_its_time_comes(client):
    article = ArticleFactory(published_at=timezone.now() + timedelta(minutes=5))
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_tag_used_only_by_unpublished_articles_answers_404(client):
    ArticleFactory(status=Article.Status.DRAFT, tags=["secret-source"])
    assert client.get("/tags/secret-source/").status_code == 404
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_tag_page_lists_only_its_articles(client):
    tagged = ArticleFactory(title="About Istanbul", tags=["Istanbul"])
    other = ArticleFactory(title="About Geneva", tags=["Geneva"])
    body = client.get("/tags/istanbul/").content.decode()
    assert tagged.title in body
    assert other.title not in body


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e30", "999"])
def test_bad_page_numbers_answer_404_not_500(client, page):
    ArticleFactory()
    assert client.get(f"/?page={page}").status_code == 404


def test_home_paginates(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    articles = [
        ArticleFactory(published_at=timezone.now() - timedelta(hours=hours))
        for hours in range(1, 6)
    ]
    first = client.get("/").content.decode()
    third = client.get("/?page=3").content.decode()
    assert articles[0].title in first and articles[2].title not in first
    assert articles[4].title in third and "Page 3 of 3" in third


def test_article_page_shows_sections_delegations_tags_and_approved_comments(client):
    article = ArticleFactory(tags=["Diplomacy"])
    SectionFactory(article=article, kind="background", heading="", body="Talks *began*.")
    SectionFactory(article=article, kind="delegations", heading="", body="")
    delegation = DelegationFactory(article=article, party="Ukraine", notes="- Arrived early.")
    DelegationMemberFactory(
        delegation=delegation, name="Rustem Umerov", role="Defense Minister", is_head=True
    )
    CommentFactory(article=article, author_name="Visible reader", body="Approved words")
    for status in ("pending", "rejected", "spam"):
        CommentFactory(article=article, author_name=f"{status} reader", body=f"{status} words",
                       status=status)  # fmt: skip
    body = client.get(article.get_absolute_url()).content.decode()
    assert "<h2" in body and ">Background</h2>" in body
    assert "Talks <em>began</em>." in body
    assert "Ukraine:" in body and "Rustem Umerov" in body and "Head of delegation" in body
    assert 'href="/tags/diplomacy/"' in body
    assert "Approved words" in body
    for status in ("pending", "rejected", "spam"):
        assert f"{status} words" not in body


def test_delegations_show_even_without_a_delegations_section(client):
    article = ArticleFactory()
    SectionFactory(article=article, kind="background")
    DelegationFactory(article=article, party="Observers", notes="- Two envoys.")
    body = client.get(article.get_absolute_url()).content.decode()
    assert ">Delegations</h2>" in body and "Observers:" in body


def test_machine_readable_times_are_valid_html_datetimes(client):
    # HTML allows at most three digits of a second's fraction; Python keeps six.
    at = timezone.now().replace(microsecond=123456)
    article = ArticleFactory(published_at=at - timedelta(hours=1))
    CommentFactory(article=article)
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    values = [time["datetime"] for time in soup.find_all("time")]
    assert len(values) == 2
    for value in values:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", value), value


def test_reader_and_author_text_is_escaped(client):
    article = ArticleFactory(title="<script>alert('t')</script>", summary="<b>sum</b>")
    RatingFactory(article=article, why="<img src=x onerror=alert(1)>")
    CommentFactory(article=article, author_name="<svg onload=alert(2)>", body="<script>x</script>")
    body = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    assert "<img src=x" not in body and "<svg onload" not in body
    assert "<script>x</script>" not in body


def test_lead_image_is_a_responsive_figure_with_its_credit(client):
    image = ImageFactory(caption="Delegates arrive", credit="Jane Photographer")
    article = ArticleFactory(lead_image=image)
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    figure = soup.find("figure")
    source = figure.find("source")
    img = figure.find("img")
    assert source["type"] == "image/webp"
    assert re.fullmatch(r"(\S+ \d+w, )*\S+ \d+w", source["srcset"])
    assert img["srcset"].count("w,") >= 1 and img["sizes"]
    assert img["alt"] == image.alt_text
    caption = figure.find("figcaption").get_text()
    assert "Delegates arrive" in caption
    assert squash(image.credit_line) in squash(caption)


def page_queries(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("sections", "tags", "comments"), [(1, 1, 0), (30, 30, 60)])
def test_article_page_query_count_is_fixed(
    client, django_assert_num_queries, sections, tags, comments
):
    article = ArticleFactory(lead_image=ImageFactory(), tags=[f"tag {n}" for n in range(tags)])
    for _ in range(sections):
        SectionFactory(article=article)
    for _ in range(2):
        delegation = DelegationFactory(article=article)
        DelegationMemberFactory.create_batch(3, delegation=delegation)
    CommentFactory.create_batch(comments, article=article)
    RatingFactory(article=article)
    url = article.get_absolute_url()
    first = page_queries(client, url, django_assert_num_queries, ARTICLE_PAGE_QUERIES)
    again = page_queries(client, url, django_assert_num_queries, ARTICLE_PAGE_QUERIES_KEPT)
    for response in (first, again):
        soup = BeautifulSoup(response.content, "html.parser")
        assert len(soup.select(".article__body > .article-section")) == sections + 1  # delegations
        assert len(soup.select(".article__footer a")) == tags
        assert len(soup.select("#comments .comment")) == min(comments, 50)  # a page of them


def many_articles(count, tags_each=3):
    image = ImageFactory()
    return [
        ArticleFactory(lead_image=image, tags=["shared", *[f"t{n}-{i}" for i in range(tags_each)]])
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize(
    ("url", "expected"), [("/", LISTING_PAGE_QUERIES), ("/tags/shared/", TAG_PAGE_QUERIES)]
)
def test_listing_query_count_is_fixed(
    client, settings, django_assert_num_queries, url, expected, count
):
    settings.NEWSROOM_PAGE_SIZE = 50
    many_articles(count)
    response = page_queries(client, url, django_assert_num_queries, expected)
    assert len(response.context["articles"]) == count


def test_png_lead_image_falls_back_to_png(client):
    image = ImageFactory(file=ContentFile(image_bytes(fmt="PNG", mode="RGBA"), name="x.png"))
    article = ArticleFactory(lead_image=image)
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert soup.find("figure").find("img")["src"].endswith(".png")


@pytest.fixture
def no_page_cache(settings):
    # The default set-up, without Redis.
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0


@pytest.mark.parametrize("url", ["article", "/feeds/latest/", "/feeds/tags/talks/"])
def test_without_a_page_cache_article_and_feeds_answer_304(client, no_page_cache, url):
    article = ArticleFactory(tags=["talks"])
    CommentFactory(article=article)
    path = article.get_absolute_url() if url == "article" else url
    first = client.get(path)
    assert first.status_code == 200 and first["ETag"]
    assert client.get(path, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get(path, headers={"if-none-match": '"another"'}).status_code == 200


def test_without_a_page_cache_a_change_ends_the_304s(client, no_page_cache):
    from articles.comments import services as comment_services

    article = ArticleFactory(tags=["talks"])
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]
    comment = CommentFactory(article=article, status="pending", body="Arrived later.")
    comment_services.comment_approve(comment=comment, user=staff_member("Moderators"))
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200 and "Arrived later." in response.text
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    # Another address of the page (another order of its comments) has its own validator.
    newest = client.get(f"{url}?order=newest", headers={"if-none-match": response["ETag"]})
    assert newest.status_code == 200


def test_without_a_page_cache_a_reader_with_a_message_gets_the_page(client, no_page_cache):
    article = ArticleFactory()
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]
    client.post(
        f"{url}comments/",
        {"author_name": "Ayşe", "author_email": "ayse@example.org", "body": "A question."},
    )
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200 and "awaiting moderation" in response.text


def test_a_renamed_or_merged_tag_shows_on_the_kept_article_at_once(client, no_page_cache):
    from taggit.models import Tag

    article = ArticleFactory(tags=["talks", "istanbul"])
    url = article.get_absolute_url()
    assert "talks" in client.get(url).text  # its parts are kept from here on
    tag = Tag.objects.get(name="talks")
    tag.name = "peace talks"
    tag.save()
    assert "peace talks" in client.get(url).text
    editor = Client()
    editor.force_login(staff_member("Editors"))
    session = editor.session
    session["selected_tag_ids"] = ",".join(
        str(pk) for pk in Tag.objects.values_list("pk", flat=True)
    )
    session.save()
    editor.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Türkiye talks"})
    footer = BeautifulSoup(client.get(url).content, "html.parser").select_one(".article__footer")
    assert [a.get_text() for a in footer.select("a")] == ["Türkiye talks"]
